"""The learner's everyday basics on the site (issue 20): a pass completes the lesson, what is due on
Home and My progress, the next step after a result, the result chart and its print layout, whose
result a teacher is looking at, the waiting words while grading takes long, and join codes typed
as people type them."""
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Attempt
from assessments.services import attempt_submit
from courses import selectors
from courses import services as course_services
from courses.models import Assignment
from frontend import charts

from ..conftest import signed_in
from ..factories import (
    CRITICAL_PATH,
    PASSING_PATH,
    course_lessons,
    course_modules,
    later,
    make_course,
    make_user,
)

pytestmark = pytest.mark.django_db


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assigned(klass, module, days):
    """An assignment due in `days` days (negative: already past; the service refuses a past date, so
    the date is moved afterwards, as time would)."""
    assignment, _ = course_services.assignment_create(actor=klass.teacher, school_class=klass, module_id=module.pk,
                                                      due_at=later(30))
    Assignment.objects.filter(pk=assignment.pk).update(due_at=timezone.now() + timezone.timedelta(days=days))
    assignment.refresh_from_db()
    return assignment


# --- finding 1: a pass completes the lesson, on the site too ------------------------------------


def test_a_pass_shows_the_lesson_completed_and_its_module_at_100_percent(course, graded_attempt, student):
    client = signed_in(student)
    lesson = course_lessons(course)[3]  # module 2's first lesson embeds the scenario; never marked read
    page = page_of(client, f"/lessons/{lesson.pk}/")
    assert "Lesson completed" in page and "✓ Passed" in page
    assert "Mark as read" not in page
    course_page = page_of(client, f"/courses/{course.pk}/")
    assert re.search(r'state-completed">\s*<span class="state-icon"', course_page)
    progress_page = page_of(client, "/me/progress/")
    assert 'aria-valuenow="33" aria-label="Progress in Module 2"' in progress_page


