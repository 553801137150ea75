"""Fault 2: the broker is unreachable while learners submit.

A production-like web process (gunicorn, DEBUG off) accepts and stores every
submission (202, `submitted`) and answers quickly; once the broker is back a
real worker grades them, queued again by the periodic sweep, each exactly once.
"""
import http.client
import json
import time
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from accounts.services import token_issue
from assessments.models import Attempt, Grading
from assessments.services import attempts_sweep
from assessments.tasks import sweep_stuck_attempts

from ..factories import CRITICAL_PATH, PASSING_PATH, SPEC_PATH, import_exercise, make_academy, make_user
from ..workers import running_server, running_worker, server_env, wait_for
from .conftest import FULL, record_figures

pytestmark = [pytest.mark.worker]

SUBMISSIONS = 200 if FULL else 20
# Loose guard against a request hanging on the broker (kombu's retries), not a benchmark.
SLOW_REQUEST_SECONDS = 10.0


def submit(base: str, token: str, exercise_id: int, steps: list, key: str):
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    started = time.monotonic()
    conn.request("POST", f"/api/v1/exercises/{exercise_id}/attempts/", body=json.dumps({"steps": steps}),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                          "Idempotency-Key": key})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, json.loads(body), time.monotonic() - started


def test_submissions_while_the_broker_is_down_are_kept_and_graded_once_it_is_back(broker_outage):
    exercise = import_exercise(make_academy(), visibility="practice")
    learners = [make_user() for _ in range(SUBMISSIONS)]
    tokens = [token_issue(user=learner) for learner in learners]
    paths = [SPEC_PATH, PASSING_PATH, CRITICAL_PATH]

    with running_server(server_env(CELERY_BROKER_URL=broker_outage.url)) as (server, base):
        broker_outage.down()
        answers = [submit(base, tokens[i], exercise.pk, paths[i % 3], f"outage-{i}") for i in range(SUBMISSIONS)]
        assert [status for status, _, _ in answers] == [202] * SUBMISSIONS, answers[:3]
        assert {body["status"] for _, body, _ in answers} == {"submitted"}
        slowest = max(seconds for _, _, seconds in answers)
        assert slowest < SLOW_REQUEST_SECONDS, f"a submission took {slowest:.1f} s while the broker was down"
        stored = Attempt.objects.filter(exercise=exercise)
        assert stored.count() == SUBMISSIONS
        assert stored.filter(status="submitted", queued_at__isnull=True).count() == SUBMISSIONS

        broker_outage.up()
        with running_worker(broker_url=broker_outage.url, concurrency=2):
            # The beat's periodic task, through the broker to the worker; and the same
            # sweep once more from here, so every attempt is delivered twice.
            sweep_stuck_attempts.apply_async()
            attempts_sweep(now=timezone.now() + timedelta(hours=1), limit=SUBMISSIONS * 2)
            all_graded = wait_for(lambda: stored.filter(status="graded").count() == SUBMISSIONS,
                                  timeout=60 + SUBMISSIONS)
            assert all_graded, f"{stored.filter(status='graded').count()} of {SUBMISSIONS} graded"

            # The same web process publishes again by itself: a new submission is queued at once.
            late_learner = make_user()
            status, body, _ = submit(base, token_issue(user=late_learner), exercise.pk, SPEC_PATH, "after")
            assert status == 202
            late = wait_for(lambda: Attempt.objects.filter(pk=body["id"], status="graded").first(), timeout=60)
            assert late is not None and late.queued_at is not None

    per_attempt = (Grading.objects.filter(attempt__exercise=exercise, kind="automatic")
                   .values("attempt").annotate(n=Count("id")))
    counts = sorted(row["n"] for row in per_attempt)
    assert counts == [1] * (SUBMISSIONS + 1), f"gradings per attempt: {counts}"
    record_figures("test_broker_outage", broker="file" if broker_outage.file else "redis via proxy",
                   submissions=SUBMISSIONS, accepted_202=SUBMISSIONS, slowest_request_s=round(slowest, 2),
                   graded=SUBMISSIONS + 1, duplicates=sum(n - 1 for n in counts))
