"""A reminder through Django's SMTP backend to a real SMTP server (aiosmtpd) started here, and the
provider backend (django-anymail) chosen by the environment."""
import email
import importlib
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail

from accounts.models import User
from courses import reminders
from notices import services as notices

from .conftest import NOON, due


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}
    yield inbox
    controller.stop()


def test_a_reminder_arrives_over_smtp_with_both_parts_and_the_unsubscribe_headers(school, smtp_server):
    due(school, NOON - timedelta(hours=1))
    notice = reminders.due_reminders_for_class(class_id=school["klass"].pk, now=NOON)[0]
    assert notices.notice_deliver(**notice) is True
    [(recipients, raw)] = smtp_server.messages
    message = email.message_from_bytes(raw)
    assert message["Subject"] == "A module of your class is overdue"
    assert message["List-Unsubscribe"].startswith("<http://testserver/unsubscribe/")  # not RFC 2047-encoded
    assert b"\r\nList-Unsubscribe: <http://testserver/unsubscribe/" in raw
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in message.walk()
             if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    assert school["module"].title in parts["text/plain"] and "<a href=" in parts["text/html"]
    assert recipients == [User.objects.get(pk=notice["user_id"]).email]


def test_a_provider_backend_chosen_by_the_environment_sends_the_notice(school, settings):
    settings.MAILERS = {"default": {"BACKEND": "anymail.backends.test.EmailBackend"}}
    due(school, NOON - timedelta(hours=1))
    notice = reminders.due_reminders_for_class(class_id=school["klass"].pk, now=NOON)[0]
    assert notices.notice_deliver(**notice) is True
    [message] = mail.outbox
    assert message.anymail_status.status == {"sent"}
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_anymail_settings_come_from_anymail_variables(monkeypatch):
    import config.settings as settings_module

    monkeypatch.setenv("EMAIL_BACKEND", "anymail.backends.mailgun.EmailBackend")
    monkeypatch.setenv("ANYMAIL_MAILGUN_API_KEY", "key-for-the-test")
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.MAILERS["default"]["BACKEND"] == "anymail.backends.mailgun.EmailBackend"
        assert reloaded.ANYMAIL["MAILGUN_API_KEY"] == "key-for-the-test"
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)


def test_a_provider_backend_without_its_settings_stops_with_one_line(monkeypatch, capsys):
    import config.settings as settings_module
    from config.env import ConfigError

    monkeypatch.setenv("EMAIL_BACKEND", "anymail.backends.mailgun.EmailBackend")
    try:
        with pytest.raises(ConfigError):
            importlib.reload(settings_module)
        assert "ANYMAIL_" in capsys.readouterr().err
    finally:
        monkeypatch.undo()
        importlib.reload(settings_module)
