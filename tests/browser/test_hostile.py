"""Hostile text in every user-writable field, seen in Chromium at phone width (360 px) on every page
that shows it: no dialog opens, no injected element exists, the text reads as text, and nothing
pushes the page wider than the screen.

The usernames here are written straight to the database: registration refuses them
(tests/security/test_hostile_input.py), but a page must stay inert whatever a row holds.
"""
import copy

import pytest

from accounts.models import Role, User
from assessments.services import attempt_override, attempt_submit
from cms.models import LessonPage
from courses import services as course_services

from ..factories import (
    PASSING_PATH,
    SPEC_SCENARIO,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_academy,
    make_course,
    make_staff,
    make_user,
)
from .conftest import PHONE
from .test_csp import watched  # noqa: F401  (the signed-in page fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAYLOAD = ('<script data-pwned>alert(1)</script><img src=x onerror="alert(2)" data-pwned>'
           '<a href="javascript:alert(3)" data-pwned>link</a>')
ODD = "zero\u200bwidth e\u0301 \U0001F91D\U0001F3FD \u202eevil\u202c \u0645\u0631\u062d\u0628\u0627"
LONG = "W" * 150
TEXT = f"{PAYLOAD} {ODD} {LONG}"
RICH = (f'<p>Plain <a href="javascript:alert(5)" data-pwned>bad</a> {LONG}</p><script data-pwned>alert(6)</script>'
        '<img src=x onerror="alert(7)" data-pwned><p onclick="alert(8)" data-pwned>click</p>')


def inert(page, url, *shown):
    """Visit at 360 px: no dialog, no injected element or javascript: link, each `shown` text visible
    as text, no sideways scroll."""
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    assert dialogs == [], (url, dialogs)
    assert page.evaluate("document.querySelectorAll('[data-pwned], a[href^=\"javascript:\" i]').length") == 0, url
    text = page.locator("main").inner_text()
    for value in shown:
        assert value in text, (url, value[:60])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{url} scrolls sideways at 360 px ({width} px)"


@pytest.fixture
def hostile(live_server, demo):
    """A course, lesson, exercise, class, student and graded attempt whose every writable text is hostile."""
    academy = make_academy()
    doc = copy.deepcopy(SPEC_SCENARIO)
    doc["slug"] = "hostile"
    doc["title"] = f"{PAYLOAD} {ODD} {'W' * 60}"
    doc["summary"] = TEXT
    doc["nodes"][0]["text"] = TEXT
    doc["nodes"][0]["choices"][0]["text"] = TEXT
    doc["nodes"][0]["choices"][0]["feedback"] = TEXT
    doc["competencies"][0]["label"] = f"{PAYLOAD} {LONG}"
    exercise = import_exercise(academy, document=doc)
    course = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]}, title=TEXT[:250])
    lesson = LessonPage.objects.get(pk=course_lessons(course)[0].pk)
    lesson.title = TEXT[:250]
    lesson.body = [{"type": "text", "value": RICH}, {"type": "exercise", "value": {"exercise": exercise.pk}}]
    lesson.save_revision().publish()
    teacher = make_user(Role.TEACHER)
    klass = course_services.class_create(teacher=teacher, name=(PAYLOAD + " " + LONG)[:200])
    student = User(username=f'<img src=x onerror="alert(9)" data-pwned>\u202e{"W" * 60}',
                   email='"<script data-pwned>alert(10)</script>"@example.org', role=Role.STUDENT)
    student.set_password("pw-Secret-123")
    student.save()
    course_services.class_join(student=student, join_code=klass.join_code)
    course_services.enrol(learner=student, course=course)
    module = course_modules(course)[0]
    assignment, _ = course_services.assignment_create(actor=klass.teacher, school_class=klass, module_id=module.pk,
                                                      due_at=later())
    course_services.extension_set(actor=klass.teacher, assignment=assignment, student_id=student.pk, due_at=later(14))
    reply = f"Your farmers need water for irrigation before the harvest. {TEXT} {'W' * 300}"
    steps = [PASSING_PATH[0], {"node": "reply1", "reply": reply}, PASSING_PATH[2]]
    attempt, _ = attempt_submit(exercise=exercise, learner=student, answers={"steps": steps})
    attempt = attempt_override(attempt=attempt, actor=teacher, overrides={"reply1": {"met": []}}, reason=TEXT)
    return {"course": course, "lesson": lesson, "exercise": exercise, "klass": klass, "student": student,
            "teacher": teacher, "attempt": attempt, "staff": make_staff(academy), "base": live_server.url}


def test_the_learner_sees_hostile_text_inert(hostile, watched):  # noqa: F811
    base, student = hostile["base"], hostile["student"]
    page, _violations = watched(student)
    page.set_viewport_size(PHONE)
    inert(page, f"{base}/courses/")
    inert(page, f"{base}/courses/{hostile['course'].pk}/", PAYLOAD)
    inert(page, f"{base}/lessons/{hostile['lesson'].pk}/", PAYLOAD, "Plain bad")
    inert(page, f"{base}/exercises/{hostile['exercise'].pk}/", PAYLOAD, ODD)
    # The player writes node and choice texts with its script: as text too.
    page.wait_for_selector("#stage[data-ready=true]", state="attached")
    page.click("#start-button")
    page.locator("#node .choice").first.wait_for()
    assert PAYLOAD in page.locator("#node").inner_text()
    assert page.evaluate("document.querySelectorAll('[data-pwned]').length") == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    inert(page, f"{base}/attempts/{hostile['attempt'].pk}/", PAYLOAD, ODD)
    inert(page, f"{base}/me/progress/", PAYLOAD)
    inert(page, f"{base}/me/competencies/", PAYLOAD)
    inert(page, f"{base}/classes/join/")


def test_the_teacher_and_the_academy_see_hostile_text_inert(hostile, watched):  # noqa: F811
    base, klass = hostile["base"], hostile["klass"]
    page, _violations = watched(hostile["teacher"])
    page.set_viewport_size(PHONE)
    name = hostile["student"].username
    inert(page, f"{base}/teach/", PAYLOAD)
    inert(page, f"{base}/teach/classes/{klass.pk}/", PAYLOAD, name)
    assert hostile["student"].email not in page.locator("main").inner_text()  # teachers never see addresses
    inert(page, f"{base}/teach/classes/{klass.pk}/progress/?days=1", name)
    inert(page, f"{base}/teach/classes/{klass.pk}/replies/", name, PAYLOAD)
    inert(page, f"{base}/attempts/{hostile['attempt'].pk}/", PAYLOAD)

    page, _violations = watched(hostile["staff"])
    page.set_viewport_size(PHONE)
    inert(page, f"{base}/academy/", PAYLOAD)
