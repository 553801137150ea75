"""Content-Security-Policy chosen by path.

Django's middleware sends one policy (SECURE_CSP) unless a view sets its own;
Wagtail's admin and the API docs are third-party views we cannot decorate, so
this picks the policy from the first matching prefix of
PARLEY_CSP_BY_PATH and falls back to SECURE_CSP (the site's strict one).
Why each relaxed policy is relaxed is written beside it in config/settings.py.
"""
from django.conf import settings
from django.middleware.csp import ContentSecurityPolicyMiddleware


class PathContentSecurityPolicyMiddleware(ContentSecurityPolicyMiddleware):
    def process_response(self, request, response):
        if not hasattr(response, "_csp_config"):
            for prefix, policy in settings.PARLEY_CSP_BY_PATH:
                if request.path.startswith(prefix):
                    response._csp_config = policy
                    break
        return super().process_response(request, response)
