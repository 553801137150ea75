"""Security headers on the site, the API, the API docs and the admin; the policy each one gets;
and a guard that no site template brings back what the strict policy refuses."""
import re
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Role

from ..factories import make_user

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "frontend" / "templates"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


@pytest.fixture
def admin_client():
    admin = make_user(Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("url", ["/", "/courses/", "/sign-in/", "/api/v1/courses/", "/api/v1/docs/",
                                 "/api/v1/nothing-here/", "/no-such-page/"])
def test_every_answer_carries_the_common_headers(url):
    response = Client().get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


def test_admin_answers_carry_them_too(admin_client):
    for url in ("/cms/", "/cms/pages/", "/django-admin/"):
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert policy(response)["frame-ancestors"] == ["'self'"], url


def test_the_site_policy_allows_no_inline_script_or_style():
    site = policy(Client().get("/courses/"))
    assert site["default-src"] == ["'self'"]
    assert site["script-src"] == ["'self'"]  # a nonce joins only on pages that use one
    assert site["style-src"] == ["'self'"]
    assert site["object-src"] == ["'none'"] and site["base-uri"] == ["'none'"]
    assert site["form-action"] == ["'self'"] and site["frame-ancestors"] == ["'self'"]


def test_api_answers_load_nothing_and_are_never_framed():
    api = policy(Client().get("/api/v1/courses/"))
    assert api == {"default-src": ["'none'"], "base-uri": ["'none'"], "form-action": ["'none'"],
                   "frame-ancestors": ["'none'"]}


def test_the_docs_run_only_our_own_scripts():
    docs = Client().get("/api/v1/docs/")
    assert docs.status_code == 200
    rules = policy(docs)
    assert rules["script-src"] == ["'self'"]
    page = docs.content.decode()
    # Swagger UI from our static files, its start-up script a file too: nothing inline, nothing remote.
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []
    assert "//cdn." not in page and "/static/drf_spectacular_sidecar/" in page


def test_the_admin_policy_is_relaxed_only_for_inline_scripts_and_styles(admin_client):
    site, admin = policy(Client().get("/courses/")), policy(admin_client.get("/cms/"))
    assert admin["script-src"] == ["'self'", "'unsafe-inline'"]
    assert admin["style-src"] == ["'self'", "'unsafe-inline'"]
    for directive in ("default-src", "object-src", "base-uri", "form-action", "frame-ancestors"):
        assert admin[directive] == site[directive], directive


def test_a_page_that_uses_the_nonce_names_it_in_its_policy(rf):
    from django.middleware.csp import get_nonce
    from django.template import engines

    from frontend.csp import PathContentSecurityPolicyMiddleware

    template = engines["django"].from_string('<script nonce="{{ csp_nonce }}">/* allowed */</script>')

    def view(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({"csp_nonce": get_nonce(request)}, request))

    request = rf.get("/courses/")
    response = PathContentSecurityPolicyMiddleware(view)(request)
    nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(src|nonce)=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
SCRIPT_URL = re.compile(r"javascript:", re.I)


def test_no_site_template_has_what_the_strict_policy_refuses():
    """Inline scripts without the nonce, inline styles, event-handler attributes and javascript: URLs
    would be refused by the browser (tests/browser/test_csp.py): keep them out of the templates."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for name, pattern in (("inline script", INLINE_SCRIPT), ("inline style", INLINE_STYLE),
                              ("event handler", HANDLER), ("javascript: URL", SCRIPT_URL)):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {name}")
    assert offenders == []
