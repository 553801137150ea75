"""Negotiation exercises through API v1 (docs/specs/negotiation-format.md, "API"): import, the learner's
view, play against the counterpart move by move, grading with the scenarios' task, and refusals.
Grading runs inline here (captured on-commit callbacks, eager Celery); the worker path is the scenarios'."""
import copy

import pytest

from assessments import negotiation
from assessments.models import Attempt, Exercise, Grading
from cms.demo import load_negotiations

from ..conftest import as_user, error_codes
from ..factories import make_user

DEMOS = {doc["slug"]: doc for doc in load_negotiations()}
RIVER = DEMOS["river-releases"]
LEARNER, OTHER = RIVER["roles"][0], RIVER["roles"][1]  # downstream (opens), upstream (the machine)


def first_package(doc):
    return {issue["id"]: issue["options"][0]["id"] for issue in doc["issues"]}


@pytest.fixture
def river(staff):
    response = as_user(staff).post("/api/v1/exercises/import/", {**copy.deepcopy(RIVER), "visibility": "practice"},
                                   format="json")
    assert response.status_code == 201, response.json()
    return Exercise.objects.get(pk=response.json()["id"])


def start(client, exercise, body=None):
    return client.post(f"/api/v1/exercises/{exercise.pk}/attempts/", body or {}, format="json")


def move(client, attempt_id, body):
    return client.post(f"/api/v1/attempts/{attempt_id}/moves/", body, format="json")


# --- import -------------------------------------------------------------------------------------------


def test_import_makes_a_negotiation_exercise_with_an_immutable_version(river, staff):
    assert river.kind == Exercise.Kind.NEGOTIATION
    assert river.current_version.number == 1
    assert river.current_version.pass_threshold == float(RIVER["pass_threshold"])
    changed = {**copy.deepcopy(RIVER), "title": "River releases, again"}
    response = as_user(staff).post("/api/v1/exercises/import/", changed, format="json")
    assert response.status_code == 201
    assert response.json()["version"] == 2
    river.refresh_from_db()
    assert river.versions.get(number=1).document["title"] == RIVER["title"]  # version 1 is untouched


def test_import_refuses_an_invalid_negotiation_with_problems_by_path_and_stores_nothing(staff):
    broken = copy.deepcopy(RIVER)
    broken["roles"][0]["reservation"] = 250
    del broken["deadline"]
    response = as_user(staff).post("/api/v1/exercises/import/", broken, format="json")
    assert response.status_code == 400
    attrs = {e["attr"] for e in response.json()["errors"]}
    assert {"roles[0].reservation", "deadline"} <= attrs, response.json()
    assert not Exercise.objects.filter(slug=RIVER["slug"]).exists()


def test_a_student_cannot_import(student):
    response = as_user(student).post("/api/v1/exercises/import/", copy.deepcopy(RIVER), format="json")
    assert response.status_code == 403


# --- what the learner sees ------------------------------------------------------------------------------


