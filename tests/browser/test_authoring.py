"""An academy editor authors an exercise in the CMS admin, in Chromium: a broken document is
refused with each problem by its path, a fixed one opens its authoring screen with the
scenario drawn, and a new version replaces it from that screen."""
import copy
import json
import re

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from accounts.models import User
from assessments import grading
from assessments.models import Exercise
from cms.models import LessonPage
from courses import services as course_services

from ..factories import SPEC_SCENARIO, make_user
from .conftest import DESKTOP, PHONE, check_accessibility

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
    page.wait_for_url(f"**{reverse(Exercise.snippet_viewset.get_url_name('authoring'), args=[exercise.pk])}#main")
    diagram = page.locator("svg").filter(has_text="open")
    assert diagram.count() >= 1 and diagram.first.is_visible()
    assert page.get_by_text("Water talks, authored in the browser").first.is_visible()

    page.set_input_files("#replace-section input[name=document]", json_upload(document(pass_threshold=50)))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload new version").click()
    assert exercise.versions.count() == 2
    assert exercise.versions.order_by("-number").first().document["pass_threshold"] == 50


def nineteen_nodes() -> dict:
    """A start with six routes, each with two outcomes: 19 nodes, 12 in the widest row."""
    doc = document()
    doc.update(slug="nineteen-nodes", title="Nineteen nodes")
    nodes = [{"id": "open", "type": "choice", "text": "Where to start?", "choices": [
        {"id": f"c{i}", "text": f"Route {i}", "next": f"n{i}", "weights": {"listening": 1}} for i in range(6)]}]
    for i in range(6):
        nodes.append({"id": f"n{i}", "type": "choice", "text": f"Step {i}", "choices": [
            {"id": "yes", "text": "Agree", "next": f"good{i}", "weights": {"judgement": 2}},
            {"id": "no", "text": "Refuse", "next": f"bad{i}", "weights": {"judgement": -1}}]})
        nodes.append({"id": f"good{i}", "type": "outcome", "outcome": "agreement", "text": "Agreed."})
        nodes.append({"id": f"bad{i}", "type": "outcome", "outcome": "walkout", "text": "Walked out."})
    doc["nodes"] = nodes
    return doc


def _diagram_box(page) -> dict:
    return page.evaluate("""() => {
        const wrap = document.querySelector('.parley-diagram'), svg = wrap.querySelector('svg');
        const w = wrap.getBoundingClientRect(), s = svg.getBoundingClientRect();
        return {left: s.left - w.left, right: w.right - s.right, svg: s.width, scroll: wrap.scrollWidth,
                client: wrap.clientWidth};
    }""")


def test_a_wide_diagram_fits_zooms_and_the_upload_message_stays_in_view(live_server, demo, new_page):
    """Issue 20, finding 15: a 19-node diagram fits the screen with nothing cut off, zooms in (then scrolls
    inside its panel) and back to fit; after an upload the page shows its message, not the form."""
    page = new_page()
    base = live_server.url
    sign_in_to_the_admin(page, base, "demo-editor", demo["logins"]["demo-editor"])
    page.goto(base + reverse(Exercise.snippet_viewset.get_url_name("upload")))
    page.set_input_files("input[name=document]", json_upload(nineteen_nodes()))
    page.get_by_role("button", name="Upload", exact=True).click()
    page.locator(".parley-diagram svg").wait_for()

    fit = _diagram_box(page)
    assert fit["left"] >= 0 and fit["right"] >= 0, fit  # neither edge cut off
    assert fit["scroll"] <= fit["client"] + 1, fit
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    zoomed = _diagram_box(page)
    assert zoomed["svg"] > fit["svg"] and zoomed["scroll"] > zoomed["client"], zoomed
    page.get_by_role("button", name="Fit to screen").click()
    assert _diagram_box(page)["svg"] == fit["svg"]

    page.locator("#replace-section").scroll_into_view_if_needed()
    page.set_input_files("#replace-section input[name=document]",
                         json_upload({**nineteen_nodes(), "pass_threshold": 50}))
    with page.expect_navigation():
        page.get_by_role("button", name="Upload new version").click()
    message = page.locator(".messages li").filter(has_text="version 2 made")
    message.wait_for()
    assert page.evaluate("() => window.scrollY") < 50  # opened at the top, where the message is
    assert message.is_visible()
    row = page.locator("tr.parley-version").first
    assert "other settings changed" in row.inner_text() and "0" in row.locator(".parley-attempts").inner_text()


def _lesson_in_review():
    """A new lesson demo-editor submitted for review, in a demo course where a learner read a lesson:
    publishing it lowers that learner's percentage (and the demo learners' who read there too)."""
    editor = User.objects.get(username="demo-editor")
    lesson = LessonPage.objects.live().order_by("path").first()
    module = lesson.get_parent().specific
    learner = make_user()
    course_services.enrol(learner=learner, course=module.get_parent().specific)
    course_services.lesson_mark_read(learner=learner, lesson_id=lesson.pk)
    draft = module.add_child(instance=LessonPage(title="Reading the room", slug="reading-the-room", live=False))
    draft.save_revision(user=editor)
    draft.get_workflow().start(draft, editor)
    return draft


def _dashboard_action(page, title: str, action: str):
    row = page.locator("tr").filter(has_text=title)
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name=action, exact=True).click()


def test_a_reviewers_approval_asks_before_publishing_a_lesson_that_lowers_percentages(live_server, demo, new_page):
    """Issue 20, finding 16 for reviewers: approving on the dashboard, plain or with a comment (Wagtail's
    modal), stops at the confirmation that says how many learners drop; back without approving keeps the
    lesson in review, approving anyway publishes it with the comment."""
    draft = _lesson_in_review()
    page = new_page()
    base = live_server.url
    sign_in_to_the_admin(page, base, "demo-reviewer", demo["logins"]["demo-reviewer"])

    _dashboard_action(page, "Reading the room", "Approve")  # a plain POST from the dashboard
    page.wait_for_url("**/confirm-lesson-approval/**")
    warning = page.get_by_role("alert").filter(has_text="lowers the course percentage of")
    assert warning.is_visible() and re.search(r"of \d+ learners?:", warning.inner_text())
    check_accessibility(page, "approval confirmation, 1280 px")
    page.set_viewport_size(PHONE)
    check_accessibility(page, "approval confirmation, 360 px")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Back without approving").click()
    page.wait_for_url(f"{base}/cms/")
    draft.refresh_from_db()
    assert not draft.live and draft.workflow_in_progress

    _dashboard_action(page, "Reading the room", "Approve with comment")  # the modal, posting by XHR
    modal = page.locator(".modal-dialog, [role=dialog]").filter(has=page.locator("textarea[name=comment]"))
    modal.locator("textarea[name=comment]").fill("Short and clear.")
    modal.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_url("**/confirm-lesson-approval/**")
    assert page.locator("#approval-comment").input_value() == "Short and clear."
    with page.expect_navigation():
        page.get_by_role("button", name="Approve and publish anyway").click()
    draft.refresh_from_db()
    assert draft.live
    assert draft.current_workflow_state is None  # the review is over
    assert TaskState.objects.filter(workflow_state__object_id=str(draft.pk)).get().get_comment() == "Short and clear."
