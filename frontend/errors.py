"""Error answers: the site's pages in its own layout, the API's JSON in the contract's error shape.

Django calls these for 400, 403, 404 and 500 while DEBUG is off (config/urls.py). Anything under
/api/ answers JSON, whatever the view that failed, so a client never parses an HTML page.

The 400 and 500 pages are rendered without the request: no session, user or database is read, so
they render when the request itself, the session store or the database is what failed.
"""
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import csrf_exempt

from api.errors import json_error
from api.errors import not_found as api_not_found
from api.errors import server_error as api_server_error

# Shown when even the error template cannot render (a broken template or static files setting).
LAST_RESORT = (b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parley</title></head>'
               b"<body><h1>Something went wrong</h1><p>Please try again in a moment.</p></body></html>")


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def _standalone(template: str, response_class) -> HttpResponse:
    try:
        return response_class(loader.get_template(template).render())
    except Exception:  # noqa: BLE001 - the page about an error must not raise one of its own
        return response_class(LAST_RESORT)


def bad_request(request, exception=None):
    if is_api(request):
        return json_error(400, "client_error", "bad_request", "The request could not be understood.")
    return _standalone("400.html", HttpResponseBadRequest)


def permission_denied(request, exception=None):
    if is_api(request):
        return json_error(403, "client_error", "permission_denied",
                          "You do not have permission to perform this action.")
    return render(request, "403.html", {"exception": str(exception or "")}, status=403)


@csrf_exempt  # an unknown address is a 404 for every method, not a CSRF refusal
def not_found(request, exception=None):
    if is_api(request):
        return api_not_found(request)
    return render(request, "404.html", status=404)


def server_error(request):
    if is_api(request):
        return api_server_error(request)
    return _standalone("500.html", HttpResponseServerError)
