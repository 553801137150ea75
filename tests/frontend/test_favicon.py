"""Every page names its icon and web app manifest, so a browser's first load asks for no
/favicon.ico (a 404 in Chromium's console); both are served with their own content types and
allowed by the site's Content-Security-Policy."""
import json
import re

import pytest
from django.test import Client


@pytest.fixture
def home(db, settings):
    # Static files through whitenoise, finding them in the apps as DEBUG on does
    # (pytest-django turns DEBUG off; each Client starts the middleware afresh).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/")
    assert response.status_code == 200
    return response


def linked(page, rel: str) -> str:
    match = re.search(rf'<link rel="{rel}" href="([^"]+)"', page.content.decode())
    assert match, f"no <link rel={rel}> in the page's head"
    return match.group(1)


def policy(page) -> dict[str, list[str]]:
    directives = (part.split() for part in page["Content-Security-Policy"].split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def allows_self(page, directive: str) -> bool:
    rules = policy(page)
    return "'self'" in rules.get(directive, rules["default-src"])


def test_the_page_links_an_svg_icon_served_as_svg(home):
    response = Client().get(linked(home, "icon"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<script" not in b"".join(response.streaming_content)


def test_the_page_links_a_web_app_manifest_served_as_one(home):
    response = Client().get(linked(home, "manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(b"".join(response.streaming_content))
    assert manifest["name"] == "Parley" and manifest["start_url"] == "/"


def test_every_icon_the_manifest_names_is_served_with_its_type(home):
    url = linked(home, "manifest")
    manifest = json.loads(b"".join(Client().get(url).streaming_content))
    folder = url.rsplit("/", 1)[0]
    for icon in manifest["icons"]:
        response = Client().get(f"{folder}/{icon['src']}")
        assert (response.status_code, response["Content-Type"]) == (200, icon["type"]), icon


def test_the_sites_policy_allows_the_icon_and_the_manifest(home):
    assert allows_self(home, "img-src")
    assert allows_self(home, "manifest-src")
