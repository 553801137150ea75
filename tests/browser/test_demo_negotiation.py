"""A demo negotiation in Chromium (issue 19): the demo student finds it in a lesson of the demo negotiation
course, enrols, starts it, makes an offer, accepts what is on the table (or the counterpart accepted
theirs) and reads the graded result. The pages pass axe at desktop and phone width."""
import re

import pytest

from cms.models import CoursePage, LessonPage

from .test_journeys import expect, no_dialogs, sign_in
from .test_learner_basics import at_both_widths

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_demo_student_plays_a_demo_negotiation_from_its_lesson_to_a_result(live_server, demo, new_page):
    ex = expect()
    base = live_server.url
    page = new_page()
    no_dialogs(page)
    sign_in(page, base, "demo-student", demo["logins"]["demo-student"])
    course = CoursePage.objects.live().get(slug="negotiation", locale__language_code="en")
    lesson = LessonPage.objects.live().descendant_of(course).get(slug="negotiate-a-city-partnership")

    page.goto(f"{base}/courses/{course.pk}/")
    page.click("main button:has-text('Enrol in this course')")
    page.goto(f"{base}/lessons/{lesson.pk}/")
    ex(page.locator("h1")).to_have_text("Practice: a partnership between two cities")
    at_both_widths(page, "the negotiation lesson")
    page.click("main a.button:has-text('Negotiate')")
    ex(page.locator("#brief-h")).to_contain_text("Your brief")
    at_both_widths(page, "the negotiation's brief")

    page.click("main button:has-text('Start the negotiation')")
    ex(page.locator("#table-h")).to_have_text("At the table")
    page.select_option("#question", index=0)
    page.click("main button[value=ask]")
    ex(page.locator(".negotiation-moves")).to_contain_text("asks:")
    at_both_widths(page, "the negotiation table")
    with page.expect_navigation():
        page.click("main button[value=offer]")  # the options the form shows first
    if "/attempts/" not in page.url:  # the counterpart answered with an offer of its own
        page.click("main button[value=accept]")
    page.wait_for_url(re.compile(r".*/attempts/\d+/$"))
    ex(page.locator("#outcome-h")).to_have_text("An agreement", timeout=60_000)
    at_both_widths(page, "the negotiation's result")
