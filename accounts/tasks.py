import socket

from celery import shared_task
from django.utils import timezone

from . import mail
from .mail_failures import SEND_FAILURES, mail_failure_temporary
from .models import WorkerHeartbeat


@shared_task(name="accounts.tasks.worker_heartbeat")
def worker_heartbeat():
    WorkerHeartbeat.objects.update_or_create(hostname=socket.gethostname(), defaults={"seen_at": timezone.now()})


@shared_task(name="accounts.tasks.send_mail", bind=True, max_retries=5)
def send_mail(self, *, to, subject, template, context, language=None) -> int:
    try:
        return mail.mail_send(to=to, subject=subject, template=template, context=context, language=language)
    except SEND_FAILURES as exc:
        if not mail_failure_temporary(exc):
            raise
        raise self.retry(exc=exc, countdown=min(600, 30 * 2 ** self.request.retries)) from exc
