"""Email verification: sign-up (site and API) mails a signed link; following it verifies the address,
audited once; asking for a new link is limited and answers the same for any address. Mail goes
through accounts.mail (text and HTML, the reader's language) from a task that retries only what a
retry can fix."""
import re
import smtplib

import pytest
from celery.exceptions import Retry
from django.core import signing
from django.test import Client
from rest_framework.test import APIClient

from accounts import mail, tasks
from accounts.models import AuditEvent, User
from accounts.services import email_verification_token

from ..factories import make_user

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action


def register(api, **overrides):
    body = {"username": "amina", "email": "amina@example.org", "password": "a-long-Pass-phrase", **overrides}
    return api.post("/api/v1/auth/register/", body, format="json")


def link_in(message) -> str:
    start = message.body.index("/account/verify-email/")
    return message.body[start:].split()[0]


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_api_sign_up_mails_a_link_that_verifies_the_address(api, mailoutbox, on_commit):
    with on_commit():
        assert register(api).status_code == 201
    [message] = mailoutbox
    assert message.to == ["amina@example.org"]
    assert message.alternatives[0][1] == "text/html"
    user = User.objects.get()
    assert user.email_verified_at is None
    response = Client().get(link_in(message))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert AuditEvent.objects.filter(action=Action.EMAIL_VERIFIED, target_id=str(user.pk)).count() == 1


def test_following_the_link_again_changes_nothing(api, mailoutbox, on_commit):
    with on_commit():
        register(api)
    link = link_in(mailoutbox[0])
    Client().get(link)
    first = User.objects.get().email_verified_at
    assert Client().get(link).status_code == 302
    assert User.objects.get().email_verified_at == first
    assert AuditEvent.objects.filter(action=Action.EMAIL_VERIFIED).count() == 1


