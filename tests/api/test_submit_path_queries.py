"""The submit path's statements (B8, the deadline burst): a number with its reason, the same
whatever other learners, attempts, refusals and courses the database holds."""
import pytest

from assessments.models import Attempt, RefusedPath
from courses.services import enrol

from ..conftest import as_user
from ..factories import PASSING_PATH, import_exercise, make_course, make_user

# A learner's whole path, with an Idempotency-Key (the test client authenticates without the
# token's query; in production that is one more, and the outer pair is BEGIN and COMMIT):
#  1 SAVEPOINT: the API's write transaction (api/middleware.py), nested in the test's
#  2 the exercise with its current version and, in the same query, whether the learner is
#    enrolled in a course that embeds it (courses.access.attemptable_exercise)
#  3 the learner's refused paths at the exercise (the refusal limit: assessments.services._check_path)
#  4 SAVEPOINT, 5 INSERT the attempt, 6 RELEASE: the key's unique constraint is caught in the savepoint
#  7 RELEASE of 1
# No read of the key before the insert: a retry finds its first attempt through the constraint.
# The throttle and the publish go to the cache and the broker, not the database.
SUBMIT_STATEMENTS = 7


@pytest.fixture
def enrolled_exercise(academy, student):
    exercise = import_exercise(academy, visibility="course")
    course = make_course(academy, exercises_in={(0, 0): [exercise.pk]})
    enrol(learner=student, course=course)
    return exercise


def _submit(client, exercise, key):
    return client.post(f"/api/v1/exercises/{exercise.pk}/attempts/", {"steps": PASSING_PATH}, format="json",
                       HTTP_IDEMPOTENCY_KEY=key)


def _crowd(academy, exercise, learners):
    """Other learners with attempts and refused paths at the same exercise, in more courses."""
    for i in range(learners):
        other = make_user(username=f"crowd-{exercise.pk}-{i}")
        Attempt.objects.create(learner=other, exercise=exercise, version=exercise.current_version,
                               status=Attempt.Status.SUBMITTED, answers={"steps": PASSING_PATH})
        RefusedPath.objects.create(learner=other, exercise=exercise)
    make_course(academy, exercises_in={(0, 0): [exercise.pk]})


@pytest.mark.parametrize("learners", [0, 12])
def test_a_whole_path_submission_takes_seven_statements_whatever_the_crowd(
        academy, student, enrolled_exercise, django_assert_num_queries, learners):
    _crowd(academy, enrolled_exercise, learners)
    client = as_user(student)
    with django_assert_num_queries(SUBMIT_STATEMENTS):
        response = _submit(client, enrolled_exercise, "deadline-1")
    assert response.status_code == 202, response.content


def test_a_retried_key_answers_the_first_attempt_without_a_second(student, enrolled_exercise):
    client = as_user(student)
    first = _submit(client, enrolled_exercise, "deadline-2")
    again = _submit(client, enrolled_exercise, "deadline-2")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Attempt.objects.filter(learner=student, exercise=enrolled_exercise).count() == 1


def test_a_retried_key_with_a_refused_body_answers_the_first_attempt_and_counts_no_refusal(
        student, enrolled_exercise):
    client = as_user(student)
    first = _submit(client, enrolled_exercise, "deadline-3")
    again = client.post(f"/api/v1/exercises/{enrolled_exercise.pk}/attempts/",
                        {"steps": [{"node": "nowhere", "choice": "x"}]}, format="json",
                        HTTP_IDEMPOTENCY_KEY="deadline-3")
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]
    assert RefusedPath.objects.filter(learner=student).count() == 0


def test_a_learner_not_enrolled_gets_404_and_nothing_is_stored(academy, student, django_assert_num_queries):
    exercise = import_exercise(academy, visibility="course")
    make_course(academy, exercises_in={(0, 0): [exercise.pk]})
    # SAVEPOINT, the exercise read with the enrolment, Wagtail's redirect lookup for a 404 (its
    # site, then its redirects), RELEASE: no second read to decide the refusal.
    with django_assert_num_queries(5):
        response = _submit(as_user(student), exercise, "deadline-4")
    assert response.status_code == 404
    assert not Attempt.objects.filter(learner=student).exists()
