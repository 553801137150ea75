"""A grading task takes the attempts waiting behind its own, so a deadline's backlog
is graded in batches; each attempt is still graded once, by its own version's rules."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import documents, grading, services
from assessments.models import Attempt, Grading

from ..factories import CRITICAL_PATH, PASSING_PATH, SPEC_PATH, import_exercise, make_user

PATHS = [SPEC_PATH, PASSING_PATH, CRITICAL_PATH]
UNGRADABLE = {"steps": [{"node": "nowhere", "choice": "ask"}]}


@pytest.fixture
def exercise(academy):
    return import_exercise(academy)


def waiting(exercise, count, *, start=0, **fields):
    """`count` submitted attempts, created (so numbered) and queued in order."""
    base = timezone.now() - timedelta(hours=1)
    learner = make_user()
    return [
        Attempt.objects.create(
            learner=learner, exercise=exercise, version=exercise.current_version, status=Attempt.Status.SUBMITTED,
            answers={"steps": PATHS[(start + i) % 3]}, submitted_at=base,
            queued_at=base + timedelta(seconds=start + i), **fields,
        ).pk
        for i in range(count)
    ]


def statuses(ids) -> list[str]:
    by_id = dict(Attempt.objects.filter(pk__in=ids).values_list("pk", "status"))
    return [by_id[pk] for pk in ids]


def test_one_task_grades_the_attempts_waiting_after_its_own(exercise):
    ids = waiting(exercise, 5)
    assert services.attempt_grade(attempt_id=ids[0]) == "graded"
    assert statuses(ids) == ["graded"] * 5
    assert Grading.objects.filter(attempt_id__in=ids, kind="automatic").count() == 5


def test_each_attempt_of_a_batch_gets_the_result_the_engine_gives_it(exercise):
    ids = waiting(exercise, 3)
    services.attempt_grade(attempt_id=ids[0])
    for attempt in Attempt.objects.filter(pk__in=ids).select_related("version"):
        expected = grading.grade(attempt.version.document, attempt.answers, bounds=attempt.version.bounds)
        assert attempt.result == expected
        assert (attempt.score, attempt.passed) == (expected["overall"], expected["passed"])
        assert attempt.graded_at is not None and attempt.grading_started_at is not None
        assert Grading.objects.get(attempt=attempt).result == expected


def test_the_later_messages_of_a_batch_find_their_attempts_graded_and_stop(exercise):
    ids = waiting(exercise, 4)
    services.attempt_grade(attempt_id=ids[0])
    assert [services.attempt_grade(attempt_id=pk) for pk in ids[1:]] == ["skipped"] * 3
    assert Grading.objects.filter(attempt_id__in=ids).count() == 4


def test_a_batch_is_at_most_the_batch_size_taken_in_order_after_its_own(exercise, settings):
    settings.GRADING_BATCH_SIZE = 3
    ids = waiting(exercise, 6)
    services.attempt_grade(attempt_id=ids[1])
    assert statuses(ids) == ["submitted", "graded", "graded", "graded", "submitted", "submitted"]


def test_a_batch_size_of_one_grades_only_the_task_s_own_attempt(exercise, settings):
    settings.GRADING_BATCH_SIZE = 1
    ids = waiting(exercise, 3)
    services.attempt_grade(attempt_id=ids[1])
    assert statuses(ids) == ["submitted", "graded", "submitted"]


def test_attempts_still_in_play_are_never_taken(exercise):
    learner = make_user()
    playing = Attempt.objects.create(learner=learner, exercise=exercise, version=exercise.current_version,
                                     answers={"steps": SPEC_PATH[:1]})
    ids = waiting(exercise, 2)
    services.attempt_grade(attempt_id=ids[0])
    playing.refresh_from_db()
    assert (playing.status, playing.result) == ("in_progress", None)
    assert statuses(ids) == ["graded", "graded"]


def test_an_attempt_that_failed_before_waits_for_the_sweep_and_is_not_taken(exercise):
    ids = waiting(exercise, 2)
    retrying = waiting(exercise, 1, start=2, failures=1)
    services.attempt_grade(attempt_id=ids[0])
    assert statuses(ids + retrying) == ["graded", "graded", "submitted"]


def test_one_attempt_the_engine_cannot_grade_does_not_stop_the_rest_of_its_batch(exercise):
    ids = waiting(exercise, 3)
    Attempt.objects.filter(pk=ids[1]).update(answers=UNGRADABLE)
    assert services.attempt_grade(attempt_id=ids[0]) == "graded"
    assert statuses(ids) == ["graded", "submitted", "graded"]
    broken = Attempt.objects.get(pk=ids[1])
    assert broken.failures == 1 and broken.last_error
    assert not Grading.objects.filter(attempt=broken).exists()


def test_the_task_reports_its_own_attempt_failing_even_when_the_rest_are_graded(exercise):
    ids = waiting(exercise, 3)
    Attempt.objects.filter(pk=ids[0]).update(answers=UNGRADABLE)
    assert services.attempt_grade(attempt_id=ids[0]) == "failed"
    assert statuses(ids) == ["submitted", "graded", "graded"]


def test_a_message_for_an_attempt_another_worker_is_grading_stops_without_waiting(exercise):
    ids = waiting(exercise, 1)
    Attempt.objects.filter(pk=ids[0]).update(status=Attempt.Status.GRADING, grading_started_at=timezone.now())
    assert services.attempt_grade(attempt_id=ids[0]) == "skipped"
    assert statuses(ids) == ["grading"]


def test_the_sweep_gives_a_grading_lost_with_its_worker_back_to_a_new_message(exercise, settings):
    ids = waiting(exercise, 1)
    lost_at = timezone.now() - settings.GRADING_STUCK_AFTER - timedelta(seconds=1)
    Attempt.objects.filter(pk=ids[0]).update(status=Attempt.Status.GRADING, grading_started_at=lost_at)
    assert services.attempts_sweep() == 1  # the tests' Celery runs the queued task inline
    assert statuses(ids) == ["graded"]
    assert Grading.objects.filter(attempt_id=ids[0]).count() == 1


def test_another_worker_s_grading_attempts_are_not_taken_into_a_batch(exercise):
    ids = waiting(exercise, 1)
    others_batch = waiting(exercise, 2, start=1)
    Attempt.objects.filter(pk__in=others_batch).update(status=Attempt.Status.GRADING, grading_started_at=timezone.now())
    services.attempt_grade(attempt_id=ids[0])
    assert statuses(ids + others_batch) == ["graded", "grading", "grading"]


def grading_queries(exercise, count) -> int:
    ids = waiting(exercise, count)
    documents.normalised_document(Attempt.objects.get(pk=ids[0]).version)  # the per-process cache is warm
    with CaptureQueriesContext(connection) as queries:
        assert services.attempt_grade(attempt_id=ids[0]) == "graded"
    assert statuses(ids) == ["graded"] * count
    return len(queries)


def test_the_queries_of_a_batch_do_not_grow_with_its_size(exercise):
    assert grading_queries(exercise, 2) == grading_queries(exercise, 20)
