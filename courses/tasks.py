from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from . import mail


@shared_task(name="courses.tasks.send_invitation_mail", autoretry_for=(SMTPException, OSError, OperationalError),
             retry_backoff=30, retry_kwargs={"max_retries": 5})  # outside failures only: the mail server, the database
def send_invitation_mail(invitation_id: int) -> bool:
    """Safe to run twice: the service claims the invitation before it sends."""
    return mail.invitation_send_mail(invitation_id=invitation_id)
