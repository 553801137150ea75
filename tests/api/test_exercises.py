"""Exercises and attempts through API v1 (grading inline here; tests/integration
proves the same with a real worker)."""
import copy

import pytest

from accounts.models import Role
from assessments.models import Attempt, Exercise, ExerciseVersion, Grading
from courses.services import assignment_create, class_create, class_join, enrol

from ..conftest import as_user, error_codes
from ..factories import (
    CRITICAL_PATH,
    PASSING_PATH,
    QUIZ,
    SPEC_PATH,
    SPEC_SCENARIO,
    course_modules,
    import_exercise,
    later,
    make_academy,
    make_course,
    make_staff,
    make_user,
    verify_teacher,
)

FORBIDDEN_KEYS = {"weights", "terms", "feedback", "next", "critical", "rubric", "correct", "accept"}


def all_keys(obj):
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield key
            yield from all_keys(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from all_keys(value)


@pytest.fixture
def practice(academy):
    return import_exercise(academy, visibility="practice")


def submit(client, exercise, body, key=None, capture=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/exercises/{exercise.pk}/attempts/", body, format="json", **headers)


# --- import and export ---------------------------------------------------------


def test_staff_import_creates_version_one(staff):
    response = as_user(staff).post("/api/v1/exercises/import/", {**SPEC_SCENARIO, "visibility": "practice"},
                                   format="json")
    assert response.status_code == 201
    assert response.json()["version"] == 1
    exercise = Exercise.objects.get(pk=response.json()["id"])
    assert exercise.visibility == "practice"
    assert "visibility" not in exercise.current_version.document


def test_reimporting_the_same_document_makes_no_new_version(staff):
    client = as_user(staff)
    client.post("/api/v1/exercises/import/", SPEC_SCENARIO, format="json")
    again = client.post("/api/v1/exercises/import/", SPEC_SCENARIO, format="json")
    assert again.json()["version"] == 1
    assert ExerciseVersion.objects.count() == 1


def test_importing_a_changed_document_makes_version_two(staff):
    client = as_user(staff)
    client.post("/api/v1/exercises/import/", SPEC_SCENARIO, format="json")
    changed = copy.deepcopy(SPEC_SCENARIO)
    changed["title"] = "A river in a very dry year"
    response = client.post("/api/v1/exercises/import/", changed, format="json")
    assert response.json()["version"] == 2
    assert Exercise.objects.count() == 1


def test_invalid_document_lists_every_problem_by_path_and_stores_nothing(staff):
    bad = copy.deepcopy(SPEC_SCENARIO)
    bad["pass_threshold"] = 150
    bad["nodes"][0]["choices"][0]["next"] = "nowhere"
    response = as_user(staff).post("/api/v1/exercises/import/", bad, format="json")
    assert response.status_code == 400
    attrs = {e["attr"] for e in response.json()["errors"]}
    assert {"pass_threshold", "nodes[0].choices[0].next"} <= attrs
    assert not Exercise.objects.exists()


def test_learners_and_teachers_cannot_import(student, teacher):
    for user in (student, teacher):
        response = as_user(user).post("/api/v1/exercises/import/", SPEC_SCENARIO, format="json")
        assert response.status_code == 403
        assert error_codes(response) == ["permission_denied"]


def test_export_gives_the_current_document_to_its_academy_only(practice, staff):
    assert as_user(staff).get(f"/api/v1/exercises/{practice.pk}/export/").json()["nodes"] == SPEC_SCENARIO["nodes"]
    other_staff = make_staff(make_academy())
    assert as_user(other_staff).get(f"/api/v1/exercises/{practice.pk}/export/").status_code == 404


# --- the learner's view -------------------------------------------------------------


def test_learner_view_shows_no_key_and_no_node_beyond_the_start(practice, student):
    body = as_user(student).get(f"/api/v1/exercises/{practice.pk}/").json()
    assert not FORBIDDEN_KEYS & set(all_keys(body))
    assert body["start_node"]["id"] == "open"
    text = str(body)
    for hidden in ("reply1", "end_good", "end_bad", "irrigation"):
        assert hidden not in text


def test_course_exercise_is_hidden_from_learners_not_enrolled(academy, student):
    exercise = import_exercise(academy, visibility="course")
    course = make_course(academy, exercises_in={(0, 0): [exercise.pk]})
    client = as_user(student)
    assert client.get(f"/api/v1/exercises/{exercise.pk}/").status_code == 404
    enrol(learner=student, course=course)
    assert client.get(f"/api/v1/exercises/{exercise.pk}/").status_code == 200


# --- attempts ------------------------------------------------------------------------


def test_whole_path_is_accepted_stored_and_graded_to_the_spec(practice, student, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(as_user(student), practice, {"steps": SPEC_PATH})
    assert response.status_code == 202
    assert response.json()["status"] == "submitted"
    result = as_user(student).get(f"/api/v1/attempts/{response.json()['id']}/").json()["result"]
    assert result["overall"] == 55.6
    assert result["competencies"] == {"listening": 100.0, "judgement": 33.3}
    assert result["passed"] is False and result["outcome"] == "agreement"


def test_node_by_node_play_reaches_the_same_result(practice, student, django_capture_on_commit_callbacks):
    client = as_user(student)
    start = submit(client, practice, None)
    assert start.status_code == 201
    assert start.json()["node"] == {"id": "open", "type": "choice", "text": "The upstream minister opens the talks.",
                                    "choices": [{"id": "ask", "text": "Ask what the dry season costs their farmers."},
                                                {"id": "threaten", "text": "Warn of consequences."}]}
    attempt_id = start.json()["id"]
    step = client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"choice": "ask"}, format="json")
    assert step.json()["node"]["id"] == "reply1"
    assert not FORBIDDEN_KEYS & set(all_keys(step.json()))
    with django_capture_on_commit_callbacks(execute=True):
        last = client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"reply": SPEC_PATH[1]["reply"]}, format="json")
    assert last.json()["status"] == "submitted"
    assert client.get(f"/api/v1/attempts/{attempt_id}/").json()["result"]["overall"] == 55.6


