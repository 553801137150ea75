"""Issue 16, item 2: "what if" replays. Once the debrief of a graded attempt unlocks, its learner may
replay from any decision of its path in practice mode: same version, the path's prefix, played on node by
node, graded for feedback only, counted nowhere (progress, attempt limits, competencies, teachers' views)."""
import copy

import pytest

from accounts.models import Role
from assessments import selectors as assessment_selectors
from assessments.errors import AssessmentError, Conflict
from assessments.models import Attempt, Grading
from assessments.services import attempt_grade, attempt_replay, attempt_step, attempt_submit, exercise_import
from courses import access, progress
from courses import services as course_services

from ..factories import (
    CRITICAL_PATH,
    PASSING_PATH,
    SPEC_SCENARIO,
    course_lessons,
    import_exercise,
    later,
    make_course,
    make_user,
)

pytestmark = pytest.mark.django_db


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
    return Attempt.objects.select_related("version", "exercise").get(pk=attempt.pk)


def _finish(replay, learner, moves, capture):
    with capture(execute=True):
        for move in moves:
            attempt_step(attempt_id=replay.pk, learner=learner, move=move)
    return Attempt.objects.get(pk=replay.pk)


REPLY = {"reply": "Your farmers need water for irrigation before the harvest."}


def test_a_replay_starts_at_the_node_with_the_paths_prefix(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    replay, created = attempt_replay(attempt=graded, node="reply1", learner=learner)
    assert created
    assert (replay.practice, replay.replay_of_id, replay.replay_from) == (True, graded.pk, "reply1")
    assert replay.status == "in_progress" and replay.current_node == "reply1"
    assert replay.answers == {"steps": [{"node": "open", "choice": "ask"}]}
    assert replay.version_id == graded.version_id


def test_a_replay_stays_on_the_replayed_version_after_a_new_one(academy, learner, scenario,
                                                                 django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    changed = copy.deepcopy(SPEC_SCENARIO)
    changed["title"] = "A river in a wet year"
    exercise_import(academy=academy, document=changed)
    replay, _ = attempt_replay(attempt=graded, node="open", learner=learner)
    assert replay.version_id == graded.version_id != type(scenario).objects.get(pk=scenario.pk).current_version_id


def test_a_replay_from_the_first_decision_has_no_steps(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    replay, _ = attempt_replay(attempt=graded, node="open", learner=learner)
    assert replay.answers == {"steps": []} and replay.current_node == "open"


def test_a_locked_debrief_refuses_the_replay(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, CRITICAL_PATH, django_capture_on_commit_callbacks)
    assert graded.passed is False  # attempts left, not passed: the debrief is locked
    with pytest.raises(Conflict) as refused:
        attempt_replay(attempt=graded, node="open", learner=learner)
    assert refused.value.errors[0]["code"] == "debrief_locked"
    assert not Attempt.objects.filter(practice=True).exists()


@pytest.mark.parametrize("node", ["end_good", "end_bad", "nowhere", "", "reply1 "])
def test_only_a_decision_of_the_path_can_be_replayed(learner, scenario, node, django_capture_on_commit_callbacks):
    """An outcome, a node off the path (end_bad exists but was not reached) and an unknown id: one answer."""
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    with pytest.raises(AssessmentError) as refused:
        attempt_replay(attempt=graded, node=node, learner=learner)
    assert [(e["code"], e["attr"]) for e in refused.value.errors] == [("not_a_decision_of_the_path", "node")]


def test_a_practice_replay_is_not_replayed_again(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    replay, _ = attempt_replay(attempt=graded, node="open", learner=learner)
    replay = _finish(replay, learner, [{"choice": "ask"}, REPLY], django_capture_on_commit_callbacks)
    with pytest.raises(Conflict):
        attempt_replay(attempt=Attempt.objects.select_related("version", "exercise").get(pk=replay.pk),
                       node="open", learner=learner)


def test_an_idempotency_key_returns_the_first_replay(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    first, _ = attempt_replay(attempt=graded, node="open", learner=learner, idempotency_key="k1")
    again, created = attempt_replay(attempt=graded, node="open", learner=learner, idempotency_key="k1")
    assert (again.pk, created) == (first.pk, False)


def test_a_replay_uses_up_no_attempt_of_a_limited_exercise(learner, scenario, django_capture_on_commit_callbacks):
    scenario.attempt_limit = 1
    scenario.save()
    graded = _graded(learner, scenario, CRITICAL_PATH, django_capture_on_commit_callbacks)  # the one attempt
    replay, _ = attempt_replay(attempt=graded, node="open", learner=learner)  # unlocked: every attempt used
    _finish(replay, learner, [{"choice": "ask"}, REPLY], django_capture_on_commit_callbacks)
    second, _ = attempt_replay(attempt=graded, node="open", learner=learner)
    assert second.pk != replay.pk
    view = assessment_selectors.exercise_learner_view(exercise=scenario, learner=learner)
    assert view["attempts_left"] == 0  # still the one graded attempt, not three


def test_a_finished_replay_keeps_feedback_and_outcome_and_no_score(learner, scenario,
                                                                   django_capture_on_commit_callbacks):
    scenario.attempt_limit = 1
    scenario.save()
    graded = _graded(learner, scenario, CRITICAL_PATH, django_capture_on_commit_callbacks)
    replay, _ = attempt_replay(attempt=graded, node="open", learner=learner)
    done = _finish(replay, learner, [{"choice": "ask"}, REPLY], django_capture_on_commit_callbacks)
    assert done.status == "graded"
    assert (done.score, done.passed) == (None, None)
    assert done.result["practice"] is True and done.result["outcome"] == "agreement"
    assert [s["feedback"] for s in done.result["steps"]][0] == "Asking opens the door."
    assert not {"overall", "passed", "competencies"} & set(done.result)
    grading_row = Grading.objects.get(attempt=done)
    assert not {"overall", "passed", "competencies"} & set(grading_row.result)


def test_a_passed_replay_counts_in_no_total(learner, scenario, course, django_capture_on_commit_callbacks):
    """The learner's one counted attempt failed; their replay takes the passing path: nothing counts it."""
    scenario.attempt_limit = 1
    scenario.save()
    lesson = course_lessons(course)[0]
    graded = _graded(learner, scenario, CRITICAL_PATH, django_capture_on_commit_callbacks)
    before = assessment_selectors.competency_profile(learner=learner)
    replay, _ = attempt_replay(attempt=graded, node="open", learner=learner)
    _finish(replay, learner, [{"choice": "ask"}, REPLY], django_capture_on_commit_callbacks)
    assert assessment_selectors.competency_profile(learner=learner) == before
    assert assessment_selectors.exercise_attempt_counts(exercise_ids=[scenario.pk]) == {scenario.pk: 1}
    assert progress.completed_pairs(learner_ids=[learner.pk], lesson_ids=[lesson.pk]) == set()
    assert progress.course_progress(learner=learner, course=course)["percent"] == 0.0


def test_a_regrade_keeps_a_replay_unscored(learner, scenario, django_capture_on_commit_callbacks):
    from assessments.services import regrade_attempts, regrade_start

    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    replay, _ = attempt_replay(attempt=graded, node="open", learner=learner)
    _finish(replay, learner, [{"choice": "ask"}, REPLY], django_capture_on_commit_callbacks)
    batch = regrade_start(version=graded.version, actor=None)
    regrade_attempts(batch_id=batch.pk, attempt_ids=[graded.pk, replay.pk])
    replay.refresh_from_db()
    assert (replay.score, replay.passed) == (None, None) and "overall" not in replay.result


def test_a_teacher_of_the_class_never_sees_a_replay(academy, learner, scenario, course,
                                                     django_capture_on_commit_callbacks):
    teacher = make_user(Role.TEACHER)
    klass = course_services.class_create(teacher=teacher, name="8A")
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=course.get_children().first().pk,
                                      due_at=later(5))
    course_services.class_join(student=learner, join_code=klass.join_code)
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    replay, _ = attempt_replay(attempt=graded, node="open", learner=learner)
    replay = _finish(replay, learner, [{"choice": "ask"}, REPLY], django_capture_on_commit_callbacks)
    assert list(access.class_attempts(klass).values_list("id", flat=True)) == [graded.pk]
    assert access.may_read_attempt(user=teacher, attempt=graded) is True
    assert access.may_read_attempt(user=teacher, attempt=replay) is False
    assert access.may_replay_attempt(user=teacher, attempt=graded) is False


def test_only_the_attempts_learner_may_replay_it(learner, scenario, django_capture_on_commit_callbacks):
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    assert access.may_replay_attempt(user=learner, attempt=graded) is True
    assert access.may_replay_attempt(user=make_user(), attempt=graded) is False
    assert access.may_replay_attempt(user=make_user(Role.ADMIN), attempt=graded) is False


def test_grading_a_replay_directly_is_still_unscored(learner, scenario, django_capture_on_commit_callbacks):
    """The grading task takes a submitted replay like any attempt; what it stores is feedback only."""
    graded = _graded(learner, scenario, PASSING_PATH, django_capture_on_commit_callbacks)
    replay, _ = attempt_replay(attempt=graded, node="reply1", learner=learner)
    attempt_step(attempt_id=replay.pk, learner=learner, move=REPLY)  # submitted; its queueing is not run
    assert attempt_grade(attempt_id=replay.pk) == "graded"
    replay.refresh_from_db()
    assert replay.score is None and replay.passed is None
