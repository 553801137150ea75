"""Issue 18, items 1 and 3: the xAPI statements of each event reach the academy's LRS, a real Ralph
server on 127.0.0.1, with the content the issue asks for (read back from the LRS's own file and its
xAPI GET), ids stable, an account on Parley's home page as the actor and never an address."""
import json
import uuid

import pytest
from django.db import transaction

from assessments import selectors as assessment_selectors
from assessments.models import Attempt
from assessments.services import (
    attempt_grade,
    attempt_override,
    attempt_replay,
    attempt_start,
    attempt_step,
    attempt_submit,
)
from courses import services as course_services
from records import services as records
from records import statements as xapi
from records.models import Actor, Statement

from ..factories import (
    PASSING_PATH,
    QUIZ,
    SPEC_PATH,
    course_lessons,
    import_exercise,
    make_academy,
    make_course,
    make_staff,
    make_user,
)
from ..lrs import connect_lrs

pytestmark = pytest.mark.django_db

V = xapi.VERBS
HOME = "http://testserver/"


@pytest.fixture
def scenario(academy):
    return import_exercise(academy)


@pytest.fixture
def quiz(academy):
    return import_exercise(academy, QUIZ)


@pytest.fixture
def course(academy, scenario, quiz):
    return make_course(academy, modules=1, lessons=2, exercises_in={(0, 0): [scenario.pk], (0, 1): [quiz.pk]})


@pytest.fixture
def lrs(academy, ralph):
    connect_lrs(academy, ralph)
    return ralph


def _graded(learner, exercise, answers, capture):
    with capture(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers=answers)
    return Attempt.objects.select_related("version", "exercise").get(pk=attempt.pk)


def _by_verb(stored, verb):
    return [s for s in stored if s["verb"]["id"] == V[verb]]


def test_enrolment_lesson_read_and_a_scenario_attempt_arrive_with_their_content(
        lrs, course, scenario, django_capture_on_commit_callbacks):
    # given a learner of an academy whose LRS is set
    learner = make_user()
    lesson = course_lessons(course)[0]
    # when they enrol, read a lesson and play the scenario to the end
    with django_capture_on_commit_callbacks(execute=True):
        course_services.enrol(learner=learner, course=course)
        course_services.lesson_mark_read(learner=learner, lesson_id=lesson.pk)
    attempt = _graded(learner, scenario, {"steps": PASSING_PATH}, django_capture_on_commit_callbacks)
    # then the LRS holds each statement once, in the order they happened
    stored = lrs.statements()
    assert [s["verb"]["id"] for s in stored] == [V["registered"], V["experienced"], V["attempted"], V["answered"],
                                                 V["answered"], V["completed"]]
    assert len({s["id"] for s in stored}) == len(stored)
    name = str(Actor.objects.get(user=learner).name)
    for statement in stored:
        assert statement["actor"] == {"objectType": "Agent", "account": {"homePage": HOME, "name": name}}
    text = json.dumps(stored)
    assert learner.email not in text and learner.username not in text and "mbox" not in json.dumps(
        [s["actor"] for s in stored])
    registered, read = stored[0], stored[1]
    assert registered["object"]["id"] == f"http://testserver/courses/{course.pk}/"
    assert registered["object"]["definition"]["type"] == xapi.ACTIVITY_TYPES["course"]
    assert read["object"]["id"] == f"http://testserver/lessons/{lesson.pk}/"
    assert read["context"]["contextActivities"]["parent"][0]["id"] == registered["object"]["id"]
    # each decision: the node, the choice, its value in overall points, as the engine's decision events say
    events = assessment_selectors.attempt_decision_events(attempt=attempt)
    decisions = _by_verb(stored, "answered")
    exercise_iri = f"http://testserver/xapi/{scenario.academy.slug}/exercises/{scenario.slug}"
    assert [d["object"]["id"] for d in decisions] == [f"{exercise_iri}/nodes/{e['node']}" for e in events]
    assert decisions[0]["result"]["response"] == "ask"
    assert decisions[0]["object"]["definition"]["interactionType"] == "choice"
    assert decisions[1]["object"]["definition"]["interactionType"] == "long-fill-in"
    assert "response" not in decisions[1]["result"]  # the reply's text never leaves Parley
    assert decisions[1]["result"]["extensions"]["http://testserver/xapi/extensions/met"] == events[1]["met"]
    assert [d["result"]["score"]["raw"] for d in decisions] == [e["value"] for e in events]
    assert [d["result"]["extensions"]["http://testserver/xapi/extensions/value"] for d in decisions] == [
        e["value"] for e in events]
    # completed: scaled score, success, completion and each competency's score
    [completed] = _by_verb(stored, "completed")
    assert completed["object"]["id"] == exercise_iri
    assert completed["result"]["score"]["scaled"] == round(attempt.score / 100, 4)
    assert completed["result"]["success"] is True and attempt.passed is True
    assert completed["result"]["completion"] is True
    assert completed["result"]["extensions"]["http://testserver/xapi/extensions/competencies"] == \
        attempt.result["competencies"]
    assert {s["context"]["registration"] for s in stored[2:]} == {str(xapi.statement_id(f"attempt:{attempt.pk}"))}
    # and the LRS answers its xAPI GET with the same statement
    assert lrs.get(completed["id"])["result"] == completed["result"]
    assert Statement.objects.filter(status=Statement.Status.SENT).count() == len(stored)


