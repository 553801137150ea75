import pytest

from assessments.services import attempt_submit
from courses import services as course_services
from courses.models import SchoolClass

from ..factories import PASSING_PATH, course_lessons, course_modules, import_exercise, later, make_course


@pytest.fixture
def exercise(academy):
    return import_exercise(academy)


@pytest.fixture
def course(academy, exercise):
    # Module 1 has three plain lessons; module 2's first lesson embeds the scenario.
    return make_course(academy, modules=2, lessons=3, exercises_in={(1, 0): [exercise.pk]}, title="Listening")


@pytest.fixture
def klass(teacher):
    return course_services.class_create(teacher=teacher, name="9B")


@pytest.fixture
def graded_attempt(course, exercise, klass, student, django_capture_on_commit_callbacks):
    """The student, in the teacher's class, which was assigned the exercise's module, with a graded
    scenario attempt."""
    course_services.class_join(student=student, join_code=klass.join_code)
    course_services.assignment_create(actor=klass.teacher, school_class=klass,
                                      module_id=course_modules(course)[1].pk, due_at=later(7))
    course_services.enrol(learner=student, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=student, answers={"steps": PASSING_PATH})
    attempt.refresh_from_db()
    assert attempt.status == "graded"
    return attempt


__all__ = ["course_lessons", "course_modules", "later", "SchoolClass"]
