"""The API's one error shape: {"type": ..., "errors": [{"code", "detail", "attr"}]}.

drf-standardized-errors formats DRF's own exceptions; domain errors from the
services carry their errors already and are rendered here the same way.
"""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_standardized_errors.handler import exception_handler as standardized_handler
from rest_framework.response import Response

from accounts.errors import ServiceError


def error_body(type_: str, code: str, detail: str, attr=None) -> dict:
    return {"type": type_, "errors": [{"code": code, "detail": detail, "attr": attr}]}


def exception_handler(exc, context):
    from django.db.utils import InterfaceError, OperationalError

    if isinstance(exc, OperationalError | InterfaceError) and "database is locked" not in str(exc):
        from .middleware import database_unavailable

        return database_unavailable()
    if isinstance(exc, RequestDataTooBig):
        # api.middleware answers first by Content-Length; this is for a body read some other way.
        return Response(error_body("client_error", "request_too_large",
                                   f"The body is over the limit of {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."),
                        status=413)
    if isinstance(exc, ServiceError):  # every app's services: translated here, once
        return Response({"type": exc.type, "errors": exc.errors}, status=exc.status)
    return standardized_handler(exc, context)


def json_error(status: int, type_: str, code: str, detail: str) -> JsonResponse:
    return JsonResponse(error_body(type_, code, detail), status=status)


@csrf_exempt  # an unknown route is a JSON 404 for every method, not a CSRF page
def not_found(request, exception=None):
    return json_error(404, "client_error", "not_found", "Not found.")


def server_error(request):
    return json_error(500, "server_error", "error", "A server error occurred.")
