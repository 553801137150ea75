"""The scenario spec's "Debrief" unlock rule (assessments.selectors.debrief_unlocked): graded, then passed or
every attempt used, unless the document says `debrief_after: "graded"`."""
import pytest

from assessments.selectors import debrief_unlocked
from assessments.services import attempt_submit
from courses import services as course_services

from ..factories import PASSING_PATH, import_exercise, make_course, make_user

pytestmark = pytest.mark.django_db

def _play(learner, exercise, steps, capture):
    with capture(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": steps})
    attempt.refresh_from_db()
    return attempt


@pytest.fixture
def learner():
    return make_user()


def _setup(academy, learner, **exercise_fields):
    exercise = import_exercise(academy)
    for name, value in exercise_fields.items():
        setattr(exercise, name, value)
    exercise.save()
    course = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    course_services.enrol(learner=learner, course=course)
    return exercise


def test_a_passed_attempt_unlocks_its_debrief(academy, learner, django_capture_on_commit_callbacks):
    exercise = _setup(academy, learner)
    attempt = _play(learner, exercise, PASSING_PATH, django_capture_on_commit_callbacks)
    assert attempt.passed is True
    assert debrief_unlocked(attempt=attempt) is True


def test_an_attempt_not_yet_graded_is_locked(academy, learner):
    exercise = _setup(academy, learner)
    attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    assert attempt.status != "graded"
    assert debrief_unlocked(attempt=attempt) is False


def test_a_failed_attempt_stays_locked_while_attempts_are_left(academy, learner, django_capture_on_commit_callbacks):
    exercise = _setup(academy, learner, attempt_limit=2)
    attempt = _play(learner, exercise, PASSING_PATH, django_capture_on_commit_callbacks)
    type(attempt).objects.filter(pk=attempt.pk).update(passed=False)
    attempt.refresh_from_db()
    assert debrief_unlocked(attempt=attempt) is False


def test_using_every_attempt_unlocks_a_failed_attempt(academy, learner, django_capture_on_commit_callbacks):
    exercise = _setup(academy, learner, attempt_limit=1)
    attempt = _play(learner, exercise, PASSING_PATH, django_capture_on_commit_callbacks)
    type(attempt).objects.filter(pk=attempt.pk).update(passed=False)
    attempt.refresh_from_db()
    assert debrief_unlocked(attempt=attempt) is True


def test_a_later_pass_unlocks_an_earlier_failed_attempt(academy, learner, django_capture_on_commit_callbacks):
    exercise = _setup(academy, learner)
    first = _play(learner, exercise, PASSING_PATH, django_capture_on_commit_callbacks)
    type(first).objects.filter(pk=first.pk).update(passed=False)
    first.refresh_from_db()
    assert debrief_unlocked(attempt=first) is False
    _play(learner, exercise, PASSING_PATH, django_capture_on_commit_callbacks)
    assert debrief_unlocked(attempt=first) is True


def test_a_passed_practice_replay_unlocks_nothing(academy, learner, django_capture_on_commit_callbacks):
    exercise = _setup(academy, learner)
    attempt = _play(learner, exercise, PASSING_PATH, django_capture_on_commit_callbacks)
    type(attempt).objects.filter(pk=attempt.pk).update(practice=True)
    attempt.refresh_from_db()
    assert debrief_unlocked(attempt=attempt) is False
