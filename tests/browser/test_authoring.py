"""An academy editor authors an exercise in the CMS admin, in Chromium: a broken document is
refused with each problem by its path, a fixed one opens its authoring screen with the
scenario drawn, and a new version replaces it from that screen."""
import copy
import json

import pytest
from django.urls import reverse

from assessments import grading
from assessments.models import Exercise

from ..factories import SPEC_SCENARIO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def document(**changes) -> dict:
    doc = copy.deepcopy(SPEC_SCENARIO)
    doc.update(slug="browser-authored", title="Water talks, authored in the browser", **changes)
    return doc


def broken() -> dict:
    doc = document()
    doc["nodes"][0]["choices"][1]["next"] = "nowhere"
    doc["competencies"][0]["weight"] = "heavy"
    return doc


def json_upload(doc: dict) -> dict:
    return {"name": "exercise.json", "mimeType": "application/json", "buffer": json.dumps(doc).encode()}


def sign_in_to_the_admin(page, base, username, password):
    page.goto(f"{base}/cms/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/cms/")


def test_an_editor_uploads_fixes_and_replaces_a_scenario_in_the_admin(live_server, demo, new_page):
    page = new_page()
    base = live_server.url
    sign_in_to_the_admin(page, base, "demo-editor", demo["logins"]["demo-editor"])
    upload_url = base + reverse(Exercise.snippet_viewset.get_url_name("upload"))

    page.goto(upload_url)
    page.set_input_files("input[name=document]", json_upload(broken()))
    page.get_by_role("button", name="Upload", exact=True).click()
    problems = page.locator(".parley-problems li")
    problems.first.wait_for()
    expected = [p.as_dict()["detail"] for p in grading.validate_document(broken())]
    assert problems.count() == len(expected) >= 2
    shown = problems.all_inner_texts()
    assert any('nodes[0].choices[1].next' in text and "nowhere" in text for text in shown), shown
    assert page.get_by_text("Nothing was stored").is_visible()
    assert not Exercise.objects.filter(slug="browser-authored").exists()

    page.set_input_files("input[name=document]", json_upload(document()))
    page.get_by_role("button", name="Upload", exact=True).click()
    exercise = Exercise.objects.get(slug="browser-authored")
    page.wait_for_url(f"**{reverse(Exercise.snippet_viewset.get_url_name('authoring'), args=[exercise.pk])}")
    diagram = page.locator("svg").filter(has_text="open")
    assert diagram.count() >= 1 and diagram.first.is_visible()
    assert page.get_by_text("Water talks, authored in the browser").first.is_visible()

    page.set_input_files("#replace-section input[name=document]", json_upload(document(pass_threshold=50)))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload new version").click()
    assert exercise.versions.count() == 2
    assert exercise.versions.order_by("-number").first().document["pass_threshold"] == 50
