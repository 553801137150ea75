from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.errors import AccountError
from accounts.models import Role
from api.throttles import AuthAccountThrottle, AuthAddressThrottle, refusal_wait
from courses import selectors as course_selectors

from .access import is_academy_staff, is_teacher
from .forms import SignUpForm


def home(request):
    context = {"section": "home"}
    if request.user.is_authenticated and not is_teacher(request.user) and not is_academy_staff(request.user):
        context["overview"] = course_selectors.learner_overview(learner=request.user)[:3]
        context["due"] = course_selectors.learner_due(learner=request.user)
    return render(request, "frontend/home.html", context)


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def auth_refusal(request) -> int | None:
    """Sign-in and sign-up tries per address and per username tried, at the rate the API's auth endpoints
    allow: the seconds to wait when refused, else None."""
    if request.method != "POST":
        return None
    return refusal_wait(request, (AuthAddressThrottle(), AuthAccountThrottle()))


def too_many(response, wait: int):
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response


TOO_MANY = _lazy("Too many tries. Wait a minute and try again.")


def landing(user) -> str:
    """Where a sign-in lands without a `next`: a teacher, verified or not, on their classes ("My classes");
    everyone else on their home page."""
    if user.role == Role.TEACHER:
        return reverse("frontend:teach")
    return reverse("frontend:home")


class SignInView(auth_views.LoginView):
    template_name = "frontend/sign_in.html"

    def get_default_redirect_url(self):
        return landing(self.request.user)

    def post(self, request, *args, **kwargs):
        if (wait := auth_refusal(request)) is not None:
            # An unbound form: the refused try is not checked, so it tells nothing about the password.
            context = self.get_context_data(form=self.get_form_class()(request), throttled=TOO_MANY)
            return too_many(self.render_to_response(context), wait)
        return super().post(request, *args, **kwargs)


def sign_up(request):
    if (wait := auth_refusal(request)) is not None:
        return too_many(render(request, "frontend/sign_up.html", {
            "form": SignUpForm(), "title": _("Create your account"), "next": safe_next(request, ""),
            "throttled": TOO_MANY}), wait)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save()
        except AccountError as exc:  # a racing sign-up took the name or the address first
            form.add_error(exc.attr, exc.detail)
            return render(request, "frontend/sign_up.html", {"form": form, "title": _("Create your account"),
                                                             "next": safe_next(request, "")})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.info(request, _("We sent a link to %(email)s: follow it to confirm your address.")
                      % {"email": user.email})
        fallback = "frontend:teach" if is_teacher(user) else "frontend:catalogue"
        target = safe_next(request, "")
        return redirect(target) if target else redirect(fallback)
    return render(request, "frontend/sign_up.html", {"form": form, "title": _("Create your account"),
                                                     "next": safe_next(request, "")})

