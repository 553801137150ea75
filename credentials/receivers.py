"""Receivers of the lower apps' event signals: a lesson read or a passed attempt may complete a course,
so the award task is queued on commit of that event's transaction (courses/events.py,
assessments/events.py). Nothing is issued in the request."""
from django.db import transaction


def _queue(learner_id: int) -> None:
    from .tasks import award_credentials

    # robust: the event is committed; a broker that is down must not turn the learner's stored read or
    # result into an error (the next read or pass queues the award again, and it is safe to run twice).
    transaction.on_commit(lambda: award_credentials.delay(learner_id), robust=True)


def _lesson_read(sender, read, **kwargs):
    _queue(read.learner_id)


def _results_recorded(sender, results, **kwargs):
    for learner_id in {attempt.learner_id for attempt, _key, _kind in results if attempt.passed}:
        _queue(learner_id)


def connect() -> None:
    from assessments import events as attempt_events
    from courses import events as course_events

    course_events.lesson_read.connect(_lesson_read, dispatch_uid="credentials.lesson_read")
    attempt_events.results_recorded.connect(_results_recorded, dispatch_uid="credentials.results_recorded")
