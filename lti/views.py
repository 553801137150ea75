"""The tool's pages: its JWKS and configurations (public), registrations (academy staff and admins,
decided by courses.access.may_register_lti), the OIDC login initiation and the launch (lti/launch.py)."""
import urllib.parse

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import reauth
from accounts.errors import ServiceError
from accounts.models import Academy
from api.throttles import LtiLoginAddressThrottle, refusal_wait
from courses import access
from frontend.access import error_text
from frontend.views import TOO_MANY, auth_refusal, too_many

from . import registrations, scores
from .deep_linking import deep_link_answer, deep_link_check, deep_link_choices, deep_link_session
from .forms import DynamicRegistrationForm, ManualRegistrationForm, with_academies
from .frames import SESSION_KEY, frame_ancestors_allow, registration_origin
from .frames import origin_of as frames_origin
from .keys import tool_jwks
from .launch import DEEP_LINKING_REQUEST, LTI, LaunchRefused, launch_validate, login_initiate, state_consume
from .models import Registration, ScoreDelivery
from .services import deep_link_accept, launch_accept, lti_account_link, target_of


@require_GET
@cache_control(public=True, max_age=300)
def jwks(request):
    """The tool's public keys, the signing key and those retired within the grace period."""
    return JsonResponse(tool_jwks())


@require_GET
def canvas_config(request):
    """Canvas's "Paste JSON" / "Enter URL" configuration of a developer key (docs/lti.md)."""
    urls = registrations.tool_urls(request.build_absolute_uri)
    return JsonResponse({
        "title": "Parley",
        "description": _("Practise the craft of diplomacy: courses, lessons and scenario exercises."),
        "oidc_initiation_url": urls["login"],
        "target_link_uri": urls["launch"],
        "public_jwk_url": urls["jwks"],
        "scopes": registrations.SCOPES,
        "extensions": [{
            "domain": urls["domain"],
            "platform": "canvas.instructure.com",
            "privacy_level": "public",
            "settings": {"placements": [
                {"placement": "course_navigation", "message_type": "LtiResourceLinkRequest",
                 "target_link_uri": urls["launch"], "text": "Parley"},
                {"placement": "link_selection", "message_type": "LtiResourceLinkRequest",
                 "target_link_uri": urls["launch"], "text": "Parley"},
            ]},
        }],
        "custom_fields": {},
    })


