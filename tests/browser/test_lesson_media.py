"""The listening lesson in Chromium: its recordings play (the browser reads their length), each with
captions and a transcript that opens, and the learner's reflection is saved without leaving the page
and is there again after a reload; axe finds nothing serious at desktop and phone widths."""
import pytest

from accounts.models import User
from cms.models import CoursePage, LessonPage
from courses import services as course_services
from courses.models import ReflectionAnswer

from .conftest import PHONE, check_accessibility

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def sign_in(page, base, username, password):
    page.goto(f"{base}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def test_the_listening_lesson_plays_its_recordings_and_keeps_a_reflection(live_server, demo, new_page):
    ex = expect()
    base = live_server.url
    student = demo["logins"]["demo-student"]
    course = CoursePage.objects.live().get(slug="active-listening", locale__language_code="en")
    course_services.enrol(learner=User.objects.get(username="demo-student"), course=course)
    lesson = LessonPage.objects.live().get(slug="open-questions", locale__language_code="en")
    page = new_page()
    sign_in(page, base, "demo-student", student)

    page.goto(f"{base}/lessons/{lesson.pk}/")

    players = page.locator("section.media audio")
    ex(players).to_have_count(2)
    ex(players.first.locator("track[kind=captions]")).to_have_attribute("srclang", "en")
    # The browser fetched the recording and read it as audio: it knows how long it is.
    page.wait_for_function("document.querySelector('section.media audio').duration > 15")
    transcript = page.locator("section.media details.transcript").first
    ex(transcript.locator("p")).to_be_hidden()
    transcript.locator("summary").click()
    ex(transcript.locator("p")).to_contain_text("Official: Good morning.")
    check_accessibility(page, "listening lesson")

    reflection = page.locator("form[data-reflection]").first
    reflection.locator("textarea").fill("The second official asked what the cut meant for him.")
    reflection.locator("button[type=submit]").click()
    ex(reflection.locator(".reflection-status")).to_contain_text("Saved")
    assert page.url == f"{base}/lessons/{lesson.pk}/", "saved without leaving the page"
    assert ReflectionAnswer.objects.get().text == "The second official asked what the cut meant for him."

    page.reload()
    ex(page.locator("form[data-reflection] textarea").first).to_have_value(
        "The second official asked what the cut meant for him.")
    page.set_viewport_size(PHONE)
    check_accessibility(page, "listening lesson, phone")
