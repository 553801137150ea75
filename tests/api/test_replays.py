"""POST /api/v1/attempts/{id}/replay/ (issue 16, item 2): a "what if" replay as the API gives it, played on
with the steps endpoint, marked as practice in every attempt answer, never scored."""
import pytest

from accounts.models import Role
from assessments.models import Attempt
from assessments.services import attempt_submit
from courses import services as course_services

from ..conftest import error_codes, signed_in
from ..factories import CRITICAL_PATH, PASSING_PATH, import_exercise, later, make_course, make_user

pytestmark = pytest.mark.django_db
REPLY = {"reply": "Your farmers need water for irrigation before the harvest."}


@pytest.fixture
def scenario(academy):
    return import_exercise(academy)


@pytest.fixture
def course(academy, scenario):
    return make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [scenario.pk]})


@pytest.fixture
def learner(course):
    learner = make_user()
    course_services.enrol(learner=learner, course=course)
    return learner


def _graded(learner, exercise, steps, capture):
    with capture(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": steps})
    return attempt


def _replay(client, attempt, node, **headers):
    return client.post(f"/api/v1/attempts/{attempt.pk}/replay/", {"node": node}, content_type="application/json",
                       **headers)


def test_a_replay_answers_201_with_a_practice_attempt_at_the_node(learner, scenario,
                                                                  django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    response = _replay(signed_in(learner), graded, "reply1")
    assert response.status_code == 201
    body = response.json()
    assert (body["practice"], body["replay_of"], body["replay_from"]) == (True, graded.pk, "reply1")
    assert body["status"] == "in_progress" and body["node"]["id"] == "reply1"
    assert body["path"] == [{"node": "open", "choice": "ask"}]
    assert (body["score"], body["passed"], body["result"]) == (None, None, None)


def test_a_graded_attempt_says_it_is_not_practice(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    body = signed_in(learner).get(f"/api/v1/attempts/{graded.pk}/").json()
    assert (body["practice"], body["replay_of"], body["replay_from"]) == (False, None, None)


def test_a_replay_is_played_to_its_end_unscored(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    client = signed_in(learner)
    replay = _replay(client, graded, "open").json()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/attempts/{replay['id']}/steps/", {"choice": "ask"}, content_type="application/json")
        client.post(f"/api/v1/attempts/{replay['id']}/steps/", REPLY, content_type="application/json")
    body = client.get(f"/api/v1/attempts/{replay['id']}/").json()
    assert body["status"] == "graded" and body["practice"] is True
    assert (body["score"], body["passed"]) == (None, None)
    assert body["result"]["practice"] is True and body["result"]["outcome"] == "agreement"


def test_the_attempts_list_marks_the_replay(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    client = signed_in(learner)
    _replay(client, graded, "open")
    listed = client.get(f"/api/v1/exercises/{scenario.pk}/attempts/").json()["results"]
    assert [a["practice"] for a in listed] == [True, False]  # newest first


def test_a_locked_debrief_answers_409(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, CRITICAL_PATH, django_capture_on_commit_callbacks)
    response = _replay(signed_in(learner), graded, "open")
    assert response.status_code == 409 and error_codes(response) == ["debrief_locked"]


def test_a_node_off_the_path_answers_like_an_unknown_one(learner, scenario, django_capture_on_commit_callbacks):
    """end_bad exists but was not reached: the answer is the same as for a made-up id, word for word."""
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    client = signed_in(learner)
    off_path, unknown = _replay(client, graded, "end_bad"), _replay(client, graded, "no-such-node")
    assert off_path.status_code == unknown.status_code == 400
    assert off_path.json() == unknown.json()
    assert error_codes(off_path) == ["not_a_decision_of_the_path"]
    assert not Attempt.objects.filter(practice=True).exists()


def test_an_idempotency_key_answers_200_with_the_first_replay(learner, scenario,
                                                              django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    client = signed_in(learner)
    first = _replay(client, graded, "open", HTTP_IDEMPOTENCY_KEY="r-1")
    again = _replay(client, graded, "open", HTTP_IDEMPOTENCY_KEY="r-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]


def test_the_learners_teacher_may_not_replay_nor_read_the_replay(learner, scenario, course,
                                                                 django_capture_on_commit_callbacks):
    teacher = make_user(Role.TEACHER)
    klass = course_services.class_create(teacher=teacher, name="8A")
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=course.get_children().first().pk,
                                      due_at=later(5))
    course_services.class_join(student=learner, join_code=klass.join_code)
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    replay = _replay(signed_in(learner), graded, "open").json()
    as_teacher = signed_in(teacher)
    assert as_teacher.get(f"/api/v1/attempts/{graded.pk}/").status_code == 200
    assert _replay(as_teacher, graded, "open").status_code == 404
    assert as_teacher.get(f"/api/v1/attempts/{replay['id']}/").status_code == 404


def test_a_stranger_gets_the_answer_of_a_missing_attempt(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    stranger = signed_in(make_user())
    probed, missing = _replay(stranger, graded, "open"), stranger.post(
        "/api/v1/attempts/987654321/replay/", {"node": "open"}, content_type="application/json")
    assert probed.status_code == missing.status_code == 404
    assert probed.json() == missing.json()
