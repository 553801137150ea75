"""Production settings (DEBUG off, the variables of README "Production settings"), loaded in a
subprocess as a deployment would load them: cookies secure, the session cookie HttpOnly, both
SameSite; HSTS set from the environment. (`check --deploy` with the same variables: tests/test_configuration.py.)"""
import json
import os
import subprocess
import sys

from ..test_configuration import PRODUCTION, ROOT

# Runs inside the subprocess: real middleware on real requests, nothing from the test settings.
PROBE = r"""
import json
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory

def cookie(morsel):
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]), "samesite": morsel["samesite"]}

client = Client(HTTP_HOST="parley.example.org")
page = client.get("/sign-in/", secure=True)
csrf = page.cookies[settings.CSRF_COOKIE_NAME]

# The session cookie as SessionMiddleware writes it after a sign-in (the store's save is skipped:
# no database here, and the cookie's flags come from the settings alone).
request = RequestFactory().get("/", secure=True)
def respond(request):
    from django.http import HttpResponse
    request.session["signed_in"] = True
    request.session.save = lambda must_create=False: setattr(request.session, "_session_key", "k" * 32)
    return HttpResponse()
middleware = SessionMiddleware(respond)
session = middleware(request).cookies[settings.SESSION_COOKIE_NAME]

plain = Client(HTTP_HOST="parley.example.org").get("/sign-in/")
print(json.dumps({
    "status": page.status_code,
    "csrf": cookie(csrf),
    "session": cookie(session),
    "hsts": page.get("Strict-Transport-Security"),
    "redirect": [plain.status_code, plain.get("Location")],
    "csp": page.get("Content-Security-Policy"),
}))
"""


def probe(**env) -> dict:
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")}
    full_env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **PRODUCTION, **env})
    result = subprocess.run([sys.executable, "manage.py", "shell", "--no-imports", "-c", PROBE], cwd=ROOT,
                            env=full_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_httponly_and_samesite():
    found = probe()
    assert found["status"] == 200
    assert found["session"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    # The CSRF cookie is read by the site's script (api.js sends it back as X-CSRFToken), so it is
    # not HttpOnly; it is secure and SameSite.
    assert found["csrf"] == {"secure": True, "httponly": False, "samesite": "Lax"}
    assert "script-src 'self'" in found["csp"]


def test_production_redirects_plain_http_and_sends_hsts_from_the_environment():
    found = probe()
    assert found["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert found["redirect"] == [301, "https://parley.example.org/sign-in/"]
    shorter = probe(SECURE_HSTS_SECONDS="3600", SECURE_HSTS_PRELOAD="false", SECURE_HSTS_INCLUDE_SUBDOMAINS="false")
    assert shorter["hsts"] == "max-age=3600"
    assert probe(SECURE_HSTS_SECONDS="0")["hsts"] is None


