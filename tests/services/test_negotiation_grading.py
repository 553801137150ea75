"""Negotiation attempts through the services and the scenarios' grading task: a session that ends is
submitted and queued on commit, the task scores it with the engine (eager here; the worker path is the
one tests/integration proves for scenarios), twice is harmless, a regrade re-scores the same transcript,
and a batch grades a negotiation beside scenarios, each by its own engine."""
import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import negotiation, services, tasks
from assessments.errors import AssessmentError, Conflict
from assessments.models import Attempt, Grading
from cms.demo import load_negotiations

from ..factories import PASSING_PATH, import_exercise, make_user

DEMOS = {doc["slug"]: doc for doc in load_negotiations()}


@pytest.fixture
def twin(academy):
    return import_exercise(academy, document=copy.deepcopy(DEMOS["twin-cities"]), visibility="practice")


def ended(exercise, learner, captured) -> Attempt:
    attempt, _ = services.attempt_start(exercise=exercise, learner=learner)
    with captured(execute=False) as callbacks:
        attempt, replies = services.attempt_move(attempt_id=attempt.pk, learner=learner, move={"type": "walk_away"})
    assert replies == []
    assert len(callbacks) == 1  # the grading is queued on commit, once
    return attempt


def test_the_grading_task_scores_a_finished_negotiation_and_twice_is_harmless(twin, django_capture_on_commit_callbacks):
    learner = make_user()
    attempt = ended(twin, learner, django_capture_on_commit_callbacks)
    assert Attempt.objects.get(pk=attempt.pk).status == "submitted"
    assert tasks.grade_attempt.apply(args=[attempt.pk]).get() == "graded"
    assert tasks.grade_attempt.apply(args=[attempt.pk]).get() == "skipped"
    attempt.refresh_from_db()
    role = DEMOS["twin-cities"]["roles"][0]["id"]
    expected = negotiation.score(DEMOS["twin-cities"], attempt.answers["transcript"])
    assert attempt.status == "graded"
    assert attempt.result == {**expected, "role": role, "overall": expected["roles"][role]["overall"],
                              "passed": expected["roles"][role]["passed"],
                              "competencies": expected["roles"][role]["competencies"]}
    assert (attempt.score, attempt.passed) == (expected["roles"][role]["overall"], False)
    assert list(attempt.gradings.values_list("kind", "engine_version")) == [("automatic", negotiation.ENGINE_VERSION)]


def test_a_regrade_rescored_the_same_transcript_and_keeps_the_history(twin, staff,
                                                                      django_capture_on_commit_callbacks):
    attempt = ended(twin, make_user(), django_capture_on_commit_callbacks)
    tasks.grade_attempt.apply(args=[attempt.pk])
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.regrade_start(version=twin.current_version, actor=staff)
    assert services.regrade_progress(batch=batch)["finished"] is True
    kinds = list(Grading.objects.filter(attempt=attempt).values_list("kind", flat=True))
    assert kinds == ["automatic", "regrade"]
    results = [g.result for g in Grading.objects.filter(attempt=attempt)]
    assert results[0] == results[1]


def test_one_batch_grades_a_negotiation_beside_a_scenario_each_by_its_engine(twin, academy,
                                                                             django_capture_on_commit_callbacks):
    scenario = import_exercise(academy, visibility="practice")
    learner = make_user()
    negotiating = ended(twin, learner, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        path, _ = services.attempt_submit(exercise=scenario, learner=learner, answers={"steps": PASSING_PATH})
    assert tasks.grade_attempt.apply(args=[negotiating.pk]).get() == "graded"
    graded = dict(Attempt.objects.filter(pk__in=[negotiating.pk, path.pk]).values_list("pk", "status"))
    assert graded == {negotiating.pk: "graded", path.pk: "graded"}  # the batch took the scenario behind it
    assert Attempt.objects.get(pk=path.pk).result["engine"] != negotiation.NEGOTIATION_FORMAT


def test_a_refused_move_changes_nothing_and_a_move_after_the_end_is_a_conflict(twin,
                                                                              django_capture_on_commit_callbacks):
    learner = make_user()
    attempt, _ = services.attempt_start(exercise=twin, learner=learner)
    with pytest.raises(AssessmentError) as refused:
        services.attempt_move(attempt_id=attempt.pk, learner=learner, move={"type": "offer", "package": {}})
    assert refused.value.errors[0]["attr"].startswith("move.package")
    assert Attempt.objects.get(pk=attempt.pk).answers == attempt.answers
    attempt = ended(twin, make_user(), django_capture_on_commit_callbacks)
    with pytest.raises(Conflict):
        services.attempt_move(attempt_id=attempt.pk, learner=attempt.learner, move={"type": "walk_away"})


def test_a_move_reads_and_writes_a_fixed_number_of_queries(twin):
    """4 queries whatever the transcript's length: the savepoint's two (transaction.atomic inside the
    test's transaction), the attempt locked with its version and exercise, the UPDATE of its answers,
    and nothing else: the prepared negotiation comes from the per-process cache."""
    learner = make_user()
    attempt, _ = services.attempt_start(exercise=twin, learner=learner)
    package = {i["id"]: i["options"][0]["id"] for i in DEMOS["twin-cities"]["issues"]}
    counts = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            services.attempt_move(attempt_id=attempt.pk, learner=learner, move={"type": "offer", "package": package})
        counts.append(len(queries))
    assert counts == [4, 4, 4]
