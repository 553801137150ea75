"""A class as a teacher sets one up: learners who joined with the code, one module of two lessons
(no exercise, so marking both read finishes it) assigned with a due date the test chooses."""
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from courses import services as course_services
from courses.models import Assignment

from ..factories import course_lessons, course_modules, later, make_course, make_user

# A fixed Wednesday noon (UTC, the settings' TIME_ZONE): calendar days do not shift under a test.
NOON = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.UTC)


@pytest.fixture
def school(academy):
    course = make_course(academy, modules=1, lessons=2)
    teacher = make_user(Role.TEACHER)
    klass = course_services.class_create(teacher=teacher, name="Year 10 mediation")
    learners = [make_user(Role.STUDENT) for _ in range(3)]
    for learner in learners:
        course_services.class_join(student=learner, join_code=klass.join_code)
    module = course_modules(course)[0]
    assignment, _ = course_services.assignment_create(actor=teacher, school_class=klass, module_id=module.pk,
                                                      due_at=later(30))
    # The reminders run at a fixed NOON; the service refuses a due date already past, so the row is set after.
    type(assignment).objects.filter(pk=assignment.pk).update(due_at=NOON + timedelta(days=1, hours=2))
    assignment.refresh_from_db()
    return {"course": course, "teacher": teacher, "klass": klass, "learners": learners, "module": module,
            "assignment": assignment, "lessons": course_lessons(course)}


def due(school, when) -> Assignment:
    assignment = school["assignment"]
    assignment.due_at = when
    assignment.save(update_fields=["due_at"])
    return assignment


def finish(school, learner):
    for lesson in school["lessons"]:
        course_services.lesson_mark_read(learner=learner, lesson_id=lesson.pk)
