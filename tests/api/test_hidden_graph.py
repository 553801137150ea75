"""Whole-path submission keeps the graph hidden (scenario-format.md, "Answers"), and probing it
costs: each refused whole path is counted, and past PATH_REFUSALS_PER_EXERCISE whole paths are
refused outright while node-by-node play goes on."""
import pytest

from assessments.models import Attempt, RefusedPath

from ..conftest import as_user, error_codes
from ..factories import CRITICAL_PATH, PASSING_PATH, QUIZ, import_exercise, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def practice(academy):
    return import_exercise(academy, visibility="practice")


def submit(client, exercise, steps):
    return client.post(f"/api/v1/exercises/{exercise.pk}/attempts/", {"steps": steps}, format="json")


def with_second_step(node_id):
    return [PASSING_PATH[0], {"node": node_id}, PASSING_PATH[2]]


# --- what a refusal tells ------------------------------------------------------------------


def test_an_unknown_id_a_node_elsewhere_and_an_outcome_not_next_give_the_same_bytes(practice, student):
    # After "ask" the next node is reply1. "lobby" names nothing, "open" a choice node elsewhere,
    # "end_good" the outcome after reply1 and "end_bad" another outcome.
    client = as_user(student)
    bodies = {name: submit(client, practice, with_second_step(name)) for name in ("lobby", "open", "end_good",
                                                                                  "end_bad")}
    assert {r.status_code for r in bodies.values()} == {400}
    assert len({r.content for r in bodies.values()}) == 1
    assert bodies["lobby"].json()["errors"] == [{"code": "invalid_move", "attr": "steps[1].node",
                                                 "detail": "steps[1].node: this step is not a move from the "
                                                           "previous one"}]


def test_a_first_step_elsewhere_is_refused_alike_whatever_it_names(practice, student):
    client = as_user(student)
    bodies = {submit(client, practice, [{"node": name}, PASSING_PATH[2]]).content
              for name in ("lobby", "reply1", "end_good")}
    assert len(bodies) == 1


def test_a_refusal_names_no_node_the_path_has_not_reached(practice, student):
    body = submit(as_user(student), practice, with_second_step("lobby")).content.decode()
    for hidden in ("reply1", "end_good", "reply", "outcome", "words", "120"):
        assert hidden not in body


def test_a_bad_reply_refuses_the_same_whatever_follows_it(practice, student):
    # Were the step after it checked, a right guess of the next node would answer differently.
    client = as_user(student)
    short = {"node": "reply1", "reply": "Too short."}
    right = submit(client, practice, [PASSING_PATH[0], short, {"node": "end_good"}])
    wrong = submit(client, practice, [PASSING_PATH[0], short, {"node": "end_bad"}])
    assert right.content == wrong.content
    assert right.json()["errors"][0]["attr"] == "steps[1].reply"


def test_a_reply_node_the_path_reached_may_tell_its_word_limits(practice, student):
    response = submit(as_user(student), practice, [PASSING_PATH[0], {"node": "reply1", "reply": "Too short."},
                                                   PASSING_PATH[2]])
    assert error_codes(response) == ["too_short"]
    assert "at least 5" in response.json()["errors"][0]["detail"]


# --- the cost of probing -------------------------------------------------------------------


def test_each_refused_whole_path_stores_one_row_and_nothing_of_the_path(practice, student):
    client = as_user(student)
    submit(client, practice, with_second_step("lobby"))
    submit(client, practice, with_second_step("end_bad"))
    rows = list(RefusedPath.objects.values())
    assert len(rows) == 2
    assert {frozenset(row) for row in rows} == {frozenset({"id", "learner_id", "exercise_id", "created_at"})}
    assert not Attempt.objects.exists()


def test_an_accepted_whole_path_stores_no_refusal(practice, student):
    assert submit(as_user(student), practice, PASSING_PATH).status_code == 202
    assert not RefusedPath.objects.exists()


def test_the_learner_sees_how_many_refused_paths_are_left(practice, student, settings):
    settings.PATH_REFUSALS_PER_EXERCISE = 4
    client = as_user(student)
    assert client.get(f"/api/v1/exercises/{practice.pk}/").json()["path_refusals_left"] == 4
    submit(client, practice, with_second_step("lobby"))
    assert client.get(f"/api/v1/exercises/{practice.pk}/").json()["path_refusals_left"] == 3


def test_a_quiz_has_no_refused_paths_to_count(academy, student):
    quiz = import_exercise(academy, document=QUIZ, visibility="practice")
    assert as_user(student).get(f"/api/v1/exercises/{quiz.pk}/").json()["path_refusals_left"] is None


def test_past_the_limit_every_whole_path_is_refused_unread(practice, student, settings):
    settings.PATH_REFUSALS_PER_EXERCISE = 2
    client = as_user(student)
    for _ in range(2):
        assert submit(client, practice, with_second_step("lobby")).status_code == 400
    refused = submit(client, practice, PASSING_PATH)  # a valid path too: its answer would tell it is valid
    assert refused.status_code == 409
    assert error_codes(refused) == ["path_refusal_limit"]
    assert RefusedPath.objects.count() == 2 and not Attempt.objects.exists()
    assert client.get(f"/api/v1/exercises/{practice.pk}/").json()["path_refusals_left"] == 0


def test_past_the_limit_node_by_node_play_goes_on(practice, student, settings):
    settings.PATH_REFUSALS_PER_EXERCISE = 1
    client = as_user(student)
    submit(client, practice, with_second_step("lobby"))
    start = client.post(f"/api/v1/exercises/{practice.pk}/attempts/", {}, format="json")
    assert start.status_code == 201
    step = client.post(f"/api/v1/attempts/{start.json()['id']}/steps/", {"choice": "ask"}, format="json")
    assert step.status_code == 200 and step.json()["node"]["id"] == "reply1"


def test_the_limit_counts_per_learner_and_per_exercise(academy, practice, student, settings):
    settings.PATH_REFUSALS_PER_EXERCISE = 1
    submit(as_user(student), practice, with_second_step("lobby"))
    other_exercise = import_exercise(academy, visibility="practice", slug="other-river")
    assert submit(as_user(student), other_exercise, CRITICAL_PATH).status_code == 202
    assert submit(as_user(make_user()), practice, CRITICAL_PATH).status_code == 202
