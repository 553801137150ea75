"""The query counts that docstrings state, checked: each test calls the function its name gives and
asserts the number its docstring says, with data enough that a query per row would show.

Counts stated for whole requests are checked in tests/api/test_query_budgets.py,
tests/frontend/test_site_query_budgets.py and tests/cms/test_authoring_query_budgets.py; the export's
in tests/privacy/test_export.py; a class's due reminders in tests/notices/test_reminders.py.
"""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from courses import progress
from courses.models import ClassMembership
from courses.services import assignment_create, class_create, enrol

from .factories import course_lessons, course_modules, import_exercise, later, make_course, make_user, verify_teacher


@pytest.fixture
def counted(db, django_assert_num_queries):
    """counted(n, f, **kwargs) -> f(**kwargs), which must take exactly n queries."""

    def run(expected: int, function, **kwargs):
        with django_assert_num_queries(expected):
            return function(**kwargs)

    return run


def mark_read(learner, lessons) -> None:
    client = APIClient()
    client.force_authenticate(learner)
    for lesson in lessons:
        assert client.post(f"/api/v1/lessons/{lesson.pk}/complete/").status_code in (200, 201)


@pytest.fixture
def courses(academy):
    exercise = import_exercise(academy)
    return [make_course(academy, modules=2, lessons=3, exercises_in={(0, 0): [exercise.pk]}) for _ in range(3)]


@pytest.fixture
def learners(courses):
    people = [make_user() for _ in range(4)]
    for learner in people:
        for course in courses:
            enrol(learner=learner, course=course)
            mark_read(learner, course_lessons(course)[:2])
    return people


# --- courses/progress.py ----------------------------------------------------------------------------


def test_completed_pairs_is_one_query(counted, courses, learners):
    lessons = [lesson.pk for course in courses for lesson in course_lessons(course)]
    pairs = counted(1, progress.completed_pairs, learner_ids=[p.pk for p in learners], lesson_ids=lessons)
    assert len(pairs) == 4 * 3  # the second lesson of each course; the first embeds an unpassed scenario


def test_course_progress_is_one_query_once_the_structure_is_cached(counted, courses, learners):
    from cms.selectors import course_structure

    course_structure(courses[0])
    counted(1, progress.course_progress, learner=learners[0], course=courses[0])


def test_courses_progress_is_one_query_whatever_the_number_of_courses(counted, courses, learners):
    from cms.selectors import course_structure

    for course in courses:
        course_structure(course)
    rows = counted(1, progress.courses_progress, learner=learners[0], courses=courses)
    assert [row["completed_lessons"] for row in rows] == [1, 1, 1]


def test_live_lessons_by_ancestor_is_two_queries(counted, courses):
    found = counted(2, progress._live_lessons_by_ancestor, ancestors=courses)
    assert [len(ids) for ids in found.values()] == [6, 6, 6]


def test_the_learners_overview_is_two_queries_whatever_the_number_of_courses(counted, courses, learners):
    from cms.selectors import course_structure
    from courses.selectors import learner_overview

    for course in courses:
        course_structure(course)  # structures come from their cache
    # the enrolments, then the marks in all their courses (courses_progress)
    assert len(counted(2, learner_overview, learner=learners[0])) == 3


def test_the_class_matrix_is_six_queries_whatever_its_size(counted, courses, learners):
    teacher = make_user(Role.TEACHER)
    school_class = class_create(teacher=teacher, name="Delegates")
    for course in courses:
        for module in course_modules(course):
            assignment_create(actor=teacher, school_class=school_class, module_id=module.pk, due_at=later())
    for learner in learners:
        ClassMembership.objects.create(school_class=school_class, student=learner)
    matrix = counted(6, progress.class_progress, school_class=school_class)
    assert len(matrix["students"]) == 4 and len(matrix["modules"]) == 6


# --- cms/selectors.py --------------------------------------------------------------------------------


def test_a_course_structure_on_a_cache_miss_is_five_queries(counted, courses):
    from cms.selectors import course_structure

    cache.clear()
    modules = counted(5, course_structure, course=courses[0])
    assert [len(m["lessons"]) for m in modules] == [3, 3]


def test_course_translations_are_three_queries(counted, courses):
    from cms.selectors import course_translations

    found = counted(3, course_translations, courses=courses)
    assert [codes for codes in found.values()] == [["en"], ["en"], ["en"]]


def test_live_q_is_one_query(counted, courses):
    from cms.models import LessonPage

    counted(1, LessonPage.objects.all().live_q)


# --- courses/reminders.py ------------------------------------------------------------------------------


def test_the_reminder_sweeps_are_one_two_and_one_queries(counted, courses, staff):
    from courses import reminders

    teacher = make_user(Role.TEACHER)
    verify_teacher(teacher, by=staff)  # a decision whose mail is looked for by the sweep
    now = timezone.now() + reminders.MAIL_SWEEP_AFTER + timedelta(minutes=1)
    school_class = class_create(teacher=teacher, name="Delegates")
    assignment_create(actor=teacher, school_class=school_class, module_id=course_modules(courses[0])[0].pk,
                      due_at=now + timedelta(hours=20))
    assert counted(1, reminders.classes_with_reminders, now=now) == [school_class.pk]
    assert len(counted(2, reminders.unsent_verifications, now=now)) == 1
    counted(1, reminders.unsent_invitations, now=now)


def test_the_teachers_due_a_digest_are_four_queries(counted, learners):
    from courses import reminders

    for n in range(3):
        school_class = class_create(teacher=make_user(Role.TEACHER), name=f"Class {n}")
        ClassMembership.objects.create(school_class=school_class, student=learners[n])
    assert len(counted(4, reminders.digest_teachers, period_key="2026-W49")) == 3


# --- courses/selectors.py: the learner's name on an attempt --------------------------------------------


def test_an_attempts_learner_name_is_no_query_or_three_for_a_former_learner(counted, academy, db):
    from accounts.privacy import account_delete
    from assessments.models import Attempt
    from assessments.services import attempt_start
    from courses import selectors
    from courses.services import class_join

    exercise = import_exercise(academy)
    course = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    teacher = make_user(Role.TEACHER)
    klass = class_create(teacher=teacher, name="9B")
    assignment_create(actor=teacher, school_class=klass, module_id=course_modules(course)[0].pk, due_at=later(7))
    people = [make_user() for _ in range(5)]
    attempts = []
    for person in people:
        class_join(student=person, join_code=klass.join_code)
        attempts.append(attempt_start(exercise=exercise, learner=person)[0])
    Attempt.objects.filter(pk__in=[a.pk for a in attempts]).update(status=Attempt.Status.GRADED)
    for person in people[:4]:
        account_delete(user=person, password="pw-Secret-123")
    present = Attempt.objects.select_related("learner").get(pk=attempts[4].pk)
    assert counted(0, selectors.attempt_learner_name, attempt=present, viewer=teacher) == people[4].username
    former = Attempt.objects.select_related("learner", "exercise").get(pk=attempts[3].pk)
    # the exercise's modules, the viewer's classes through them, the class's former learners: three for 4 of them
    assert counted(3, selectors.attempt_learner_name, attempt=former, viewer=teacher) == "Former learner 4"
