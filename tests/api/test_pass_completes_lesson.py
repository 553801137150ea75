"""A pass completes the lesson (api-v1.md, "Catalogue and progress"): a lesson that embeds exercises
counts as completed once every one has a passed attempt, whether or not the learner marked it read;
a lesson without exercises once it was marked read. Every reader agrees: the course progress, my
progress, the teacher's class matrix and the lesson's state."""
import pytest

from assessments.services import attempt_submit
from courses import progress
from courses import services as course_services

from ..conftest import as_user
from ..factories import (
    CRITICAL_PATH,
    PASSING_PATH,
    SPEC_SCENARIO,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_course,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise(academy):
    return import_exercise(academy)


@pytest.fixture
def course(academy, exercise):
    # One module of two lessons: the first plain, the second embeds the scenario.
    return make_course(academy, modules=1, lessons=2, exercises_in={(0, 1): [exercise.pk]})


@pytest.fixture
def enrolled(course, student):
    course_services.enrol(learner=student, course=course)
    return student


@pytest.fixture
def play(django_capture_on_commit_callbacks):
    def submit(learner, exercise, steps):
        with django_capture_on_commit_callbacks(execute=True):
            attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": steps})
        attempt.refresh_from_db()
        assert attempt.status == "graded"
        return attempt
    return submit


def course_body(learner, course):
    response = as_user(learner).get(f"/api/v1/courses/{course.pk}/progress/")
    assert response.status_code == 200
    return response.json()


def test_a_passed_exercise_completes_its_lesson_without_a_read_mark(course, exercise, enrolled, play):
    play(enrolled, exercise, PASSING_PATH)
    body = course_body(enrolled, course)
    assert [lesson["completed"] for lesson in body["modules"][0]["lessons"]] == [False, True]
    assert body["modules"][0]["percent"] == 50.0
    assert body["percent"] == 50.0


def test_my_progress_counts_the_passed_lesson(course, exercise, enrolled, play):
    play(enrolled, exercise, PASSING_PATH)
    rows = as_user(enrolled).get("/api/v1/me/progress/").json()["results"]
    assert [(row["course"], row["percent"]) for row in rows] == [(course.pk, 50.0)]


def test_the_teachers_class_matrix_counts_the_passed_lesson(course, exercise, enrolled, teacher, play):
    klass = course_services.class_create(teacher=teacher, name="9B")
    course_services.class_join(student=enrolled, join_code=klass.join_code)
    module = course_modules(course)[0]
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=module.pk, due_at=later(7))
    play(enrolled, exercise, PASSING_PATH)
    body = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/progress/").json()
    assert [(m["id"], m["percent"]) for m in body["students"][0]["modules"]] == [(module.pk, 50.0)]


def test_a_graded_attempt_that_did_not_pass_does_not_complete_the_lesson(course, exercise, enrolled, play):
    attempt = play(enrolled, exercise, CRITICAL_PATH)
    assert attempt.passed is False
    assert course_body(enrolled, course)["percent"] == 0.0


def test_a_read_mark_alone_does_not_complete_a_lesson_with_an_exercise(course, enrolled):
    as_user(enrolled).post(f"/api/v1/lessons/{course_lessons(course)[1].pk}/complete/")
    assert course_body(enrolled, course)["modules"][0]["lessons"][1]["completed"] is False


def test_a_lesson_without_exercises_still_needs_its_read_mark(course, enrolled):
    plain = course_lessons(course)[0]
    assert course_body(enrolled, course)["modules"][0]["lessons"][0]["completed"] is False
    as_user(enrolled).post(f"/api/v1/lessons/{plain.pk}/complete/")
    assert course_body(enrolled, course)["modules"][0]["lessons"][0]["completed"] is True


def test_a_lesson_with_two_exercises_needs_both_passed(academy, student, play):
    first = import_exercise(academy)
    second = import_exercise(academy, {**SPEC_SCENARIO, "slug": "second-river"})
    course = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [first.pk, second.pk]})
    course_services.enrol(learner=student, course=course)
    play(student, first, PASSING_PATH)
    assert course_body(student, course)["percent"] == 0.0
    play(student, second, PASSING_PATH)
    assert course_body(student, course)["percent"] == 100.0


def test_a_pass_is_counted_in_the_percentages_of_every_reader_alike(course, exercise, enrolled, teacher, play):
    # The one rule behind the course progress, my progress and the class matrix.
    klass = course_services.class_create(teacher=teacher, name="9C")
    course_services.class_join(student=enrolled, join_code=klass.join_code)
    module = course_modules(course)[0]
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=module.pk, due_at=later(7))
    as_user(enrolled).post(f"/api/v1/lessons/{course_lessons(course)[0].pk}/complete/")
    play(enrolled, exercise, PASSING_PATH)
    course_percent = course_body(enrolled, course)["percent"]
    mine = as_user(enrolled).get("/api/v1/me/progress/").json()["results"][0]["percent"]
    matrix = progress.class_progress(school_class=klass)["students"][0]["modules"][0]["percent"]
    assert course_percent == mine == matrix == 100.0


# --- the rule and the states, as functions --------------------------------------------------


def test_the_rule_a_lesson_without_exercises_is_completed_by_its_read_mark():
    assert progress.lesson_completed(read=True, exercises=[], passed=set()) is True
    assert progress.lesson_completed(read=False, exercises=[], passed=set()) is False


def test_the_rule_a_lesson_with_exercises_is_completed_by_passing_them_all():
    assert progress.lesson_completed(read=False, exercises=[1, 2], passed={1, 2}) is True
    assert progress.lesson_completed(read=True, exercises=[1, 2], passed={1}) is False


@pytest.mark.parametrize(("read", "exercises", "passed", "attempted", "state"), [
    (False, [], set(), set(), progress.NOT_STARTED),
    (True, [], set(), set(), progress.COMPLETED),
    (False, [7], set(), set(), progress.NOT_STARTED),
    (True, [7], set(), set(), progress.IN_PROGRESS),
    (False, [7], set(), {7}, progress.IN_PROGRESS),
    (False, [7, 8], {7}, {7}, progress.IN_PROGRESS),
    (False, [7], {7}, {7}, progress.COMPLETED),
])
def test_lesson_states(read, exercises, passed, attempted, state):
    assert progress.lesson_state(read=read, exercises=exercises, passed=passed, attempted=attempted) == state


def test_exercise_states():
    assert progress.exercise_state(exercise=1, passed={1}, attempted={1}) == "passed"
    assert progress.exercise_state(exercise=1, passed=set(), attempted={1}) == "attempted"
    assert progress.exercise_state(exercise=1, passed=set(), attempted=set()) is None
