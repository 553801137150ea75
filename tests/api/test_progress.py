"""Catalogue, enrolment, lesson completion and progress semantics."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.models import Attempt
from courses.models import Enrolment, LessonRead
from courses.services import enrol

from ..conftest import as_user, error_codes
from ..factories import (
    PASSING_PATH,
    course_lessons,
    course_modules,
    import_exercise,
    make_course,
    make_user,
)


@pytest.fixture
def course(academy):
    return make_course(academy, modules=2, lessons=3)


def read(client, lesson):
    return client.post(f"/api/v1/lessons/{lesson.pk}/complete/")


def test_catalogue_lists_published_courses_paginated(api, course):
    body = api.get("/api/v1/courses/").json()
    assert body["count"] == 1 and body["next"] is None
    row = body["results"][0]
    assert {"id", "slug", "title", "academy"} <= set(row)
    assert row["id"] == course.pk


def test_an_unpublished_course_is_not_listed_or_served(api, course):
    course.unpublish()
    assert api.get("/api/v1/courses/").json()["count"] == 0
    assert api.get(f"/api/v1/courses/{course.pk}/").status_code == 404


def test_course_detail_has_modules_lessons_and_exercise_ids(api, academy):
    exercise = import_exercise(academy)
    course = make_course(academy, modules=1, lessons=2, exercises_in={(0, 1): [exercise.pk]})
    modules = api.get(f"/api/v1/courses/{course.pk}/").json()["modules"]
    assert [len(m["lessons"]) for m in modules] == [2]
    assert [lesson["exercises"] for lesson in modules[0]["lessons"]] == [[], [exercise.pk]]


def test_enrol_is_201_then_200_and_one_row(course, student):
    client = as_user(student)
    assert client.post(f"/api/v1/courses/{course.pk}/enrol/").status_code == 201
    assert client.post(f"/api/v1/courses/{course.pk}/enrol/").status_code == 200
    assert Enrolment.objects.count() == 1


def test_enrol_needs_a_signed_in_user(api, course):
    assert api.post(f"/api/v1/courses/{course.pk}/enrol/").status_code == 401


def test_completing_a_lesson_needs_enrolment(course, student):
    response = read(as_user(student), course_lessons(course)[0])
    assert response.status_code == 403
    assert error_codes(response) == ["not_enrolled"]
    assert not LessonRead.objects.exists()


def test_completing_a_lesson_is_idempotent(course, student):
    enrol(learner=student, course=course)
    client = as_user(student)
    lesson = course_lessons(course)[0]
    assert read(client, lesson).status_code == 201
    assert read(client, lesson).status_code == 200
    assert LessonRead.objects.count() == 1


def test_progress_counts_read_lessons_over_published_lessons(course, student):
    enrol(learner=student, course=course)
    client = as_user(student)
    for lesson in course_lessons(course)[:3]:
        read(client, lesson)
    body = client.get(f"/api/v1/courses/{course.pk}/progress/").json()
    assert body["percent"] == 50.0
    assert [m["percent"] for m in body["modules"]] == [100.0, 0.0]
    assert [lesson["completed"] for lesson in body["modules"][0]["lessons"]] == [True, True, True]


def test_a_lesson_with_an_exercise_completes_only_after_a_passed_attempt(academy, student,
                                                                        django_capture_on_commit_callbacks):
    exercise = import_exercise(academy)
    course = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    enrol(learner=student, course=course)
    client = as_user(student)
    read(client, course_lessons(course)[0])
    assert client.get(f"/api/v1/courses/{course.pk}/progress/").json()["percent"] == 0.0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/exercises/{exercise.pk}/attempts/", {"steps": PASSING_PATH}, format="json")
    assert Attempt.objects.get().passed is True
    assert client.get(f"/api/v1/courses/{course.pk}/progress/").json()["percent"] == 100.0


def test_unpublishing_a_lesson_takes_it_out_of_the_percentages(course, student):
    enrol(learner=student, course=course)
    client = as_user(student)
    lessons = course_lessons(course)
    for lesson in lessons[:3]:
        read(client, lesson)
    for lesson in lessons[3:]:
        lesson.unpublish()
    assert client.get(f"/api/v1/courses/{course.pk}/progress/").json()["percent"] == 100.0


def test_adding_a_lesson_lowers_the_percentage(course, student):
    from cms.models import LessonPage

    enrol(learner=student, course=course)
    client = as_user(student)
    for lesson in course_lessons(course):
        read(client, lesson)
    course_modules(course)[1].add_child(instance=LessonPage(title="New", slug="new")).save_revision().publish()
    assert client.get(f"/api/v1/courses/{course.pk}/progress/").json()["percent"] == 85.7


def test_progress_refuses_a_learner_not_enrolled(course, student):
    response = as_user(student).get(f"/api/v1/courses/{course.pk}/progress/")
    assert response.status_code == 403


def test_my_progress_has_a_row_per_enrolled_course(academy, student):
    first, second = make_course(academy), make_course(academy)
    enrol(learner=student, course=first)
    enrol(learner=student, course=second)
    read(as_user(student), course_lessons(first)[0])
    rows = as_user(student).get("/api/v1/me/progress/").json()["results"]
    assert [(r["course"], r["percent"]) for r in rows] == [(first.pk, 16.7), (second.pk, 0.0)]


# --- query counts: equal at two sizes ----------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def learner_in(course, reads):
    learner = make_user()
    enrol(learner=learner, course=course)
    for lesson in course_lessons(course)[:reads]:
        LessonRead.objects.create(learner=learner, lesson=lesson)
    return learner


def test_course_progress_query_count_does_not_grow(academy):
    small, large = make_course(academy, modules=1, lessons=2), make_course(academy, modules=4, lessons=5)
    counts = []
    for course in (small, large):
        learner = learner_in(course, reads=2)
        for _ in range(3):  # other learners' rows must not matter either
            learner_in(course, reads=1)
        counts.append(count_queries(as_user(learner), f"/api/v1/courses/{course.pk}/progress/"))
    # user session/token aside: course, enrolment check, modules, lessons, exercise links, completions
    assert counts[0] == counts[1]


def test_my_progress_query_count_does_not_grow(academy):
    learner = make_user()
    client = as_user(learner)
    enrol(learner=learner, course=make_course(academy, modules=1, lessons=1))
    client.get("/api/v1/me/progress/")  # structures into their cache, as the first read after a publish does
    one = count_queries(client, "/api/v1/me/progress/")
    for _ in range(3):
        enrol(learner=learner, course=make_course(academy, modules=2, lessons=3))
    client.get("/api/v1/me/progress/")
    # the enrolments with their courses, the marks in all of them (the client is authenticated without a
    # token): no query per course
    assert count_queries(client, "/api/v1/me/progress/") == one == 2


def test_course_list_query_count_does_not_grow(api, academy):
    make_course(academy)
    one = count_queries(api, "/api/v1/courses/")
    for _ in range(4):
        make_course(academy)
    # count, page of courses, covers prefetch, academies, translations: not per course
    assert count_queries(api, "/api/v1/courses/") == one


def test_course_detail_query_count_does_not_grow(api, academy):
    small, large = make_course(academy, modules=1, lessons=1), make_course(academy, modules=4, lessons=6)
    assert count_queries(api, f"/api/v1/courses/{small.pk}/") == count_queries(api, f"/api/v1/courses/{large.pk}/")
