"""The project's URLs and error handlers, plus views that fail, for tests/frontend/test_error_pages.py."""
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as project_urls


def site_view_that_raises(request):
    raise RuntimeError("a bug in a site page")


def api_function_view_that_raises(request):
    raise RuntimeError("a bug in a plain view under /api/")


class ApiViewThatRaises(APIView):
    authentication_classes = permission_classes = ()

    def get(self, request):
        raise RuntimeError("a bug in an API view")


def suspicious(request):
    raise SuspiciousOperation("a tampered request")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("broken/", site_view_that_raises),
    path("broken/suspicious/", suspicious),
    path("broken/forbidden/", forbidden),
    path("api/v1/broken/plain/", api_function_view_that_raises),
    path("api/v1/broken/drf/", ApiViewThatRaises.as_view()),
    path("api/v1/broken/suspicious/", suspicious),
    path("api/v1/broken/forbidden/", forbidden),
    *project_urls,
]

__all__ = ["urlpatterns", "handler400", "handler403", "handler404", "handler500"]
