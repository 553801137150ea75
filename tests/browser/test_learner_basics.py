"""A learner's everyday basics in Chromium at 1280 and 390 px (issue 20, findings 1, 2, 5, 8, 13, 19):
a join code typed with its hyphen, what is due on Home and My progress (one module overdue, one
extended), a pass that completes its lesson, the next step after a result, the chart readable on a
phone, the printed result, whose result a teacher sees, and the waiting words when grading is slow.
Every page is scanned with axe-core at both widths."""
import re

import pytest
from django.utils import timezone

from accounts.models import Role
from assessments.models import Attempt, Exercise
from assessments.services import attempt_submit
from cms.models import CoursePage, LessonPage, ModulePage
from courses import services as course_services
from courses.models import Assignment, SchoolClass

from ..factories import make_user
from .conftest import DESKTOP, check_accessibility
from .test_journeys import PASSWORD, expect, no_dialogs, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_390 = {"width": 390, "height": 844}
QUIZ_ANSWERS = {"q1": ["c"], "q2": ["a", "c", "d"], "q3": ["s2", "s1", "s4", "s3"], "q4": "Position", "q5": ["b"]}


def at_both_widths(page, name: str):
    """axe at 1280 px and at 390 px (nothing scrolls sideways at 390), then back to 1280."""
    page.set_viewport_size(DESKTOP)
    check_accessibility(page, f"{name} at 1280 px")
    page.set_viewport_size(PHONE_390)
    try:
        check_accessibility(page, f"{name} at 390 px")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_390["width"], f"{name} scrolls sideways at 390 px ({width} px)"
    finally:
        page.set_viewport_size(DESKTOP)


def english_course():
    return CoursePage.objects.live().get(slug="active-listening", locale__language_code="en")


def modules_of(course):
    return list(ModulePage.objects.live().child_of(course).order_by("path"))


def lessons_of(course):
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def set_due(assignment, days):
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timezone.timedelta(days=days))


@pytest.fixture
def learner(demo):
    return make_user(Role.STUDENT, username="noor", password=PASSWORD)


def test_a_learner_joins_sees_what_is_due_passes_and_moves_on(live_server, demo, new_page, learner):
    ex = expect()
    base = live_server.url
    page = new_page()
    no_dialogs(page)
    sign_in(page, base, "noor", PASSWORD)

    # Finding 8: the code as a teacher reads it out, with its hyphen, typed in lower case.
    klass = SchoolClass.objects.get(name="Demo class 9B")
    code = klass.join_code
    page.goto(f"{base}/classes/join/")
    page.fill("#id_join_code", f"{code[:5]}-{code[5:]}".lower())
    page.click("main button:has-text('Join the class')")
    page.wait_for_url(f"{base}/me/progress/")
    ex(page.locator(".messages")).to_contain_text("You joined the class")

    # Finding 2: one module overdue, one whose class date passed but extended for this learner.
    course = english_course()
    first, second = modules_of(course)
    hearing = Assignment.objects.get(school_class=klass, module=first)
    set_due(hearing, -3)
    course_services.extension_set(actor=klass.teacher, assignment=Assignment.objects.get(pk=hearing.pk),
                                  student_id=learner.pk, due_at=timezone.now() + timezone.timedelta(days=5))
    practice, _ = course_services.assignment_create(actor=klass.teacher, school_class=klass, module_id=second.pk,
                                                    due_at=timezone.now() + timezone.timedelta(days=9))
    set_due(practice, -1)
    for where in ("/", "/me/progress/"):
        page.goto(base + where)
        due = page.locator("section.due")
        ex(due.locator(".due-class h3")).to_contain_text("Demo class 9B")
        ex(due.locator(".due-row")).to_have_count(2)
        ex(due.locator(".due-row.is-overdue")).to_have_count(1)
        ex(due.locator(".due-row.is-overdue")).to_contain_text("Listening in practice")
        ex(due.locator(".due-row", has_text="Hearing what is meant")).to_contain_text("Extended for you")
        at_both_widths(page, f"what is due on {where}")

    # Finding 1: passing the quiz completes its lesson, unread; the module's bar counts it.
    quiz = Exercise.objects.get(slug="listening-basics-check")
    attempt, _ = attempt_submit(exercise=quiz, learner=learner, answers={"answers": QUIZ_ANSWERS})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.passed
    quiz_lesson, after = lessons_of(course)[3], lessons_of(course)[4]
    page.goto(f"{base}/lessons/{quiz_lesson.pk}/")
    ex(page.locator(".read-panel")).to_contain_text("Lesson completed")
    ex(page.locator(".exercise-state")).to_contain_text("Passed")
    at_both_widths(page, "the passed lesson")
    page.goto(f"{base}/courses/{course.pk}/")
    ex(page.locator(".lesson-row.state-completed")).to_have_count(1)
    page.goto(f"{base}/me/progress/")
    bar = page.locator('.progress-course [role=progressbar][aria-label="Progress in Listening in practice"]')
    ex(bar).to_have_attribute("aria-valuenow", "33")

    # Finding 5: the next step, the legend, the chart on a phone, the printed page.
    page.goto(f"{base}/attempts/{attempt.pk}/")
    next_link = page.locator(".next-step a", has_text="Continue to the next lesson")
    ex(next_link).to_have_attribute("href", f"/lessons/{after.pk}/")
    at_both_widths(page, "quiz result")
    page.emulate_media(media="print")
    ex(page.locator(".site-header")).to_be_hidden()
    ex(page.locator(".next-step")).to_be_hidden()
    ex(page.locator(".print-meta")).to_be_visible()
    ex(page.locator(".print-meta")).to_contain_text("noor")
    ex(page.locator(".print-meta")).to_contain_text(str(timezone.localdate().year))
    page.emulate_media(media="screen")
    next_link.click()
    page.wait_for_url(f"{base}/lessons/{after.pk}/")


