"""Accounts: register, token, me, sign-out, and the error shape."""
from datetime import timedelta

from django.utils import timezone

from accounts.models import ApiToken, Role, User

from ..conftest import error_codes


def register(api, **overrides):
    body = {"username": "amina", "email": "amina@example.org", "password": "a-long-Pass-phrase", **overrides}
    return api.post("/api/v1/auth/register/", body, format="json")


def test_register_creates_a_student_by_default(api, db):
    response = register(api)
    assert response.status_code == 201
    assert response.json()["role"] == "student"
    assert User.objects.get(username="amina").check_password("a-long-Pass-phrase")


def test_register_as_teacher(api, db):
    assert register(api, role="teacher").json()["role"] == Role.TEACHER


def test_register_refuses_academy_staff_role_and_stores_nothing(api, db):
    response = register(api, role="academy_staff")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "role"
    assert not User.objects.exists()


def test_register_refuses_a_taken_username(api, db):
    register(api)
    response = register(api, email="other@example.org")
    assert response.status_code == 400
    assert error_codes(response) == ["unique"]
    assert User.objects.count() == 1


def test_register_refuses_a_weak_password(api, db):
    response = register(api, password="123")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "password"


def test_register_lists_every_missing_field(api, db):
    response = api.post("/api/v1/auth/register/", {}, format="json")
    assert response.status_code == 400
    assert {e["attr"] for e in response.json()["errors"]} == {"username", "email", "password"}


def test_token_then_me(api, db):
    register(api)
    token = api.post("/api/v1/auth/token/", {"username": "amina", "password": "a-long-Pass-phrase"}, format="json")
    assert token.status_code == 200
    assert token.json()["type"] == "Bearer"
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "amina" and me.json()["role"] == "student"


def test_token_refuses_a_wrong_password(api, db):
    register(api)
    response = api.post("/api/v1/auth/token/", {"username": "amina", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert error_codes(response) == ["invalid_credentials"]


def test_me_needs_a_signed_in_user(api, db):
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert error_codes(response) == ["not_authenticated"]


def test_sign_out_revokes_the_token(api, db):
    register(api)
    raw = api.post("/api/v1/auth/token/", {"username": "amina", "password": "a-long-Pass-phrase"},
                   format="json").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert api.get("/api/v1/me/").status_code == 401


def test_an_expired_token_is_refused(api, db):
    register(api)
    raw = api.post("/api/v1/auth/token/", {"username": "amina", "password": "a-long-Pass-phrase"},
                   format="json").json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/me/").status_code == 401


def test_tokens_are_stored_only_as_digests(api, db):
    register(api)
    raw = api.post("/api/v1/auth/token/", {"username": "amina", "password": "a-long-Pass-phrase"},
                   format="json").json()["token"]
    assert not ApiToken.objects.filter(digest=raw).exists()
    assert ApiToken.objects.filter(digest=ApiToken.digest_of(raw)).exists()


def test_unknown_api_route_is_a_json_404(api, db):
    response = api.get("/api/v1/no-such-route/")
    assert response.status_code == 404
    assert error_codes(response) == ["not_found"]


def test_malformed_json_is_a_400_in_the_error_shape(api, db):
    response = api.post("/api/v1/auth/register/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error_codes(response) == ["parse_error"]
