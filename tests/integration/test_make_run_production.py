"""`make run` behaves like production (issue 20, finding 18): its preparation and its supervisor,
as the Makefile runs them, serve with DEBUG off, the demo loaded, static files from whitenoise, the
site's own 404 page (not Django's technical page listing every URL pattern) and JSON under /api/."""
import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from .. import workers
from ..workers import ROOT
from .conftest import restore_wagtail_base_rows
from .supervisor import running_supervisor

pytestmark = [pytest.mark.worker]


def answer(url: str, opener=None, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


@pytest.fixture
def served(transactional_db, tmp_path):
    restore_wagtail_base_rows()
    var_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_FILE_BROKER_DIR", "DEBUG", "REDIS_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "PARLEY_VAR_DIR": str(var_dir),
                "DATABASE_URL": workers.test_database_url(), "CELERY_BROKER_URL": "filesystem://"})
    # The Makefile's step before serving: static files and the demo, under the settings it serves with.
    prepared = subprocess.run([sys.executable, "-m", "config.run", "prepare"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
    assert prepared.returncode == 0, prepared.stdout[-2000:] + prepared.stderr[-2000:]
    with running_supervisor(var_dir) as run:
        yield run, var_dir


def test_make_run_serves_as_production_with_the_demo(served):
    """One start (the demo load and the static files take half a minute), each answer checked."""
    run, var_dir = served

    # The site's 404 page, not Django's technical page listing the URL patterns (DEBUG is off).
    status, kind, page = answer(f"{run.base}/no-such-page/")
    assert status == 404 and kind.startswith("text/html")
    assert '<header class="site-header">' in page and "Page not found" in page
    assert "URLconf" not in page and "django-admin/" not in page

    # The API's 404 in the contract's error shape.
    status, kind, body = answer(f"{run.base}/api/v1/no-such-endpoint/")
    assert (status, kind) == (404, "application/json")
    assert json.loads(body) == {"type": "client_error",
                                "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}]}

    # Static files from whitenoise.
    status, kind, _ = answer(f"{run.base}/static/frontend/site.css")
    assert (status, kind.split(";")[0]) == (200, "text/css")

    # The installation's secret key, for its owner only.
    secret = var_dir / "secret_key"
    assert len(secret.read_text().strip()) >= 50
    assert secret.stat().st_mode & 0o077 == 0

    # The demo, and a demo login that signs in over plain HTTP (session and CSRF cookies not HTTPS-only).
    assert run.said("Demo logins (demo mode only):")
    logins = {row["username"]: row["password"] for row in json.loads((var_dir / "demo-logins.json").read_text())}
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    _, _, form = answer(f"{run.base}/sign-in/", opener)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "demo-student",
                                   "password": logins["demo-student"]}).encode()
    answer(f"{run.base}/sign-in/", opener, body, {"Referer": f"{run.base}/sign-in/"})
    status, _, me = answer(f"{run.base}/api/v1/me/", opener)
    assert status == 200 and json.loads(me)["username"] == "demo-student"
