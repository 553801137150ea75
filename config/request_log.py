"""One log line per request, with the request id that every line of the request carries.

django-structlog's middleware binds `request_id` (and `user_id`) to the log context and logs
`request_finished` with the status code. Here:

- The id is the caller's `X-Request-ID` when it is a short string of safe characters (a proxy or a
  client that names its requests can find them in our lines), else a new UUID; the answer carries
  it back in `X-Request-ID`. A task published during the request carries it to the worker.
- The request line is the method and the path without its query string, and the values of path
  parts that are credentials (the token of a password reset or verification link) are replaced.
"""
import re

import structlog
from django.urls import Resolver404, resolve
from django_structlog import signals
from django_structlog.middlewares import RequestMiddleware

from .logs import REDACTED, SECRET_KEYS

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
HEADER = "X-Request-ID"
# URL parameters that are credentials: `token`s by SECRET_KEYS, and the password reset's user part.
SECRET_PARAMETERS = re.compile(SECRET_KEYS.pattern + r"|uidb64", re.IGNORECASE)


def loggable_path(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return request.path
    secrets = {str(value) for name, value in match.kwargs.items() if value and SECRET_PARAMETERS.search(name)}
    return "/".join(REDACTED if part in secrets else part for part in request.path.split("/"))


class RequestLogMiddleware(RequestMiddleware):
    @staticmethod
    def format_request(request) -> str:
        return f"{request.method} {loggable_path(request)}"


def _bind_request_id(sender, request, **_):
    given = request.headers.get(HEADER, "")
    if REQUEST_ID.fullmatch(given):
        structlog.contextvars.bind_contextvars(request_id=given)
    request.request_id = structlog.contextvars.get_contextvars().get("request_id", "")


def _echo_request_id(sender, request, response, **_):
    if getattr(request, "request_id", ""):
        response[HEADER] = request.request_id


signals.bind_extra_request_metadata.connect(_bind_request_id, dispatch_uid="parley-request-id")
signals.bind_extra_request_finished_metadata.connect(_echo_request_id, dispatch_uid="parley-request-id-echo")
signals.update_failure_response.connect(_echo_request_id, dispatch_uid="parley-request-id-echo-failed")
