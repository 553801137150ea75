"""Every way in, with the same locks: the CMS and Django admin sign-in doors, password reset and
email verification.

- `/cms/login/` and `/django-admin/login/` (routed here in config/urls.py, before the admins' own
  URLs) count each try per address and per username in the same buckets as the site's sign-in and
  the API's token endpoint, and refuse accounts without access to that admin exactly like a wrong
  password (accounts/forms.py). A signed-in account without access is sent to the site.
- Password reset is the site's alone (Wagtail's is off, the Django admin has none): limited per
  address and per email asked for, and its answer is the same whether or not the address has an
  account. Setting the new password ends every other sign-in (accounts.models.User.save).
- Verification links: following one verifies the address (audited); asking for a new one is limited
  like a reset and answers the same for any address.
"""
from django.contrib import admin, messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.views.account import LoginView as WagtailLoginView

from accounts import audit, services
from accounts.errors import AccountError
from accounts.forms import may_use_cms, may_use_django_admin
from api.throttles import AuthAddressThrottle, AuthEmailThrottle, refusal_wait

from .forms import ResendVerificationForm, SitePasswordResetForm
from .views import TOO_MANY, auth_refusal, too_many


def _refused(request, back: str, wait: int):
    """The page of a refused try: it checks nothing, so it tells nothing about the account."""
    return too_many(render(request, "frontend/too_many.html", {"message": TOO_MANY, "back": back}), wait)


def _to_the_site(request):
    # The admin left its own "no permission" message for its sign-in page; the site says it its way.
    list(messages.get_messages(request))
    messages.info(request, _("The CMS and the admin are for academy staff. Everything else is here."))
    return redirect("frontend:home")


class CmsLoginView(WagtailLoginView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_use_cms(request.user):
            return _to_the_site(request)
        if (wait := auth_refusal(request)) is not None:
            return _refused(request, request.get_full_path(), wait)
        return super().dispatch(request, *args, **kwargs)


def django_admin_login(request):
    if request.user.is_authenticated and not may_use_django_admin(request.user):
        return _to_the_site(request)
    if (wait := auth_refusal(request)) is not None:
        return _refused(request, request.get_full_path(), wait)
    return admin.site.login(request)


# --- password reset -----------------------------------------------------------------------------


def _reset_refusal(request) -> int | None:
    if request.method != "POST":
        return None
    return refusal_wait(request, (AuthAddressThrottle(), AuthEmailThrottle()))


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "frontend/password_reset.html"
    form_class = SitePasswordResetForm
    success_url = reverse_lazy("frontend:password-reset-done")

    def post(self, request, *args, **kwargs):
        if (wait := _reset_refusal(request)) is not None:
            return _refused(request, request.get_full_path(), wait)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "frontend/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "frontend/password_reset_confirm.html"
    success_url = reverse_lazy("frontend:password-reset-complete")

    def form_valid(self, form):
        # Whoever holds the link proved they read the account's mail: the change is theirs.
        audit.changed_by(form.user, form.user, audit.client_ip(self.request))
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "frontend/password_reset_complete.html"


# --- email verification -------------------------------------------------------------------------


def verify_email(request, token: str):
    try:
        services.email_verify(token=token, ip=audit.client_ip(request))
    except AccountError as exc:
        return render(request, "frontend/verify_email.html", {
            "failed": True, "expired": exc.code == "expired", "form": ResendVerificationForm()}, status=400)
    messages.success(request, _("Thank you: your email address is confirmed."))
    return redirect("frontend:account" if request.user.is_authenticated else "frontend:sign-in")


@require_http_methods(["GET", "POST"])
def verify_email_resend(request):
    if (wait := _reset_refusal(request)) is not None:
        return _refused(request, reverse("frontend:verify-email-resend"), wait)
    initial = {"email": request.user.email} if request.user.is_authenticated else {}
    form = ResendVerificationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.email_verification_resend(email=form.cleaned_data["email"], language=translation.get_language())
        return render(request, "frontend/verify_email.html", {"sent": True})
    return render(request, "frontend/verify_email.html", {"form": form}, status=400 if form.errors else 200)
