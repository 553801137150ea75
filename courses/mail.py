"""The class invitation mail: queued after the invitation commits, sent once by a worker.

The mail goes to the invited address only, so it may say what the API answer
may not: it asks the owner to sign in, or to create an account with this
address, and accept on their "My classes" page.
"""
import logging

from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.mail import site_url
from accounts.models import User
from accounts.privacy import display_name
from notices.models import Kind
from notices.services import notice_mail

from .models import ClassInvitation

log = logging.getLogger(__name__)


def invitation_queue(*, invitation_id: int) -> None:
    """Publish the send. A broker outage loses only this mail (the invitation itself is
    stored and shows on the learner's page); it is logged."""
    from .tasks import send_invitation_mail

    try:
        send_invitation_mail.apply_async((invitation_id,), retry=False)
    except Exception:  # the broker is down: kombu's errors vary by transport
        log.exception("could not queue the mail of invitation %s", invitation_id)


def invitation_send_mail(*, invitation_id: int) -> bool:
    """Send the mail unless it was sent: claim it with a conditional UPDATE, release it if sending fails,
    so a task run twice sends one mail and a failed one is sent by its retry. Returns whether it went out.
    The subject names no one: a class name is the teacher's text, and headers are the first thing
    a mail client shows. It is a notice (notices.services): an address whose account switched
    invitations off gets nothing (the claim stays, so it is not retried), one with an account gets it
    in their language with an unsubscribe link; an address without an account, in the default language."""
    now = timezone.now()
    claimed = ClassInvitation.objects.filter(pk=invitation_id, mailed_at__isnull=True, accepted_at__isnull=True,
                                             school_class__archived_at__isnull=True).update(mailed_at=now)
    if not claimed:
        return False
    invitation = ClassInvitation.objects.select_related("school_class__teacher").get(pk=invitation_id)
    school_class = invitation.school_class
    # Emails are unique whatever their case, and invitations keep them case-folded.
    account = User.objects.filter(email__iexact=invitation.email).first()
    try:
        sent = notice_mail(
            user=account, to=invitation.email, kind=Kind.CLASS_INVITATION, template="courses/mail/invitation",
            subject=gettext_noop("You are invited to a class on Parley"),
            context={"class_name": school_class.name, "teacher": display_name(school_class.teacher.username),
                     "classes_url": site_url("/me/classes/"), "sign_up_url": site_url("/sign-up/")},
        )
    except Exception:
        ClassInvitation.objects.filter(pk=invitation_id, mailed_at=now).update(mailed_at=None)
        raise
    return bool(sent)


def verification_decision_queue(*, verification_id: int) -> None:
    """Publish the decision mail (sent by courses.tasks.send_verification_decision). A lost publish is
    sent by the mail sweep that beat runs (courses.reminders.unsent_verifications)."""
    from .tasks import send_verification_decision

    try:
        send_verification_decision.apply_async((verification_id,), retry=False)
    except Exception:  # the broker is down: kombu's errors vary by transport
        log.exception("could not queue the decision mail of verification %s", verification_id)
