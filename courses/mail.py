"""The class invitation mail: queued after the invitation commits, sent once by a worker.

The mail goes to the invited address only, so it may say what the API answer
may not: it asks the owner to sign in, or to create an account with this
address, and accept on their "My classes" page.
"""
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.privacy import display_name

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
    """Send the mail unless it was sent: claim it with a conditional UPDATE, release it if sending fails.
    Returns whether a mail went out."""
    now = timezone.now()
    claimed = ClassInvitation.objects.filter(pk=invitation_id, mailed_at__isnull=True, accepted_at__isnull=True,
                                             school_class__archived_at__isnull=True).update(mailed_at=now)
    if not claimed:
        return False
    invitation = ClassInvitation.objects.select_related("school_class__teacher").get(pk=invitation_id)
    try:
        invitation_message(invitation).send()
    except Exception:
        ClassInvitation.objects.filter(pk=invitation_id, mailed_at=now).update(mailed_at=None)
        raise
    return True


def invitation_message(invitation: ClassInvitation) -> EmailMultiAlternatives:
    school_class = invitation.school_class
    context = {
        "class_name": school_class.name,
        "teacher": display_name(school_class.teacher.username),
        "classes_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/me/classes/",
        "sign_up_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/sign-up/",
    }
    subject = _("%(teacher)s invites you to the class %(class_name)s on Parley") % context
    message = EmailMultiAlternatives(
        subject=subject.replace("\n", " ").replace("\r", " ")[:200],
        body=render_to_string("courses/mail/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("courses/mail/invitation.html", context), "text/html")
    return message
