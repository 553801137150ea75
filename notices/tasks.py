from celery import shared_task
from django.db import OperationalError

from accounts.mail_failures import SEND_FAILURES, mail_failure_temporary

from . import services


@shared_task(name="notices.tasks.deliver", bind=True, max_retries=5)
def deliver(self, *, user_id, kind, period_key, subject, template, context) -> bool:
    """One notice to one person. Safe to run twice: the service claims (user, kind, period) first."""
    try:
        return services.notice_deliver(user_id=user_id, kind=kind, period_key=period_key, subject=subject,
                                       template=template, context=context)
    except OperationalError as exc:  # the database went away: the claim was not made or was released
        raise self.retry(exc=exc, countdown=min(600, 30 * 2 ** self.request.retries)) from exc
    except SEND_FAILURES as exc:
        if not mail_failure_temporary(exc):
            raise
        raise self.retry(exc=exc, countdown=min(600, 30 * 2 ** self.request.retries)) from exc
