"""Nothing a learner is answered leaks an answer key, another learner's work, or a draft.

Per endpoint, beside what is proved elsewhere (tests/api/test_exercises.py: the
scenario exercise view, the start node, the first step, a submitted attempt,
the attempts list count; tests/cms/test_content_api.py: drafts absent from the
course list, course detail, lessons and search). Here: every node of a
node-by-node play, the graded attempt, the attempts list, quizzes before
grading, staff-only failure details, idempotency keys of other learners,
superseded exercise versions, exercises embedded only in drafts, and progress,
competencies and lesson links.
"""
import copy

import pytest

from accounts.models import Role
from assessments.models import Attempt, Exercise
from cms.models import LessonPage
from courses.services import class_create, enrol, lesson_mark_read

from ..cms.helpers import lesson as make_lesson
from ..conftest import as_user
from ..factories import (
    CRITICAL_PATH,
    PASSING_PATH,
    QUIZ,
    SPEC_SCENARIO,
    course_lessons,
    course_modules,
    import_exercise,
    make_course,
    make_user,
)
from .test_exercises import FORBIDDEN_KEYS, all_keys

# Strings of the scenario's key: feedback, rubric terms and the texts of nodes a path has not reached.
CHOICE_FEEDBACK = {"ask": "Asking opens the door.", "threaten": "A threat ends it."}
RUBRIC_TERMS = ("irrigation", "your fault")
NODE_TEXT = {"reply1": "Summarise their position.", "end_good": "An agreement.", "end_bad": "They walk out."}
NEUTRAL_REPLY = "We both want the river to stay healthy for everyone downstream."  # no rubric term in it


def keys_in(body) -> set[str]:
    return set(all_keys(body))


def assert_no_key(body, *, reached=(), taken=()):
    """No key field; no text of a node not reached; no feedback of a choice not taken; no rubric term."""
    assert not FORBIDDEN_KEYS & keys_in(body), FORBIDDEN_KEYS & keys_in(body)
    text = str(body)
    for node, node_text in NODE_TEXT.items():
        if node not in reached:
            assert node_text not in text, node
            assert f"'{node}'" not in text, node  # not even its id: the graph's shape stays hidden
    for choice, feedback in CHOICE_FEEDBACK.items():
        if choice not in taken:
            assert feedback not in text, choice
    for term in RUBRIC_TERMS:
        assert term not in text.lower(), term


@pytest.fixture
def practice(academy):
    return import_exercise(academy, visibility="practice")


def post_attempt(client, exercise, body=None, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/exercises/{exercise.pk}/attempts/", body, format="json", **headers)


# --- scenarios: every node of a play, then the graded attempt -------------------------------------


def test_each_node_of_a_play_shows_only_that_node(practice, student):
    client = as_user(student)
    start = post_attempt(client, practice)
    assert start.status_code == 201
    attempt_id = start.json()["id"]
    assert_no_key(start.json(), reached=["open"])
    assert_no_key(client.get(f"/api/v1/attempts/{attempt_id}/").json(), reached=["open"])

    step = client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"choice": "ask"}, format="json")
    assert step.json()["node"]["id"] == "reply1"
    assert_no_key(step.json(), reached=["open", "reply1"])
    assert_no_key(client.get(f"/api/v1/attempts/{attempt_id}/").json(), reached=["open", "reply1"])

    last = client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"reply": NEUTRAL_REPLY}, format="json")
    assert (last.json()["status"], last.json()["node"]["id"]) == ("submitted", "end_good")
    assert_no_key(last.json(), reached=["open", "reply1", "end_good"])
    listed = client.get(f"/api/v1/exercises/{practice.pk}/attempts/").json()["results"]  # not the page links
    assert_no_key(listed, reached=["open", "reply1", "end_good"])


def test_a_graded_attempt_shows_the_path_taken_and_nothing_of_the_others(practice, student,
                                                                        django_capture_on_commit_callbacks):
    client = as_user(student)
    path = [PASSING_PATH[0], {"node": "reply1", "reply": NEUTRAL_REPLY}, PASSING_PATH[2]]
    with django_capture_on_commit_callbacks(execute=True):
        attempt_id = post_attempt(client, practice, {"steps": path}).json()["id"]
    body = client.get(f"/api/v1/attempts/{attempt_id}/").json()
    assert body["status"] == "graded" and body["result"]["steps"][0]["feedback"] == CHOICE_FEEDBACK["ask"]
    # The result names criteria by id; the weights, the untaken choice's feedback and the terms stay hidden.
    text = str(body)
    assert "weights" not in keys_in(body) and "rubric" not in keys_in(body)
    assert CHOICE_FEEDBACK["threaten"] not in text and NODE_TEXT["end_bad"] not in text
    assert not any(term in text.lower() for term in RUBRIC_TERMS)
    listed = str(client.get(f"/api/v1/exercises/{practice.pk}/attempts/").json())
    assert CHOICE_FEEDBACK["threaten"] not in listed and "irrigation" not in listed


