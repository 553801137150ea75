import smtplib
import socket

from celery import shared_task
from django.utils import timezone

from . import mail
from .models import WorkerHeartbeat

# Worth another try: the server or the network failed, or answered "try later" (4xx). A refused
# address or a rejected message (5xx) fails the same way every time, so it is not retried.
TEMPORARY = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError, socket.gaierror)


def _temporary(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    return isinstance(exc, TEMPORARY)


@shared_task(name="accounts.tasks.worker_heartbeat")
def worker_heartbeat():
    WorkerHeartbeat.objects.update_or_create(hostname=socket.gethostname(), defaults={"seen_at": timezone.now()})


@shared_task(name="accounts.tasks.send_mail", bind=True, max_retries=5)
def send_mail(self, *, to, subject, template, context, language=None) -> int:
    try:
        return mail.mail_send(to=to, subject=subject, template=template, context=context, language=language)
    except (smtplib.SMTPException, OSError) as exc:
        if not _temporary(exc):
            raise
        raise self.retry(exc=exc, countdown=min(600, 30 * 2 ** self.request.retries)) from exc
