"""Parley inside the LMS's frame. A session that began with a launch may be framed by its platform's
origins, and its session and CSRF cookies are sent as SameSite=None; Secure, or a browser would drop them
in the cross-site frame. Everyone else keeps the site's own policy (frame-ancestors 'self', SameSite=Lax).

LtiFrameMiddleware sits first in MIDDLEWARE, so it sees the answer after the CSP, session, CSRF and
X-Frame-Options middlewares wrote their headers and cookies, and adjusts them."""
import urllib.parse

from django.conf import settings

SESSION_KEY = "lti"


def origin_of(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url or "")
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def registration_origin(registration) -> list[str]:
    return [o for o in (origin_of(registration.issuer), origin_of(registration.auth_login_url)) if o]


def frame_ancestors_allow(response, origins) -> None:
    """Let these origins frame this one answer (the login page, in the platform's frame)."""
    flat = [o for group in origins for o in (group if isinstance(group, list) else [group]) if o]
    response._lti_frame_origins = sorted(set(getattr(response, "_lti_frame_origins", [])) | set(flat))


def _rewrite_csp(value: str, origins: list[str], form_action: list[str]) -> str:
    directives = [d.strip() for d in value.split(";") if d.strip()]
    out = []
    for directive in directives:
        if directive.startswith("frame-ancestors") and origins:
            directive = "frame-ancestors 'self' " + " ".join(origins)
        elif directive.startswith("form-action") and form_action:
            directive = "form-action 'self' " + " ".join(form_action)
        out.append(directive)
    return "; ".join(out)


class LtiFrameMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = list(getattr(response, "_lti_frame_origins", []))
        session = getattr(request, "session", None)
        lti = session.get(SESSION_KEY) if session is not None and not request.path.startswith("/api/") else None
        if isinstance(lti, dict):
            origins = sorted(set(origins) | set(lti.get("origins") or []))
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies and response.cookies[name].value:
                    response.cookies[name]["samesite"] = "None"
                    response.cookies[name]["secure"] = True
        # The deep linking answer posts its form to the LMS, which the site's form-action 'self' forbids.
        form_action = [o for o in getattr(response, "_lti_form_action", []) if o]
        if (origins or form_action) and "Content-Security-Policy" in response:
            response["Content-Security-Policy"] = _rewrite_csp(response["Content-Security-Policy"], origins,
                                                               form_action)
        if origins and "X-Frame-Options" in response:
            del response["X-Frame-Options"]
        return response
