"""Sending mail: one general service, the Celery task that calls it, and links back to the site.

`mail_send` renders `<template>.txt` and `<template>.html` (a plain text part
and an HTML part) in the recipient's language and sends them through Django's
email backend (console by default; SMTP and the rest by the EMAIL_* settings).
`mail_queue` publishes the send once the current transaction commits, so a
rolled-back sign-up mails nobody; the worker retries on SMTP and connection
errors only (accounts/tasks.py). Any app may use both, e.g.

    mail_queue(to="a@example.org", subject=gettext_noop("Welcome to Parley"),
               template="accounts/mail/verify_email", context={"url": ...}, language="fr")

The context travels through the broker as JSON: strings, numbers, lists and dicts only.
"""
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

log = logging.getLogger(__name__)


def site_url(path: str) -> str:
    """An absolute link to `path` on the site, from the configured base address (never from the
    request's Host header, which a client chooses)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def mail_send(*, to: str | list[str], subject: str, template: str, context: dict, language: str | None = None,
              headers: dict[str, str] | None = None) -> int:
    """Render and send one mail; returns how many were sent (0 or 1). `subject` is translated into
    `language` when a catalogue has it (pass the English text, marked with gettext_noop). `headers`
    are extra header lines (e.g. List-Unsubscribe, set by notices.services for mails one may refuse);
    transactional mails (verification, password reset) carry none."""
    recipients = [to] if isinstance(to, str) else list(to)
    with translation.override(language or settings.LANGUAGE_CODE):
        # A subject is one header line: a line break in it would start another header.
        line = " ".join(gettext(subject).split())[:200]
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(subject=line, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients,
                                     headers=dict(headers or {}))
    message.attach_alternative(html, "text/html")
    return message.send()


def mail_queue(*, to: str | list[str], subject: str, template: str, context: dict, language: str | None = None) -> None:
    """`mail_send` by a worker, published when the current transaction commits. A broker outage loses
    this one mail and is logged (every mail here can be asked for again: verification, reset)."""
    from .tasks import send_mail

    kwargs = {"to": to, "subject": str(subject), "template": template, "context": context, "language": language}

    def publish():
        try:
            send_mail.apply_async(kwargs=kwargs, retry=False)
        except Exception:  # kombu's errors vary by transport
            log.exception("could not queue the mail %s", template)

    transaction.on_commit(publish)
