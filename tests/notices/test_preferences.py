"""Preferences per person (site and API), the one-click unsubscribe link, and the mails that no
preference can stop."""
import pytest
from django.core import mail
from django.test import Client

from accounts.models import Role
from accounts.services import email_verification_send
from notices import services as notices
from notices.models import Kind, NotificationPreference

from ..conftest import as_user, error_codes, signed_in
from ..factories import make_user

URL = "/api/v1/me/notification-preferences/"
DEFAULTS = {"language": "", "due_reminder": True, "teacher_digest": True, "class_invitation": True,
            "verification_decision": True}


@pytest.fixture
def learner(db):
    return make_user(Role.STUDENT)


def token(user, kind=Kind.DUE_REMINDER):
    return notices.unsubscribe_token(user_id=user.pk, kind=kind)


def test_everything_is_on_in_the_default_language_until_changed(learner):
    response = as_user(learner).get(URL)
    assert (response.status_code, response.json()) == (200, DEFAULTS)
    assert not NotificationPreference.objects.exists()


def test_a_patch_changes_what_it_names_and_keeps_the_rest(learner):
    client = as_user(learner)
    client.patch(URL, {"teacher_digest": False}, format="json")
    response = client.patch(URL, {"language": "fr"}, format="json")
    assert response.json() == {**DEFAULTS, "teacher_digest": False, "language": "fr"}
    assert client.get(URL).json() == response.json()


def test_a_language_the_site_does_not_offer_is_refused_at_its_field(learner):
    response = as_user(learner).patch(URL, {"language": "xx", "due_reminder": False}, format="json")
    assert response.status_code == 400 and error_codes(response)
    assert response.json()["errors"][0]["attr"] == "language"
    assert notices.preferences_read(user=learner) == DEFAULTS


def test_one_persons_change_is_not_anothers(learner):
    other = make_user(Role.STUDENT)
    as_user(learner).patch(URL, {"due_reminder": False}, format="json")
    assert as_user(other).get(URL).json() == DEFAULTS


def test_the_account_page_shows_and_saves_the_preferences(learner):
    client = signed_in(learner)
    page = client.get("/account/")
    assert b'name="due_reminder"' in page.content and b'name="language"' in page.content
    response = client.post("/account/notifications/", {"language": "fr", "class_invitation": "on"})
    assert response.status_code == 302
    assert notices.preferences_read(user=learner) == {
        "language": "fr", "due_reminder": False, "teacher_digest": False, "class_invitation": True,
        "verification_decision": False}


def test_the_unsubscribe_link_asks_first_and_changes_nothing_on_get(learner):
    response = Client().get(f"/unsubscribe/{token(learner)}/")
    assert response.status_code == 200 and b"<form" in response.content
    assert notices.preferences_read(user=learner)["due_reminder"] is True


def test_a_one_click_post_without_a_session_or_csrf_token_unsubscribes_from_that_kind_only(learner):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/unsubscribe/{token(learner)}/", "List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert notices.preferences_read(user=learner) == {**DEFAULTS, "due_reminder": False}


def test_a_tampered_link_changes_nothing(learner):
    good = token(learner)
    for bad in (good[:-2] + "xx", good.replace(":", "-", 1), "not-a-token"):
        assert Client().post(f"/unsubscribe/{bad}/").status_code == 404
    assert notices.preferences_read(user=learner) == DEFAULTS


def test_a_link_names_one_person_and_one_kind(learner):
    other = make_user(Role.STUDENT)
    Client().post(f"/unsubscribe/{token(other, Kind.CLASS_INVITATION)}/")
    assert notices.preferences_read(user=learner) == DEFAULTS
    assert notices.preferences_read(user=other) == {**DEFAULTS, "class_invitation": False}


def test_a_token_for_another_purpose_is_not_an_unsubscribe_link(learner):
    from django.core import signing

    forged = signing.dumps({"u": learner.pk, "k": "due_reminder"}, salt="accounts.email-verification")
    assert Client().post(f"/unsubscribe/{forged}/").status_code == 404
    assert notices.preferences_read(user=learner) == DEFAULTS


def test_the_address_confirmation_has_no_unsubscribe_and_is_sent_whatever_the_preferences(
        learner, django_capture_on_commit_callbacks):
    notices.preferences_update(user=learner, changes={kind: False for kind in notices.KINDS})
    with django_capture_on_commit_callbacks(execute=True):
        email_verification_send(user=learner, language="en")
    [message] = mail.outbox
    assert "List-Unsubscribe" not in message.extra_headers and "unsubscribe" not in message.body


def test_the_export_holds_the_preferences_and_the_notices_sent(learner):
    notices.preferences_update(user=learner, changes={"language": "fr"})
    notices.notice_claim(user_id=learner.pk, kind=Kind.DUE_REMINDER, period_key="assignment:1:overdue:x")
    data = as_user(learner).get("/api/v1/me/export/").json()
    assert data["notification_preferences"]["language"] == "fr"
    assert [n["period_key"] for n in data["notices_sent"]] == ["assignment:1:overdue:x"]


def test_deleting_the_account_deletes_its_preferences_and_sent_log(learner):
    from accounts import privacy
    from notices.models import SentNotice

    notices.preferences_update(user=learner, changes={"language": "fr"})
    notices.notice_claim(user_id=learner.pk, kind=Kind.DUE_REMINDER, period_key="assignment:1:overdue:x")
    privacy.account_delete(user=learner, password="pw-Secret-123")
    assert not NotificationPreference.objects.exists() and not SentNotice.objects.exists()


def test_a_sign_up_in_french_gets_its_mails_in_french(db):
    from accounts.models import User

    response = Client().post("/api/v1/auth/register/", {"username": "amelie", "email": "amelie@example.org",
                                                       "password": "pw-Secret-4567"},
                             content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 201
    assert notices.preferences_read(user=User.objects.get(username="amelie"))["language"] == "fr"


def test_a_sign_up_in_the_default_language_stores_nothing(db):
    Client().post("/api/v1/auth/register/", {"username": "ana", "email": "ana@example.org",
                                             "password": "pw-Secret-4567"}, content_type="application/json")
    assert not NotificationPreference.objects.exists()