def _registrable(request):
    ids = access.lti_registrable_academy_ids(request.user)
    if not ids:
        raise Http404  # a stranger who signed up finds no such page
    return Academy.objects.filter(pk__in=ids).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def registration_list(request):
    """The academies' LMS registrations and the form to add one by hand."""
    academies = _registrable(request)
    form = with_academies(ManualRegistrationForm(request.POST or None), academies)
    error = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                registrations.registration_create(
                    actor=request.user, academy_id=data["academy"], school=data["school"],
                    vouches_for_teachers=data["vouches_for_teachers"], issuer=data["issuer"],
                    client_id=data["client_id"], auth_login_url=data["auth_login_url"],
                    token_url=data["token_url"], jwks_url=data["jwks_url"], deployment_ids=data["deployment_ids"],
                    competencies_in_comment=data["competencies_in_comment"])
            except ServiceError as exc:
                error, status = error_text(exc), exc.status
            else:
                return redirect("lti:registrations")
        else:
            status = 400
    rows = (Registration.objects.filter(academy__in=academies).select_related("academy")
            .prefetch_related("deployments"))
    return render(request, "lti/registrations.html", {
        "form": form, "error": error, "registrations": rows,
        "urls": registrations.tool_urls(request.build_absolute_uri)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    """IMS LTI Dynamic Registration: the LMS opens this page (in a window or a frame) with
    `openid_configuration` and `registration_token`; staff choose the academy and school and confirm."""
    academies = _registrable(request)
    source = request.POST if request.method == "POST" else request.GET
    form = with_academies(DynamicRegistrationForm(
        source if request.method == "POST" else None,
        initial={"openid_configuration": source.get("openid_configuration", ""),
                 "registration_token": source.get("registration_token", "")}), academies)
    if request.method == "GET" and not source.get("openid_configuration"):
        return render(request, "lti/register.html", {"missing": True}, status=400)
    error, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration = registrations.registration_dynamic(
                    actor=request.user, academy_id=data["academy"], school=data["school"],
                    vouches_for_teachers=data["vouches_for_teachers"],
                    openid_configuration=data["openid_configuration"],
                    registration_token=data["registration_token"],
                    urls=registrations.tool_urls(request.build_absolute_uri),
                    competencies_in_comment=data["competencies_in_comment"])
            except ServiceError as exc:
                error, status = error_text(exc), exc.status
            else:
                return render(request, "lti/registered.html", {"registration": registration})
        else:
            status = 400
    return render(request, "lti/register.html", {"form": form, "error": error}, status=status)


# --- the OIDC login and the launch ---------------------------------------------------------

STATE_COOKIE = "lti_state_"
DEEP_LINK_KEY = "lti_deep_link"


def _cross_site_cookie(response, name, value, max_age, httponly=True):
    """A cookie the browser sends back in a cross-site frame and a cross-site POST: SameSite=None, which
    browsers accept only with Secure."""
    response.set_cookie(name, value, max_age=max_age, secure=True, httponly=httponly, samesite="None")


def _refused(request, error: LaunchRefused, status=403):
    return render(request, "lti/refused.html", {"reason": error.reason}, status=status)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def login(request):
    """OIDC third-party initiated login. Answers a page that goes on to the platform's authorization when
    the browser keeps our cookies in this frame, and offers a new window when it does not."""
    params = request.POST if request.method == "POST" else request.GET
    if (wait := refusal_wait(request, (LtiLoginAddressThrottle(),))) is not None:
        return too_many(render(request, "lti/refused.html", {"reason": TOO_MANY}, status=429), wait)
    try:
        row, auth_url = login_initiate(params=params, launch_url=request.build_absolute_uri(reverse("lti:launch")))
    except LaunchRefused as error:
        return _refused(request, error, status=400)
    new_window = request.build_absolute_uri(reverse("lti:login")) + "?" + urllib.parse.urlencode(
        {key: params[key] for key in ("iss", "login_hint", "target_link_uri", "lti_message_hint", "client_id",
                                      "lti_deployment_id") if params.get(key)})
    response = render(request, "lti/login.html", {"auth_url": auth_url, "new_window_url": new_window})
    response["Cache-Control"] = "no-store"
    _cross_site_cookie(response, STATE_COOKIE + row.state, "1", settings.LTI_LOGIN_STATE_SECONDS)
    _cross_site_cookie(response, "lti_cookie_check", "1", settings.LTI_LOGIN_STATE_SECONDS, httponly=False)
    frame_ancestors_allow(response, [registration_origin(row.registration)])
    return response


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request):
    """The resource link launch, a cross-site form post from the platform: CSRF-exempt, protected instead
    by the one-time state bound to this browser's cookie and by the signed id_token's nonce
    (docs/security.md). Signs the person in and opens the target page."""
    state = request.POST.get("state", "")
    try:
        row = state_consume(state)
        claims = launch_validate(login=row, id_token=request.POST.get("id_token", ""))
        if request.COOKIES.get(STATE_COOKIE + state) != "1":
            raise LaunchRefused("cookie")
        deep_link = claims[LTI + "message_type"] == DEEP_LINKING_REQUEST
        if deep_link:
            deep_link_check(claims)
            user, url = deep_link_accept(registration=row.registration, claims=claims), reverse("lti:deep-link")
        else:
            user, url = launch_accept(registration=row.registration, claims=claims)
    except LaunchRefused as error:
        return _refused(request, error)
    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    reauth.record(request.session)  # the LMS just signed for this person (an account without a password)
    if deep_link:
        request.session[DEEP_LINK_KEY] = deep_link_session(claims, row.registration)
    presentation = claims.get(LTI + "launch_presentation") or {}
    return_origin = frames_origin(str(presentation.get("return_url", "")))
    request.session[SESSION_KEY] = {"registration": row.registration_id,
                                    "origins": registration_origin(row.registration)
                                    + ([return_origin] if return_origin else []),
                                    "return_url": str(presentation.get("return_url", ""))[:2000]}
    response = redirect(url)
    response.delete_cookie(STATE_COOKIE + state, samesite="None")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def link(request):
    """An account the LMS made links itself to the person's full Parley account: they sign in with it here
    (throttled like the site's sign-in), and from then on their launches sign into it."""
    if request.user.has_usable_password() or not request.user.lti_accounts.exists():
        raise Http404
    form = AuthenticationForm(request, data=request.POST or None)
    error, status = None, 200
    if request.method == "POST":
        if (wait := auth_refusal(request)) is not None:
            return too_many(render(request, "lti/link.html", {"form": AuthenticationForm(request),
                                                              "error": TOO_MANY}), wait)
        if form.is_valid():
            try:
                lti_account_link(user=request.user, full_account=form.get_user())
            except ServiceError as exc:
                error, status = error_text(exc), exc.status
            else:
                lti_session = request.session.get(SESSION_KEY)
                auth_login(request, form.get_user(), backend="django.contrib.auth.backends.ModelBackend")
                if lti_session:
                    request.session[SESSION_KEY] = lti_session
                return redirect("frontend:home")
        else:
            status = 400
    return render(request, "lti/link.html", {"form": form, "error": error}, status=status)


# --- the teacher's view of the scores sent to the LMS ---------------------------------------


def _managed_class(request, class_id):
    from courses.models import SchoolClass

    school_class = SchoolClass.objects.filter(pk=int(class_id) if class_id.isdigit() and len(class_id) < 19
                                              else 0).first()
    if school_class is None or not access.may_manage_class(user=request.user, school_class=school_class):
        raise Http404  # like a missing class, to anyone who may not manage it
    return school_class


@login_required
@require_GET
def class_scores(request, class_id):
    """Each score of the class's LMS gradebook columns and its sync state; a failed one can be retried."""
    school_class = _managed_class(request, class_id)
    rows = (ScoreDelivery.objects.filter(line_item__context__school_class=school_class)
            .select_related("learner", "line_item__exercise").order_by("line_item_id", "learner_id"))
    return render(request, "lti/class_scores.html", {"school_class": school_class, "rows": rows})


@login_required
@require_POST
def score_retry(request, class_id, delivery_id):
    school_class = _managed_class(request, class_id)
    delivery = ScoreDelivery.objects.filter(
        pk=int(delivery_id) if delivery_id.isdigit() and len(delivery_id) < 19 else 0,
        line_item__context__school_class=school_class).first()
    if delivery is None:
        raise Http404
    scores.score_retry(delivery=delivery)
    return redirect("lti:class-scores", class_id=school_class.pk)


# --- Deep Linking 2.0: the instructor's pick -------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def deep_link(request):
    """The picker a deep linking request opens: the academy's courses, modules, lessons and exercises,
    and a due date for the assignment of the picked module to the class. Its answer posts the signed
    content items back to the LMS."""
    session = request.session.get(DEEP_LINK_KEY)
    if not isinstance(session, dict) or not access.is_teacher(request.user):
        raise Http404
    registration = Registration.objects.filter(pk=session["registration"], active=True).first()
    if registration is None:
        raise Http404
    error, status = None, 200
    if request.method == "POST":
        due_at, target = None, None
        try:
            target = target_of({LTI + "custom": {"target": request.POST.get("target", "")}})
            if request.POST.get("due"):
                import datetime

                day = datetime.date.fromisoformat(request.POST["due"])
                due_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))
        except (LaunchRefused, ValueError):
            error, status = _("Pick one course, module, lesson or exercise, and a due date as a day."), 400
        if target is not None and error is None:
            try:
                answer = deep_link_answer(session=session, target=target, teacher=request.user, due_at=due_at,
                                          launch_url=request.build_absolute_uri(reverse("lti:launch")))
            except LaunchRefused as refused:
                error, status = refused.reason, 400
            except ServiceError as exc:
                error, status = error_text(exc), exc.status
            else:
                del request.session[DEEP_LINK_KEY]
                response = render(request, "lti/deep_link_return.html", answer)
                response._lti_form_action = [frames_origin(answer["return_url"])]
                return response
        elif target is None and error is None:
            error, status = _("Pick one course, module, lesson or exercise, and a due date as a day."), 400
    return render(request, "lti/deep_link.html", {"tree": deep_link_choices(registration), "error": error},
                  status=status)
