"""Grades back (issue 17, item 5): a launch of an exercise with an AGS line item; grading writes the
score to the outbox in its transaction; a task posts it to the platform's score endpoint (served over
HTTP) with a token got by a client assertion signed with the tool's key; the LMS down, then back up,
gives exactly one final score; an override sends the new one."""
import jwt
import pytest
from django.test import Client
from django.utils import timezone

from assessments.services import attempt_override, attempt_submit
from lti.keys import tool_jwks
from lti.models import LineItem, LtiAccount, ScoreDelivery
from lti.tasks import deliver_score, sweep_scores
from tests.factories import PASSING_PATH, import_exercise, make_course

from .conftest import launch, register

pytestmark = pytest.mark.django_db
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"


@pytest.fixture
def graded_link(platform, academy, staff):
    """A registration, an exercise in a course of its academy, and a learner who launched it with a line item."""
    registration = register(platform, academy, staff)
    exercise = import_exercise(academy)
    make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    response = launch(Client(), platform, sub="s-1", custom={"target": f"exercise:{exercise.pk}"}, **{
        AGS: {"scope": [SCORE_SCOPE], "lineitem": platform.url("/lineitems/7"),
              "lineitems": platform.url("/lineitems")}})
    assert response.status_code == 302 and response["Location"] == f"/exercises/{exercise.pk}/"
    learner = LtiAccount.objects.get(subject="s-1").user
    return registration, exercise, learner


def test_a_graded_attempt_sends_its_score_to_the_line_item(platform, graded_link, django_capture_on_commit_callbacks):
    registration, exercise, learner = graded_link
    assert LineItem.objects.get().exercise == exercise
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    attempt.refresh_from_db()
    assert attempt.status == "graded"
    [(path, content_type, score)] = platform.scores_received
    assert path == "/lineitems/7/scores" and content_type == "application/vnd.ims.lis.v1.score+json"
    assert score["userId"] == "s-1" and score["scoreGiven"] == attempt.score and score["scoreMaximum"] == 100.0
    assert score["activityProgress"] == "Completed" and score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"].endswith("+00:00")
    delivery = ScoreDelivery.objects.get()
    assert delivery.state == "sent" and delivery.tries == 1
    # The token was asked for with a client assertion the tool's published key verifies.
    [request] = platform.token_requests
    assert request["grant_type"] == "client_credentials" and request["scope"] == SCORE_SCOPE
    header = jwt.get_unverified_header(request["client_assertion"])
    jwk = next(k for k in tool_jwks()["keys"] if k["kid"] == header["kid"])
    claims = jwt.decode(request["client_assertion"], jwt.PyJWK(jwk).key, algorithms=["RS256"],
                        audience=registration.token_url)
    assert claims["iss"] == claims["sub"] == registration.client_id


def test_the_lms_down_then_back_gives_exactly_one_final_score(platform, graded_link,
                                                              django_capture_on_commit_callbacks):
    _, exercise, learner = graded_link
    platform.down = True
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    delivery = ScoreDelivery.objects.get()
    assert delivery.state == "pending" and delivery.tries >= 1 and "503" in delivery.last_error
    assert delivery.next_try_at > timezone.now()
    assert platform.scores_received == []
    assert sweep_scores.delay().get() == 0  # not due yet: the backoff holds it
    platform.down = False
    ScoreDelivery.objects.update(next_try_at=timezone.now())
    assert sweep_scores.delay().get() == 1
    assert len(platform.scores_received) == 1
    assert ScoreDelivery.objects.get().state == "sent"
    assert deliver_score.delay(delivery.pk).get() == "skipped"  # run twice: nothing more is sent
    assert sweep_scores.delay().get() == 0 and len(platform.scores_received) == 1


def test_an_override_sends_the_new_score_with_a_later_timestamp(platform, graded_link, staff,
                                                                django_capture_on_commit_callbacks):
    _, exercise, learner = graded_link
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    attempt.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        attempt_override(attempt=attempt, actor=staff, overrides={"reply1": {"met": []}}, reason="Vague.")
    attempt.refresh_from_db()
    first, second = (score for _, _, score in platform.scores_received)
    assert second["scoreGiven"] == attempt.score < first["scoreGiven"]
    assert second["timestamp"] > first["timestamp"]
    assert ScoreDelivery.objects.count() == 1


