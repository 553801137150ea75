"""The course page, the lesson page and the API's progress read on the embedded default (the file
cache of config/settings.py, the page-tree cache on): a warm request's query count is fixed, the
same with 10 or 30 lessons and with 0 or 60 other learners who have progress of their own.

Why each number:
- course page, enrolled learner: 2 = the user, and one UNION ALL of the learner's read marks,
  passed attempts and enrolment (courses.progress.course_page_state). The session (cached_db), the
  course, its structure and its academy's name come from the cache.
- lesson page, enrolled learner, a lesson that embeds a scenario: 4 = the user, the lesson's row
  (its body is read fresh), the exercises its blocks name (Wagtail fetches a block type's chosen
  rows in one query, however many blocks) and one UNION ALL of the enrolment, the read mark and
  the passed attempts (courses.progress.lesson_page_state). The session, which course
  the lesson is in, and the course's structure, are cached.
- GET /api/v1/courses/<id>/progress/ with a token: 2 = the token with its user, and the UNION ALL.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.services import token_issue
from assessments.models import Attempt
from courses.models import LessonRead
from courses.services import enrol

from ..conftest import signed_in
from ..factories import course_lessons, import_exercise, make_course, make_user


def build(academy, *, lessons: int, others: int):
    """A course of `lessons` lessons over two modules (the first lesson embeds a scenario), the
    learner enrolled with half of them read, and `others` learners with reads of their own."""
    exercise = import_exercise(academy)
    course = make_course(academy, modules=2, lessons=lessons // 2, exercises_in={(0, 0): [exercise.pk]})
    all_lessons = course_lessons(course)
    learner = make_user()
    enrol(learner=learner, course=course)
    LessonRead.objects.bulk_create(LessonRead(learner=learner, lesson=lesson)
                                         for lesson in all_lessons[: lessons // 2])
    for _ in range(others):
        other = make_user()
        enrol(learner=other, course=course)
        LessonRead.objects.bulk_create(LessonRead(learner=other, lesson=lesson) for lesson in all_lessons)
        Attempt.objects.create(learner=other, exercise=exercise, version=exercise.current_version,
                               status=Attempt.Status.GRADED, passed=True, score=90)
    return course, all_lessons, learner


def warm_queries(client, url) -> tuple[int, list[str]]:
    assert client.get(url).status_code == 200  # fills the page-tree cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


SIZES = [(10, 0), (30, 0), (10, 60)]


@pytest.mark.parametrize(("lessons", "others"), SIZES)
def test_the_course_page_of_an_enrolled_learner_is_two_queries(academy, lessons, others):
    course, _, learner = build(academy, lessons=lessons, others=others)
    count, sql = warm_queries(signed_in(learner), f"/courses/{course.pk}/")
    assert count == 2, sql


def test_the_course_page_of_an_anonymous_visitor_reads_nothing_once_cached(academy, client):
    course, _, _ = build(academy, lessons=10, others=0)
    count, sql = warm_queries(client, f"/courses/{course.pk}/")
    assert count == 0, sql


@pytest.mark.parametrize(("lessons", "others"), SIZES)
def test_the_lesson_page_of_an_enrolled_learner_is_four_queries(academy, lessons, others):
    course, all_lessons, learner = build(academy, lessons=lessons, others=others)
    count, sql = warm_queries(signed_in(learner), f"/lessons/{all_lessons[0].pk}/")
    assert count == 4, sql


@pytest.mark.parametrize(("lessons", "others"), SIZES)
def test_the_api_progress_read_with_a_token_is_two_queries(academy, lessons, others):
    course, _, learner = build(academy, lessons=lessons, others=others)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=learner)}")
    count, sql = warm_queries(client, f"/api/v1/courses/{course.pk}/progress/")
    assert count == 2, sql
