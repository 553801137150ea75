"""The statistics pages and the reflection journal in Chromium, on the demo data (its demo learners'
graded attempts, seeded by load_demo through the services): the academy editor's statistics of a
scenario (heat overlay, tables, flags, CSV) and of a quiz, the teacher's for their class, then a
reflection written under a result, commented by the teacher, and read in "My journal". Every page is
scanned with axe-core at desktop and phone width (nothing scrolls sideways on the phone); the README's
statistics and journal screenshots are taken here."""
import csv
import io
import random

import pytest

from assessments import services as assessment_services
from assessments.models import Exercise
from cms.models import LessonExercise, ModulePage
from courses.management.commands.load_demo import demo_path
from courses.models import SchoolClass

from .conftest import DESKTOP, check_accessibility, screenshot
from .test_journeys import expect, no_dialogs, sign_in
from .test_learner_basics import at_both_widths
from .test_teacher_basics import sign_in_as_teacher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def signed_in_page(new_page, demo, live_server, username):
    page = new_page(DESKTOP)
    no_dialogs(page)
    if username == "demo-teacher":  # a teacher lands on My classes
        sign_in_as_teacher(page, live_server.url, demo["logins"][username])
    else:
        sign_in(page, live_server.url, username, demo["logins"][username])
    return page


def class_scenario() -> tuple[SchoolClass, Exercise]:
    """The demo class and the scenario of the active-listening course's second module, which load_demo
    assigns to the class (the first holds no exercise) and the demo learners have attempted."""
    school_class = SchoolClass.objects.get(name="Demo class 9B")
    module = ModulePage.objects.live().get(slug="listening-in-practice", locale__language_code="en")
    assert school_class.assignments.filter(module=module).exists()
    ids = LessonExercise.objects.filter(lesson__path__startswith=module.path).values("exercise_id")
    return school_class, Exercise.objects.get(pk__in=ids, kind="scenario")


def test_the_editor_reads_a_scenarios_statistics_and_a_quizs_item_analysis(new_page, demo, live_server):
    page = signed_in_page(new_page, demo, live_server, "demo-editor")
    _, scenario = class_scenario()
    page.goto(f"{live_server.url}/academy/")
    page.locator(f'a[href="/academy/exercises/{scenario.pk}/statistics/"]').click()
    expect()(page.locator("h1")).to_contain_text("Statistics")
    expect()(page.locator(".stats-total")).to_contain_text("16 graded attempts")
    # the heat overlay: every node coloured, its reach written under its id, and the same in the table
    nodes = page.locator(".stats-diagram svg g.node")
    expect()(nodes).to_have_count(len(scenario.current_version.document["nodes"]))
    expect()(nodes.first).to_contain_text("16 · 100%")
    expect()(page.locator("#reach-h + .table-wrap tbody tr").first).to_contain_text("100%")
    expect()(page.locator("#choices-h + .table-wrap tbody tr").first).to_be_visible()
    expect()(page.locator("select#version option[selected]")).to_contain_text("current")
    at_both_widths(page, "scenario statistics")
    screenshot(page, "statistics")

    with page.expect_download() as download:
        page.locator("a[download]").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows[0]["node"] == scenario.current_version.document["start"] and rows[0]["reached"] == "16"

    quiz = Exercise.objects.filter(academy__slug="demo-academy", kind="quiz").order_by("pk").first()
    page.goto(f"{live_server.url}/academy/exercises/{quiz.pk}/statistics/")
    expect()(page.locator("#items-h")).to_have_text("Item analysis")
    expect()(page.locator("#items-h + .table-wrap tbody tr")).to_have_count(
        len(quiz.current_version.document["questions"]))
    at_both_widths(page, "quiz item analysis")


def test_the_teacher_reads_the_classs_statistics_from_the_class_pages(new_page, demo, live_server):
    school_class, scenario = class_scenario()
    page = signed_in_page(new_page, demo, live_server, "demo-teacher")
    page.goto(f"{live_server.url}/teach/classes/{school_class.pk}/")
    page.get_by_role("link", name="Statistics", exact=True).click()
    expect()(page.locator("#class-stats-h")).to_be_visible()
    at_both_widths(page, "the class's exercises")
    page.locator(f'a[href="/teach/classes/{school_class.pk}/statistics/{scenario.pk}/"]').click()
    # half the demo learners are in the class: 8 graded attempts, too few for discrimination
    expect()(page.locator(".stats-total")).to_contain_text("8 graded attempts")
    expect()(page.locator(".notice-few")).to_contain_text("Only 8 graded attempts so far.")
    at_both_widths(page, "a class's statistics")


def test_a_reflection_written_under_a_result_is_commented_and_read_in_my_journal(new_page, demo, live_server):
    from accounts.models import User

    school_class, scenario = class_scenario()
    student = User.objects.get(username="demo-student")
    # the demo student's strongest path: a pass, so the debrief (and the journal form under it) opens
    answers = demo_path(scenario.current_version.document, 1.0, random.Random(0))
    attempt, _ = assessment_services.attempt_submit(exercise=scenario, learner=student, answers=answers)
    assessment_services.attempt_grade(attempt_id=attempt.pk)

    page = signed_in_page(new_page, demo, live_server, "demo-student")
    page.goto(f"{live_server.url}/attempts/{attempt.pk}/")
    journal = page.locator("section#journal")
    expect()(journal.locator(".journal-audience")).to_contain_text("will read this")
    at_both_widths(page, "a result with its reflection form")
    journal.locator("#journal-differently").fill("Ask about their interests before I offer anything.")
    journal.locator("#journal-commitment").fill("Summarise what I heard before I answer.")
    journal.locator("button[type=submit]").click()
    expect()(page.locator(".message").first).to_contain_text("saved in your journal")

    teacher = signed_in_page(new_page, demo, live_server, "demo-teacher")
    teacher.goto(f"{live_server.url}/teach/classes/{school_class.pk}/journal/")
    entry = teacher.locator("main").get_by_text("Summarise what I heard before I answer.")
    expect()(entry).to_be_visible()
    at_both_widths(teacher, "the class's journal")
    teacher.locator("main textarea[name=text]").first.fill("A clear commitment: try it in the next scenario.")
    teacher.locator("main form button[type=submit]").first.click()
    expect()(teacher.locator(".message").first).to_contain_text("Your comment is posted")

    page.goto(f"{live_server.url}/me/journal/")
    expect()(page.locator("main")).to_contain_text("Ask about their interests before I offer anything.")
    expect()(page.locator("main")).to_contain_text("A clear commitment: try it in the next scenario.")
    check_accessibility(page, "my journal, desktop")
    at_both_widths(page, "my journal")
    screenshot(page, "journal")