def _scenario_attempt(learner):
    scenario = Exercise.objects.get(slug="youth-coalition-model-un")
    steps = [{"node": "caucus", "choice": "ask_felix"}, {"node": "felix_interests", "choice": "summarise"},
             {"node": "felix_summary", "reply": "Your factories and workers need a gradual phase out timetable, and "
                                                "you want to be seen leading; we need funding for coastal clean up."},
             {"node": "merge_offer", "choice": "joint_with_amara"},
             {"node": "floor_debate", "choice": "yield_to_amara"}, {"node": "end_agreement"}]
    attempt, _ = attempt_submit(exercise=scenario, learner=learner, answers={"steps": steps})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    return attempt


def test_the_scenario_result_chart_legend_print_and_the_teachers_view(live_server, demo, new_page, learner):
    ex = expect()
    base = live_server.url
    klass = SchoolClass.objects.get(name="Demo class 9B")
    course_services.class_join(student=learner, join_code=klass.join_code)
    course = english_course()
    course_services.assignment_create(actor=klass.teacher, school_class=klass, module_id=modules_of(course)[1].pk,
                                      due_at=timezone.now() + timezone.timedelta(days=9))
    attempt = _scenario_attempt(learner)

    page = new_page()
    no_dialogs(page)
    sign_in(page, base, "noor", PASSWORD)
    page.goto(f"{base}/attempts/{attempt.pk}/")
    ex(page.locator("#result-owner")).to_have_text("Your result")
    ex(page.locator(".result-summary.passed")).to_contain_text("Passed")
    # The pass mark is drawn once, on the overall bar; the legend names each colour.
    ex(page.locator("svg.chart line.pass-mark")).to_have_count(1)
    ex(page.locator(".chart-figure .chart-legend li")).to_have_count(3)
    # The last lesson of the course: the next step is back to the course.
    ex(page.locator(".next-step a", has_text="Back to the course")).to_have_attribute("href", f"/courses/{course.pk}/")
    at_both_widths(page, "scenario result")
    page.set_viewport_size(PHONE_390)
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('svg.chart text')].map(
        t => parseFloat(t.getAttribute('font-size')) * t.ownerSVGElement.getScreenCTM().a))""")
    assert smallest >= 12, f"chart text is {smallest:.1f} px at 390 px"
    page.set_viewport_size(DESKTOP)

    # Finding 13: the class's teacher sees whose result it is.
    teacher_page = new_page()
    sign_in_teacher = demo["logins"]["demo-teacher"]
    teacher_page.goto(f"{base}/sign-in/")
    teacher_page.fill("#id_username", "demo-teacher")
    teacher_page.fill("#id_password", sign_in_teacher)
    teacher_page.click("main button[type=submit]")
    teacher_page.wait_for_load_state()
    teacher_page.goto(f"{base}/attempts/{attempt.pk}/")
    ex(teacher_page.locator("#result-owner")).to_contain_text("noor")
    ex(teacher_page.locator("#result-owner")).not_to_contain_text("Your result")
    ex(teacher_page.locator(".next-step")).to_have_count(0)
    at_both_widths(teacher_page, "a learner's result seen by their teacher")


def test_the_waiting_words_change_when_grading_is_slow(live_server, demo, new_page, learner):
    ex = expect()
    base = live_server.url
    attempt = _scenario_attempt(learner)
    page = new_page()
    sign_in(page, base, "noor", PASSWORD)

    # Submitted 9 s ago and not graded (a worker down): the page says "a few seconds", then its
    # script says it takes longer than usual and the answer is safe.
    Attempt.objects.filter(pk=attempt.pk).update(status=Attempt.Status.SUBMITTED, result=None,
                                                 submitted_at=timezone.now() - timezone.timedelta(seconds=9))
    page.goto(f"{base}/attempts/{attempt.pk}/")
    ex(page.locator("#wait-text")).to_contain_text("a few seconds")
    ex(page.locator("#wait-text")).to_contain_text("longer than usual", timeout=8_000)
    ex(page.locator("#wait-text")).to_contain_text("saved")
    at_both_widths(page, "grading taking longer")

    # 40 s: never "a few seconds" again.
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now() - timezone.timedelta(seconds=40))
    page.reload()
    ex(page.locator("#wait-text")).not_to_contain_text("a few seconds")
    ex(page.locator("#wait-text")).to_contain_text(re.compile("delayed|saved"))


def test_what_is_due_and_a_result_in_arabic_right_to_left(live_server, demo, new_page, learner):
    ex = expect()
    base = live_server.url
    klass = SchoolClass.objects.get(name="Demo class 9B")
    course_services.class_join(student=learner, join_code=klass.join_code)
    hearing = Assignment.objects.get(school_class=klass, module=modules_of(english_course())[0])
    set_due(hearing, -2)
    attempt = _scenario_attempt(learner)
    page = new_page()
    sign_in(page, base, "noor", PASSWORD)
    page.select_option("#lang-select", "ar")
    page.locator("form.lang button").click()
    page.wait_for_load_state()
    ex(page.locator("html")).to_have_attribute("dir", "rtl")
    ex(page.locator("section.due .due-row.is-overdue")).to_have_count(1)
    at_both_widths(page, "what is due in Arabic")
    page.goto(f"{base}/attempts/{attempt.pk}/")
    ex(page.locator("svg.chart line.pass-mark")).to_have_count(1)
    at_both_widths(page, "a result in Arabic")