def test_an_attempt_not_passed_shows_attempted_and_the_lesson_in_progress(course, exercise, student,
                                                                          django_capture_on_commit_callbacks):
    course_services.enrol(learner=student, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(exercise=exercise, learner=student, answers={"steps": CRITICAL_PATH})
    client = signed_in(student)
    lesson = course_lessons(course)[3]
    page = page_of(client, f"/lessons/{lesson.pk}/")
    assert "Attempted" in page and "✓ Passed" not in page
    assert "In progress" in page
    assert "In progress" in page_of(client, f"/courses/{course.pk}/")


def test_a_lesson_nobody_touched_is_not_started(course, student):
    course_services.enrol(learner=student, course=course)
    page = page_of(signed_in(student), f"/lessons/{course_lessons(course)[0].pk}/")
    assert "Not started" in page and "Mark as read" in page


def test_the_teachers_heatmap_counts_the_pass(course, graded_attempt, klass, teacher, student):
    page = page_of(signed_in(teacher), f"/teach/classes/{klass.pk}/progress/")
    assert ">33%<" in page  # module 2: one of its three lessons, completed by the pass alone


# --- finding 2: what is due ---------------------------------------------------------------------


@pytest.fixture
def due_setup(course, klass, student):
    course_services.class_join(student=student, join_code=klass.join_code)
    first, second = course_modules(course)
    overdue = assigned(klass, first, days=-2)
    extended = assigned(klass, second, days=-1)
    course_services.extension_set(actor=klass.teacher, assignment=extended, student_id=student.pk, due_at=later(5))
    return overdue, extended


def test_my_progress_shows_each_class_with_its_modules_due_dates_and_marks(due_setup, klass, student):
    page = page_of(signed_in(student), "/me/progress/")
    assert "What is due" in page and klass.name in page
    assert page.count('class="due-row') == 2
    assert page.count("overdue-label") == 1  # module 1 is overdue; module 2 was extended for this learner
    assert "Extended for you" in page


def test_home_shows_what_is_due_too(due_setup, klass, student):
    page = page_of(signed_in(student), "/")
    assert "What is due" in page and klass.name in page and "Overdue" in page


def test_the_learners_own_extension_date_wins(due_setup, student):
    overdue, extended = due_setup
    rows = selectors.learner_due(learner=student)
    modules = {m["assignment"]: m for m in rows[0]["modules"]}
    assert modules[extended.pk]["extended"] and not modules[extended.pk]["overdue"]
    assert modules[extended.pk]["due_at"] > timezone.now() > modules[extended.pk]["class_due_at"]
    assert modules[overdue.pk]["overdue"] and not modules[overdue.pk]["extended"]


def test_my_classes_gives_the_learners_own_extension_date_too(due_setup, student):
    _overdue, extended = due_setup
    [row] = selectors.my_classes(learner=student)
    dates = {m["id"]: m["due_at"] for m in row["teacher_sees"]["modules"]}
    assert dates[extended.module_id] == extended.extensions.get(student=student).due_at


def test_a_completed_module_is_not_overdue(course, klass, student):
    course_services.class_join(student=student, join_code=klass.join_code)
    first = course_modules(course)[0]
    assigned(klass, first, days=-2)
    for lesson in course_lessons(course)[:3]:
        course_services.lesson_mark_read(learner=student, lesson_id=lesson.pk)
    [row] = selectors.learner_due(learner=student)
    assert row["modules"][0]["completed"] and not row["modules"][0]["overdue"]


def test_a_learner_in_no_class_is_told_how_to_join_one(student):
    page = page_of(signed_in(student), "/me/progress/")
    assert "You are not in a class" in page and 'href="/classes/join/"' in page


def due_queries(learner) -> int:
    with CaptureQueriesContext(connection) as ctx:
        selectors.learner_due(learner=learner)
    return len(ctx.captured_queries)


def test_what_is_due_takes_six_queries_whatever_the_number_of_classes_modules_and_extensions(academy, teacher):
    learner = make_user()
    small = make_course(academy, modules=1, lessons=1)
    one = course_services.class_create(teacher=teacher, name="A")
    course_services.class_join(student=learner, join_code=one.join_code)
    assigned(one, course_modules(small)[0], days=3)
    before = due_queries(learner)
    for name in ("B", "C", "D"):
        big = make_course(academy, modules=3, lessons=4)
        klass = course_services.class_create(teacher=teacher, name=name)
        course_services.class_join(student=learner, join_code=klass.join_code)
        for module in course_modules(big):
            assignment = assigned(klass, module, days=-1)
            course_services.extension_set(actor=teacher, assignment=assignment, student_id=learner.pk,
                                          due_at=later(2))
    # memberships with classes and teachers, assignments with modules and courses, the learner's
    # extensions, the unpublished pages' paths (live() excludes lessons under them), the modules'
    # live lessons, and completed_pairs: 6, not one per class, module or extension
    assert before == due_queries(learner) == 6


# --- finding 5: the next step, the chart, the print layout ----------------------------------------


def test_after_a_result_the_next_step_is_the_next_lesson(course, graded_attempt, student):
    page = page_of(signed_in(student), f"/attempts/{graded_attempt.pk}/")
    next_lesson = course_lessons(course)[4]
    assert "Continue to the next lesson" in page
    assert f'href="/lessons/{next_lesson.pk}/">Continue to the next lesson' in page


def test_after_the_last_lesson_the_next_step_is_back_to_the_course(academy, exercise, student,
                                                                  django_capture_on_commit_callbacks):
    course = make_course(academy, modules=1, lessons=2, exercises_in={(0, 1): [exercise.pk]})
    course_services.enrol(learner=student, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=student, answers={"steps": PASSING_PATH})
    page = page_of(signed_in(student), f"/attempts/{attempt.pk}/")
    assert "Continue to the next lesson" not in page
    assert f'href="/courses/{course.pk}/">Back to the course' in page


def test_the_pass_mark_line_crosses_the_overall_bar_only():
    svg = charts.bar_chart([{"label": "Listening", "score": 40}, {"label": "Judgement", "score": 90}],
                           title="T", description="D", chart_id="c", threshold=60, threshold_label="Pass mark",
                           overall={"label": "Overall", "score": 70, "passed": True})
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    marks = [line for line in root.iter(f"{ns}line") if line.get("class") == "pass-mark"]
    bars = [rect for rect in root.iter(f"{ns}rect") if rect.get("fill") != "#eef1f5"]
    assert len(marks) == 1
    overall_bar = bars[0]
    top, bottom = float(overall_bar.get("y")), float(overall_bar.get("y")) + float(overall_bar.get("height"))
    assert float(marks[0].get("y1")) >= top - 5 and float(marks[0].get("y2")) <= bottom + 5
    assert all(float(bar.get("y")) > float(marks[0].get("y2")) for bar in bars[1:])


def test_the_bar_colours_have_a_legend_on_the_result_page(graded_attempt, student):
    page = page_of(signed_in(student), f"/attempts/{graded_attempt.pk}/")
    assert 'class="chart-legend"' in page
    for words in ("Overall score, passed", "Pass mark (60), for the overall score", "Competency score"):
        assert words in page


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_chart_colour_and_the_pass_mark_have_3_to_1_contrast():
    """WCAG 1.4.11: each swatch against the white page; the pass mark against its white halo, and the halo
    against the bars it crosses and the track."""
    for colour in charts.COLOURS.values():
        assert _contrast(colour, "#ffffff") >= 3, colour
    assert _contrast(charts.COLOURS["pass_mark"], charts.HALO) >= 3
    for bar in ("passed", "not_passed", "competency"):
        assert _contrast(charts.HALO, charts.COLOURS[bar]) >= 3, bar


def test_the_pass_mark_swatch_is_drawn_like_the_chart_and_prints():
    """An SVG line in the pass mark's colour, thicker than the chart's (a CSS background would not print)."""
    swatch = charts.legend_swatch("pass_mark")
    assert swatch.startswith("<svg") and f'stroke="{charts.COLOURS["pass_mark"]}"' in swatch
    width = float(re.search(r'stroke-width="([\d.]+)"', swatch).group(1))
    assert width >= charts.PASS_MARK["width"] and width >= 3
    svg = charts.bar_chart([{"label": "Listening", "score": 50}], title="T", description="D", chart_id="c",
                           threshold=60, threshold_label="Pass mark",
                           overall={"label": "Overall", "score": 80, "passed": True})
    assert svg.index('class="pass-mark-halo"') < svg.index('class="pass-mark"')  # the halo is under the line


def test_the_legend_on_the_result_page_shows_each_swatch(graded_attempt, student):
    page = page_of(signed_in(student), f"/attempts/{graded_attempt.pk}/")
    legend = page.split('class="chart-legend"')[1].split("</ul>")[0]
    assert legend.count('class="swatch-svg"') == 3 and 'class="legend-pass_mark"' in legend


def test_chart_text_is_at_least_12_px_on_a_390_px_phone():
    # At 390 px the chart's column is about 327 px (the page's and the panel's padding aside); the
    # stylesheet caps it at 28rem on wide screens. Every font size, scaled, stays at 12 px or more.
    svg = charts.bar_chart([{"label": "Listening", "score": 50}], title="T", description="D", chart_id="c",
                           threshold=60, overall={"label": "Overall", "score": 50, "passed": False})
    sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) * 327 / charts.CHART_W >= 12