def test_a_wrong_choice_at_a_node_is_refused_and_changes_nothing(practice, student):
    client = as_user(student)
    attempt_id = submit(client, practice, None).json()["id"]
    response = client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"choice": "dance"}, format="json")
    assert response.status_code == 400
    assert Attempt.objects.get(pk=attempt_id).current_node == "open"


@pytest.mark.parametrize("steps", [
    [SPEC_PATH[0], SPEC_PATH[2]],  # skips the reply node
    [SPEC_PATH[0], {"node": "reply1", "reply": "OK."}, SPEC_PATH[2]],  # under the word limit
    SPEC_PATH[:2],  # does not end at an outcome
    [{"node": "reply1", "reply": "x"}],  # does not start at the start
], ids=["skip", "short-reply", "no-outcome", "wrong-start"])
def test_invalid_paths_are_refused_and_store_nothing(practice, student, steps):
    response = submit(as_user(student), practice, {"steps": steps})
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert not Attempt.objects.exists()


def test_same_idempotency_key_returns_the_first_attempt(practice, student):
    client = as_user(student)
    first = submit(client, practice, {"steps": PASSING_PATH}, key="k-1")
    again = submit(client, practice, {"steps": PASSING_PATH}, key="k-1")
    assert again.json()["id"] == first.json()["id"]
    assert Attempt.objects.count() == 1


def test_attempt_limit_refuses_one_more(academy, student):
    exercise = import_exercise(academy, visibility="practice")
    Exercise.objects.filter(pk=exercise.pk).update(attempt_limit=1)
    client = as_user(student)
    assert submit(client, exercise, {"steps": CRITICAL_PATH}).status_code == 202
    response = submit(client, exercise, {"steps": CRITICAL_PATH})
    assert response.status_code == 409
    assert error_codes(response) == ["attempt_limit"]
    assert Attempt.objects.count() == 1


def test_another_learner_cannot_read_or_play_an_attempt(practice, student):
    attempt_id = submit(as_user(student), practice, None).json()["id"]
    other = as_user(make_user())
    assert other.get(f"/api/v1/attempts/{attempt_id}/").status_code == 404
    assert other.post(f"/api/v1/attempts/{attempt_id}/steps/", {"choice": "ask"}, format="json").status_code == 404


@pytest.fixture
def assigned(academy, student, teacher):
    """An exercise in a module assigned to the teacher's class, which the student joined."""
    exercise = import_exercise(academy, visibility="course")
    course = make_course(academy, exercises_in={(0, 0): [exercise.pk]})
    school_class = class_create(teacher=teacher, name="9B")
    assignment_create(actor=teacher, school_class=school_class, module_id=course_modules(course)[0].pk,
                      due_at=later())
    class_join(student=student, join_code=school_class.join_code)
    return exercise


def test_the_learners_teacher_and_the_academy_staff_can_read_it(assigned, student, staff, teacher):
    attempt_id = submit(as_user(student), assigned, {"steps": CRITICAL_PATH}).json()["id"]
    assert as_user(teacher).get(f"/api/v1/attempts/{attempt_id}/").status_code == 200
    assert as_user(staff).get(f"/api/v1/attempts/{attempt_id}/").status_code == 200
    assert as_user(make_user(Role.TEACHER)).get(f"/api/v1/attempts/{attempt_id}/").status_code == 404


def test_result_is_hidden_until_graded(practice, student):
    attempt_id = submit(as_user(student), practice, {"steps": SPEC_PATH}).json()["id"]
    body = as_user(student).get(f"/api/v1/attempts/{attempt_id}/").json()
    assert body["status"] == "submitted" and body["result"] is None
    assert not FORBIDDEN_KEYS & set(all_keys(body))


