"""Thin Celery tasks: take ids, call one service, safe to run twice."""
from celery import shared_task

from . import services


@shared_task(name="assessments.tasks.grade_attempt")
def grade_attempt(attempt_id: int) -> str:
    return services.attempt_grade(attempt_id=attempt_id)


@shared_task(name="assessments.tasks.regrade_chunk")
def regrade_chunk(batch_id: int, attempt_ids: list[int]) -> int:
    return services.regrade_attempts(batch_id=batch_id, attempt_ids=attempt_ids)


@shared_task(name="assessments.tasks.sweep_stuck_attempts")
def sweep_stuck_attempts() -> int:
    return services.attempts_sweep()
