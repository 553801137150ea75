"""May a learner attempt an exercise (courses.access.may_attempt): the enrolment that
attemptable_exercise reads with the exercise decides only for the learner it was read for."""
import pytest

from assessments.models import Exercise
from courses import access
from courses.services import enrol

from ..factories import import_exercise, make_course, make_user


@pytest.fixture
def course_exercise(academy):
    exercise = import_exercise(academy, visibility="course")
    course = make_course(academy, exercises_in={(0, 0): [exercise.pk]})
    return exercise, course


def test_an_exercise_read_for_an_enrolled_learner_does_not_let_another_learner_attempt_it(course_exercise):
    exercise, course = course_exercise
    enrolled, stranger = make_user(), make_user()
    enrol(learner=enrolled, course=course)
    read_for_the_enrolled = access.attemptable_exercise(user=enrolled, exercise_id=exercise.pk)
    assert read_for_the_enrolled.learner_enrolled is True
    assert access.may_attempt(user=enrolled, exercise=read_for_the_enrolled)
    assert not access.may_attempt(user=stranger, exercise=read_for_the_enrolled)


def test_an_exercise_read_for_a_stranger_does_not_refuse_an_enrolled_learner(course_exercise):
    exercise, course = course_exercise
    enrolled, stranger = make_user(), make_user()
    enrol(learner=enrolled, course=course)
    read_for_the_stranger = Exercise.objects.get(pk=exercise.pk)
    read_for_the_stranger.learner_enrolled = False  # as attemptable_exercise would read it for the stranger
    read_for_the_stranger.enrolment_read_for = stranger.pk
    assert not access.may_attempt(user=stranger, exercise=read_for_the_stranger)
    assert access.may_attempt(user=enrolled, exercise=read_for_the_stranger)


def test_an_annotation_without_the_learner_it_was_read_for_is_not_trusted(course_exercise):
    exercise, _course = course_exercise
    stranger = make_user()
    exercise.learner_enrolled = True  # computed somewhere for someone: not the stranger's enrolment
    assert not access.may_attempt(user=stranger, exercise=exercise)
