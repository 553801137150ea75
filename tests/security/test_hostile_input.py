"""Hostile text through the API: every user-writable field stores it exactly as given, or refuses it
with a clear message in the error shape and stores nothing. How it renders in the site (inert) is
proved in the browser: tests/browser/test_hostile.py."""
import copy

import pytest

from accounts.models import Role, User
from assessments.models import Attempt, Exercise
from courses.models import SchoolClass
from courses.services import class_create

from ..conftest import as_user, error_codes
from ..factories import PASSING_PATH, QUIZ, SPEC_SCENARIO, make_staff, make_user

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)><a href="javascript:alert(2)">go</a>'
UNICODE = ("zero\u200bwidth, e\u0301 combining, \U0001F91D\U0001F3FD emoji, \u202eevil.exe\u202c, "
           "\u0645\u0631\u062d\u0628\u0627")
HOSTILE = [SCRIPT, UNICODE, "W" * 190, '"><svg/onload=alert(3)>', "\u202e" + SCRIPT]


def register(api, **fields):
    body = {"username": "amina", "email": "amina@example.org", "password": "a-long-Pass-phrase", **fields}
    return api.post("/api/v1/auth/register/", body, format="json")


@pytest.mark.parametrize("username", [
    "<script>alert(1)</script>", "amina onclick=x", "zero\u200bwidth", "right\u202eleft", "bell\x07",
    "nul\x00", "tab\tname", "smile\U0001F600", "W" * 151,
], ids=["script", "space", "zero-width", "rtl-override", "control", "nul", "tab", "emoji", "too-long"])
def test_registration_refuses_hostile_usernames_with_a_clear_message(api, username):
    response = register(api, username=username)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert {e["attr"] for e in errors} == {"username"}
    assert all(e["detail"] and e["code"] in ("invalid", "max_length", "null_characters_not_allowed")
               for e in errors), errors
    assert not User.objects.exists()


def test_a_refused_username_says_which_characters_are_allowed(api):
    detail = register(api, username="right\u202eleft").json()["errors"][0]["detail"]
    assert "letters" in detail and "@" in detail


def test_registration_keeps_letters_of_any_script(api):
    response = register(api, username="\u0623\u0645\u064a\u0646\u0629_\u00e9l\u00e8ve")
    assert response.status_code == 201
    assert User.objects.get().username == "\u0623\u0645\u064a\u0646\u0629_\u00e9l\u00e8ve"


@pytest.mark.parametrize("email", ["<script>@example.org", '"<img src=x onerror=alert(1)>"@example.org',
                                   "amina@exa mple.org", "amina\u200b@example.org"])
def test_registration_refuses_hostile_emails(api, email):
    response = register(api, email=email)
    assert response.status_code == 400
    assert error_codes(response) == ["invalid"] and response.json()["errors"][0]["attr"] == "email"
    assert not User.objects.exists()


def test_an_email_with_a_direction_override_in_its_domain_is_stored_as_given(api):
    # Internationalised domains make it valid to the validator; pages show it as text (test_hostile.py).
    email = "amina@example.org\u202e"
    assert register(api, email=email).status_code == 201
    assert User.objects.get().email == email


@pytest.mark.parametrize("name", HOSTILE, ids=["script", "unicode", "long", "attribute", "rtl"])
def test_class_names_are_stored_as_given(teacher, name):
    response = as_user(teacher).post("/api/v1/classes/", {"name": name}, format="json")
    assert response.status_code == 201
    assert response.json()["name"] == name
    assert SchoolClass.objects.get(pk=response.json()["id"]).name == name


@pytest.mark.parametrize("name,code", [("W" * 201, "max_length"), ("nul\x00", "null_characters_not_allowed"),
                                       ("", "blank")])
def test_class_names_over_the_limit_or_with_nul_are_refused(teacher, name, code):
    response = as_user(teacher).post("/api/v1/classes/", {"name": name}, format="json")
    assert response.status_code == 400
    assert error_codes(response) == [code]
    assert not SchoolClass.objects.exists()


def strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


def hostile_scenario(text):
    doc = copy.deepcopy(SPEC_SCENARIO)
    doc["title"], doc["summary"] = text[:200], text
    doc["nodes"][0]["text"] = text
    doc["nodes"][0]["choices"][0]["text"] = text
    doc["competencies"][0]["label"] = text[:120]
    return doc