def test_exercise_view_shows_only_the_default_roles_brief(river, student):
    response = as_user(student).get(f"/api/v1/exercises/{river.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "negotiation"
    assert body["negotiation"]["role"]["id"] == LEARNER["id"]
    assert body["negotiation"]["role"]["brief"] == LEARNER["brief"]
    assert [r["id"] for r in body["roles"]] == [LEARNER["id"], OTHER["id"]]
    text = response.content.decode()
    assert OTHER["brief"] not in text
    for question in OTHER["questions"]:
        assert question["answer"] not in text
    for question in LEARNER["questions"]:
        assert question["answer"] not in text  # answers are said at the table, not before


# --- play -----------------------------------------------------------------------------------------------


def test_start_stores_role_seed_and_transcript_and_hides_the_seed(river, student):
    response = start(as_user(student), river)
    assert response.status_code == 201, response.json()
    body = response.json()
    attempt = Attempt.objects.get(pk=body["id"])
    assert attempt.status == "in_progress"
    assert attempt.answers["role"] == LEARNER["id"]
    assert 0 <= attempt.answers["seed"] < 2**63
    assert attempt.answers["transcript"] == []  # the learner's role opens
    assert body["negotiation"]["role"] == LEARNER["id"]
    assert body["negotiation"]["session"]["your_turn"] is True
    assert "seed" not in response.content.decode()


def test_the_learner_may_choose_the_other_role_and_the_machine_opens(river, student):
    response = start(as_user(student), river, {"role": OTHER["id"]})
    assert response.status_code == 201
    session = response.json()["negotiation"]["session"]
    assert response.json()["negotiation"]["brief"]["role"]["id"] == OTHER["id"]
    assert [m["by"] for m in session["moves"]] == ["machine"]
    assert session["your_turn"] is True
    assert LEARNER["brief"] not in response.content.decode()


def test_an_unknown_role_is_refused_and_no_attempt_is_made(river, student):
    response = start(as_user(student), river, {"role": "nobody"})
    assert response.status_code == 400
    assert error_codes(response) == ["unknown_role"]
    assert not Attempt.objects.filter(exercise=river).exists()


def test_moves_are_answered_by_the_counterpart_and_stored_before_the_answer(river, student):
    client = as_user(student)
    attempt_id = start(client, river).json()["id"]
    question = LEARNER["questions"][0]
    asked = move(client, attempt_id, {"type": "ask", "question": question["id"]})
    assert asked.status_code == 200, asked.json()
    assert asked.json()["replies"] == [{"type": "answer", "question": question["id"], "text": question["answer"]}]
    offered = move(client, attempt_id, {"type": "offer", "package": first_package(RIVER)})
    assert offered.status_code == 200, offered.json()
    replies = offered.json()["replies"]
    assert replies and all(r["by"] == "machine" and r["role"] == OTHER["id"] for r in replies)
    stored = Attempt.objects.get(pk=attempt_id).answers["transcript"]
    assert [(e["role"], e["by"], e["type"]) for e in stored[:2]] == [
        (LEARNER["id"], "human", "ask"), (LEARNER["id"], "human", "offer")]
    assert len(stored) == 2 + len(replies)
    # The session as the learner sees it: their own utility of each package, never the other side's.
    session = offered.json()["negotiation"]["session"]
    assert all("your_utility" in m for m in session["moves"] if m["type"] == "offer")
    assert "utilities" not in offered.content.decode()


def test_a_refused_move_has_its_problem_by_path_and_changes_nothing(river, student):
    client = as_user(student)
    attempt_id = start(client, river).json()["id"]
    before = Attempt.objects.get(pk=attempt_id).answers
    bad = {**first_package(RIVER), RIVER["issues"][0]["id"]: "no-such-option"}
    response = move(client, attempt_id, {"type": "offer", "package": bad})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == f"move.package.{RIVER['issues'][0]['id']}"
    assert error_codes(response) == ["unknown_option"]
    for body in ({"type": "accept"}, {"type": "dance"}, {"type": "ask", "question": OTHER["questions"][0]["id"]},
                 ["not", "an", "object"]):
        assert move(client, attempt_id, body).status_code == 400
    assert Attempt.objects.get(pk=attempt_id).answers == before


def test_walking_away_ends_the_session_and_it_is_graded_with_competencies(river, student,
                                                                          django_capture_on_commit_callbacks):
    client = as_user(student)
    attempt_id = start(client, river).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = move(client, attempt_id, {"type": "walk_away"})
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"  # the answer was made before the worker graded it
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.status == "graded"
    expected = negotiation.score(RIVER, attempt.answers["transcript"])
    assert attempt.result["outcome"] == "walkaway"
    assert attempt.result["role"] == LEARNER["id"]
    assert attempt.result["competencies"] == expected["roles"][LEARNER["id"]]["competencies"]
    assert attempt.score == expected["roles"][LEARNER["id"]]["overall"]
    assert attempt.passed is False
    assert Grading.objects.filter(attempt=attempt, kind="automatic").count() == 1
    shown = client.get(f"/api/v1/attempts/{attempt_id}/").json()
    assert shown["result"]["utilities"] == expected["utilities"]  # revealed once the session is over
    assert shown["negotiation"]["session"]["status"] == "walkaway"
    # After the end, no move is taken.
    late = move(client, attempt_id, {"type": "walk_away"})
    assert late.status_code == 409
    assert error_codes(late) == ["not_in_progress"]
    # The learner's competency profile reads the negotiation's competencies.
    keys = {row["key"] for row in client.get("/api/v1/me/competencies/").json()["results"]}
    assert set(expected["roles"][LEARNER["id"]]["competencies"]) <= keys


def test_a_session_played_to_the_deadline_is_submitted(river, student, django_capture_on_commit_callbacks):
    client = as_user(student)
    attempt_id = start(client, river).json()["id"]
    best = {issue["id"]: max(issue["options"], key=lambda o: LEARNER["values"][issue["id"]][o["id"]])["id"]
            for issue in RIVER["issues"]}
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(RIVER["deadline"]):
            response = move(client, attempt_id, {"type": "offer", "package": best})
            assert response.status_code == 200, response.json()
            if response.json()["status"] != "in_progress":
                break
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.status == "graded"
    assert attempt.result["outcome"] in ("deadline", "agreement")


# --- refusals of the other exercise kinds' doors ------------------------------------------------------------


def test_a_negotiation_takes_no_whole_submission_and_no_scenario_step(river, student):
    client = as_user(student)
    response = client.post(f"/api/v1/exercises/{river.pk}/attempts/", {"steps": []}, format="json")
    assert response.status_code == 400
    assert error_codes(response) == ["not_submitted_whole"]
    attempt_id = start(client, river).json()["id"]
    stepped = client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"choice": "x"}, format="json")
    assert stepped.status_code == 400


