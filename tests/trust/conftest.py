"""A school as a stranger could set one up: a self-registered teacher, a class, learners who joined
it themselves, a module assigned to it and a graded attempt at that module's exercise."""
import pytest

from accounts.models import Role
from assessments import services as assessment_services
from courses import services as course_services

from ..factories import SPEC_PATH, course_lessons, course_modules, import_exercise, later, make_course, make_user


@pytest.fixture
def school(academy, staff):
    exercise = import_exercise(academy, visibility="course")
    elsewhere = import_exercise(academy, visibility="course", slug="elsewhere")
    course = make_course(academy, modules=2, lessons=1, exercises_in={(0, 0): [exercise.pk], (1, 0): [elsewhere.pk]})
    modules = course_modules(course)
    teacher, learner = make_user(Role.TEACHER), make_user(Role.STUDENT)
    klass = course_services.class_create(teacher=teacher, name="9B")
    course_services.class_join(student=learner, join_code=klass.join_code)
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=modules[0].pk, due_at=later(7))
    attempts = {}
    for key, ex in (("assigned", exercise), ("unassigned", elsewhere)):
        attempt, _ = assessment_services.attempt_submit(exercise=ex, learner=learner, answers={"steps": SPEC_PATH})
        assessment_services.attempt_grade(attempt_id=attempt.pk)
        attempt.refresh_from_db()
        attempts[key] = attempt
    return {"exercise": exercise, "course": course, "modules": modules, "lessons": course_lessons(course),
            "teacher": teacher, "learner": learner, "klass": klass, "attempts": attempts, "staff": staff}