def test_a_failed_attempt_shows_its_learner_no_internal_error(practice, student, staff):
    attempt_id = post_attempt(as_user(student), practice, {"steps": CRITICAL_PATH}).json()["id"]
    Attempt.objects.filter(pk=attempt_id).update(status=Attempt.Status.FAILED, last_error="Traceback: secret-host:5432",
                                                 failures=3)
    body = as_user(student).get(f"/api/v1/attempts/{attempt_id}/").json()
    assert body["status"] == "failed"
    assert not {"last_error", "failures"} & set(body) and "secret-host" not in str(body)
    staff_body = as_user(staff).get(f"/api/v1/attempts/{attempt_id}/").json()
    assert staff_body["last_error"] == "Traceback: secret-host:5432"  # the check above can fail


# --- quizzes: nothing of the key before grading ------------------------------------------------------

QUIZ_KEY_TEXT = ("best alternative to a negotiated agreement", "batna", "Open questions invite a story.")


def assert_no_quiz_key(body):
    assert not {"correct", "accept", "feedback"} & keys_in(body)
    assert not any(text.lower() in str(body).lower() for text in QUIZ_KEY_TEXT)


def test_a_quiz_shows_no_correct_answer_before_grading(academy, student):
    quiz = import_exercise(academy, QUIZ, visibility="practice")
    client = as_user(student)
    view = client.get(f"/api/v1/exercises/{quiz.pk}/").json()
    assert [q["id"] for q in view["questions"]] == ["q1", "q2"]
    assert_no_quiz_key(view)
    started = post_attempt(client, quiz)
    assert started.status_code == 201
    assert_no_quiz_key(started.json())
    submitted = post_attempt(client, quiz, {"answers": {"q1": ["a"], "q2": "no idea"}})  # grading not run yet
    assert submitted.status_code == 202
    assert_no_quiz_key(submitted.json())
    assert_no_quiz_key(client.get(f"/api/v1/attempts/{submitted.json()['id']}/").json())
    assert_no_quiz_key(client.get(f"/api/v1/exercises/{quiz.pk}/attempts/").json()["results"])


# --- other learners ---------------------------------------------------------------------------------


def test_another_learners_idempotency_key_gives_them_their_own_attempt(practice, student):
    mine = post_attempt(as_user(student), practice, {"steps": PASSING_PATH}, key="shared-key").json()
    other = make_user()
    theirs = post_attempt(as_user(other), practice, {"steps": CRITICAL_PATH}, key="shared-key")
    assert theirs.status_code == 202
    assert theirs.json()["id"] != mine["id"]
    assert theirs.json()["path"] == [{k: s[k] for k in ("node", "choice", "reply") if k in s} for s in CRITICAL_PATH]
    assert "irrigation" not in str(theirs.json())  # the first learner's reply


def test_my_counts_progress_and_profile_ignore_other_learners(academy, student,
                                                            django_capture_on_commit_callbacks):
    exercise = import_exercise(academy, visibility="course")
    Exercise.objects.filter(pk=exercise.pk).update(attempt_limit=3)
    course = make_course(academy, modules=1, lessons=2, exercises_in={(0, 0): [exercise.pk]})
    other = make_user()
    for learner in (student, other):
        enrol(learner=learner, course=course)
    lesson_mark_read(learner=other, lesson_id=course_lessons(course)[1].pk)
    with django_capture_on_commit_callbacks(execute=True):
        post_attempt(as_user(other), exercise, {"steps": PASSING_PATH})

    client = as_user(student)
    assert client.get(f"/api/v1/exercises/{exercise.pk}/").json()["attempts_left"] == 3
    assert client.get(f"/api/v1/exercises/{exercise.pk}/attempts/").json()["count"] == 0
    progress = client.get(f"/api/v1/courses/{course.pk}/progress/").json()
    assert progress["percent"] == 0 and not any(
        lesson["completed"] for module in progress["modules"] for lesson in module["lessons"])
    assert [row["percent"] for row in client.get("/api/v1/me/progress/").json()["results"]] == [0]
    assert client.get("/api/v1/me/competencies/").json()["results"] == []
    assert as_user(other).get("/api/v1/me/competencies/").json()["results"]  # the other learner's own is there


