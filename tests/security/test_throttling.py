"""Rate limits, each proved on its own: per address (many accounts from one address) and per account
(one account from many addresses), on the API and on the site's forms. Rates are three a minute here
(`low_rates`); a refusal is 429 with Retry-After, in the API's error shape or on a page that says so,
and the refused request changes nothing."""
import pytest
from django.test import Client

from accounts.models import ApiToken, Role, User
from assessments.models import Attempt
from courses.models import ClassMembership
from courses.services import class_create

from ..conftest import as_user, error_codes
from ..factories import QUIZ, import_exercise, make_user

PASSWORD = "pw-Secret-123"  # the factories' password
TOKEN, REGISTER, JOIN = "/api/v1/auth/token/", "/api/v1/auth/register/", "/api/v1/classes/join/"
pytestmark = pytest.mark.django_db

HOME = "203.0.113.10"  # documentation addresses: only ever a header value in these tests


def address(n: int) -> str:
    return f"203.0.113.{n}"


def api_post(client, url, body, remote=HOME, **headers):
    return client.post(url, body, format="json", REMOTE_ADDR=remote, **headers)


def assert_api_refusal(response):
    assert response.status_code == 429, response.content
    assert error_codes(response) == ["throttled"]
    assert 0 < int(response["Retry-After"]) <= 60


def assert_page_refusal(response):
    assert response.status_code == 429, response.status_code
    assert 0 < int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "Too many tries" in page and 'role="alert"' in page


def registration(username, n=0):
    return {"username": username, "email": f"{username}-{n}@example.org", "password": "a-long-Pass-phrase"}


@pytest.fixture
def other_student(db):
    return make_user(Role.STUDENT)


@pytest.fixture
def klass(teacher):
    return class_create(teacher=teacher, name="9B")


# --- API: token -------------------------------------------------------------------------


def test_token_is_limited_per_address(api, low_rates, student):
    for n in range(3):
        assert api_post(api, TOKEN, {"username": f"guess{n}", "password": "wrong"}).status_code == 401
    assert_api_refusal(api_post(api, TOKEN, {"username": student.username, "password": PASSWORD}))
    assert not ApiToken.objects.exists()
    # The limit is the address's: the same account from elsewhere still signs in.
    assert api_post(api, TOKEN, {"username": student.username, "password": PASSWORD}, address(11)).status_code == 200


def test_token_is_limited_per_account_whatever_the_address(api, low_rates, student, other_student):
    for n in range(3):
        response = api_post(api, TOKEN, {"username": student.username, "password": "wrong"}, address(20 + n))
        assert response.status_code == 401
    # A fresh address, the right password, the name in capitals: still the same account's limit.
    assert_api_refusal(api_post(api, TOKEN, {"username": student.username.upper(), "password": PASSWORD},
                                address(30)))
    assert_api_refusal(api_post(api, TOKEN, {"username": student.username, "password": PASSWORD}, address(31)))
    assert not ApiToken.objects.exists()
    ok = api_post(api, TOKEN, {"username": other_student.username, "password": PASSWORD}, address(31))
    assert ok.status_code == 200


def test_a_forged_forwarded_for_header_does_not_make_a_new_address(api, low_rates):
    for n in range(3):
        api_post(api, TOKEN, {"username": f"guess{n}", "password": "x"}, HTTP_X_FORWARDED_FOR=address(100 + n))
    assert_api_refusal(api_post(api, TOKEN, {"username": "guess9", "password": "x"},
                                HTTP_X_FORWARDED_FOR=address(200)))