def test_my_attempts_list_is_paginated_and_mine_only(practice, student):
    submit(as_user(student), practice, {"steps": CRITICAL_PATH})
    submit(as_user(make_user()), practice, {"steps": CRITICAL_PATH})
    body = as_user(student).get(f"/api/v1/exercises/{practice.pk}/attempts/").json()
    assert body["count"] == 1 and len(body["results"]) == 1


# --- quizzes ----------------------------------------------------------------------------


def test_quiz_answers_are_graded(academy, student, django_capture_on_commit_callbacks):
    quiz = import_exercise(academy, QUIZ, visibility="practice")
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(as_user(student), quiz, {"answers": {"q1": ["b"], "q2": "BATNA"}})
    assert response.status_code == 202
    attempt = Attempt.objects.get(pk=response.json()["id"])
    assert attempt.status == "graded" and attempt.score == 100.0 and attempt.passed


def test_quiz_answer_naming_an_unknown_option_is_refused(academy, student):
    quiz = import_exercise(academy, QUIZ, visibility="practice")
    response = submit(as_user(student), quiz, {"answers": {"q1": ["zz"]}})
    assert response.status_code == 400
    assert not Attempt.objects.exists()


# --- review, history, regrade, profile ------------------------------------------------------


def graded_attempt(exercise, learner, steps, capture):
    with capture(execute=True):
        attempt_id = submit(as_user(learner), exercise, {"steps": steps}).json()["id"]
    return Attempt.objects.get(pk=attempt_id)


def test_teacher_override_recomputes_and_keeps_history(assigned, student, teacher, staff,
                                                       django_capture_on_commit_callbacks):
    verify_teacher(teacher, by=staff)
    attempt = graded_attempt(assigned, student, SPEC_PATH, django_capture_on_commit_callbacks)
    response = as_user(teacher).post(f"/api/v1/attempts/{attempt.pk}/override/",
                                     {"node": "reply1", "avoided": [], "reason": "Quoting them, not blaming."},
                                     format="json")
    assert response.status_code == 200
    assert response.json()["result"]["competencies"]["judgement"] == 100.0
    assert as_user(student).get(f"/api/v1/attempts/{attempt.pk}/").json()["result"]["overall"] == 100.0
    history = list(attempt.gradings.values_list("kind", "actor__username", "reason"))
    assert history == [("automatic", None, ""), ("override", teacher.username, "Quoting them, not blaming.")]


def test_override_needs_a_reason(assigned, student, teacher, staff, django_capture_on_commit_callbacks):
    verify_teacher(teacher, by=staff)
    attempt = graded_attempt(assigned, student, SPEC_PATH, django_capture_on_commit_callbacks)
    response = as_user(teacher).post(f"/api/v1/attempts/{attempt.pk}/override/",
                                     {"node": "reply1", "avoided": [], "reason": ""}, format="json")
    assert response.status_code == 400
    assert attempt.gradings.count() == 1


def test_a_teacher_of_another_class_cannot_override(practice, student, django_capture_on_commit_callbacks):
    attempt = graded_attempt(practice, student, SPEC_PATH, django_capture_on_commit_callbacks)
    response = as_user(make_user(Role.TEACHER)).post(
        f"/api/v1/attempts/{attempt.pk}/override/", {"node": "reply1", "avoided": [], "reason": "x"}, format="json")
    assert response.status_code == 404


def test_regrade_keeps_previous_results_in_history(practice, student, staff, django_capture_on_commit_callbacks):
    attempt = graded_attempt(practice, student, SPEC_PATH, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(staff).post(f"/api/v1/exercises/{practice.pk}/regrade/")
    assert response.status_code == 202
    progress = as_user(staff).get(f"/api/v1/regrades/{response.json()['id']}/").json()
    assert progress == {"id": response.json()["id"], "version": 1, "total": 1, "done": 1, "finished": True}
    assert list(attempt.gradings.values_list("kind", flat=True)) == ["automatic", "regrade"]


def test_competency_profile_uses_the_latest_graded_attempt_per_exercise(practice, student,
                                                                       django_capture_on_commit_callbacks):
    graded_attempt(practice, student, CRITICAL_PATH, django_capture_on_commit_callbacks)
    graded_attempt(practice, student, PASSING_PATH, django_capture_on_commit_callbacks)
    rows = as_user(student).get("/api/v1/me/competencies/").json()["results"]
    assert rows == [
        {"key": "judgement", "label": "Judgement", "score": 100.0, "exercises": 1},
        {"key": "listening", "label": "Active listening", "score": 100.0, "exercises": 1},
    ]


def test_history_records_one_automatic_grading(practice, student, django_capture_on_commit_callbacks):
    attempt = graded_attempt(practice, student, PASSING_PATH, django_capture_on_commit_callbacks)
    assert Grading.objects.filter(attempt=attempt, kind="automatic").count() == 1
