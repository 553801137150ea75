"""Grading in a real worker process: on commit, after a SIGKILL, in a regrade fan-out."""
import signal
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from assessments import services
from assessments.models import Attempt, Grading
from assessments.services import attempt_enqueue, attempts_sweep, regrade_progress, regrade_start

from ..conftest import as_user
from ..factories import CRITICAL_PATH, PASSING_PATH, SPEC_PATH, import_exercise, make_academy, make_user
from ..workers import running_worker, stop_worker, wait_for

pytestmark = [pytest.mark.worker]


@pytest.fixture
def exercise(real_broker):
    return import_exercise(make_academy(), visibility="practice")


def graded(attempt_id, timeout=60):
    return wait_for(lambda: Attempt.objects.filter(pk=attempt_id, status="graded").first(), timeout=timeout)


def test_a_whole_path_is_graded_by_the_worker_after_commit(exercise):
    learner = make_user()
    with running_worker():
        response = as_user(learner).post(f"/api/v1/exercises/{exercise.pk}/attempts/", {"steps": SPEC_PATH},
                                         format="json")
        assert response.status_code == 202
        attempt = graded(response.json()["id"])
    assert attempt is not None, "the worker did not grade the attempt"
    assert attempt.result["overall"] == 55.6
    assert attempt.result["competencies"] == {"listening": 100.0, "judgement": 33.3}
    assert attempt.grading_started_at is not None


def test_node_by_node_play_is_graded_by_the_worker(exercise):
    learner = make_user()
    client = as_user(learner)
    with running_worker():
        attempt_id = client.post(f"/api/v1/exercises/{exercise.pk}/attempts/").json()["id"]
        client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"choice": "ask"}, format="json")
        client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"reply": SPEC_PATH[1]["reply"]}, format="json")
        attempt = graded(attempt_id)
    assert attempt is not None
    assert (attempt.result["overall"], attempt.result["passed"]) == (55.6, False)


def submitted_batch(exercise, count):
    learner = make_user()
    paths = [SPEC_PATH, PASSING_PATH, CRITICAL_PATH]
    Attempt.objects.bulk_create([
        Attempt(learner=learner, exercise=exercise, version=exercise.current_version, status="submitted",
                answers={"steps": paths[i % 3]}, submitted_at=timezone.now())
        for i in range(count)
    ])
    return list(Attempt.objects.filter(exercise=exercise).values_list("id", flat=True))


def test_killing_the_worker_mid_batch_loses_nothing_and_grades_nothing_twice(exercise):
    ids = submitted_batch(exercise, 200)
    for attempt_id in ids:
        attempt_enqueue(attempt_id=attempt_id)
    with running_worker(concurrency=2) as worker:
        assert wait_for(lambda: Attempt.objects.filter(status="graded").count() >= 20, timeout=90)
        stop_worker(worker, sig=signal.SIGKILL)
    interrupted = Attempt.objects.exclude(status="graded").count()
    assert interrupted > 0, "the worker finished before it was killed: the test proved nothing"
    with running_worker(concurrency=2):
        # What the periodic sweep does once the timeout has passed.
        attempts_sweep(now=timezone.now() + timedelta(hours=1), limit=1000)
        assert wait_for(lambda: Attempt.objects.filter(status="graded").count() == len(ids), timeout=120)
    per_attempt = Grading.objects.filter(kind="automatic").values("attempt").annotate(n=Count("id"))
    assert sorted(row["n"] for row in per_attempt) == [1] * len(ids)


def test_a_regrade_fan_out_of_1000_attempts_reports_progress(exercise):
    ids = submitted_batch(exercise, 1000)
    for attempt_id in ids:  # graded inline, so only the regrade goes through the worker
        services.attempt_grade(attempt_id=attempt_id)
    batch = regrade_start(version=exercise.current_version, actor=None)
    assert batch.total == 1000
    with running_worker(concurrency=2):
        assert wait_for(lambda: regrade_progress(batch=batch)["finished"], timeout=240)
    assert regrade_progress(batch=batch)["done"] == 1000
    assert Grading.objects.filter(kind="regrade", batch=batch).values("attempt").distinct().count() == 1000
    assert Grading.objects.filter(kind="automatic").count() == 1000