def test_behind_a_configured_proxy_the_forwarded_address_is_the_one_limited(api, low_rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    for n in range(3):
        api_post(api, TOKEN, {"username": f"guess{n}", "password": "x"}, HTTP_X_FORWARDED_FOR=address(50))
    assert_api_refusal(api_post(api, TOKEN, {"username": "guess9", "password": "x"},
                                HTTP_X_FORWARDED_FOR=address(50)))
    # Another client behind the same proxy is another address.
    assert api_post(api, TOKEN, {"username": "guess9", "password": "x"},
                    HTTP_X_FORWARDED_FOR=address(51)).status_code == 401


# --- API: registration ---------------------------------------------------------------------


def test_registration_is_limited_per_address(api, low_rates):
    for n in range(3):
        assert api_post(api, REGISTER, registration(f"new{n}")).status_code == 201
    assert_api_refusal(api_post(api, REGISTER, registration("new9")))
    assert not User.objects.filter(username="new9").exists()
    assert api_post(api, REGISTER, registration("new9"), address(11)).status_code == 201


def test_registration_is_limited_per_username_tried(api, low_rates):
    statuses = [api_post(api, REGISTER, registration("taken", n), address(20 + n)).status_code for n in range(3)]
    assert statuses == [201, 400, 400]
    assert_api_refusal(api_post(api, REGISTER, registration("taken", 9), address(30)))
    assert api_post(api, REGISTER, registration("fresh"), address(30)).status_code == 201


# --- API: join codes -------------------------------------------------------------------------


def test_join_is_limited_per_address(api, low_rates, klass):
    learners = [make_user(Role.STUDENT) for _ in range(4)]
    for learner in learners[:3]:
        assert api_post(as_user(learner), JOIN, {"join_code": "WRONGCODE1"}).status_code == 404
    assert_api_refusal(api_post(as_user(learners[3]), JOIN, {"join_code": klass.join_code}))
    assert not ClassMembership.objects.exists()
    assert api_post(as_user(learners[3]), JOIN, {"join_code": klass.join_code}, address(11)).status_code == 201


def test_join_is_limited_per_learner_whatever_the_address(api, low_rates, klass, student, other_student):
    client = as_user(student)
    for n in range(3):
        assert api_post(client, JOIN, {"join_code": "WRONGCODE1"}, address(20 + n)).status_code == 404
    assert_api_refusal(api_post(client, JOIN, {"join_code": klass.join_code}, address(30)))
    assert not ClassMembership.objects.exists()
    assert api_post(as_user(other_student), JOIN, {"join_code": klass.join_code}, address(30)).status_code == 201


# --- API: attempts ---------------------------------------------------------------------------


def test_attempt_creation_is_limited_per_learner(api, low_rates, academy, student, other_student):
    practice = import_exercise(academy, visibility="practice")
    url = f"/api/v1/exercises/{practice.pk}/attempts/"
    client = as_user(student)
    for n in range(3):
        assert api_post(client, url, {}, address(20 + n), HTTP_IDEMPOTENCY_KEY=f"k{n}").status_code in (200, 201)
    stored = Attempt.objects.filter(learner=student).count()
    assert_api_refusal(api_post(client, url, {}, address(30), HTTP_IDEMPOTENCY_KEY="k9"))
    assert Attempt.objects.filter(learner=student).count() == stored
    # Reading is not limited, and another learner on the same address still starts one.
    assert client.get(url, REMOTE_ADDR=address(30)).status_code == 200
    assert api_post(as_user(other_student), url, {}, address(30)).status_code == 201


# --- the site's forms --------------------------------------------------------------------------


def sign_in(client, username, password, remote=HOME):
    return client.post("/sign-in/", {"username": username, "password": password}, REMOTE_ADDR=remote)


def test_site_sign_in_is_limited_per_address(low_rates, student):
    client = Client()
    for n in range(3):
        assert sign_in(client, f"guess{n}", "wrong").status_code == 200
    assert_page_refusal(sign_in(client, student.username, PASSWORD))
    assert "_auth_user_id" not in client.session
    assert sign_in(client, student.username, PASSWORD, address(11)).status_code == 302


def test_site_sign_in_is_limited_per_account_whatever_the_address(low_rates, student, other_student):
    client = Client()
    for n in range(3):
        assert sign_in(client, student.username, "wrong", address(20 + n)).status_code == 200
    assert_page_refusal(sign_in(client, student.username, PASSWORD, address(30)))
    assert "_auth_user_id" not in client.session
    assert sign_in(client, other_student.username, PASSWORD, address(30)).status_code == 302


def test_site_and_api_share_the_account_limit(api, low_rates, student):
    for n in range(3):
        api_post(api, TOKEN, {"username": student.username, "password": "wrong"}, address(20 + n))
    assert_page_refusal(sign_in(Client(), student.username, PASSWORD, address(30)))


def sign_up(client, username, remote=HOME, n=0):
    return client.post("/sign-up/", {"username": username, "email": f"{username}-{n}@example.org",
                                     "role": "student", "password1": "a-long-Pass-phrase",
                                     "password2": "a-long-Pass-phrase"}, REMOTE_ADDR=remote)


def test_site_sign_up_is_limited_per_address(low_rates):
    for n in range(3):
        assert sign_up(Client(), f"new{n}").status_code == 302
    assert_page_refusal(sign_up(Client(), "new9"))
    assert not User.objects.filter(username="new9").exists()
    assert sign_up(Client(), "new9", address(11)).status_code == 302


def test_site_sign_up_is_limited_per_username_tried(low_rates):
    statuses = [sign_up(Client(), "taken", address(20 + n), n).status_code for n in range(3)]
    assert statuses == [302, 200, 200]
    assert_page_refusal(sign_up(Client(), "taken", address(30), 9))
    assert sign_up(Client(), "fresh", address(30)).status_code == 302


def site_join(user, code, remote=HOME):
    client = Client()
    client.force_login(user)
    return client.post("/classes/join/", {"join_code": code}, REMOTE_ADDR=remote)


def test_site_join_is_limited_per_address(low_rates, klass):
    learners = [make_user(Role.STUDENT) for _ in range(4)]
    for learner in learners[:3]:
        assert site_join(learner, "WRONGCODE1").status_code == 200
    assert_page_refusal(site_join(learners[3], klass.join_code))
    assert not ClassMembership.objects.exists()
    assert site_join(learners[3], klass.join_code, address(11)).status_code == 302


def test_site_join_is_limited_per_learner_whatever_the_address(low_rates, klass, student, other_student):
    for n in range(3):
        assert site_join(student, "WRONGCODE1", address(20 + n)).status_code == 200
    assert_page_refusal(site_join(student, klass.join_code, address(30)))
    assert not ClassMembership.objects.exists()
    assert site_join(other_student, klass.join_code, address(30)).status_code == 302


def test_site_quiz_submission_is_limited_per_learner(low_rates, academy, student, other_student):
    quiz = import_exercise(academy, document=QUIZ, visibility="practice")
    answers = {"q-q1": "b", "q-q2": "batna"}

    def submit(user, n, remote):
        client = Client()
        client.force_login(user)
        return client.post(f"/exercises/{quiz.pk}/submit/", {**answers, "idempotency_key": f"k{n}"},
                           REMOTE_ADDR=remote)

    for n in range(3):
        assert submit(student, n, address(20 + n)).status_code == 302
    assert Attempt.objects.filter(learner=student).count() == 3
    assert_page_refusal(submit(student, 9, address(30)))
    assert Attempt.objects.filter(learner=student).count() == 3
    assert submit(other_student, 0, address(30)).status_code == 302


# --- deleting an account confirms the password: limited per account ---------------------


def test_site_account_deletion_is_limited_per_account_whatever_the_address(low_rates, student):
    client = Client()
    client.force_login(student)
    for n in range(3):
        response = client.post("/account/delete/", {"password": "wrong", "confirm": "on"}, REMOTE_ADDR=address(40 + n))
        assert response.status_code == 400
    refused = client.post("/account/delete/", {"password": PASSWORD, "confirm": "on"}, REMOTE_ADDR=address(50))
    assert_page_refusal(refused)
    student.refresh_from_db()
    assert student.is_active and student.check_password(PASSWORD)


def test_api_account_deletion_is_limited_per_account_whatever_the_address(low_rates, student):
    api = as_user(student)
    for n in range(3):
        response = api.delete("/api/v1/me/", {"password": "wrong"}, format="json", REMOTE_ADDR=address(60 + n))
        assert response.status_code == 400
    assert_api_refusal(api.delete("/api/v1/me/", {"password": PASSWORD}, format="json", REMOTE_ADDR=address(70)))
    student.refresh_from_db()
    assert student.is_active and student.check_password(PASSWORD)


def test_api_email_change_is_limited_per_account_whatever_the_address(low_rates, student):
    api, before = as_user(student), student.email
    for n in range(3):
        response = api.post("/api/v1/me/email/", {"email": f"new{n}@example.org", "password": "wrong"},
                            format="json", REMOTE_ADDR=address(80 + n))
        assert response.status_code == 400
    assert_api_refusal(api.post("/api/v1/me/email/", {"email": "new@example.org", "password": PASSWORD},
                                format="json", REMOTE_ADDR=address(90)))
    student.refresh_from_db()
    assert student.email == before
