"""One name, one address, one person: usernames in NFKC, look-alikes of a taken name refused with
`confusable` (or `unique` when only the case differs), emails unique in any case, at every sign-up
door and in the database itself."""
import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from accounts.identity import username_skeleton
from accounts.models import Role, User

from ..factories import make_user
from .conftest import PASSWORD

pytestmark = pytest.mark.django_db
CYRILLIC_O = "\u043e"


def register(api, **overrides):
    body = {"username": "amina", "email": "amina@example.org", "password": "a-long-Pass-phrase", **overrides}
    return api.post("/api/v1/auth/register/", body, format="json")


def site_sign_up(username, email):
    return Client().post("/sign-up/", {"username": username, "email": email, "role": "student",
                                       "password1": "a-long-Pass-phrase", "password2": "a-long-Pass-phrase"})


def refusal(response) -> tuple[int, list]:
    return response.status_code, [(e["attr"], e["code"]) for e in response.json()["errors"]]


def test_the_api_stores_usernames_in_nfkc(api):
    assert register(api, username="\uff41\uff4d\uff49\uff4e\uff41").status_code == 201  # full-width letters
    assert User.objects.get().username == "amina"


def test_the_api_refuses_a_look_alike_of_a_taken_username(api):
    make_user(username="demo-student")
    response = register(api, username=f"dem{CYRILLIC_O}-student")
    assert refusal(response) == (400, [("username", "confusable")])
    assert User.objects.count() == 1


@pytest.mark.parametrize("look_alike", ["Demo-Student", "demo-student"])
def test_the_same_name_in_another_case_is_taken(api, look_alike):
    make_user(username="demo-student")
    assert refusal(register(api, username=look_alike)) == (400, [("username", "unique")])


@pytest.mark.parametrize("look_alike", ["dem0-student", "demo-studeNt", "derno-student", "demo-\u0455tudent"])
def test_digit_for_letter_and_letter_pairs_are_look_alikes_too(api, look_alike):
    make_user(username="demo-student")
    assert register(api, username=look_alike).status_code == 400


def test_names_that_merely_share_letters_are_free(api):
    make_user(username="demo-student")
    assert register(api, username="demo_student").status_code == 201
    assert register(api, username="d\u00e9mo-student", email="other@example.org").status_code == 201


def test_the_site_sign_up_refuses_a_look_alike_and_stores_nfkc(db):
    make_user(username="demo-student")
    refused = site_sign_up(f"dem{CYRILLIC_O}-student", "new@example.org")
    assert refused.status_code == 200
    assert "looks like one that is taken" in refused.content.decode()
    assert site_sign_up("\uff41\uff4d\uff49\uff4e\uff41", "amina@example.org").status_code == 302
    assert User.objects.filter(username="amina").exists()


def test_the_api_refuses_an_email_taken_in_another_case(api):
    make_user(username="amina")  # amina@example.org
    response = register(api, username="amina2", email="AMINA@Example.org")
    assert refusal(response) == (400, [("email", "unique")])


def test_the_site_refuses_an_email_taken_in_another_case(db):
    make_user(username="amina")
    response = site_sign_up("amina2", "Amina@EXAMPLE.org")
    assert response.status_code == 200
    assert "An account with that email exists." in response.content.decode()
    assert User.objects.count() == 1


def test_the_database_keeps_one_account_per_address_in_any_case(db):
    make_user(username="amina")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="someone", email="AMINA@example.org")


def test_accounts_without_an_address_do_not_collide(db):
    User.objects.create(username="former-1", email="")
    User.objects.create(username="former-2", email="")


def test_the_database_keeps_look_alike_names_apart(db):
    make_user(username="demo-student")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username=f"dem{CYRILLIC_O}-student", email="x@example.org")


def test_a_race_lost_to_a_look_alike_is_a_400_not_a_500(api, monkeypatch):
    from accounts import services

    make_user(username="demo-student")
    monkeypatch.setattr(services, "username_problem", lambda username, exclude_pk=None: None)
    response = register(api, username=f"dem{CYRILLIC_O}-student")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "username"


def test_the_django_admin_refuses_a_look_alike_name(db):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD, role=Role.ADMIN)
    make_user(username="demo-student")
    client = Client()
    client.force_login(root)
    response = client.post("/django-admin/accounts/user/add/", {
        "username": f"dem{CYRILLIC_O}-student", "password1": "a-long-Pass-phrase", "password2": "a-long-Pass-phrase",
        "usable_password": "true"})
    assert response.status_code == 200
    assert "looks like one that is taken" in response.content.decode()


def test_the_skeleton_is_kept_with_the_username(db):
    user = make_user(username="amina")
    assert user.username_skeleton == username_skeleton("amina")
    user.username = "amina-h"
    user.save(update_fields=["username"])
    assert User.objects.get(pk=user.pk).username_skeleton == username_skeleton("amina-h")


def test_the_factories_still_build_distinct_users(db):
    first, second = make_user(), make_user()
    assert first.email != second.email and first.username_skeleton != second.username_skeleton
