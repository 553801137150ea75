"""Thin tasks: each takes an id, calls credentials.services or credentials.certificates, safe to run twice."""
from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(name="credentials.tasks.award_credentials", autoretry_for=(InterfaceError, OperationalError),
             max_retries=5, default_retry_delay=2)
def award_credentials(learner_id: int) -> int:
    """Badges for the courses the learner completed; how many were issued now."""
    return len(services.credentials_award(learner_id=learner_id))


@shared_task(name="credentials.tasks.render_certificate", autoretry_for=(InterfaceError, OperationalError),
             max_retries=5, default_retry_delay=2)
def render_certificate(credential_id: int) -> bool:
    """The badge's PNG and PDF certificate; whether one is stored (False: the badge is gone or revoked)."""
    from .certificates import certificate_render
    from .models import Credential

    credential = Credential.objects.filter(pk=credential_id).first()
    return credential is not None and certificate_render(credential=credential) is not None
