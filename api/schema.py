"""OpenAPI schema glue: the bearer token scheme, only /api/v1/ in the schema,
and the error answers every operation can give, in the one error shape.

drf-standardized-errors' AutoSchema documents errors only for views that use
its handler unchanged; ours wraps it (domain errors, 503 on a lost database)
and the services add codes of their own (`not_enrolled`, `attempt_limit`),
so the error bodies here name the shape and the `type` per status, and leave
`code` open.
"""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.views import APIView

from .serializers import errors as s

ERROR_DESCRIPTIONS = {
    400: "The input is invalid: one entry per problem, `attr` names the field (a path such as "
         "`steps[2].reply` inside documents), or the body is not JSON (`parse_error`).",
    401: "Not signed in, or the bearer token is malformed, expired or revoked.",
    403: "Signed in but not allowed: wrong role, not enrolled, or a session write without its CSRF token.",
    404: "No such record, or one the caller may not see (the same answer, so ids cannot be probed), "
         "or a page number past the end of a list.",
    405: "This path does not take that method.",
    406: "The Accept header asks for a type this operation cannot give.",
    409: "The request conflicts with the record's state (no attempts left, no refused whole paths left, "
         "attempt not in progress, exercise kind changed, ...).",
    413: "The body is larger than the server takes (2 MiB by default).",
    415: "The body is not `application/json`.",
    429: "Too many requests; `Retry-After` gives the seconds to wait.",
    500: "An unexpected server error.",
    503: "The database is unavailable; `Retry-After` gives the seconds to wait. Nothing was changed.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait before retrying"}}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def error_body(status: int):
    if status == 400:
        return s.ValidationErrorOut
    return s.ServerErrorOut if status >= 500 else s.ClientErrorOut


def error_responses(*statuses: int) -> dict:
    """Errors an operation gives beyond those AutoSchema works out, for `extend_schema(responses=...)`."""
    return {code: OpenApiResponse(error_body(code), description=ERROR_DESCRIPTIONS[code]) for code in statuses}


class AutoSchema(SpectacularAutoSchema):
    """Adds the error answers that follow from how the view is built."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        if direction != "response":
            return responses
        declared = {int(key) for key in responses if key.isdigit() and int(key) >= 400}
        for code in sorted(self._error_statuses() | declared):
            key = str(code)
            described = self._get_response_for_code(
                OpenApiResponse(error_body(code), description=ERROR_DESCRIPTIONS.get(code, "")), key,
                media_types=["application/json"], direction=direction)
            if key not in responses:
                responses[key] = described
            elif not responses[key].get("content"):  # declared with a description only: the body is the shape
                responses[key]["content"] = described["content"]
            if code in (429, 503):
                responses[key]["headers"] = RETRY_AFTER
        return dict(sorted(responses.items()))

    def _error_statuses(self) -> set[int]:
        view, method = self.view, self.method
        authenticators = view.get_authenticators()
        has_body = method in UNSAFE and self._get_request_body() is not None
        statuses = {500, 503}
        if type(view).perform_content_negotiation is APIView.perform_content_negotiation:
            statuses.add(406)  # an Accept header without JSON in it
        if has_body:
            statuses |= {400, 415}
        if method in UNSAFE:
            statuses.add(413)  # api.middleware refuses a body over the limit before any view reads it
        if authenticators:
            statuses.add(401)  # a bad token is refused even where anyone may read
        # IsAuthenticated refuses with 401 only; any other rule can refuse a signed-in caller.
        refuses = any(not isinstance(p, (AllowAny, IsAuthenticated)) for p in view.get_permissions())
        csrf = method in UNSAFE and any(isinstance(a, SessionAuthentication) for a in authenticators)
        if refuses or csrf:
            statuses.add(403)
        if "{" in self.path or (method == "GET" and self._get_paginator() and self._is_list_view()):
            statuses.add(404)
        if view.get_throttles():
            statuses.add(429)
        return statuses


def nullable_references(result, **kwargs):
    """Make `null` valid where a nested object may be null.

    drf-spectacular writes `{"allOf": [{"$ref": ...}], "nullable": true}`; OpenAPI 3.0.3 says
    `nullable` counts only beside a `type`, so strict validators refuse null there. `oneOf` the
    object or a null-only schema says the same thing unambiguously.
    """
    def fix(node):
        if isinstance(node, dict):
            if node.get("nullable") is True and "allOf" in node and "type" not in node:
                del node["nullable"]
                node["oneOf"] = [*node.pop("allOf"), {"type": "object", "nullable": True, "enum": [None]}]
            for value in node.values():
                fix(value)
        elif isinstance(node, list):
            for value in node:
                fix(value)

    fix(result)
    return result


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Token from POST /api/v1/auth/token/"}


def only_api_v1(endpoints, **kwargs):
    """Wagtail's admin API views are internal; the public schema is API v1 alone."""
    return [e for e in endpoints if e[0].startswith("/api/v1/")]
