"""GET /api/v1/attempts/{id}/debrief/ (api-v1.md; scenario spec, "Debrief"): the spec's JSON once the attempt
is graded and unlocked, 409 `debrief_locked` before, 404 for whoever may not read the attempt. Every answer
is checked against the OpenAPI schema by tests/api/conftest.py."""
import pytest
from rest_framework.test import APIClient

from accounts.services import token_issue
from assessments.models import Attempt
from assessments.services import attempt_submit
from courses import reviews

from ..conftest import error_codes
from ..factories import PASSING_PATH, SPEC_PATH, import_exercise, make_staff, make_user

pytestmark = pytest.mark.django_db


def with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


def graded(learner, exercise, capture, path) -> Attempt:
    with capture(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": path})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    return attempt


def url(attempt) -> str:
    return f"/api/v1/attempts/{attempt.pk}/debrief/"


def test_a_passed_attempt_gets_its_debrief(academy, django_capture_on_commit_callbacks):
    learner = make_user()
    exercise = import_exercise(academy, visibility="practice", debrief="Interests first.")
    attempt = graded(learner, exercise, django_capture_on_commit_callbacks, PASSING_PATH)
    body = with_token(learner).get(url(attempt)).json()
    assert (body["overall"], body["strongest_overall"], body["debrief"]) == (100.0, 100.0, "Interests first.")
    assert [(s["node"], s["lost"], s["critical"]) for s in body["steps"]] == [
        ("open", 0.0, False), ("reply1", 0.0, False)]
    assert body["strongest_path"] == [{"node": "open", "choice": "ask"}, {"node": "reply1"}, {"node": "end_good"}]


def test_with_debrief_after_graded_the_spec_example_opens_at_once(academy, django_capture_on_commit_callbacks):
    learner = make_user()
    exercise = import_exercise(academy, visibility="practice", debrief_after="graded")
    attempt = graded(learner, exercise, django_capture_on_commit_callbacks, SPEC_PATH)
    body = with_token(learner).get(url(attempt)).json()
    assert (body["overall"], body["strongest_overall"]) == (55.6, 100.0)
    assert [s["lost"] for s in body["steps"]] == [0.0, 44.4]
    assert body["steps"][0]["best_choice"] == {"id": "ask", "text": "Ask what the dry season costs their farmers."}
    assert body["steps"][1]["best_choice"] is None


def test_a_graded_attempt_not_passed_is_locked_in_the_error_shape(academy, django_capture_on_commit_callbacks):
    learner = make_user()
    exercise = import_exercise(academy, visibility="practice")
    attempt = graded(learner, exercise, django_capture_on_commit_callbacks, SPEC_PATH)
    response = with_token(learner).get(url(attempt))
    assert response.status_code == 409
    assert error_codes(response) == ["debrief_locked"]


def test_an_attempt_in_progress_is_locked(academy):
    from assessments.services import attempt_start

    learner = make_user()
    attempt, _ = attempt_start(exercise=import_exercise(academy, visibility="practice"), learner=learner)
    response = with_token(learner).get(url(attempt))
    assert (response.status_code, error_codes(response)) == (409, ["debrief_locked"])


def test_a_stranger_who_signed_up_gets_the_404_of_a_missing_attempt(academy, django_capture_on_commit_callbacks):
    learner = make_user()
    attempt = graded(learner, import_exercise(academy, visibility="practice"), django_capture_on_commit_callbacks,
                     PASSING_PATH)
    stranger = with_token(make_user())
    probed, missing = stranger.get(url(attempt)), stranger.get("/api/v1/attempts/987654321/debrief/")
    assert (probed.status_code, probed.json()) == (missing.status_code, missing.json())
    assert probed.status_code == 404


def test_a_teachers_override_shows_in_the_debrief(academy, django_capture_on_commit_callbacks):
    learner = make_user()
    exercise = import_exercise(academy, visibility="practice", debrief_after="graded")
    attempt = graded(learner, exercise, django_capture_on_commit_callbacks, SPEC_PATH)
    reviews.review_override(actor=make_staff(academy), attempt=attempt, node="reply1", met=["interest"],
                            avoided=[], reason="The blame was quoted, not meant.")
    body = with_token(learner).get(url(attempt)).json()
    assert (body["overall"], [s["lost"] for s in body["steps"]]) == (100.0, [0.0, 0.0])


def test_the_academys_staff_read_the_debrief_too(academy, django_capture_on_commit_callbacks):
    learner = make_user()
    attempt = graded(learner, import_exercise(academy, visibility="practice"), django_capture_on_commit_callbacks,
                     PASSING_PATH)
    assert with_token(make_staff(academy)).get(url(attempt)).status_code == 200


def test_a_debrief_is_two_queries(academy, django_capture_on_commit_callbacks, django_assert_num_queries):
    learner = make_user()
    attempt = graded(learner, import_exercise(academy, visibility="practice"), django_capture_on_commit_callbacks,
                     PASSING_PATH)
    client = with_token(learner)
    assert client.get(url(attempt)).status_code == 200  # warms the per-process document and plan
    # 1 the token and its user, 2 the attempt with its version and exercise. Its own learner reads it (no
    # access query), it passed (the unlock rule needs no query), and the plan is kept per process.
    with django_assert_num_queries(2):
        assert client.get(url(attempt)).status_code == 200


def test_a_failed_attempt_with_every_attempt_used_is_four_queries(academy, django_capture_on_commit_callbacks,
                                                                  django_assert_num_queries):
    learner = make_user()
    exercise = import_exercise(academy, visibility="practice")
    exercise.attempt_limit = 1
    exercise.save()
    attempt = graded(learner, exercise, django_capture_on_commit_callbacks, SPEC_PATH)
    client = with_token(learner)
    assert client.get(url(attempt)).status_code == 200
    # 1 token and user, 2 the attempt; the unlock rule: 3 any passed attempt, 4 how many were counted.
    with django_assert_num_queries(4):
        assert client.get(url(attempt)).status_code == 200


def test_the_versions_half_is_computed_once_per_process_not_per_request(academy, django_capture_on_commit_callbacks,
                                                                         monkeypatch):
    from assessments import documents, grading

    learner = make_user()
    attempt = graded(learner, import_exercise(academy, visibility="practice"), django_capture_on_commit_callbacks,
                     PASSING_PATH)
    monkeypatch.setattr(documents, "_PLANS", type(documents._PLANS)())
    calls = []
    real = grading.debrief_plan
    monkeypatch.setattr(grading, "debrief_plan", lambda doc: calls.append(1) or real(doc))
    client = with_token(learner)
    for _ in range(3):
        assert client.get(url(attempt)).status_code == 200
    assert len(calls) == 1
