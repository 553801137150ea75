"""Concurrent duplicate writes against PostgreSQL: fifty requests at once, one row.

Each request runs in its own thread with its own database connection, all
released together by a barrier, so the duplicates really race inside the
database (the unique constraints decide, not a check before the insert).
SQLite takes one writer at a time, so there is no race to show there.
"""
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import Role
from assessments import services
from assessments.models import Attempt, Exercise, Grading
from courses.models import Assignment, ClassMembership, Enrolment, LessonRead
from courses.services import class_create, enrol

from ..conftest import as_user, require_service
from ..factories import (
    CRITICAL_PATH,
    PASSING_PATH,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_academy,
    make_course,
    make_user,
)
from .conftest import restore_wagtail_base_rows

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL=postgres://...): SQLite serialises "
                                               "writers, so concurrent duplicates cannot race there"),
]

RACERS = 50


def free_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        return cursor.fetchone()[0]


@pytest.fixture
def postgres(transactional_db):
    """Committed rows (other connections must see them) on a server with room for the racers."""
    require_service(free_connections() > RACERS + 5, f"PostgreSQL with {RACERS} free connections")
    restore_wagtail_base_rows()


def race(request, count=RACERS) -> list:
    """Call request(i) in `count` threads at once; return the responses in order.

    Each thread opens its own connection before the barrier, so all start
    their transactions together, and closes it at the end.
    """
    barrier = threading.Barrier(count)
    responses, errors = [None] * count, []

    def run(i):
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            responses[i] = request(i)
        except BaseException as exc:  # noqa: BLE001 - reported below, a thread cannot fail the test
            errors.append(exc)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert not errors, errors[:3]
    return responses


def statuses(responses) -> list[int]:
    return sorted(r.status_code for r in responses)


@pytest.fixture
def course(postgres):
    return make_course(make_academy(), modules=2, lessons=2)


def test_fifty_concurrent_enrolments_make_one_row_and_one_201(course):
    learner = make_user()
    url = f"/api/v1/courses/{course.pk}/enrol/"
    responses = race(lambda i: as_user(learner).post(url))
    assert statuses(responses) == [200] * (RACERS - 1) + [201], [r.content for r in responses if r.status_code >= 300]
    assert Enrolment.objects.filter(learner=learner, course=course).count() == 1


def test_fifty_concurrent_lesson_completions_make_one_row(course):
    learner = make_user()
    enrol(learner=learner, course=course)
    lesson = course_lessons(course)[0]
    responses = race(lambda i: as_user(learner).post(f"/api/v1/lessons/{lesson.pk}/complete/"))
    assert statuses(responses) == [200] * (RACERS - 1) + [201]
    assert LessonRead.objects.filter(learner=learner, lesson=lesson).count() == 1


def test_fifty_concurrent_joins_make_one_membership(postgres):
    school_class = class_create(teacher=make_user(Role.TEACHER), name="9B")
    student = make_user()
    responses = race(lambda i: as_user(student).post("/api/v1/classes/join/", {"join_code": school_class.join_code},
                                                     format="json"))
    assert statuses(responses) == [200] * (RACERS - 1) + [201]
    assert ClassMembership.objects.filter(school_class=school_class, student=student).count() == 1


def test_fifty_concurrent_identical_assignments_make_one_row_and_enrol_once(course):
    teacher = make_user(Role.TEACHER)
    school_class = class_create(teacher=teacher, name="9B")
    students = [make_user() for _ in range(3)]
    for student in students:
        as_user(student).post("/api/v1/classes/join/", {"join_code": school_class.join_code}, format="json")
    body = {"module": course_modules(course)[0].pk, "due_at": later(7).isoformat()}
    responses = race(lambda i: as_user(teacher).post(f"/api/v1/classes/{school_class.pk}/assignments/", body,
                                                     format="json"))
    assert statuses(responses) == [200] * (RACERS - 1) + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Assignment.objects.filter(school_class=school_class).count() == 1
    assert Enrolment.objects.filter(course=course).count() == len(students)


def test_fifty_concurrent_submissions_with_one_idempotency_key_make_one_attempt(postgres):
    exercise = import_exercise(make_academy(), visibility="practice")
    learner = make_user()
    url = f"/api/v1/exercises/{exercise.pk}/attempts/"
    responses = race(lambda i: as_user(learner).post(url, {"steps": PASSING_PATH}, format="json",
                                                     HTTP_IDEMPOTENCY_KEY="submit-once"))
    assert statuses(responses) == [200] * (RACERS - 1) + [202], [r.content for r in responses if r.status_code >= 300]
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == 1
    assert list(Attempt.objects.filter(learner=learner).values_list("id", flat=True)) == list(ids)
    # Grading ran inline (eager) for the one stored attempt only.
    assert Grading.objects.filter(attempt_id__in=ids, kind="automatic").count() == 1


def test_concurrent_submissions_with_different_keys_cannot_pass_the_attempt_limit(postgres):
    exercise = import_exercise(make_academy(), visibility="practice")
    Exercise.objects.filter(pk=exercise.pk).update(attempt_limit=3)
    learner = make_user()
    url = f"/api/v1/exercises/{exercise.pk}/attempts/"
    responses = race(lambda i: as_user(learner).post(url, {"steps": CRITICAL_PATH}, format="json",
                                                     HTTP_IDEMPOTENCY_KEY=f"key-{i}"), count=20)
    assert statuses(responses) == [202] * 3 + [409] * 17
    assert {r.json()["errors"][0]["code"] for r in responses if r.status_code == 409} == {"attempt_limit"}
    assert Attempt.objects.filter(learner=learner).count() == 3


def test_grading_neither_waits_for_nor_takes_the_attempts_another_batch_holds(postgres):
    exercise = import_exercise(make_academy(), visibility="practice")
    learner = make_user()
    base = timezone.now() - timedelta(minutes=5)
    ids = [Attempt.objects.create(learner=learner, exercise=exercise, version=exercise.current_version,
                                  status="submitted", answers={"steps": PASSING_PATH}, submitted_at=base,
                                  queued_at=base + timedelta(seconds=i)).pk for i in range(4)]
    held, release = threading.Event(), threading.Event()

    def another_batch():  # holds the middle two as a worker's batch transaction does
        try:
            with transaction.atomic():
                list(Attempt.objects.select_for_update().filter(pk__in=ids[1:3]))
                held.set()
                release.wait(timeout=60)
        finally:
            connections.close_all()

    holder = threading.Thread(target=another_batch)
    holder.start()
    try:
        assert held.wait(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")  # waiting on the held rows would fail, not hang
        assert services.attempt_grade(attempt_id=ids[1]) == "skipped"
        assert services.attempt_grade(attempt_id=ids[0]) == "graded"
        now = dict(Attempt.objects.filter(pk__in=ids).values_list("pk", "status"))
    finally:
        release.set()
        holder.join(timeout=60)
    assert [now[pk] for pk in ids] == ["graded", "submitted", "submitted", "graded"]
    assert Grading.objects.filter(attempt_id__in=ids).count() == 2

