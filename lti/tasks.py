from celery import shared_task
from django.db import OperationalError

from . import scores
from .platform import PlatformUnreachable


@shared_task(name="lti.tasks.deliver_score", autoretry_for=(PlatformUnreachable, OperationalError),
             retry_backoff=30, retry_backoff_max=3600, retry_kwargs={"max_retries": 6})
def deliver_score(delivery_id: int) -> str:
    """Post one score to the LMS; retried with backoff while it does not answer. Safe to run twice."""
    return scores.score_deliver(delivery_id=delivery_id)


@shared_task(name="lti.tasks.sweep_scores")
def sweep_scores() -> int:
    """Beat: send again the scores whose next try is due (the LMS was down past the task's retries, or
    the broker lost the task). Each send is its own task."""
    ids = scores.scores_sweep()
    for delivery_id in ids:
        scores._publish(deliver_score, delivery_id)
    return len(ids)


@shared_task(name="lti.tasks.sync_roster", autoretry_for=(PlatformUnreachable, OperationalError),
             retry_backoff=30, retry_backoff_max=3600, retry_kwargs={"max_retries": 5})
def sync_roster(context_id: int) -> dict:
    """One LMS course's roster into its class (Names and Role Provisioning). Safe to run twice."""
    from .roster import roster_sync

    return roster_sync(context_id=context_id)


@shared_task(name="lti.tasks.sync_rosters")
def sync_rosters() -> int:
    """Beat: each LMS course not synced for LTI_ROSTER_SYNC_SECONDS gets its own task."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    from .roster import rosters_due

    ids = rosters_due(older_than=timezone.now() - datetime.timedelta(seconds=settings.LTI_ROSTER_SYNC_SECONDS))
    for context_id in ids:
        scores._publish(sync_roster, context_id)
    return len(ids)
