"""The debrief on a scenario's result page in a browser: the timeline and the diagram with both paths, at
desktop and phone width, nothing scrolling sideways on a phone, scanned with axe-core at both widths."""
import copy

import pytest

from accounts.models import Role
from assessments import services as assessment_services

from ..factories import SPEC_PATH, SPEC_SCENARIO, import_exercise, make_academy, make_user
from .conftest import DESKTOP, PHONE, check_accessibility, screenshot
from .test_journeys import PASSWORD, expect, no_dialogs, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def result_page(browser, live_server):
    doc = copy.deepcopy(SPEC_SCENARIO)
    doc.update(debrief_after="graded", debrief="Interests before positions.")
    doc["nodes"][1]["debrief"] = "Name their harvest; leave the blame out."
    exercise = import_exercise(make_academy(), doc, visibility="practice")
    learner = make_user(Role.STUDENT, username="dara", password=PASSWORD)
    attempt, _ = assessment_services.attempt_submit(exercise=exercise, learner=learner, answers={"steps": SPEC_PATH})
    assessment_services.attempt_grade(attempt_id=attempt.pk)
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    no_dialogs(page)
    sign_in(page, live_server.url, "dara", PASSWORD)
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/")
    yield page
    context.close()


def test_the_debrief_shows_the_timeline_and_both_paths_at_desktop_and_phone_width(result_page):
    page = result_page
    section = page.locator("section.debrief")
    expect()(section).to_be_visible()
    expect()(section.locator(".debrief-step")).to_have_count(2)
    expect()(section.locator(".debrief-step").nth(1)).to_contain_text("Points lost here: 44.4")
    expect()(section.locator(".debrief-step").nth(1)).to_contain_text("Name their harvest; leave the blame out.")
    expect()(section.locator("svg .path-learner path")).to_have_count(2)
    expect()(section.locator("svg .path-strongest path")).to_have_count(2)
    check_accessibility(page, "debrief, desktop")
    page.set_viewport_size(PHONE)
    expect()(section.locator(".debrief-timeline").first).to_be_visible()
    check_accessibility(page, "debrief, phone")
    screenshot(page, "debrief")
