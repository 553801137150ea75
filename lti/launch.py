"""The OIDC login initiation and the validation of a launch (LTI 1.3 core, section 5.1; IMS Security
Framework, section 5.1.3). A refused launch raises LaunchRefused before anything is written."""
import datetime
import secrets
import time
import urllib.parse

import jwt
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LoginState, Registration
from .platform import PlatformUnreachable, platform_key

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
VERSION = "1.3.0"

REASONS = {
    "no_registration": _("Parley does not know this LMS: its administrator has to register it first."),
    "bad_request": _("The LMS sent an incomplete login request."),
    "state": _("This launch has expired or was used already. Open Parley from the LMS again."),
    "cookie": _("This launch did not come back to the browser that started it. Open Parley from the LMS again."),
    "token": _("The LMS's message could not be read."),
    "signature": _("The LMS's message is not signed by a key of the registered LMS."),
    "keys_unreachable": _("The LMS's public keys could not be fetched. Try again in a moment."),
    "claims": _("The LMS's message is not addressed to Parley, or has expired."),
    "nonce": _("This launch was used already. Open Parley from the LMS again."),
    "deployment": _("This deployment of Parley is not registered. Ask your LMS administrator to add it."),
    "message": _("Parley does not answer this kind of LTI message."),
    "target": _("The content this link points to is not offered to this LMS."),
    "inactive": _("This LMS's registration is switched off."),
    "role": _("Parley could not set up your account for this launch."),
    "deep_link_role": _("Only the course's instructors pick content from Parley."),
}


class LaunchRefused(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def reason(self) -> str:
        return str(REASONS[self.code])


def _registration_for(issuer: str, client_id: str | None) -> Registration:
    rows = Registration.objects.filter(issuer=issuer, active=True)
    if client_id:
        rows = rows.filter(client_id=client_id)
    found = list(rows[:2])
    if len(found) != 1:  # without a client id, an issuer with two registrations is ambiguous
        raise LaunchRefused("no_registration")
    return found[0]


def login_initiate(*, params, launch_url: str) -> tuple[LoginState, str]:
    """Third-party initiated login: the platform names itself (iss), the user (login_hint) and where it
    will launch (target_link_uri). Returns the state row and the platform's authorization URL to go to."""
    issuer, login_hint, target = params.get("iss"), params.get("login_hint"), params.get("target_link_uri")
    if not issuer or not login_hint or not target or len(target) > 2000:
        raise LaunchRefused("bad_request")
    registration = _registration_for(issuer, params.get("client_id"))
    if not target.startswith(launch_url):
        raise LaunchRefused("bad_request")  # we launch only at our own launch URL
    LoginState.objects.filter(created_at__lt=timezone.now() - _state_lifetime()).delete()
    row = LoginState.objects.create(state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32),
                                    registration=registration, target_link_uri=target)
    query = {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
        "client_id": registration.client_id, "redirect_uri": launch_url, "login_hint": login_hint,
        "state": row.state, "nonce": row.nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in registration.auth_login_url else "?"
    return row, registration.auth_login_url + separator + urllib.parse.urlencode(query)


def _state_lifetime() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LTI_LOGIN_STATE_SECONDS)


def state_consume(state: str) -> LoginState:
    """The login's row, deleted so that the same state never serves twice (one DELETE decides between
    two concurrent posts of it)."""
    if not state or len(state) > 64:
        raise LaunchRefused("state")
    row = LoginState.objects.select_related("registration").filter(state=state).first()
    if row is None or not LoginState.objects.filter(pk=row.pk).delete()[0]:
        raise LaunchRefused("state")
    if row.created_at < timezone.now() - _state_lifetime():
        raise LaunchRefused("state")
    return row


def launch_validate(*, login: LoginState, id_token: str) -> dict:
    """The id_token's claims when it is a valid resource link launch (or deep linking request, with its
    settings' return URL and accepting ltiResourceLink items) for `login`'s registration: signed
    with RS256 by a key of the platform's JWKS, from its issuer, to our client id (aud, and azp when there
    are several audiences or one is given), not expired and issued lately, carrying the login's nonce,
    a registered deployment id, message type LtiResourceLinkRequest, version 1.3.0, a resource link and
    the target link URI the login named."""
    registration = login.registration
    if not registration.active:
        raise LaunchRefused("inactive")
    if not isinstance(id_token, str) or not id_token or len(id_token) > 64 * 1024:
        raise LaunchRefused("token")
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError:
        raise LaunchRefused("token")
    kid = header.get("kid")
    if header.get("alg") != "RS256" or not isinstance(kid, str) or not kid:
        raise LaunchRefused("signature")
    try:
        key = platform_key(registration, kid)
    except PlatformUnreachable:
        raise LaunchRefused("keys_unreachable")
    if key is None:
        raise LaunchRefused("signature")
    try:
        claims = jwt.decode(id_token, key, algorithms=["RS256"], audience=registration.client_id,
                            issuer=registration.issuer, leeway=settings.LTI_CLOCK_SKEW_SECONDS,
                            options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]})
    except jwt.InvalidSignatureError:
        raise LaunchRefused("signature")
    except jwt.PyJWTError:
        raise LaunchRefused("claims")
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != registration.client_id:
        raise LaunchRefused("claims")
    if not isinstance(claims["iat"], int | float) or claims["iat"] < time.time() - settings.LTI_TOKEN_MAX_AGE_SECONDS:
        raise LaunchRefused("claims")
    if not isinstance(claims["sub"], str) or not claims["sub"] or len(claims["sub"]) > 255:
        raise LaunchRefused("claims")
    if not secrets.compare_digest(str(claims["nonce"]), login.nonce):
        raise LaunchRefused("nonce")
    deployment = claims.get(LTI + "deployment_id")
    if not isinstance(deployment, str) or not registration.deployments.filter(deployment_id=deployment).exists():
        raise LaunchRefused("deployment")
    message_type = claims.get(LTI + "message_type")
    if message_type not in (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST) or claims.get(LTI + "version") != VERSION:
        raise LaunchRefused("message")
    if message_type == RESOURCE_LINK_REQUEST:
        link = claims.get(LTI + "resource_link")
        if not isinstance(link, dict) or not isinstance(link.get("id"), str) or not link["id"]:
            raise LaunchRefused("message")
        if claims.get(LTI + "target_link_uri") != login.target_link_uri:
            raise LaunchRefused("claims")
    else:
        settings_claim = claims.get(DEEP_LINKING_SETTINGS)
        return_url = settings_claim.get("deep_link_return_url") if isinstance(settings_claim, dict) else None
        if not isinstance(return_url, str) or not return_url.startswith(("https://", "http://")):
            raise LaunchRefused("message")
        if "ltiResourceLink" not in (settings_claim.get("accept_types") or []):
            raise LaunchRefused("message")
    roles = claims.get(LTI + "roles", [])
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise LaunchRefused("claims")
    return claims
