"""The debrief section of a scenario's result page (scenario spec, "Debrief"): once unlocked, the learner's
steps with their lost points, the best choice and the author's texts, beside the strongest path, and both
paths drawn on the diagram; before that, a note saying when it opens."""
import pytest

from assessments.models import Attempt
from assessments.services import attempt_submit

from ..conftest import signed_in
from ..factories import PASSING_PATH, SPEC_PATH, SPEC_SCENARIO, import_exercise, make_user

pytestmark = pytest.mark.django_db


def graded(learner, exercise, capture, steps) -> Attempt:
    with capture(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": steps})
    attempt.refresh_from_db()
    return attempt


def with_debriefs(**changes):
    import copy

    doc = copy.deepcopy(SPEC_SCENARIO)
    doc["debrief"] = "Interests before positions, every time."
    doc["nodes"][1]["debrief"] = "Naming their harvest shows you heard them."
    doc.update(changes)
    return doc


def test_an_unlocked_debrief_shows_each_step_with_its_loss_and_the_authors_texts(
        academy, django_capture_on_commit_callbacks):
    learner = make_user()
    exercise = import_exercise(academy, with_debriefs(debrief_after="graded"), visibility="practice")
    attempt = graded(learner, exercise, django_capture_on_commit_callbacks, SPEC_PATH)
    page = signed_in(learner).get(f"/attempts/{attempt.pk}/").content.decode()
    assert 'id="debrief-h"' in page
    assert "Interests before positions, every time." in page
    assert "Naming their harvest shows you heard them." in page
    assert "Points lost here:</strong> 44.4" in page
    assert "the strongest path scores 100.0" in page
    assert 'class="path path-learner"' in page and 'class="path path-strongest"' in page


def test_a_locked_debrief_says_when_it_opens(academy, django_capture_on_commit_callbacks):
    learner = make_user()
    exercise = import_exercise(academy, with_debriefs(), visibility="practice")
    attempt = graded(learner, exercise, django_capture_on_commit_callbacks, SPEC_PATH)
    page = signed_in(learner).get(f"/attempts/{attempt.pk}/").content.decode()
    assert "The debrief opens once you pass this exercise." in page
    assert "Naming their harvest" not in page and 'class="path path-learner"' not in page


def test_a_passed_attempt_shows_the_strongest_choice_as_kept(academy, django_capture_on_commit_callbacks):
    learner = make_user()
    attempt = graded(learner, import_exercise(academy, with_debriefs(), visibility="practice"),
                     django_capture_on_commit_callbacks, PASSING_PATH)
    page = signed_in(learner).get(f"/attempts/{attempt.pk}/").content.decode()
    assert "The strongest choice here." in page
    assert page.count("Points lost here:</strong> 0.0") == 2
