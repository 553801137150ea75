"""Answers 503 in the error shape when the database cannot be reached.

The connection is closed so the next request reconnects: the process
recovers by itself once the database is back.

An API write runs in one transaction that is rolled back when the answer is
a server error: a connection dropped between two statements of a request
(a class membership and its enrolments, a completion and the activity
stamp) leaves nothing half written, and the client can simply retry.
"""
from django.db import connections, transaction
from django.db.utils import InterfaceError, OperationalError

from .errors import json_error

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in SAFE_METHODS or not request.path.startswith("/api/"):
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
