"""Thin Celery tasks: take ids, call one service, safe to run twice.

A task that meets a dropped database connection is retried at once: the
worker closes the broken connection before the retry runs (config/celery.py),
and every task here may run twice. If the retry cannot be published, the
sweep queues the attempt again.
"""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services

DATABASE_RETRY = {"autoretry_for": (InterfaceError, OperationalError), "max_retries": 3, "default_retry_delay": 0.2}


@shared_task(name="assessments.tasks.grade_attempt", **DATABASE_RETRY)
def grade_attempt(attempt_id: int) -> str:
    return services.attempt_grade(attempt_id=attempt_id)


@shared_task(name="assessments.tasks.regrade_chunk", **DATABASE_RETRY)
def regrade_chunk(batch_id: int, attempt_ids: list[int]) -> int:
    return services.regrade_attempts(batch_id=batch_id, attempt_ids=attempt_ids)


@shared_task(name="assessments.tasks.sweep_stuck_attempts", **DATABASE_RETRY)
def sweep_stuck_attempts() -> int:
    return services.attempts_sweep()