def test_a_learner_without_an_lms_account_sends_nothing(platform, graded_link, student,
                                                        django_capture_on_commit_callbacks):
    _, exercise, _ = graded_link
    from cms.models import LessonExercise
    from courses.services import enrol

    enrol(learner=student, course=LessonExercise.objects.get(exercise=exercise).course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(exercise=exercise, learner=student, answers={"steps": PASSING_PATH})
    assert ScoreDelivery.objects.count() == 0 and platform.scores_received == []


def test_the_classes_teacher_sees_each_scores_sync_state_and_retries_a_refused_one(
        platform, academy, staff, django_capture_on_commit_callbacks):
    from accounts.models import Role
    from courses.models import SchoolClass
    from tests.conftest import signed_in
    from tests.factories import make_user

    register(platform, academy, staff)
    exercise = import_exercise(academy)
    make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    ags = {AGS: {"scope": [SCORE_SCOPE], "lineitem": platform.url("/lineitems/7")}}
    teacher_client = Client()
    launch(teacher_client, platform, sub="t-1", roles=("Instructor",), custom={"target": f"exercise:{exercise.pk}"},
           **ags)
    launch(Client(), platform, sub="s-1", custom={"target": f"exercise:{exercise.pk}"}, **ags)
    learner = LtiAccount.objects.get(subject="s-1").user
    platform.refuse_scores = True
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    assert ScoreDelivery.objects.get().state == "failed"
    school_class = SchoolClass.objects.get()
    url = f"/lti/classes/{school_class.pk}/scores/"
    page = teacher_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert learner.display_name in body and "Refused by the LMS" in body and "HTTP 422" in body
    for outsider in (make_user(Role.TEACHER), make_user(Role.STUDENT), learner):
        assert signed_in(outsider).get(url).status_code == 404
        assert signed_in(outsider).post(url + f"{ScoreDelivery.objects.get().pk}/retry/").status_code == 404
    platform.refuse_scores = False
    with django_capture_on_commit_callbacks(execute=True):
        retried = teacher_client.post(url + f"{ScoreDelivery.objects.get().pk}/retry/")
    assert retried.status_code == 302
    assert ScoreDelivery.objects.get().state == "sent" and len(platform.scores_received) == 1


def test_the_scores_page_reads_a_fixed_number_of_queries(platform, academy, staff, django_assert_num_queries):
    """The user (the session comes from the cache), the class, the rows joined with their learners and
    exercises: three queries, for one row or three."""
    from courses.models import SchoolClass
    from lti.models import LineItem, LtiContext

    register(platform, academy, staff)
    exercise = import_exercise(academy)
    teacher_client = Client()
    launch(teacher_client, platform, sub="t-1", roles=("Instructor",))
    school_class = SchoolClass.objects.get()
    item = LineItem.objects.create(registration_id=LtiContext.objects.get().registration_id, exercise=exercise,
                                   context=LtiContext.objects.get(), url=platform.url("/lineitems/1"))
    url = f"/lti/classes/{school_class.pk}/scores/"

    def add_learner(n):
        launch(Client(), platform, sub=f"s-{n}")
        learner = LtiAccount.objects.get(subject=f"s-{n}").user
        ScoreDelivery.objects.create(line_item=item, learner=learner, subject=f"s-{n}", score_given=50,
                                     score_maximum=100, timestamp=timezone.now())

    add_learner(1)
    teacher_client.get(url)
    with django_assert_num_queries(3):  # the user, the class, the rows with learners and exercises
        assert teacher_client.get(url).status_code == 200
    add_learner(2)
    add_learner(3)
    with django_assert_num_queries(3):  # the same for three rows
        assert teacher_client.get(url).content.decode().count("50 / 100") == 3


def test_a_registration_may_ask_for_the_competency_scores_in_the_comment(platform, graded_link,
                                                                        django_capture_on_commit_callbacks):
    registration, exercise, learner = graded_link
    registration.competencies_in_comment = True
    registration.save()
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    attempt.refresh_from_db()
    [(_, _, score)] = platform.scores_received
    expected = "; ".join(f"{key} {value:g}" for key, value in sorted(attempt.result["competencies"].items()))
    assert expected and score["comment"] == expected