def test_statement_ids_are_uuid5_of_the_event_and_a_redelivery_stores_nothing_twice(
        lrs, academy, course, scenario, django_capture_on_commit_callbacks):
    learner = make_user()
    attempt = _graded(learner, scenario, {"steps": PASSING_PATH}, django_capture_on_commit_callbacks)
    ids = [s["id"] for s in lrs.statements()]
    assert ids[0] == str(uuid.uuid5(uuid.NAMESPACE_URL, f"{HOME}#xapi/attempt:{attempt.pk}:started"))
    assert ids[-1] == str(uuid.uuid5(uuid.NAMESPACE_URL, f"{HOME}#xapi/attempt:{attempt.pk}:automatic:completed"))
    # when every statement is delivered again (a lost answer, a worker that died after the POST)
    Statement.objects.update(status=Statement.Status.PENDING)
    done = records.statements_deliver(academy_id=academy.pk)
    # then the LRS accepted the batch and stored no second copy
    assert done["sent"] == len(ids) and done["refused"] == 0
    assert [s["id"] for s in lrs.statements()] == ids
    # and writing the same event's statements again is one row each
    before = Statement.objects.count()
    records.statements_results(results=[(Attempt.objects.select_related("version").get(pk=attempt.pk), "automatic",
                                         "automatic")])
    assert Statement.objects.count() == before


def test_quiz_answers_are_stated_per_question_without_free_text(lrs, course, quiz, django_capture_on_commit_callbacks):
    learner = make_user()
    answers = {"answers": {"q1": ["b"], "q2": "My BATNA"}}
    attempt = _graded(learner, quiz, answers, django_capture_on_commit_callbacks)
    stored = lrs.statements()
    q1, q2 = _by_verb(stored, "answered")
    assert q1["object"]["id"].endswith("/questions/q1") and q1["result"]["response"] == "b"
    assert q1["result"]["success"] is True and q1["result"]["score"] == {"scaled": 1.0, "raw": 1.0, "min": 0, "max": 1}
    assert q2["object"]["definition"]["interactionType"] == "fill-in" and "response" not in q2["result"]
    assert "BATNA" not in json.dumps(stored)
    [completed] = _by_verb(stored, "completed")
    assert completed["result"]["score"]["raw"] == attempt.score


def test_an_override_voids_the_earlier_result_and_states_the_new_one(
        lrs, academy, course, scenario, django_capture_on_commit_callbacks):
    learner = make_user()
    attempt = _graded(learner, scenario, {"steps": SPEC_PATH}, django_capture_on_commit_callbacks)
    first = [s["id"] for s in lrs.statements() if s["verb"]["id"] in (V["answered"], V["completed"])]
    staff = make_staff(academy)
    # when staff override the reply's criteria
    with django_capture_on_commit_callbacks(execute=True):
        attempt_override(attempt=attempt, actor=staff, overrides={"reply1": {"avoided": []}}, reason="Fair reply")
    attempt.refresh_from_db()
    stored = lrs.statements()
    # then each earlier result statement is voided by the academy, once
    voids = _by_verb(stored, "voided")
    assert sorted(v["object"]["id"] for v in voids) == sorted(first)
    assert all(v["object"]["objectType"] == "StatementRef" for v in voids)
    assert {v["actor"]["account"]["name"] for v in voids} == {f"academy:{academy.slug}"}
    # and the new result is stated with ids of its own and the new score
    completed = _by_verb(stored, "completed")
    assert len(completed) == 2 and completed[1]["id"] not in first
    assert completed[1]["result"]["score"]["raw"] == attempt.score
    assert completed[1]["context"]["extensions"]["http://testserver/xapi/extensions/grading"] == "override"
    assert not Statement.objects.filter(voidable=True, voided=False, body__id__in=first).exists()