def test_a_scenario_attempt_takes_no_moves(practice_scenario, student):
    client = as_user(student)
    attempt_id = start(client, practice_scenario).json()["id"]
    response = move(client, attempt_id, {"type": "walk_away"})
    assert response.status_code == 400
    assert error_codes(response) == ["not_a_negotiation"]


def test_statistics_of_a_negotiation_are_refused_cleanly(river, staff):
    response = as_user(staff).get(f"/api/v1/exercises/{river.pk}/statistics/")
    assert response.status_code == 409
    assert error_codes(response) == ["no_statistics"]


def test_a_graded_negotiation_cannot_be_overridden(river, student, staff, django_capture_on_commit_callbacks):
    client = as_user(student)
    attempt_id = start(client, river).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        move(client, attempt_id, {"type": "walk_away"})
    response = as_user(staff).post(f"/api/v1/attempts/{attempt_id}/override/",
                                   {"node": "x", "met": [], "reason": "why"}, format="json")
    assert response.status_code in (400, 409)
    assert Grading.objects.filter(attempt_id=attempt_id).count() == 1


# --- who may play and read ---------------------------------------------------------------------------------


def test_nobody_else_may_move_in_or_read_a_learners_attempt(river, student):
    attempt_id = start(as_user(student), river).json()["id"]
    stranger = as_user(make_user())
    before = Attempt.objects.get(pk=attempt_id).answers
    for response in (move(stranger, attempt_id, {"type": "walk_away"}),
                     stranger.get(f"/api/v1/attempts/{attempt_id}/")):
        assert response.status_code == 404
        assert error_codes(response) == ["not_found"]
    assert Attempt.objects.get(pk=attempt_id).answers == before


def test_a_course_negotiation_is_refused_to_a_student_not_enrolled(staff):
    response = as_user(staff).post("/api/v1/exercises/import/", copy.deepcopy(RIVER), format="json")  # course
    exercise_id = response.json()["id"]
    outsider = as_user(make_user())
    assert outsider.get(f"/api/v1/exercises/{exercise_id}/").status_code == 404
    assert outsider.post(f"/api/v1/exercises/{exercise_id}/attempts/", {}, format="json").status_code == 404
    assert not Attempt.objects.filter(exercise_id=exercise_id).exists()


def test_moves_need_signing_in(river, student, api):
    attempt_id = start(as_user(student), river).json()["id"]
    assert move(api, attempt_id, {"type": "walk_away"}).status_code in (401, 403)


@pytest.fixture
def practice_scenario(academy):
    from ..factories import import_exercise

    return import_exercise(academy, visibility="practice")
