"""Attempts graded before the statistics were kept are counted by the migration that adds them,
as the grading transactions count them now; previews are not."""
import importlib

from django.apps import apps

from assessments import services
from assessments.models import Attempt, AttemptStep, StatisticCell
from assessments.statistics import attempts_statistics, version_statistics

from ..factories import CRITICAL_PATH, PASSING_PATH, SPEC_PATH, import_exercise, make_user

migration = importlib.import_module("assessments.migrations.0009_statistics")


def test_the_backfill_counts_what_grading_would_have(academy):
    exercise = import_exercise(academy)
    for i, path in enumerate([PASSING_PATH, SPEC_PATH, CRITICAL_PATH] * 4):
        attempt = Attempt.objects.create(learner=make_user(), exercise=exercise, version=exercise.current_version,
                                         status=Attempt.Status.SUBMITTED, answers={"steps": path}, preview=i == 0)
        services.attempt_grade(attempt_id=attempt.pk)
    counted = version_statistics(exercise.current_version)
    StatisticCell.objects.all().delete()
    AttemptStep.objects.all().delete()

    migration.backfill(apps, None)

    assert version_statistics(exercise.current_version) == counted
    assert counted == attempts_statistics(exercise.current_version, Attempt.objects.counted())
    assert counted["attempts"] == 11