def test_the_print_stylesheet_hides_navigation_and_buttons():
    css = (Path(settings.BASE_DIR) / "frontend" / "static" / "frontend" / "site.css").read_text()
    block = css[css.index("@media print {"):]
    hidden, declaration = block.split("{")[1], block.split("{")[2].split("}")[0]
    assert "display: none" in declaration
    assert {".site-header", ".site-footer", ".crumbs", ".actions", "button", ".button"} <= {
        selector.strip() for selector in hidden.split(",")}
    assert ".print-only { display: block; }" in block


def test_the_printed_result_names_the_learner_and_the_date(graded_attempt, student):
    page = page_of(signed_in(student), f"/attempts/{graded_attempt.pk}/")
    printed = re.search(r'<p class="print-only print-meta">(.*?)</p>', page, re.S).group(1)
    assert student.username in printed
    assert timezone.localdate().strftime("%Y") in printed and "printed on" in printed


# --- finding 13: whose result a teacher sees -----------------------------------------------------


def test_a_teacher_sees_the_learners_name_not_your_result(graded_attempt, teacher, student):
    page = page_of(signed_in(teacher), f"/attempts/{graded_attempt.pk}/")
    owner = re.search(r'<p class="eyebrow" id="result-owner">(.*?)</p>', page, re.S).group(1)
    assert "Your result" not in owner and student.username in owner
    assert "Your result" not in re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "Continue to the next lesson" not in page  # the next step is the learner's


def test_the_learner_still_sees_your_result(graded_attempt, student):
    page = page_of(signed_in(student), f"/attempts/{graded_attempt.pk}/")
    assert "Your result" in re.search(r'id="result-owner">(.*?)</p>', page, re.S).group(1)


# --- finding 19: the waiting words and the outcome box --------------------------------------------


@pytest.fixture
def waiting_attempt(course, exercise, student):
    course_services.enrol(learner=student, course=course)
    attempt, _ = attempt_submit(exercise=exercise, learner=student, answers={"steps": PASSING_PATH})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED  # on_commit never ran: no grading
    return attempt


