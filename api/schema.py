"""OpenAPI schema glue: the bearer token scheme, and only /api/v1/ in the schema."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Token from POST /api/v1/auth/token/"}


def only_api_v1(endpoints, **kwargs):
    """Wagtail's admin API views are internal; the public schema is API v1 alone."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]