def test_joining_a_class_shows_no_classmate(student):
    teacher = make_user(Role.TEACHER)
    school_class = class_create(teacher=teacher, name="9B")
    classmate = make_user(username="classmate-zed")
    as_user(classmate).post("/api/v1/classes/join/", {"join_code": school_class.join_code}, format="json")
    body = as_user(student).post("/api/v1/classes/join/", {"join_code": school_class.join_code}, format="json")
    assert body.status_code == 201
    assert "classmate-zed" not in body.content.decode() and "students" not in body.json()


# --- superseded versions and drafts ------------------------------------------------------------------


def test_only_the_current_version_of_an_exercise_is_shown(academy, student):
    exercise = import_exercise(academy, visibility="practice")
    changed = copy.deepcopy(SPEC_SCENARIO)
    changed["title"] = "A river in a flood year"
    changed["summary"] = "Agree on flood warnings."
    changed["nodes"][0]["text"] = "The upstream minister asks for data."
    changed["nodes"][0]["choices"][0]["text"] = "Offer your gauge readings."
    import_exercise(academy, changed, visibility="practice")
    exercise.refresh_from_db()
    assert exercise.current_version.number == 2

    client = as_user(student)
    old_texts = (SPEC_SCENARIO["title"], SPEC_SCENARIO["summary"], SPEC_SCENARIO["nodes"][0]["text"],
                 SPEC_SCENARIO["nodes"][0]["choices"][0]["text"])
    view = client.get(f"/api/v1/exercises/{exercise.pk}/").json()
    started = post_attempt(client, exercise).json()
    assert (view["version"], view["title"], started["version"]) == (2, "A river in a flood year", 2)
    assert started["node"]["text"] == "The upstream minister asks for data."
    for body in (view, started):
        assert not any(text in str(body) for text in old_texts)


def test_an_exercise_embedded_only_in_a_draft_is_not_shown_nor_attemptable(academy, student):
    visible = import_exercise(academy, visibility="course", slug="visible-one")
    hidden = import_exercise(academy, visibility="course", slug="hidden-one", title="Hidden exercise")
    course = make_course(academy, modules=1, lessons=2, exercises_in={(0, 0): [visible.pk]})
    enrol(learner=student, course=course)
    page = LessonPage.objects.get(pk=course_lessons(course)[0].pk)
    page.body = [{"type": "text", "value": "<p>Read this.</p>"},
                 {"type": "exercise", "value": {"exercise": visible.pk}},
                 {"type": "exercise", "value": {"exercise": hidden.pk}}]
    page.save_revision()  # a draft: not published

    client = as_user(student)
    lesson = client.get(f"/api/v1/lessons/{page.pk}/").json()
    course_body = client.get(f"/api/v1/courses/{course.pk}/").json()
    assert lesson["exercises"] == [visible.pk]
    assert course_body["modules"][0]["lessons"][0]["exercises"] == [visible.pk]
    assert "Hidden exercise" not in str(lesson) + str(course_body)
    assert client.get(f"/api/v1/exercises/{hidden.pk}/").status_code == 404
    assert post_attempt(client, hidden).status_code == 404
    assert not Attempt.objects.filter(exercise=hidden).exists()
    assert client.get(f"/api/v1/exercises/{visible.pk}/").status_code == 200  # the check above can fail


def test_lesson_links_and_progress_skip_draft_lessons(academy, student):
    course = make_course(academy, modules=2, lessons=1)
    first_module = course_modules(course)[0]
    draft = make_lesson(first_module, "Draft lesson zanzibar", "draft", publish=False)
    enrol(learner=student, course=course)
    client = as_user(student)
    published = [p.pk for p in course_lessons(course) if p.pk != draft.pk]
    assert client.get(f"/api/v1/lessons/{published[0]}/").json()["next"] == published[1]
    assert client.get(f"/api/v1/lessons/{published[1]}/").json()["previous"] == published[0]
    progress = client.get(f"/api/v1/courses/{course.pk}/progress/").json()
    assert [lesson["id"] for m in progress["modules"] for lesson in m["lessons"]] == published
    assert "zanzibar" not in str(progress) + str(client.get("/api/v1/me/progress/").json())
    assert client.post(f"/api/v1/lessons/{draft.pk}/complete/").status_code == 404


def test_my_progress_shows_the_published_title_not_a_draft_one(academy, student):
    course = make_course(academy, modules=1, lessons=1, title="Published title")
    enrol(learner=student, course=course)
    draft = course.specific
    draft.title = "Draft title zanzibar"
    draft.save_revision()
    rows = as_user(student).get("/api/v1/me/progress/").json()["results"]
    assert [row["title"] for row in rows] == ["Published title"]
