"""Thin delivery tasks: they take an academy id, call records.services, and are safe to run twice."""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(name="records.tasks.deliver_statements", bind=True, max_retries=12,
             autoretry_for=(InterfaceError, OperationalError), default_retry_delay=1)
def deliver_statements(self, academy_id: int) -> dict:
    """One batch of the academy's statements. More waiting: queue the next batch. The LRS unavailable:
    retry after the statements' back-off (past max_retries, the beat's sweep takes over)."""
    done = services.statements_deliver(academy_id=academy_id)
    if done["more"]:
        services.statements_queue(academy_id=academy_id)
    elif done["retry_in"] is not None:
        raise self.retry(countdown=done["retry_in"])
    return done


@shared_task(name="records.tasks.sweep_statements", autoretry_for=(InterfaceError, OperationalError), max_retries=3)
def sweep_statements() -> int:
    return services.statements_sweep()
