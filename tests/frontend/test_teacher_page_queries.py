"""The teacher's class progress page (matrix, at-risk list, heat map) costs a fixed number of queries,
the same for 3 or 30 students with work of their own: the class matrix is computed once per page
(courses.progress.class_progress), and the at-risk list is read from that matrix.

Why the number is what it is: see EXPECTED below, query by query.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from courses.models import ClassMembership, Extension, LessonRead
from courses.services import assignment_create, class_create

from ..conftest import signed_in
from ..factories import course_lessons, course_modules, later, make_course, make_user, verify_teacher


def build(academy, staff, *, students: int):
    course = make_course(academy, modules=2, lessons=3)
    teacher = make_user(Role.TEACHER)
    verify_teacher(teacher, by=staff)
    school_class = class_create(teacher=teacher, name="Delegates")
    for module in course_modules(course):
        assignment_create(actor=teacher, school_class=school_class, module_id=module.pk, due_at=later())
    lessons = course_lessons(course)
    first = school_class.assignments.first()
    for i in range(students):
        learner = make_user()
        ClassMembership.objects.create(school_class=school_class, student=learner)
        LessonRead.objects.bulk_create(LessonRead(learner=learner, lesson=lesson)
                                             for lesson in lessons[: i % len(lessons) + 1])
        if i % 2:
            Extension.objects.create(assignment=first, student=learner, due_at=later(9))
    return teacher, school_class


def page_queries(teacher, school_class) -> int:
    client = signed_in(teacher)
    url = f"/teach/classes/{school_class.pk}/progress/"
    assert client.get(url).status_code == 200  # warms the page-tree cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("students", [3, 30])
def test_the_class_progress_page_is_a_fixed_number_of_queries(academy, staff, students):
    teacher, school_class = build(academy, staff, students=students)
    assert page_queries(teacher, school_class) == EXPECTED


# 1 the signed-in user (the session itself is cached), 2 the class (its teacher's access check),
# 3 the assignments with their modules, 4 the members with their last activity, 5 the paths of
# unpublished pages that have children (a lesson under one is not live), 6 the live lessons of the
# assigned modules, 7 the members' read marks and passed attempts in one UNION ALL, 8 the
# extensions. Computing the matrix a second time for the at-risk list cost six more.
EXPECTED = 8
