"""A failed send is retried when it may succeed later and given up on when it cannot, the same way for
SMTP and for a provider's HTTP API (django-anymail): accounts.mail_failures decides for both."""
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused, AnymailRequestsAPIError

from accounts.mail_failures import mail_failure_permanent, mail_failure_temporary
from courses import reminders
from notices import tasks
from notices.models import SentNotice

from .conftest import NOON, due


def _api_error(message: str, status: int) -> AnymailAPIError:
    """As anymail raises it: the provider's HTTP answer beside its status."""
    response = mock.Mock(reason=message, text=message, json=mock.Mock(side_effect=ValueError))
    return AnymailAPIError(message, status_code=status, response=response)


TEMPORARY = [
    smtplib.SMTPServerDisconnected("gone"),
    smtplib.SMTPResponseException(421, b"try later"),
    smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"mailbox busy")}),
    _api_error("rate limited", 429),
    _api_error("provider down", 503),
    AnymailRequestsAPIError("no answer"),  # the request never got a status: network or timeout
    TimeoutError(),
]
PERMANENT = [
    smtplib.SMTPResponseException(554, b"rejected"),
    smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such mailbox")}),
    _api_error("bad request", 400),
    _api_error("unauthorised", 401),
    AnymailRecipientsRefused("every recipient rejected"),
]


@pytest.mark.parametrize("exc", TEMPORARY, ids=repr)
def test_a_failure_that_may_pass_later_is_temporary(exc):
    assert mail_failure_temporary(exc) is True
    assert mail_failure_permanent(exc) is False


@pytest.mark.parametrize("exc", PERMANENT, ids=repr)
def test_a_refusal_that_will_recur_is_permanent(exc):
    assert mail_failure_permanent(exc) is True
    assert mail_failure_temporary(exc) is False


@pytest.mark.django_db
def test_a_provider_that_is_down_gets_the_notice_again_later(school):
    due(school, NOON - timedelta(hours=1))
    notice = reminders.due_reminders_for_class(class_id=school["klass"].pk, now=NOON)[0]
    down = _api_error("provider down", 503)
    with mock.patch("notices.services.mail_send", side_effect=down), \
            mock.patch.object(tasks.deliver, "retry", side_effect=RuntimeError("retried")) as retry, \
            pytest.raises(RuntimeError, match="retried"):
        tasks.deliver.run(**notice)
    assert retry.call_args.kwargs["exc"] is down
    assert not SentNotice.objects.exists()  # the claim released: the retry may send it


@pytest.mark.django_db
def test_a_provider_that_rejects_the_mail_is_not_asked_again_this_period(school):
    due(school, NOON - timedelta(hours=1))
    notice = reminders.due_reminders_for_class(class_id=school["klass"].pk, now=NOON)[0]
    with mock.patch("notices.services.mail_send", side_effect=_api_error("bad", 422)), \
            mock.patch.object(tasks.deliver, "retry") as retry:
        assert tasks.deliver.run(**notice) is False
    retry.assert_not_called()
    assert SentNotice.objects.get().failed_at is not None
