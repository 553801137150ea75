"""A thin task: takes a learner id, calls credentials.services, safe to run twice."""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(name="credentials.tasks.award_credentials", autoretry_for=(InterfaceError, OperationalError),
             max_retries=5, default_retry_delay=2)
def award_credentials(learner_id: int) -> int:
    """Badges for the courses the learner completed; how many were issued now."""
    return len(services.credentials_award(learner_id=learner_id))
