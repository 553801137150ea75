"""Sessions and tokens end when they should: a password change (whatever door changed it) ends every
token and every other session, "sign out everywhere" ends them all, and API logout with a session
cookie ends that session."""
import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts.models import ApiToken, AuditEvent, Role, User
from accounts.services import token_issue

from ..conftest import error_codes
from ..factories import make_user

pytestmark = pytest.mark.django_db
PASSWORD, NEW_PASSWORD = "pw-Secret-123", "a-new-Pass-phrase-9"
Action = AuditEvent.Action


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def browser(user) -> Client:
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


def signed_in(client) -> bool:
    return client.get("/api/v1/me/").status_code == 200


@pytest.fixture
def others(student):
    """Another device's session and an app's token, made before the change."""
    return browser(student), token_issue(user=student)


# --- API password change ---------------------------------------------------------------------


def test_an_api_password_change_revokes_every_token_and_other_session(student, others):
    other_browser, app_token = others
    mine = token_issue(user=student)
    response = bearer(mine).post("/api/v1/me/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
                                 format="json")
    assert response.status_code == 204
    assert not signed_in(bearer(app_token)) and not signed_in(bearer(mine))
    assert not signed_in(other_browser)
    assert User.objects.get(pk=student.pk).check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=student, revoked_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED, actor=student).count() == 1


def test_a_password_change_through_the_session_keeps_that_session(student, others):
    other_browser, _ = others
    mine = browser(student)
    mine.get("/courses/")
    token = mine.cookies["csrftoken"].value
    response = mine.post("/api/v1/me/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
                         content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 204
    assert signed_in(mine) and not signed_in(other_browser)


def test_a_wrong_current_password_changes_nothing(student, others):
    _, app_token = others
    response = bearer(app_token).post("/api/v1/me/password/", {"old_password": "nope", "new_password": NEW_PASSWORD},
                                      format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("old_password", "wrong_password")]
    assert signed_in(bearer(app_token)) and User.objects.get(pk=student.pk).check_password(PASSWORD)


def test_a_weak_new_password_is_refused_at_new_password(student, others):
    _, app_token = others
    response = bearer(app_token).post("/api/v1/me/password/", {"old_password": PASSWORD, "new_password": "1234"},
                                      format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "new_password"


# --- every other door that sets a password -----------------------------------------------------


def test_the_site_password_page_keeps_this_session_and_ends_the_others(student, others):
    other_browser, app_token = others
    mine = browser(student)
    response = mine.post("/account/password/", {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                                                "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert signed_in(mine)
    assert not signed_in(other_browser) and not signed_in(bearer(app_token))


def test_a_password_reset_ends_every_sign_in(student, others):
    other_browser, app_token = others
    row = User.objects.get(pk=student.pk)  # the token covers the last sign-in, which `others` just made
    url = (f"/account/password-reset/{urlsafe_base64_encode(force_bytes(row.pk))}/"
           f"{default_token_generator.make_token(row)}/")
    reset = Client()
    form = reset.get(url, follow=True)  # the view moves the token into the session first
    assert form.status_code == 200
    response = reset.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=student.pk).check_password(NEW_PASSWORD)
    assert not signed_in(other_browser) and not signed_in(bearer(app_token))
    event = AuditEvent.objects.get(action=Action.PASSWORD_CHANGED)
    assert event.actor_id == student.pk


def test_a_password_set_in_the_django_admin_ends_every_sign_in(student, others):
    other_browser, app_token = others
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD, role=Role.ADMIN)
    response = browser(root).post(f"/django-admin/accounts/user/{student.pk}/password/", {
        "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not signed_in(other_browser) and not signed_in(bearer(app_token))
    assert AuditEvent.objects.get(action=Action.PASSWORD_CHANGED).actor_id == root.pk


def test_a_password_changed_on_wagtails_account_page_ends_the_other_sign_ins(db):
    from accounts.models import AcademyMembership

    from ..factories import make_academy, make_staff

    editor = make_staff(make_academy(), AcademyMembership.StaffRole.EDITOR)
    other_browser, app_token = browser(editor), token_issue(user=editor)
    mine = browser(editor)
    response = mine.post("/cms/account/", {"password-old_password": PASSWORD, "password-new_password1": NEW_PASSWORD,
                                           "password-new_password2": NEW_PASSWORD,
                                           "name_email-first_name": "Ed", "name_email-last_name": "Itor",
                                           "name_email-email": editor.email, "locale-preferred_language": "en",
                                           "locale-current_time_zone": "", "theme-theme": "system",
                                           "theme-density": "default", "theme-contrast": "system"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert User.objects.get(pk=editor.pk).check_password(NEW_PASSWORD)
    assert signed_in(mine)
    assert not signed_in(other_browser) and not signed_in(bearer(app_token))


def test_a_hash_upgrade_at_sign_in_is_no_password_change(student, settings):
    app_token = token_issue(user=student)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.MD5PasswordHasher"]
    assert User.objects.get(pk=student.pk).check_password(PASSWORD)  # rehashed and saved
    assert signed_in(bearer(app_token))
    assert not AuditEvent.objects.filter(action=Action.PASSWORD_CHANGED).exists()


# --- sign out everywhere, logout -----------------------------------------------------------------


def test_sign_out_everywhere_in_the_api_ends_every_token_and_session(student, others):
    other_browser, app_token = others
    mine = token_issue(user=student)
    assert bearer(mine).post("/api/v1/me/sign-out-everywhere/").status_code == 204
    assert not any(signed_in(c) for c in (bearer(mine), bearer(app_token), other_browser))
    assert AuditEvent.objects.get(action=Action.SIGNED_OUT_EVERYWHERE).data == {"tokens_revoked": 2}


def test_sign_out_everywhere_on_the_account_page_ends_this_session_too(student, others):
    other_browser, app_token = others
    mine = browser(student)
    response = mine.post("/account/sign-out-everywhere/")
    assert response.status_code == 302
    assert not any(signed_in(c) for c in (mine, bearer(app_token), other_browser))
    # The password still works: a fresh sign-in does.
    assert Client().post("/sign-in/", {"username": student.username, "password": PASSWORD}).status_code == 302


def test_the_account_page_offers_both(student):
    page = browser(student).get("/account/").content.decode()
    assert 'action="/account/sign-out-everywhere/"' in page and 'action="/account/password/"' in page


def test_api_logout_with_a_session_cookie_ends_the_session(student):
    mine = browser(student)
    mine.get("/courses/")
    response = mine.post("/api/v1/auth/logout/", HTTP_X_CSRFTOKEN=mine.cookies["csrftoken"].value)
    assert response.status_code == 204
    assert not signed_in(mine)


def test_sign_out_everywhere_needs_a_signed_in_caller(api):
    response = api.post("/api/v1/me/sign-out-everywhere/")
    assert response.status_code == 401
    assert error_codes(response) == ["not_authenticated"]


def test_sessions_made_before_the_epoch_existed_stay_signed_in(student):
    """Epoch 0 hashes as Django does: deploying this signs nobody out."""
    from django.contrib.auth.base_user import AbstractBaseUser

    assert student.session_epoch == 0
    assert student.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(student)


def test_deleting_the_account_still_ends_every_sign_in(db):
    user = make_user(Role.STUDENT)
    other_browser, app_token = browser(user), token_issue(user=user)
    assert bearer(app_token).delete("/api/v1/me/", {"password": PASSWORD}, format="json").status_code == 204
    assert not signed_in(other_browser) and not signed_in(bearer(app_token))
