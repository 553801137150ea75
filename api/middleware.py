"""Answers the edges of the API in the error shape, before a view runs, and 503 when the
database cannot be reached.

RequestLimitsMiddleware: a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (by its
Content-Length) answers 413 unread, and OPTIONS is answered from the route
alone: the methods its view has, the same for everyone, with no view code run
(DRF's own answer describes serializers, and failed on views without one).

DatabaseUnavailableMiddleware: 503 in the error shape when the database
cannot be reached. The connection is closed so the next request reconnects:
the process recovers by itself once the database is back.

An API write runs in one transaction that is rolled back when the answer is
a server error: a connection dropped between two statements of a request
(a class membership and its enrolments, a completion and the activity
stamp) leaves nothing half written, and the client can simply retry.
"""
from django.conf import settings
from django.db import connections, transaction
from django.db.utils import InterfaceError, OperationalError
from django.http import JsonResponse
from django.urls import Resolver404, resolve

from .errors import json_error, not_found

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
API_PREFIX = "/api/"


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            return options_answer(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and _content_length(request) > limit:
            return body_too_large(limit)
        return self.get_response(request)


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it: no body


def body_too_large(limit: int) -> JsonResponse:
    return json_error(413, "client_error", "request_too_large", f"The body is over the limit of {limit} bytes.")


def options_answer(request):
    """200 with the methods of the route's view (also in `Allow`); the JSON 404 for no route."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return not_found(request)
    view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    if view_class is None:
        return not_found(request)  # the catch-all JSON 404 is the only function view under /api/
    names = [name for name in view_class.http_method_names if name != "options" and hasattr(view_class, name)]
    if "get" in names and "head" not in names:
        names.append("head")  # Django answers HEAD with the GET handler
    methods = sorted(name.upper() for name in [*names, "options"])
    response = JsonResponse({"methods": methods})
    response["Allow"] = ", ".join(methods)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500:
                    transaction.set_rollback(True)
        except (OperationalError, InterfaceError) as exc:
            # BEGIN or COMMIT met a dropped connection. A failed COMMIT may or may
            # not have landed; a retry with the same Idempotency-Key is safe either way.
            if _is_lock(exc):
                raise
            return database_unavailable()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, OperationalError | InterfaceError) and not _is_lock(exception):
            return database_unavailable()
        return None


def database_unavailable():
    """503 in the error shape; drop broken connections so the next request reconnects."""
    for conn in connections.all(initialized_only=True):
        try:
            if not conn.is_usable():
                conn.close()
        except Exception:  # noqa: BLE001 - closing a dead connection may fail too
            pass
    response = json_error(503, "server_error", "database_unavailable",
                          "The database is unavailable; try again shortly.")
    response["Retry-After"] = "5"
    return response


def _is_lock(exception) -> bool:
    return "database is locked" in str(exception)