def test_practice_replays_and_staff_previews_send_nothing(lrs, academy, course, scenario,
                                                          django_capture_on_commit_callbacks):
    learner = make_user()
    attempt = _graded(learner, scenario, {"steps": PASSING_PATH}, django_capture_on_commit_callbacks)
    sent = Statement.objects.count()
    # a practice replay from the first decision, played to the end
    with django_capture_on_commit_callbacks(execute=True):
        replay, _ = attempt_replay(attempt=attempt, node="open", learner=learner)
        attempt_step(attempt_id=replay.pk, learner=learner, move={"choice": "threaten"})
    assert Attempt.objects.get(pk=replay.pk).status == Attempt.Status.GRADED
    # a staff member's preview of their academy's exercise
    staff = make_staff(academy)
    _graded(staff, scenario, {"steps": PASSING_PATH}, django_capture_on_commit_callbacks)
    assert Statement.objects.count() == sent
    assert len(lrs.statements()) == sent


def test_another_academys_records_go_to_its_own_lrs_or_nowhere(lrs, course, scenario,
                                                               django_capture_on_commit_callbacks):
    other = make_academy()
    other_exercise = import_exercise(other)
    learner = make_user()
    _graded(learner, other_exercise, {"steps": PASSING_PATH}, django_capture_on_commit_callbacks)
    assert Statement.objects.count() == 0 and lrs.statements() == []


def test_an_event_rolled_back_leaves_no_statement(lrs, course, scenario):
    learner = make_user()
    with pytest.raises(RuntimeError), transaction.atomic():
        attempt_start(exercise=scenario, learner=learner)
        assert Statement.objects.count() == 1  # written in the event's transaction...
        raise RuntimeError("the request failed after the attempt was made")
    assert Statement.objects.count() == 0  # ...and gone with it


def test_without_an_lrs_the_events_read_nothing_more(course, scenario, django_assert_num_queries):
    learner = make_user()
    attempt, _ = attempt_start(exercise=scenario, learner=learner)
    # The receivers' only read is the cache entry of the academies with an LRS (none here).
    with django_assert_num_queries(0):
        assert records.statements_attempt_started(attempt=attempt) == 0
        assert records.statements_results(results=[(attempt, "automatic", "automatic")]) == 0
    assert Statement.objects.count() == 0


def test_class_enrolments_are_stated_once_for_the_new_pairs_only(lrs, academy, course,
                                                                 django_capture_on_commit_callbacks):
    from accounts.models import Role

    from ..factories import course_modules, later

    teacher = make_user(Role.TEACHER)
    klass = course_services.class_create(teacher=teacher, name="Model UN")
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=course_modules(course)[0].pk,
                                      due_at=later(3))
    already, new = make_user(), make_user()
    with django_capture_on_commit_callbacks(execute=True):
        course_services.enrol(learner=already, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        course_services.class_join(student=already, join_code=klass.join_code)
        course_services.class_join(student=new, join_code=klass.join_code)
    registered = _by_verb(lrs.statements(), "registered")
    names = dict(Actor.objects.values_list("user_id", "name"))
    assert sorted(s["actor"]["account"]["name"] for s in registered) == sorted([str(names[already.pk]),
                                                                              str(names[new.pk])])


def test_stating_results_takes_the_same_queries_for_one_attempt_or_a_batch(lrs, course, scenario,
                                                                           django_assert_num_queries):
    learners = [make_user() for _ in range(6)]
    attempts = []
    for learner in learners:
        attempt, _ = attempt_submit(exercise=scenario, learner=learner, answers={"steps": PASSING_PATH})
        attempt_grade(attempt_id=attempt.pk)  # inline: the first result (automatic) of each
        attempts.append(Attempt.objects.select_related("version").get(pk=attempt.pk))
    # A second result of each (as a regrade writes): the exercises (1), the learners' names (1), the
    # statements to void (1), their academies (1), marking them voided (1), the insert (1).
    with django_assert_num_queries(6):
        records.statements_results(results=[(attempts[0], "grading-9001", "regrade")])
    with django_assert_num_queries(6):
        records.statements_results(results=[(a, "grading-9002", "regrade") for a in attempts[1:]])
    assert Statement.objects.filter(verb=V["voided"]).count() == 3 * 6  # two decisions and the completion each


def test_a_regrade_voids_the_earlier_result_and_states_the_new_one(lrs, academy, course, scenario,
                                                                   django_capture_on_commit_callbacks):
    from assessments.services import regrade_start

    learner = make_user()
    attempt = _graded(learner, scenario, {"steps": PASSING_PATH}, django_capture_on_commit_callbacks)
    first = {s["id"] for s in lrs.statements() if s["verb"]["id"] in (V["answered"], V["completed"])}
    with django_capture_on_commit_callbacks(execute=True):
        regrade_start(version=attempt.version, actor=make_staff(academy))
    stored = lrs.statements()
    assert {v["object"]["id"] for v in _by_verb(stored, "voided")} == first
    latest = _by_verb(stored, "completed")[-1]
    assert latest["id"] not in first
    assert latest["context"]["extensions"]["http://testserver/xapi/extensions/grading"] == "regrade"
