"""Chromium through Playwright against pytest-django's live server, with the demo content loaded.

Chromium is Debian's /usr/bin/chromium (never downloaded by `playwright install`).
Without it the browser tests skip, and fail in CI (CI=true).
"""
import io
import json
import mimetypes
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections

from ..conftest import require_service

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
SHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"


@pytest.fixture(scope="module")
def browser(django_db_setup, django_db_blocker):
    """One Chromium per test module.

    Playwright's sync API keeps an event loop running in this thread while it is
    open, and Django refuses ORM calls next to a running loop; the tests' own ORM
    calls are plain synchronous code, so the check is lifted for this module only.
    """
    require_service(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Django's connections are context-local; inside Playwright's context the test sees a new
    # connection object, which must carry the data that serialized_rollback restores.
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    try:
        with sync_playwright() as playwright:
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias]._test_serialized_contents = contents
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
        # serialized_rollback's flush after the last test skips post_migrate, so even content types
        # would stay empty for the tests that follow: put the migrated rows back.
        with django_db_blocker.unblock():
            for alias, contents in serialized.items():
                if contents is not None:
                    connections[alias].creation.deserialize_db_from_string(contents)


@pytest.fixture
def demo(browser, settings, tmp_path, monkeypatch):
    """The demo curriculum, accounts and class; logins go to a temporary file, media to a temporary folder."""
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr("courses.management.commands.load_demo.VAR_DIR", tmp_path)
    call_command("load_demo", stdout=io.StringIO())
    logins = {row["username"]: row["password"] for row in json.loads((tmp_path / "demo-logins.json").read_text())}
    return {"logins": logins, "media": Path(settings.MEDIA_ROOT)}


def serve_media(context, media_root: Path):
    """The live server does not serve MEDIA_URL (DEBUG is off in tests); answer those requests from disk."""
    def handle(route):
        path = route.request.url.split("/media/", 1)[1].split("?", 1)[0]
        file = (media_root / path).resolve()
        if media_root.resolve() in file.parents and file.is_file():
            route.fulfill(status=200, body=file.read_bytes(),
                          content_type=mimetypes.guess_type(file.name)[0] or "application/octet-stream")
        else:
            route.fulfill(status=404, body="")

    context.route("**/media/**", handle)


@pytest.fixture
def new_page(browser, demo):
    contexts = []

    def make(viewport=DESKTOP, storage_state=None):
        context = browser.new_context(viewport=viewport, storage_state=storage_state, locale="en-GB")
        serve_media(context, demo["media"])
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def check_accessibility(page, name: str):
    """axe-core on the page: no serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    details = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in bad]
    assert not bad, f"{name}: {details}"


def screenshot(page, name: str):
    """Save the page at desktop width, then at phone width (the same page, resized, so a page that
    changed without reloading, like the scenario player, keeps its state); checks nothing scrolls
    sideways at 360 px."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size(DESKTOP)
    _save(page, SHOTS / f"{name}-desktop.png", max_height=2400)
    page.set_viewport_size(PHONE)
    try:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE["width"], f"{name} scrolls sideways at 360 px ({scroll_width} px)"
        _save(page, SHOTS / f"{name}-phone.png", max_height=2000)
    finally:
        page.set_viewport_size(size)


def _save(page, path: Path, max_height: int):
    from PIL import Image

    height = min(page.evaluate("document.documentElement.scrollHeight"), max_height)
    width = page.viewport_size["width"]
    png = page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height})
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
