from datetime import datetime
from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from notices.services import notice_deliver
from notices.tasks import deliver

from . import mail, reminders


@shared_task(name="courses.tasks.send_invitation_mail", autoretry_for=(SMTPException, OSError, OperationalError),
             retry_backoff=30, retry_kwargs={"max_retries": 5})  # outside failures only: the mail server, the database
def send_invitation_mail(invitation_id: int) -> bool:
    """Safe to run twice: the service claims the invitation before it sends."""
    return mail.invitation_send_mail(invitation_id=invitation_id)


# --- scheduled notices (CELERY_BEAT_SCHEDULE): each fans out, each send claims its own key -------------


@shared_task(name="courses.tasks.due_reminders_dispatch")
def due_reminders_dispatch() -> int:
    """One task per class with something due around now. Safe to run twice or from two beats."""
    now = timezone.now()
    class_ids = reminders.classes_with_reminders(now=now)
    for class_id in class_ids:
        due_reminders_for_class.delay(class_id, now.isoformat())
    return len(class_ids)


@shared_task(name="courses.tasks.due_reminders_for_class")
def due_reminders_for_class(class_id: int, now: str) -> int:
    notices = reminders.due_reminders_for_class(class_id=class_id, now=datetime.fromisoformat(now))
    for notice in notices:
        deliver.delay(**notice)
    return len(notices)


@shared_task(name="courses.tasks.teacher_digest_dispatch")
def teacher_digest_dispatch() -> int:
    """Hourly; from Monday 07:00 on, each teacher without this week's digest gets one task."""
    now = timezone.now()
    period = reminders.digest_period(now)
    if period is None:
        return 0
    teacher_ids = reminders.digest_teachers(period_key=period)
    for teacher_id in teacher_ids:
        teacher_digest.delay(teacher_id, period, now.isoformat())
    return len(teacher_ids)


@shared_task(name="courses.tasks.teacher_digest", autoretry_for=(SMTPException, OSError, OperationalError),
             retry_backoff=30, retry_kwargs={"max_retries": 5})
def teacher_digest(teacher_id: int, period_key: str, now: str) -> bool:
    notice = reminders.teacher_digest(teacher_id=teacher_id, period_key=period_key, now=datetime.fromisoformat(now))
    return notice is not None and notice_deliver(**notice)


@shared_task(name="courses.tasks.send_verification_decision", autoretry_for=(SMTPException, OSError, OperationalError),
             retry_backoff=30, retry_kwargs={"max_retries": 5})
def send_verification_decision(verification_id: int) -> bool:
    """Safe to run twice: the notice is claimed per verification before it is sent."""
    notice = reminders.verification_notice(verification_id=verification_id)
    return notice is not None and notice_deliver(**notice)


@shared_task(name="courses.tasks.mail_sweep")
def mail_sweep() -> int:
    """Invitations and decisions whose on-commit publish was lost (a broker outage) are queued again."""
    now = timezone.now()
    invitations = reminders.unsent_invitations(now=now)
    decisions = reminders.unsent_verifications(now=now)
    for invitation_id in invitations:
        send_invitation_mail.delay(invitation_id)
    for verification_id in decisions:
        send_verification_decision.delay(verification_id)
    return len(invitations) + len(decisions)
