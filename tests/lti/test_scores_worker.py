"""Scores delivered by a real Celery worker process (not eager): the LMS down while the worker grades,
then back up, gives exactly one final score at the line item."""
import pytest
from django.test import Client
from django.utils import timezone

from assessments.models import Attempt
from assessments.services import attempt_submit
from lti.models import LtiAccount, ScoreDelivery
from lti.tasks import sweep_scores
from tests.factories import PASSING_PATH, import_exercise, make_academy, make_course, make_staff
from tests.integration.conftest import restore_wagtail_base_rows
from tests.workers import running_worker, wait_for

from .conftest import launch, register

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"


@pytest.fixture
def worker():
    from config.celery import app

    restore_wagtail_base_rows()  # an earlier transactional test's flush emptied them
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with running_worker() as proc:
            yield proc
    finally:
        app.conf.task_always_eager = previous


def test_the_worker_grades_and_delivers_one_final_score_across_an_lms_outage(platform, worker):
    academy = make_academy()
    register(platform, academy, make_staff(academy))
    exercise = import_exercise(academy)
    make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    launch(Client(), platform, sub="s-1", custom={"target": f"exercise:{exercise.pk}"}, **{
        AGS: {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
              "lineitem": platform.url("/lineitems/3")}})
    learner = LtiAccount.objects.get(subject="s-1").user
    platform.down = True
    attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    assert wait_for(lambda: ScoreDelivery.objects.filter(tries__gte=1).exists(), timeout=90)
    delivery = ScoreDelivery.objects.get()
    assert delivery.state == "pending" and platform.scores_received == []
    assert Attempt.objects.get(pk=attempt.pk).status == "graded"
    platform.down = False
    ScoreDelivery.objects.update(next_try_at=timezone.now())
    sweep_scores.delay()
    assert wait_for(lambda: ScoreDelivery.objects.filter(state="sent").exists(), timeout=90)
    wait_for(lambda: False, timeout=3)  # a retry of the first task, if queued, finds it sent
    [(path, _, score)] = platform.scores_received
    assert path == "/lineitems/3/scores" and score["userId"] == "s-1"
    assert score["scoreGiven"] == Attempt.objects.get(pk=attempt.pk).score
