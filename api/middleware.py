"""Answers 503 in the error shape when the database cannot be reached.

The connection is closed so the next request reconnects: the process
recovers by itself once the database is back.
"""
from django.db import connections
from django.db.utils import InterfaceError, OperationalError

from .errors import json_error


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

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