def waiting_text(student, attempt) -> str:
    page = page_of(signed_in(student), f"/attempts/{attempt.pk}/")
    return re.search(r'<span id="wait-text"[^>]*>(.*?)</span>', page, re.S).group(1)


def test_a_fresh_submission_says_it_takes_a_few_seconds(waiting_attempt, student):
    assert "a few seconds" in waiting_text(student, waiting_attempt)


def test_after_ten_seconds_it_says_longer_than_usual_and_the_answer_is_safe(waiting_attempt, student):
    Attempt.objects.filter(pk=waiting_attempt.pk).update(submitted_at=timezone.now() - timezone.timedelta(seconds=12))
    text = waiting_text(student, waiting_attempt)
    assert "longer than usual" in text and "saved" in text and "a few seconds" not in text


def test_after_35_seconds_it_never_says_a_few_seconds(waiting_attempt, student):
    Attempt.objects.filter(pk=waiting_attempt.pk).update(submitted_at=timezone.now() - timezone.timedelta(seconds=40))
    text = waiting_text(student, waiting_attempt)
    assert "a few seconds" not in text and "saved" in text


def test_the_outcome_box_says_its_outcome_in_words_and_colour(course, exercise, student,
                                                              django_capture_on_commit_callbacks):
    course_services.enrol(learner=student, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        failed, _ = attempt_submit(exercise=exercise, learner=student, answers={"steps": CRITICAL_PATH})
    page = page_of(signed_in(student), f"/attempts/{failed.pk}/")
    assert 'class="result-summary not-passed"' in page and "Not passed yet" in page
    css = (Path(settings.BASE_DIR) / "frontend" / "static" / "frontend" / "site.css").read_text()
    assert ".result-summary.not-passed { background: var(--warn-soft); }" in css
    assert ".result-summary.passed { background: var(--ok-soft); }" in css


# --- finding 8: join codes as typed, the account's email and password --------------------------------


def test_the_site_accepts_a_join_code_typed_with_its_hyphen_in_lower_case(klass, student):
    code = klass.join_code
    response = signed_in(student).post("/classes/join/", {"join_code": f" {code[:5]}-{code[5:]} ".lower()},
                                       follow=True)
    assert "You joined the class" in response.content.decode()
    assert klass.memberships.filter(student=student).exists()


def test_the_account_page_changes_the_email_and_asks_to_confirm_it(student, mailoutbox,
                                                                    django_capture_on_commit_callbacks):
    student.email_verified_at = timezone.now()
    student.save(update_fields=["email_verified_at"])
    client = signed_in(student)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/email/", {"email": "New.Address@Example.org", "password": "pw-Secret-123"},
                               follow=True)
    old = student.email
    student.refresh_from_db()
    assert student.email.lower() == "new.address@example.org"
    assert student.email_verified_at is None
    assert "follow it to confirm" in response.content.decode() and "not confirmed yet" in response.content.decode()
    # the link to the new address, and a word to the old one that a change was asked for
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([student.email, old])


def test_changing_the_email_needs_the_current_password(student):
    before = student.email
    response = signed_in(student).post("/account/email/", {"email": "new@example.org", "password": "wrong"})
    assert response.status_code == 400 and "The current password is not right." in response.content.decode()
    student.refresh_from_db()
    assert student.email == before


def test_an_email_another_account_has_is_refused(student):
    other = make_user()
    response = signed_in(student).post("/account/email/", {"email": other.email.upper(), "password": "pw-Secret-123"})
    assert response.status_code == 400 and "An account with that email exists." in response.content.decode()


def test_the_account_page_changes_the_password_with_djangos_validators(student):
    client = signed_in(student)
    weak = client.post("/account/password/", {"old_password": "pw-Secret-123", "new_password1": "123",
                                              "new_password2": "123"})
    assert weak.status_code == 400 and "too short" in weak.content.decode()
    wrong = client.post("/account/password/", {"old_password": "nope", "new_password1": "Quiet-Harbour-2041",
                                               "new_password2": "Quiet-Harbour-2041"})
    assert wrong.status_code == 400
    done = client.post("/account/password/", {"old_password": "pw-Secret-123", "new_password1": "Quiet-Harbour-2041",
                                              "new_password2": "Quiet-Harbour-2041"})
    assert done.status_code == 302
    student.refresh_from_db()
    assert student.check_password("Quiet-Harbour-2041")
