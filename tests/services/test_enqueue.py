"""Queueing an attempt for grading: stamped before the task is published, so nothing the
web side writes can still hold the row when a worker takes the message (a grading
message passes a held attempt by); unstamped again when the broker refused it."""
import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Attempt
from assessments.tasks import grade_attempt

from ..factories import PASSING_PATH, import_exercise, make_user


@pytest.fixture
def attempt(academy):
    exercise = import_exercise(academy)
    return Attempt.objects.create(learner=make_user(), exercise=exercise, version=exercise.current_version,
                                  status="submitted", answers={"steps": PASSING_PATH}, submitted_at=timezone.now())


def test_the_attempt_is_stamped_before_its_task_is_published(attempt, monkeypatch):
    seen = []
    monkeypatch.setattr(grade_attempt, "apply_async",
                        lambda *a, **k: seen.append(Attempt.objects.get(pk=attempt.pk).queued_at))
    assert services.attempt_enqueue(attempt_id=attempt.pk) is True
    assert len(seen) == 1 and seen[0] is not None


def test_an_attempt_the_broker_refused_is_left_unstamped_for_the_sweep(attempt, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(grade_attempt, "apply_async", refuse)
    assert services.attempt_enqueue(attempt_id=attempt.pk) is False
    assert Attempt.objects.get(pk=attempt.pk).queued_at is None
