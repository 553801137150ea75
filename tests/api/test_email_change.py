"""POST /api/v1/me/email/: a person changes their own address, proved by their password. The new address
is unconfirmed until the link mailed to it is followed; the old address is told when the change is asked
for and again when it is complete, in the language of the request, in a text and an HTML part."""
import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User

from ..conftest import as_user, error_codes
from ..factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Secret-123"  # the factories' password
URL = "/api/v1/me/email/"


@pytest.fixture
def verified(student):
    student.email_verified_at = timezone.now()
    student.save(update_fields=["email_verified_at"])
    return student


@pytest.fixture
def change(verified, django_capture_on_commit_callbacks):
    def post(body, **headers):
        with django_capture_on_commit_callbacks(execute=True):
            return as_user(verified).post(URL, body, format="json", **headers)
    return post


def link_in(message) -> str:
    start = message.body.index("/account/verify-email/")
    return message.body[start:].split()[0]


def test_the_new_address_is_the_accounts_and_waits_for_its_link(verified, change, mailoutbox):
    old = verified.email
    response = change({"email": "New.Home@Example.org", "password": PASSWORD})
    assert response.status_code == 202 and response.json()["detail"]
    verified.refresh_from_db()
    assert verified.email.lower() == "new.home@example.org" and verified.email_verified_at is None
    assert as_user(verified).get("/api/v1/me/").json()["email_verified"] is False
    assert sorted(m.to[0] for m in mailoutbox) == sorted([verified.email, old])


def test_the_old_address_is_told_of_the_request_with_the_new_one_masked(verified, change, mailoutbox):
    old = verified.email
    change({"email": "new.home@example.org", "password": PASSWORD})
    [notice] = [m for m in mailoutbox if m.to == [old]]
    assert "asked to change its email address to n…@example.org" in notice.body
    assert "new.home@" not in notice.body
    html, kind = notice.alternatives[0]
    assert kind == "text/html" and "<bdi>n…@example.org</bdi>" in html
    assert "/account/" in notice.body


def test_following_the_link_completes_the_change_and_tells_the_old_address_once(verified, change,
                                                                                  mailoutbox,
                                                                                  django_capture_on_commit_callbacks):
    old = verified.email
    change({"email": "new.home@example.org", "password": PASSWORD})
    [link] = [link_in(m) for m in mailoutbox if m.to == ["new.home@example.org"]]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().get(link).status_code == 302
        Client().get(link)  # following it again confirms nothing new and tells nobody
    verified.refresh_from_db()
    assert verified.email_verified_at is not None
    [done] = mailoutbox
    assert done.to == [old]
    assert "n…@example.org, is confirmed" in done.body
    assert done.alternatives[0][1] == "text/html"


def test_the_old_address_is_told_in_the_language_of_the_request(verified, change, mailoutbox):
    old = verified.email
    change({"email": "nouvelle@example.org", "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="fr")
    [notice] = [m for m in mailoutbox if m.to == [old]]
    assert "Bonjour" in notice.body and 'lang="fr"' in notice.alternatives[0][0]


@pytest.mark.parametrize("body, attr, code", [
    ({"email": "new@example.org", "password": "wrong"}, "password", "wrong_password"),
    ({"email": "not an address", "password": PASSWORD}, "email", "invalid"),
    ({"email": "new@example.org"}, "password", "required"),
    ({"password": PASSWORD}, "email", "required"),
])
def test_bad_input_is_a_400_in_the_error_shape_and_changes_nothing(verified, change, mailoutbox, body, attr, code):
    before = User.objects.values().get(pk=verified.pk)
    response = change(body)
    assert response.status_code == 400
    assert error_codes(response) == [code] and response.json()["errors"][0]["attr"] == attr
    assert User.objects.values().get(pk=verified.pk) == before
    assert mailoutbox == []


def test_an_address_another_account_has_is_refused_in_any_case(verified, change, mailoutbox):
    other = make_user()
    response = change({"email": other.email.upper(), "password": PASSWORD})
    assert response.status_code == 400 and error_codes(response) == ["unique"]
    assert mailoutbox == []


def test_the_same_address_in_another_case_changes_nothing_and_mails_nobody(verified, change, mailoutbox):
    response = change({"email": verified.email.upper(), "password": PASSWORD})
    assert response.status_code == 202
    verified.refresh_from_db()
    assert verified.email_verified_at is not None and mailoutbox == []


def test_signed_out_it_is_a_401(api):
    response = api.post(URL, {"email": "new@example.org", "password": PASSWORD}, format="json")
    assert response.status_code == 401 and error_codes(response)
