"""Receivers of the lower apps' event signals: each writes the event's statements in the event's own
transaction (the signals are sent inside it; see courses/events.py, assessments/events.py)."""
from . import services


def _enrolled(sender, enrolments, some_existed=False, **kwargs):
    services.statements_enrolled(enrolments=enrolments, some_existed=some_existed)


def _lesson_read(sender, read, lesson, course, **kwargs):
    services.statements_lesson_read(read=read, lesson=lesson, course=course)


def _attempt_started(sender, attempt, **kwargs):
    services.statements_attempt_started(attempt=attempt)


def _results_recorded(sender, results, **kwargs):
    services.statements_results(results=results)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from assessments import events as attempt_events
    from courses import events as course_events

    from .models import LearningRecordStore

    course_events.enrolled.connect(_enrolled, dispatch_uid="records.enrolled")
    course_events.lesson_read.connect(_lesson_read, dispatch_uid="records.lesson_read")
    attempt_events.attempt_started.connect(_attempt_started, dispatch_uid="records.attempt_started")
    attempt_events.results_recorded.connect(_results_recorded, dispatch_uid="records.results_recorded")
    # Which academies have an LRS is a cache entry: replaced when a store changes.
    post_save.connect(services.lrs_forget, sender=LearningRecordStore, dispatch_uid="records.lrs_saved")
    post_delete.connect(services.lrs_forget, sender=LearningRecordStore, dispatch_uid="records.lrs_deleted")
