"""Finding 9: keys a client made up in a step, stored before steps were checked, are dropped."""
import importlib

from django.apps import apps

from assessments.models import Attempt
from assessments.services import attempt_submit

from ..factories import PASSING_PATH, import_exercise, make_user

migration = importlib.import_module("assessments.migrations.0004_strip_unknown_step_keys")


def test_made_up_keys_in_stored_steps_are_dropped_and_answers_kept(academy):
    attempt, _ = attempt_submit(exercise=import_exercise(academy, visibility="practice"), learner=make_user(),
                                answers={"steps": PASSING_PATH})
    polluted = [{**PASSING_PATH[0], "tracking": "x"}, {**PASSING_PATH[1], "note": {"a": 1}}, PASSING_PATH[2]]
    Attempt.objects.filter(pk=attempt.pk).update(answers={"steps": polluted})

    migration.strip_unknown_keys(apps, None)

    assert Attempt.objects.get(pk=attempt.pk).answers == {"steps": PASSING_PATH}
