"""The signed-in person's account page: their details, their password, "Sign out everywhere",
"Download my data", and deleting the account.

Each calls the service the API uses (accounts.services, accounts.privacy); the download is the
same JSON as GET /api/v1/me/export/. A new password ends every other sign-in and keeps this one.
"""
from django import forms
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import audit, privacy, reauth, services
from accounts.errors import ServiceError
from api.throttles import AuthAddressThrottle, PasswordCheckThrottle, refusal_wait

from .access import error_text
from .notices import preferences_form
from .views import TOO_MANY, too_many


class EmailChangeForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("New email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label=gettext_lazy("Your current password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(label=gettext_lazy("I understand that my account cannot be restored."))


class ConfirmDeleteForm(forms.Form):
    """For an account without a password (an LMS made it): the recent launch proves the person."""
    confirm = forms.BooleanField(label=gettext_lazy("I understand that my account cannot be restored."))


def _delete_form(user, data=None):
    return DeleteAccountForm(data) if user.has_usable_password() else ConfirmDeleteForm(data)


def _page(request, form, status=200, **extra):
    return render(request, "frontend/account.html", {
        "section": "account", "form": form, "password_form": extra.pop("password_form", None)
        or PasswordChangeForm(request.user), "email_form": extra.pop("email_form", None) or EmailChangeForm(),
        "may_delete": request.user.role in privacy.SELF_DELETING_ROLES and not request.user.is_superuser
        and not request.user.is_staff, "preferences_form": preferences_form(request.user),
        "without_password": not request.user.has_usable_password(), **extra}, status=status)


@login_required
def account(request):
    return _page(request, _delete_form(request.user))


@login_required
def account_export(request):
    body = privacy.user_export(user=request.user)
    response = JsonResponse(body, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="parley-data-{timezone.localdate():%Y-%m-%d}.json"'
    return response


@require_POST
@login_required
def account_delete(request):
    if (wait := refusal_wait(request, (AuthAddressThrottle(), PasswordCheckThrottle()))) is not None:
        return too_many(_page(request, _delete_form(request.user), throttled=TOO_MANY), wait)
    form = _delete_form(request.user, request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        privacy.account_delete(user=request.user, password=form.cleaned_data.get("password", ""),
                               proven_recently=reauth.is_recent(request.session))
    except ServiceError as exc:
        if exc.code == "wrong_password":
            form.add_error("password", _("That password is not right."))
        elif exc.code == "not_recently_proven":
            form.add_error(None, error_text(exc))
        else:
            form.add_error(None, _("Academy staff and administrator accounts are closed by an administrator."))
        return _page(request, form, status=400)
    logout(request)
    messages.success(request, _("Your account has been deleted. Thank you for learning with Parley."))
    return redirect("frontend:home")


@login_required
def password_change(request):
    """The current password proves it is the person (limited per account like sign-in); the new one
    ends every other session and every token, and this session stays signed in."""
    if request.method == "POST":
        if (wait := refusal_wait(request, (AuthAddressThrottle(), PasswordCheckThrottle()))) is not None:
            return too_many(_page(request, _delete_form(request.user), throttled_password=TOO_MANY), wait)
        form = PasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            audit.changed_by(form.user, request.user, audit.client_ip(request))
            form.save()
            update_session_auth_hash(request, form.user)
            messages.success(request, _("Your password is changed. You were signed out on every other device."))
            return redirect("frontend:account")
        return _page(request, _delete_form(request.user), status=400, password_form=form)
    return redirect("frontend:account")


@login_required
def email_change(request):
    """A new address, proved by the current password (limited per account like sign-in): it stays
    unconfirmed until the link mailed to it is followed (accounts.services.user_change_email)."""
    if request.method != "POST":
        return redirect("frontend:account")
    if (wait := refusal_wait(request, (AuthAddressThrottle(), PasswordCheckThrottle()))) is not None:
        return too_many(_page(request, _delete_form(request.user), throttled_email=TOO_MANY), wait)
    form = EmailChangeForm(request.POST)
    if form.is_valid():
        try:
            user = services.user_change_email(user=request.user, password=form.cleaned_data["password"],
                                              email=form.cleaned_data["email"], language=translation.get_language())
        except ServiceError as exc:
            form.add_error("password" if exc.attr == "password" else "email", error_text(exc))
        else:
            messages.success(request, _("Your email address is now %(email)s. We sent a link to it: follow it to "
                                        "confirm the address.") % {"email": user.email})
            return redirect("frontend:account")
    return _page(request, _delete_form(request.user), status=400, email_form=form)


@require_POST
@login_required
def sign_out_everywhere(request):
    services.user_sign_out_everywhere(user=request.user, ip=audit.client_ip(request))
    logout(request)
    messages.success(request, _("You are signed out on every device, this one too."))
    return redirect("frontend:sign-in")


@require_POST
@login_required
def resend_verification(request):
    if (wait := refusal_wait(request, (AuthAddressThrottle(), PasswordCheckThrottle()))) is not None:
        return too_many(_page(request, _delete_form(request.user), throttled=TOO_MANY), wait)
    services.email_verification_send(user=request.user, language=translation.get_language())
    messages.info(request, _("We sent a new link to %(email)s.") % {"email": request.user.email})
    return redirect("frontend:account")