@pytest.mark.parametrize("text", HOSTILE, ids=["script", "unicode", "long", "attribute", "rtl"])
def test_imported_exercise_texts_are_stored_and_exported_as_given(staff, text):
    client = as_user(staff)
    response = client.post("/api/v1/exercises/import/", {**hostile_scenario(text), "visibility": "practice"},
                           format="json")
    assert response.status_code == 201, response.content
    exercise = Exercise.objects.get(pk=response.json()["id"])
    assert exercise.title == text[:200]
    exported = client.get(f"/api/v1/exercises/{exercise.pk}/export/").json()
    assert exported["summary"] == text
    assert exported["nodes"][0]["choices"][0]["text"] == text
    # The learner's view carries the same text (the site escapes it; JSON is not HTML).
    learner = as_user(make_user(Role.STUDENT)).get(f"/api/v1/exercises/{exercise.pk}/").json()
    assert text in strings(learner)


def test_an_imported_title_over_the_column_is_refused_with_a_clear_error(staff):
    doc = {**SPEC_SCENARIO, "title": "T" * 256, "visibility": "practice"}
    response = as_user(staff).post("/api/v1/exercises/import/", doc, format="json")
    assert response.status_code == 400, response.content
    assert any(e["attr"] and "title" in e["attr"] for e in response.json()["errors"]), response.json()
    assert not Exercise.objects.exists()


def test_quiz_option_texts_are_stored_as_given(staff):
    doc = copy.deepcopy(QUIZ)
    doc["questions"][0]["options"][0]["text"] = SCRIPT
    doc["questions"][0]["text"] = UNICODE
    response = as_user(staff).post("/api/v1/exercises/import/", {**doc, "visibility": "practice"}, format="json")
    assert response.status_code == 201
    exported = as_user(staff).get(f"/api/v1/exercises/{response.json()['id']}/export/").json()
    assert exported["questions"][0]["options"][0]["text"] == SCRIPT
    assert exported["questions"][0]["text"] == UNICODE


@pytest.fixture
def practice(academy):
    from ..factories import import_exercise

    return import_exercise(academy, visibility="practice")


@pytest.mark.parametrize("reply", [
    f"Your farmers need water for irrigation before the harvest. {SCRIPT}",
    f"Your farmers need water for irrigation before the harvest. {UNICODE}",
    "Your farmers need water for irrigation before the harvest. " + "W" * 5000,
], ids=["script", "unicode", "long-word"])
def test_free_text_replies_are_stored_as_given(practice, student, reply, django_capture_on_commit_callbacks):
    steps = [PASSING_PATH[0], {"node": "reply1", "reply": reply}, PASSING_PATH[2]]
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(student).post(f"/api/v1/exercises/{practice.pk}/attempts/", {"steps": steps},
                                         format="json")
    assert response.status_code == 202, response.content
    attempt = Attempt.objects.get(pk=response.json()["id"])
    assert attempt.answers["steps"][1]["reply"] == reply


def test_a_reply_over_the_limit_is_refused_and_stores_nothing(practice, student):
    client = as_user(student)
    attempt_id = client.post(f"/api/v1/exercises/{practice.pk}/attempts/", {}, format="json").json()["id"]
    client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"choice": "ask"}, format="json")
    response = client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"reply": "word " * 4001}, format="json")
    assert response.status_code == 400
    assert error_codes(response) == ["max_length"]
    assert Attempt.objects.get(pk=attempt_id).answers["steps"] == [{"node": "open", "choice": "ask"}]


def test_override_reasons_are_stored_as_given_and_long_ones_refused(practice, student, teacher,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attempt_id = as_user(student).post(f"/api/v1/exercises/{practice.pk}/attempts/",
                                           {"steps": PASSING_PATH}, format="json").json()["id"]
    client = as_user(make_staff(practice.academy))  # reviews a practice exercise: its academy's staff
    url = f"/api/v1/attempts/{attempt_id}/override/"
    too_long = client.post(url, {"node": "reply1", "met": [], "reason": "W" * 2001}, format="json")
    assert too_long.status_code == 400 and error_codes(too_long) == ["max_length"]
    reason = SCRIPT + UNICODE
    assert client.post(url, {"node": "reply1", "met": [], "reason": reason}, format="json").status_code == 200
    history = client.get(f"/api/v1/attempts/{attempt_id}/history/").json()
    rows = history["results"] if isinstance(history, dict) else history
    assert [row.get("reason") for row in rows if row.get("reason")] == [reason]


def test_a_direction_override_in_a_class_name_is_isolated_where_it_shares_a_line(client, teacher, student):
    """Stored as given, but an override must not reorder what follows it: the page title
    ("Progress · <name> · Parley") and the join message wrap the name in isolate characters."""
    school_class = class_create(teacher=teacher, name="9B \u202eevil")
    client.force_login(teacher)
    page = client.get(f"/teach/classes/{school_class.pk}/progress/").content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "\u20689B \u202eevil\u2069" in title
    client.force_login(student)
    joined = client.post("/classes/join/", {"join_code": school_class.join_code}, follow=True).content.decode()
    assert "You joined the class “\u20689B \u202eevil\u2069”" in joined
