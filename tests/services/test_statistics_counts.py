"""The statistics' maintained counts (assessments/statistics.py) give the engine's numbers on the
version's counted attempts, and stay exact through grading, overrides, reversals, regrades and
deletions. Previews and practice replays count nowhere."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Attempt, StatisticCell
from assessments.statistics import attempts_statistics, statistics_report, version_statistics

from ..factories import CRITICAL_PATH, PASSING_PATH, SPEC_PATH, import_exercise, make_user

PLAIN_PATH = [
    {"node": "open", "choice": "ask"},
    {"node": "reply1", "reply": "We should talk about the water release now."},
    {"node": "end_good"},
]
PATHS = [SPEC_PATH, PASSING_PATH, CRITICAL_PATH, PLAIN_PATH]


@pytest.fixture
def exercise(academy):
    return import_exercise(academy)


def graded(exercise, path, **fields):
    attempt = Attempt.objects.create(
        learner=fields.pop("learner", None) or make_user(), exercise=exercise, version=exercise.current_version,
        status=Attempt.Status.SUBMITTED, answers={"steps": path}, **fields)
    services.attempt_grade(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    return attempt


def engine_numbers(exercise):
    return attempts_statistics(exercise.current_version, Attempt.objects.counted())


def counted_numbers(exercise):
    version = exercise.current_version
    version.refresh_from_db()
    return version_statistics(version)


@pytest.fixture
def many(exercise):
    # 37 attempts on four paths in an order that puts ties across both group boundaries.
    order = [1, 0, 3, 2, 0, 0, 1, 3, 3, 2, 1, 0, 2, 3, 1, 1, 0, 3, 2, 0, 1, 3, 0, 2, 1, 3, 3, 0, 1, 2, 0, 3, 1, 0,
             2, 3, 1]
    return [graded(exercise, PATHS[i]) for i in order]


def test_the_counts_give_the_engines_numbers(exercise, many):
    numbers = counted_numbers(exercise)
    assert numbers == engine_numbers(exercise)
    assert numbers["attempts"] == 37
    opening = numbers["nodes"][0]
    assert opening["reached"] == 37 and opening["choices"][0]["discrimination"] is not None


def test_an_override_moves_the_attempts_share(exercise, many, staff):
    attempt = next(a for a in many if a.answers["steps"] == PLAIN_PATH)
    services.attempt_override(attempt=attempt, actor=staff, overrides={"reply1": {"met": ["interest"]}},
                              reason="Names the interest in other words.")
    assert counted_numbers(exercise) == engine_numbers(exercise)


def test_a_reversal_moves_it_back(exercise, many, staff):
    attempt = next(a for a in many if a.answers["steps"] == PLAIN_PATH)
    before = counted_numbers(exercise)
    services.attempt_override(attempt=attempt, actor=staff, overrides={"reply1": {"met": ["interest"]}}, reason="r")
    override = attempt.gradings.get(kind="override")
    services.attempt_override_reverse(attempt=attempt, grading_id=override.pk, actor=staff, reason="back")
    assert counted_numbers(exercise) == before == engine_numbers(exercise)


def test_a_regrade_leaves_the_numbers_exact(exercise, many, staff):
    batch = services.regrade_start(version=exercise.current_version, actor=staff)
    services.regrade_attempts(batch_id=batch.pk, attempt_ids=[a.pk for a in many])
    assert counted_numbers(exercise) == engine_numbers(exercise)
    assert counted_numbers(exercise)["attempts"] == 37


def test_a_deleted_graded_attempt_leaves_the_counts(exercise, many):
    Attempt.objects.filter(pk__in=[many[0].pk, many[5].pk]).delete()
    assert counted_numbers(exercise) == engine_numbers(exercise)
    assert counted_numbers(exercise)["attempts"] == 35


def test_previews_and_practice_replays_count_nowhere(exercise):
    graded(exercise, PASSING_PATH, preview=True)
    graded(exercise, PASSING_PATH, practice=True)
    assert counted_numbers(exercise)["attempts"] == 0
    assert not StatisticCell.objects.exists()


def test_where_attempts_in_progress_stopped_and_the_flags(exercise, many):
    for _ in range(6):
        Attempt.objects.create(learner=make_user(), exercise=exercise, version=exercise.current_version,
                               current_node="reply1")
    report = statistics_report(exercise.current_version)
    assert report["stopped"] == [{"node": "reply1", "count": 6}]
    assert {"kind": "stops", "node": "reply1", "count": 6} in report["flags"]


def test_reading_the_counts_costs_the_same_queries_at_any_size(exercise, many):
    # One query for the cells, then per decision node at most two to split the attempts tied at the
    # upper and the lower group boundary: "open" and "reply1" here, so at most 1 + 4.
    version = exercise.current_version
    with CaptureQueriesContext(connection) as first:
        version_statistics(version)
    for i in range(40):
        graded(exercise, PATHS[i % 4])
    with CaptureQueriesContext(connection) as second:
        version_statistics(version)
    assert len(first) <= 5
    assert len(second) <= 5
