"""Concurrent learners against `make run` (issue 14): eight threads submit whole paths at once.

The setup is `make run`'s own: its supervisor (config/run.py) with gunicorn and the supervised
worker on the embedded defaults (file broker, locally cached throttles, DEBUG off), in a temporary
var folder, against the test database. Before the file broker wrote atomically, four to eight
such threads stopped the worker (kombu issue 1551). Nothing may crash, and every attempt is graded
exactly once. CI runs 8 x 40 submissions; `make faults` (PARLEY_FAULTS=1) 8 x 300.
"""
import http.client
import json
import math
import threading
import time
from collections import Counter

import pytest
from django.db.models import Count

from accounts.services import token_issue
from assessments.models import Attempt, Grading

from ..factories import CRITICAL_PATH, PASSING_PATH, SPEC_PATH, import_exercise, make_academy, make_user
from ..integration.conftest import restore_wagtail_base_rows
from ..integration.supervisor import running_supervisor
from ..workers import wait_for
from .conftest import FULL, record_figures

pytestmark = [pytest.mark.worker]

THREADS = 8
PER_THREAD = 300 if FULL else 40
# The default attempt throttle is 120 a minute per learner: no learner comes near it.
SUBMISSIONS_PER_LEARNER = 50
PATHS = [SPEC_PATH, PASSING_PATH, CRITICAL_PATH]


def submitter(base: str, exercise_id: int, tokens: list[str], thread: int, answers: list, errors: list):
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    for i in range(PER_THREAD):
        body = json.dumps({"steps": PATHS[i % 3]})
        headers = {"Authorization": f"Bearer {tokens[i % len(tokens)]}", "Content-Type": "application/json",
                   "Idempotency-Key": f"load-{thread}-{i}"}
        started = time.monotonic()
        try:
            conn.request("POST", f"/api/v1/exercises/{exercise_id}/attempts/", body=body, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            answers.append((response.status, time.monotonic() - started, payload[:200]))
        except (OSError, http.client.HTTPException) as exc:
            errors.append(repr(exc))
            conn.close()
            conn = http.client.HTTPConnection(host, int(port), timeout=60)
    conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def test_eight_threads_of_submissions_crash_nothing_and_every_attempt_is_graded_once(transactional_db, tmp_path):
    restore_wagtail_base_rows()
    exercise = import_exercise(make_academy(), visibility="practice")
    per_thread = math.ceil(PER_THREAD / SUBMISSIONS_PER_LEARNER)
    tokens = [[token_issue(user=make_user()) for _ in range(per_thread)] for _ in range(THREADS)]
    total = THREADS * PER_THREAD
    attempts = Attempt.objects.filter(exercise=exercise)

    with running_supervisor(tmp_path / "var") as run:
        answers, errors = [], []
        threads = [threading.Thread(target=submitter, args=(run.base, exercise.pk, tokens[t], t, answers, errors))
                   for t in range(THREADS)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60 + total)
        submitted_in = time.monotonic() - started
        assert not any(thread.is_alive() for thread in threads), "a submitter hung"
        statuses = Counter(status for status, _, _ in answers)
        assert not errors, errors[:3]
        assert statuses == {202: total}, [a for a in answers if a[0] != 202][:3]

        all_graded = wait_for(lambda: attempts.filter(status="graded").count() == total, timeout=120 + total / 5)
        graded_after = time.monotonic() - started
        counts = Counter(attempts.values_list("status", flat=True))
        assert all_graded, f"graded {counts} of {total}\n{run.output()}"
        assert not run.said("exited"), run.output()
        assert run.state()["restarts"] == 0
        health = run.health()
        assert health is not None and health["worker"] in ("ok", "starting"), health

    per_attempt = Counter(Grading.objects.filter(attempt__exercise=exercise, kind="automatic")
                          .values("attempt").annotate(n=Count("id")).values_list("n", flat=True))
    assert per_attempt == {1: total}, per_attempt
    latencies = [seconds for _, seconds, _ in answers]
    record_figures("test_make_run_load", threads=THREADS, submissions=total, answered_202=statuses[202],
                   submit_seconds=round(submitted_in, 1), submissions_per_s=round(total / submitted_in, 1),
                   p50_s=round(percentile(latencies, 0.5), 3), p95_s=round(percentile(latencies, 0.95), 3),
                   max_s=round(max(latencies), 3), all_graded_after_s=round(graded_after, 1),
                   graded=counts["graded"], duplicates=sum(n - 1 for n in per_attempt.elements() if n > 1),
                   worker_restarts=0)
