"""Registering an LMS: by hand (academy staff or an admin fill in what the LMS shows them) or by IMS
LTI Dynamic Registration (the LMS hands us its OpenID configuration and a registration token; we post our
configuration to its registration endpoint and keep the client id it gives). Who may register is decided
in courses/access.py (`may_register_lti`)."""
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import Academy
from courses import access
from courses.errors import Conflict, CourseError, Forbidden

from .models import Deployment, Registration
from .platform import PlatformUnreachable, http_json

LTI_TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
LTI_PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]
FIELD_MAX = 255
_url = URLValidator(schemes=["https", "http"])


def tool_urls(build) -> dict:
    """The tool's addresses an LMS admin needs, absolute through `build` (request.build_absolute_uri)."""
    return {
        "login": build(reverse("lti:login")),
        "launch": build(reverse("lti:launch")),
        "jwks": build(reverse("lti:jwks")),
        "dynamic_registration": build(reverse("lti:register")),
        "canvas_configuration": build(reverse("lti:canvas-config")),
        "domain": build("/").split("://", 1)[1].rstrip("/"),
    }


def _deployment_ids(raw) -> list[str]:
    if isinstance(raw, str):
        raw = raw.replace(",", "\n").splitlines()
    ids = [item.strip() for item in (raw or []) if isinstance(item, str) and item.strip()]
    if any(len(item) > FIELD_MAX for item in ids):
        raise CourseError.single("invalid", gettext("A deployment id has at most 255 characters."), "deployment_ids")
    return list(dict.fromkeys(ids))


def _academy(actor, academy_id) -> Academy:
    academy = Academy.objects.filter(pk=academy_id if isinstance(academy_id, int) else 0).first()
    if academy is None or not access.may_register_lti(user=actor, academy_id=academy.pk):
        raise Forbidden.single("permission_denied",
                               gettext("Only the academy's staff and administrators register an LMS for it."))
    return academy


def _school(school) -> str:
    school = (school or "").strip() if isinstance(school, str) else ""
    if not school or len(school) > 200:
        raise CourseError.single("invalid", gettext("Name the school the LMS serves (1 to 200 characters)."),
                                 "school")
    return school


@transaction.atomic
def registration_create(*, actor, academy_id: int, school: str, vouches_for_teachers: bool, issuer: str,
                        client_id: str, auth_login_url: str, token_url: str, jwks_url: str,
                        deployment_ids, title: str = "", dynamic: bool = False,
                        competencies_in_comment: bool = False) -> Registration:
    """Register an LMS by hand. One registration per (issuer, client id): a second is a 409."""
    academy = _academy(actor, academy_id)
    school = _school(school)
    for name, value in (("issuer", issuer), ("client_id", client_id)):
        if not isinstance(value, str) or not value.strip() or len(value) > FIELD_MAX:
            raise CourseError.single("invalid", gettext("Required, at most 255 characters."), name)
    for name, value in (("auth_login_url", auth_login_url), ("token_url", token_url), ("jwks_url", jwks_url)):
        try:
            _url(value)
        except ValidationError:
            raise CourseError.single("invalid", gettext("Enter the LMS's http(s) address."), name)
    ids = _deployment_ids(deployment_ids)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                academy=academy, school=school, vouches_for_teachers=bool(vouches_for_teachers),
                competencies_in_comment=bool(competencies_in_comment),
                title=(title or "")[:200], issuer=issuer.strip(), client_id=client_id.strip(),
                auth_login_url=auth_login_url, token_url=token_url, jwks_url=jwks_url, created_by=actor,
                dynamic=dynamic)
    except IntegrityError:
        raise Conflict.single("registered", gettext("This LMS client is registered already."), "client_id")
    Deployment.objects.bulk_create([Deployment(registration=registration, deployment_id=i) for i in ids])
    return registration


def tool_configuration(urls: dict, *, title: str = "Parley") -> dict:
    """What Dynamic Registration posts to the platform: an OpenID client with LTI's tool configuration."""
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls["login"],
        "redirect_uris": [urls["launch"]],
        "client_name": title,
        "jwks_uri": urls["jwks"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        LTI_TOOL_CONFIGURATION: {
            "domain": urls["domain"],
            "target_link_uri": urls["launch"],
            "claims": ["iss", "sub", "name", "given_name", "family_name"],
            "messages": [{"type": "LtiResourceLinkRequest", "target_link_uri": urls["launch"]}],
        },
    }


def registration_dynamic(*, actor, academy_id: int, school: str, vouches_for_teachers: bool,
                         openid_configuration: str, registration_token: str, urls: dict,
                         competencies_in_comment: bool = False) -> Registration:
    """IMS LTI Dynamic Registration: read the platform's OpenID configuration (its issuer must be the
    prefix of the configuration's URL), post our configuration to its registration endpoint with the
    registration token, and keep the client id and deployment id it answers. Nothing is stored when
    any step fails (a 400 at `openid_configuration`)."""
    academy = _academy(actor, academy_id)
    school = _school(school)

    def refused(sentence):
        return CourseError.single("registration_failed", sentence, "openid_configuration")

    try:
        config = http_json(openid_configuration)
    except PlatformUnreachable:
        raise refused(gettext("The LMS's configuration could not be read."))
    issuer = config.get("issuer")
    endpoints = {name: config.get(name) for name in ("registration_endpoint", "jwks_uri", "authorization_endpoint",
                                                      "token_endpoint")}
    if (not isinstance(issuer, str) or not issuer or not openid_configuration.startswith(issuer)
            or not all(isinstance(v, str) and v.startswith(("https://", "http://")) for v in endpoints.values())):
        raise refused(gettext("The LMS's configuration is not a valid LTI platform configuration."))
    platform = config.get(LTI_PLATFORM_CONFIGURATION) or {}
    title = f"Parley ({academy.name})"
    try:
        answer = http_json(endpoints["registration_endpoint"], data=tool_configuration(urls, title=title),
                           bearer=registration_token or None)
    except PlatformUnreachable:
        raise refused(gettext("The LMS refused the registration."))
    client_id = answer.get("client_id")
    if not isinstance(client_id, str) or not client_id:
        raise refused(gettext("The LMS refused the registration."))
    deployment = (answer.get(LTI_TOOL_CONFIGURATION) or {}).get("deployment_id")
    return registration_create(
        actor=actor, academy_id=academy.pk, school=school, vouches_for_teachers=vouches_for_teachers,
        issuer=issuer, client_id=client_id, auth_login_url=endpoints["authorization_endpoint"],
        token_url=endpoints["token_endpoint"], jwks_url=endpoints["jwks_uri"],
        deployment_ids=[deployment] if isinstance(deployment, str) else [],
        title=str(platform.get("product_family_code", ""))[:200], dynamic=True,
        competencies_in_comment=competencies_in_comment)


@transaction.atomic
def registration_add_deployment(*, actor, registration: Registration, deployment_id: str) -> Deployment:
    if not access.may_register_lti(user=actor, academy_id=registration.academy_id):
        raise Forbidden.single("permission_denied",
                               gettext("Only the academy's staff and administrators register an LMS for it."))
    ids = _deployment_ids([deployment_id])
    if not ids:
        raise CourseError.single("invalid", gettext("Required, at most 255 characters."), "deployment_id")
    row, _ = Deployment.objects.get_or_create(registration=registration, deployment_id=ids[0])
    return row
