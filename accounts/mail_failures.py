"""Which failed sends are worth another try, whatever the backend: SMTP, or a provider's HTTP API
through django-anymail. Shared by the account mails (accounts.tasks) and the notices (notices.tasks,
notices.services), so the two cannot judge the same failure differently.

Worth another try: the server or the network failed, or answered "try later" (SMTP 4xx; HTTP 429 or
5xx). Refused for good: a refused address or a rejected message (SMTP 5xx; an HTTP 4xx other than
429, or a provider that rejected every recipient), which fails the same way every time.
"""
import smtplib
import socket

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailRecipientsRefused

# What a task catches around a send; anything else is a bug and fails loudly.
SEND_FAILURES = (smtplib.SMTPException, OSError, AnymailError)

_NETWORK = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, TimeoutError, socket.gaierror)


def _http_status(exc: AnymailAPIError) -> int | None:
    return getattr(exc, "status_code", None)


def mail_failure_temporary(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, AnymailRecipientsRefused):
        return False
    if isinstance(exc, AnymailAPIError):
        status = _http_status(exc)
        return status is None or status == 429 or status >= 500  # None: no answer (network, timeout)
    return isinstance(exc, _NETWORK)


def mail_failure_permanent(exc: Exception) -> bool:
    """A refusal the same mail will get again: not retried, and a notice's claim is kept as failed."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    if isinstance(exc, AnymailRecipientsRefused):
        return True
    if isinstance(exc, AnymailAPIError):
        status = _http_status(exc)
        return status is not None and 400 <= status < 500 and status != 429
    return False
