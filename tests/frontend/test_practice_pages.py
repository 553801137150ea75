"""The site's side of "what if" replays (issue 16, item 2): a "Replay from here" per decision on the
learner's own unlocked result, the player's practice banner, and a practice result marked as not scored."""
import pytest

from assessments.models import Attempt
from assessments.services import attempt_replay, attempt_step, attempt_submit

from ..conftest import signed_in
from ..factories import CRITICAL_PATH

pytestmark = pytest.mark.django_db
REPLY = {"reply": "Your farmers need water for irrigation before the harvest."}


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_learners_unlocked_result_offers_a_replay_per_decision(graded_attempt, student):
    page = _page(signed_in(student), f"/attempts/{graded_attempt.pk}/")
    assert page.count("Replay from here") == 2  # the choice at "open" and the reply at "reply1"
    assert 'name="node" value="open"' in page and 'name="node" value="reply1"' in page


def test_a_locked_result_offers_no_replay(exercise, course, student, graded_attempt,
                                          django_capture_on_commit_callbacks):
    Attempt.objects.filter(pk=graded_attempt.pk).delete()  # the one pass would unlock every attempt
    with django_capture_on_commit_callbacks(execute=True):
        failed, _ = attempt_submit(exercise=exercise, learner=student, answers={"steps": CRITICAL_PATH})
    assert "Replay from here" not in _page(signed_in(student), f"/attempts/{failed.pk}/")


def test_the_teacher_sees_the_result_without_replays(graded_attempt, teacher):
    page = _page(signed_in(teacher), f"/attempts/{graded_attempt.pk}/")
    assert "Replay from here" not in page


def test_replay_from_here_opens_the_player_on_the_practice_attempt(graded_attempt, student):
    client = signed_in(student)
    response = client.post(f"/attempts/{graded_attempt.pk}/replay/", {"node": "reply1"})
    replay = Attempt.objects.get(practice=True)
    assert response.status_code == 302
    assert response["Location"] == f"/exercises/{graded_attempt.exercise_id}/?replay={replay.pk}"
    player = _page(client, response["Location"])
    assert "Practice — not scored." in player
    assert f'"id": {replay.pk}' in player  # the player resumes the replay, not a new attempt


def test_an_unfinished_replay_does_not_stand_in_for_a_real_attempt(graded_attempt, student):
    replay, _ = attempt_replay(attempt=Attempt.objects.select_related("version", "exercise").get(
        pk=graded_attempt.pk), node="open", learner=student)
    player = _page(signed_in(student), f"/exercises/{graded_attempt.exercise_id}/")
    assert "Practice — not scored." not in player and f'"id": {replay.pk}' not in player


def test_a_stranger_cannot_replay_anothers_attempt(graded_attempt):
    from ..factories import make_user

    response = signed_in(make_user()).post(f"/attempts/{graded_attempt.pk}/replay/", {"node": "open"})
    assert response.status_code == 404
    assert not Attempt.objects.filter(practice=True).exists()


def test_the_teacher_cannot_replay_their_students_attempt(graded_attempt, teacher):
    response = signed_in(teacher).post(f"/attempts/{graded_attempt.pk}/replay/", {"node": "open"})
    assert response.status_code == 404


def test_a_finished_replay_shows_feedback_and_outcome_marked_not_scored(graded_attempt, student,
                                                                        django_capture_on_commit_callbacks):
    replay, _ = attempt_replay(attempt=Attempt.objects.select_related("version", "exercise").get(
        pk=graded_attempt.pk), node="open", learner=student)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_step(attempt_id=replay.pk, learner=student, move={"choice": "ask"})
        attempt_step(attempt_id=replay.pk, learner=student, move=REPLY)
    client = signed_in(student)
    page = _page(client, f"/attempts/{replay.pk}/")
    assert "Practice — not scored." in page
    assert "Asking opens the door." in page  # the feedback of the step
    assert "Overall score" not in page and "score-number" not in page
    history = _page(client, f"/exercises/{graded_attempt.exercise_id}/")
    assert history.count("Practice — not scored") == 1  # the replay's badge; the graded one has none
    progress = _page(client, "/me/progress/")
    assert "Practice — not scored" in progress


def test_the_teacher_cannot_open_the_practice_result(graded_attempt, student, teacher):
    replay, _ = attempt_replay(attempt=Attempt.objects.select_related("version", "exercise").get(
        pk=graded_attempt.pk), node="open", learner=student)
    assert signed_in(teacher).get(f"/attempts/{replay.pk}/").status_code == 404