def test_site_sign_up_mails_the_link_in_the_readers_language(db, mailoutbox, on_commit):
    with on_commit():
        response = Client().post("/sign-up/", {
            "username": "amina", "email": "amina@example.org", "role": "student",
            "password1": "a-long-Pass-phrase", "password2": "a-long-Pass-phrase"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    [message] = mailoutbox
    assert "/account/verify-email/" in message.body
    assert 'lang="fr"' in message.alternatives[0][0]


def test_nothing_is_mailed_when_the_sign_up_is_refused(api, mailoutbox, on_commit):
    make_user(username="amina")
    with on_commit():
        assert register(api, email="other@example.org").status_code == 400
    assert mailoutbox == []


def test_me_says_whether_the_address_is_verified(api, student):
    def me():
        client = APIClient()
        client.force_authenticate(User.objects.get(pk=student.pk))
        return client.get("/api/v1/me/").json()

    assert me()["email_verified"] is False
    api.post("/api/v1/auth/verify-email/", {"token": email_verification_token(user=student)}, format="json")
    assert me()["email_verified"] is True


def test_the_api_verifies_with_the_links_token(api, student):
    response = api.post("/api/v1/auth/verify-email/", {"token": email_verification_token(user=student)},
                        format="json")
    assert response.status_code == 204
    assert User.objects.get(pk=student.pk).email_verified_at is not None


@pytest.mark.parametrize("token", ["nonsense", signing.TimestampSigner(salt="other").sign_object({"u": 1, "e": "x"})],
                         ids=["nonsense", "signed_for_another_purpose"])
def test_a_forged_token_is_refused(api, student, token):
    response = api.post("/api/v1/auth/verify-email/", {"token": token}, format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("token", "invalid")]


def test_an_expired_token_is_refused(api, student, settings):
    settings.EMAIL_VERIFICATION_MAX_AGE = -1
    response = api.post("/api/v1/auth/verify-email/", {"token": email_verification_token(user=student)},
                        format="json")
    assert response.json()["errors"][0]["code"] == "expired"
    assert Client().get(f"/account/verify-email/{email_verification_token(user=student)}/").status_code == 400


def test_a_link_for_an_address_the_account_no_longer_has_is_refused(api, student):
    token = email_verification_token(user=student)
    student.email = "moved@example.org"
    student.save()
    assert api.post("/api/v1/auth/verify-email/", {"token": token}, format="json").status_code == 400


def test_changing_the_address_clears_its_verification(student):
    User.objects.filter(pk=student.pk).update(email_verified_at=student.date_joined)
    row = User.objects.get(pk=student.pk)
    row.email = "moved@example.org"
    row.save()
    assert User.objects.get(pk=student.pk).email_verified_at is None


def page(response, email) -> str:
    """The page as a person reads it: without the address they typed and the form's CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode().replace(email, ""))


def test_asking_again_answers_the_same_for_any_address(api, student, mailoutbox, on_commit):
    with on_commit():
        known = api.post("/api/v1/auth/verify-email/resend/", {"email": student.email.upper()}, format="json")
        unknown = api.post("/api/v1/auth/verify-email/resend/", {"email": "nobody@example.org"}, format="json")
        page_known = Client().post("/account/verify-email/", {"email": student.email})
        page_unknown = Client().post("/account/verify-email/", {"email": "nobody@example.org"})
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 202
    assert page_known.status_code == page_unknown.status_code == 200
    assert page(page_known, student.email) == page(page_unknown, "nobody@example.org")
    assert [m.to for m in mailoutbox] == [[student.email], [student.email]]


def test_asking_again_is_limited_per_email(api, low_rates, student):
    for n in range(3):
        assert api.post("/api/v1/auth/verify-email/resend/", {"email": student.email}, format="json",
                        REMOTE_ADDR=f"203.0.113.{20 + n}").status_code == 202
    refused = api.post("/api/v1/auth/verify-email/resend/", {"email": student.email}, format="json",
                       REMOTE_ADDR="203.0.113.30")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_the_account_page_offers_a_new_link_until_verified(student):
    client = Client()
    client.force_login(student)
    badge = '<span class="badge">not confirmed yet</span>'  # the address's state, not the change form's help
    assert badge in client.get("/account/").content.decode()
    User.objects.filter(pk=student.pk).update(email_verified_at=student.date_joined)
    page = client.get("/account/").content.decode()
    assert badge not in page and '<span class="badge">confirmed</span>' in page


# --- the mail service and its task ---------------------------------------------------------------


def test_mail_send_renders_text_and_html_in_the_language_given(db, mailoutbox):
    sent = mail.mail_send(to="amina@example.org", subject="Reset your Parley password\nBcc: x@example.org",
                          template="accounts/mail/password_reset",
                          context={"username": "amina", "url": "https://parley.example.org/r/", "hours": 2},
                          language="ar")
    assert sent == 1
    [message] = mailoutbox
    assert "\n" not in message.subject
    assert "https://parley.example.org/r/" in message.body
    assert 'dir="rtl"' in message.alternatives[0][0]


def run_send_failing_with(monkeypatch, error, calls):
    def failing(**kwargs):
        calls.append(kwargs)
        raise error

    monkeypatch.setattr(mail, "mail_send", failing)
    tasks.send_mail.apply(kwargs={"to": "a@example.org", "subject": "s", "template": "t", "context": {}},
                          throw=True)


@pytest.mark.parametrize("error", [smtplib.SMTPServerDisconnected("gone"), ConnectionRefusedError(),
                                   TimeoutError(), smtplib.SMTPResponseException(421, b"try later")],
                         ids=["disconnected", "refused", "timeout", "4xx"])
def test_the_task_asks_to_run_again_when_the_server_or_network_fails(db, monkeypatch, error):
    with pytest.raises(Retry):
        run_send_failing_with(monkeypatch, error, [])


@pytest.mark.parametrize("error", [smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}),
                                   smtplib.SMTPResponseException(554, b"rejected"), ValueError("a bug")],
                         ids=["recipient-refused", "5xx", "not-smtp"])
def test_the_task_does_not_retry_what_fails_the_same_every_time(db, monkeypatch, error):
    calls = []
    with pytest.raises(type(error)):
        run_send_failing_with(monkeypatch, error, calls)
    assert len(calls) == 1


def test_a_rolled_back_sign_up_mails_nobody(db, mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    from accounts.services import user_register

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            user_register(username="amina", email="amina@example.org", password="a-long-Pass-phrase")
            raise RuntimeError("the request failed after the sign-up")
    assert mailoutbox == [] and not User.objects.exists()


def test_mail_backend_settings_come_from_the_environment(monkeypatch):
    import importlib

    import config.settings as settings_module

    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "smtp.example.org")
    monkeypatch.setenv("EMAIL_USE_TLS", "true")
    monkeypatch.setenv("EMAIL_HOST_USER", "parley")
    try:
        reloaded = importlib.reload(settings_module)
        options = reloaded.MAILERS["default"]["OPTIONS"]
        assert (options["host"], options["port"], options["use_tls"], options["username"]) == (
            "smtp.example.org", 587, True, "parley")
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_the_console_backend_is_the_default():
    import config.settings as settings_module

    assert settings_module.MAILERS["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
