"""Fault 1 at full size: SIGKILL the grading worker twice in a batch of 500.

CI runs the 200-attempt version (tests/integration/test_grading.py); this one
runs under `make faults` with PARLEY_FAULT_BATCH attempts (500 there) and
reads each attempt's history through the API, as staff would.
"""
import os
import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Attempt
from assessments.services import attempt_enqueue, attempts_sweep

from ..conftest import as_user
from ..factories import CRITICAL_PATH, PASSING_PATH, SPEC_PATH, import_exercise, make_academy, make_staff, make_user
from ..workers import running_worker, stop_worker, wait_for
from .conftest import full_size_only, record_figures

pytestmark = [pytest.mark.worker, full_size_only]

BATCH = int(os.environ.get("PARLEY_FAULT_BATCH") or 500)


def test_a_worker_killed_twice_mid_batch_grades_every_attempt_exactly_once(real_broker):
    academy = make_academy()
    exercise = import_exercise(academy, visibility="practice")
    learner = make_user()
    paths = [SPEC_PATH, PASSING_PATH, CRITICAL_PATH]
    Attempt.objects.bulk_create([
        Attempt(learner=learner, exercise=exercise, version=exercise.current_version, status="submitted",
                answers={"steps": paths[i % 3]}, current_node=paths[i % 3][-1]["node"], submitted_at=timezone.now())
        for i in range(BATCH)
    ])
    ids = list(Attempt.objects.filter(exercise=exercise).values_list("id", flat=True))
    for attempt_id in ids:
        attempt_enqueue(attempt_id=attempt_id)
    graded = Attempt.objects.filter(exercise=exercise, status="graded")

    interrupted = []
    for share in (0.1, 0.5):
        with running_worker(concurrency=2) as worker:
            assert wait_for(lambda: graded.count() >= share * BATCH, timeout=60 + BATCH)  # noqa: B023
            stop_worker(worker, sig=signal.SIGKILL)
        interrupted.append(BATCH - graded.count())
        assert interrupted[-1] > 0, "the worker finished before it was killed: the test proved nothing"
    with running_worker(concurrency=2):
        # What the periodic sweep does once the timeout has passed: queued or not, everything again.
        attempts_sweep(now=timezone.now() + timedelta(hours=1), limit=BATCH * 2)
        assert wait_for(lambda: graded.count() == BATCH, timeout=60 + BATCH), f"{graded.count()} of {BATCH}"

    staff = as_user(make_staff(academy))
    automatic = []
    for attempt_id in ids:
        history = staff.get(f"/api/v1/attempts/{attempt_id}/history/").json()["results"]
        automatic.append(len([row for row in history if row["kind"] == "automatic"]))
    assert automatic == [1] * BATCH, f"attempts with other than one automatic grading: " \
                                     f"{[(i, n) for i, n in zip(ids, automatic, strict=True) if n != 1][:10]}"
    record_figures("test_worker_killed", attempts=BATCH, kills=2, left_unfinished_by_kills=interrupted,
                   graded=graded.count(), duplicates=sum(n - 1 for n in automatic if n > 1), lost=automatic.count(0))
