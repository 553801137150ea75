"""The reflection journal through the API (issue 16, item 3): written after the debrief, private unless a
class the learner is in was assigned the exercise (the learner is told which before writing), read and
commented by that class's teacher, exported and deleted with the account."""
import pytest

from accounts import privacy
from accounts.models import Role
from assessments.services import attempt_submit
from courses import services as course_services
from courses.models import JournalComment, JournalEntry

from ..conftest import error_codes, signed_in
from ..factories import CRITICAL_PATH, PASSING_PATH, course_modules, import_exercise, later, make_course, make_user

pytestmark = pytest.mark.django_db
ENTRY = {"differently": "Ask about the harvest before proposing anything.", "commitment": "One open question first."}


@pytest.fixture
def scenario(academy):
    return import_exercise(academy)


@pytest.fixture
def course(academy, scenario):
    return make_course(academy, modules=2, lessons=1, exercises_in={(0, 0): [scenario.pk]})


@pytest.fixture
def learner(course):
    learner = make_user()
    course_services.enrol(learner=learner, course=course)
    return learner


def _class(course, *, assigned: bool, learner=None, name="9B"):
    teacher = make_user(Role.TEACHER)
    klass = course_services.class_create(teacher=teacher, name=name)
    module = course_modules(course)[0 if assigned else 1]
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=module.pk, due_at=later(5))
    if learner is not None:
        course_services.class_join(student=learner, join_code=klass.join_code)
    return klass


def _graded(learner, exercise, capture, steps=PASSING_PATH):
    with capture(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": steps})
    return attempt


def _write(client, attempt, body=ENTRY):
    return client.post(f"/api/v1/attempts/{attempt.pk}/journal/", body, content_type="application/json")


def test_before_writing_a_private_entry_says_only_you_read_it(learner, scenario, django_capture_on_commit_callbacks):
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    body = signed_in(learner).get(f"/api/v1/attempts/{attempt.pk}/journal/").json()
    assert body == {"unlocked": True, "shared_with": [], "entry": None}


def test_before_writing_the_learner_sees_which_teacher_reads_it(learner, scenario, course,
                                                                django_capture_on_commit_callbacks):
    klass = _class(course, assigned=True, learner=learner)
    _class(course, assigned=False, learner=learner, name="Other module")  # not assigned this exercise
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    body = signed_in(learner).get(f"/api/v1/attempts/{attempt.pk}/journal/").json()
    assert body["shared_with"] == [{"id": klass.pk, "name": "9B", "teacher": klass.teacher.username}]


def test_writing_answers_201_then_200_on_a_rewrite(learner, scenario, django_capture_on_commit_callbacks):
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    client = signed_in(learner)
    first = _write(client, attempt)
    assert first.status_code == 201
    assert first.json()["entry"]["differently"] == ENTRY["differently"]
    again = _write(client, attempt, {**ENTRY, "commitment": "Summarise their interest aloud."})
    assert again.status_code == 200 and again.json()["entry"]["commitment"] == "Summarise their interest aloud."
    assert JournalEntry.objects.count() == 1


def test_a_locked_debrief_answers_409(learner, scenario, django_capture_on_commit_callbacks):
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks, steps=CRITICAL_PATH)
    response = _write(signed_in(learner), attempt)
    assert response.status_code == 409 and error_codes(response) == ["debrief_locked"]
    assert not JournalEntry.objects.exists()


def test_blank_fields_are_refused_together(learner, scenario, django_capture_on_commit_callbacks):
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    response = _write(signed_in(learner), attempt, {"differently": "  ", "commitment": ""})
    assert response.status_code == 400
    assert {e["attr"] for e in response.json()["errors"]} == {"differently", "commitment"}


def test_someone_elses_attempt_is_a_missing_one(learner, scenario, django_capture_on_commit_callbacks):
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    stranger = signed_in(make_user())
    assert stranger.get(f"/api/v1/attempts/{attempt.pk}/journal/").status_code == 404
    assert _write(stranger, attempt).status_code == 404


def test_the_classs_teacher_reads_and_comments_and_the_learner_sees_it(learner, scenario, course,
                                                                        django_capture_on_commit_callbacks):
    klass = _class(course, assigned=True, learner=learner)
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    entry_id = _write(signed_in(learner), attempt).json()["entry"]["id"]
    teacher = signed_in(klass.teacher)
    listed = teacher.get(f"/api/v1/classes/{klass.pk}/journal/").json()
    assert [e["id"] for e in listed["results"]] == [entry_id]
    assert listed["results"][0]["student"] == learner.username
    commented = teacher.post(f"/api/v1/journal/{entry_id}/comments/", {"text": "Good: keep the question open."},
                             content_type="application/json")
    assert commented.status_code == 201
    mine = signed_in(learner).get(f"/api/v1/attempts/{attempt.pk}/journal/").json()
    assert [c["text"] for c in mine["entry"]["comments"]] == ["Good: keep the question open."]
    assert mine["entry"]["comments"][0]["author"] == klass.teacher.username
    assert [e["id"] for e in signed_in(learner).get("/api/v1/me/journal/").json()["results"]] == [entry_id]


def test_a_private_entry_is_read_by_no_teacher(learner, scenario, course, django_capture_on_commit_callbacks):
    klass = _class(course, assigned=False, learner=learner)
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    entry_id = _write(signed_in(learner), attempt).json()["entry"]["id"]
    teacher = signed_in(klass.teacher)
    assert teacher.get(f"/api/v1/classes/{klass.pk}/journal/").json()["count"] == 0
    response = teacher.post(f"/api/v1/journal/{entry_id}/comments/", {"text": "Hello"},
                            content_type="application/json")
    assert response.status_code == 404 and not JournalComment.objects.exists()


def test_a_teacher_of_another_class_reads_and_comments_nothing(learner, scenario, course,
                                                               django_capture_on_commit_callbacks):
    klass = _class(course, assigned=True, learner=learner)
    other = _class(course, assigned=True, name="9D")
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    entry_id = _write(signed_in(learner), attempt).json()["entry"]["id"]
    outsider = signed_in(other.teacher)
    assert outsider.get(f"/api/v1/classes/{klass.pk}/journal/").status_code == 404
    assert outsider.get(f"/api/v1/classes/{other.pk}/journal/").json()["count"] == 0
    assert outsider.post(f"/api/v1/journal/{entry_id}/comments/", {"text": "Hi"},
                         content_type="application/json").status_code == 404


def test_leaving_the_class_takes_the_entry_out_of_the_teachers_view(learner, scenario, course,
                                                                      django_capture_on_commit_callbacks):
    klass = _class(course, assigned=True, learner=learner)
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    _write(signed_in(learner), attempt)
    course_services.class_leave(student=learner, class_id=klass.pk)
    assert signed_in(klass.teacher).get(f"/api/v1/classes/{klass.pk}/journal/").json()["count"] == 0


def test_a_practice_replay_takes_no_journal_entry(learner, scenario, django_capture_on_commit_callbacks):
    from assessments.models import Attempt
    from assessments.services import attempt_replay

    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    replay, _ = attempt_replay(attempt=Attempt.objects.select_related("version", "exercise").get(pk=attempt.pk),
                               node="open", learner=learner)
    assert _write(signed_in(learner), replay).status_code == 404


def test_entries_and_their_comments_are_exported_and_deleted_with_the_account(learner, scenario, course,
                                                                              django_capture_on_commit_callbacks):
    klass = _class(course, assigned=True, learner=learner)
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    entry_id = _write(signed_in(learner), attempt).json()["entry"]["id"]
    signed_in(klass.teacher).post(f"/api/v1/journal/{entry_id}/comments/", {"text": "Well put."},
                                  content_type="application/json")
    exported = privacy.user_export(user=learner)["journal_entries"]
    assert [(e["differently"], [c["text"] for c in e["comments"]]) for e in exported] == [
        (ENTRY["differently"], ["Well put."])]
    assert [c["text"] for c in privacy.user_export(user=klass.teacher)["journal_comments_written"]] == ["Well put."]
    privacy.account_delete(user=learner, password="pw-Secret-123")
    assert not JournalEntry.objects.exists() and not JournalComment.objects.exists()


def test_a_teachers_comments_go_with_the_teachers_account(learner, scenario, course,
                                                          django_capture_on_commit_callbacks):
    klass = _class(course, assigned=True, learner=learner)
    attempt = _graded(learner, scenario, django_capture_on_commit_callbacks)
    entry_id = _write(signed_in(learner), attempt).json()["entry"]["id"]
    signed_in(klass.teacher).post(f"/api/v1/journal/{entry_id}/comments/", {"text": "Well put."},
                                  content_type="application/json")
    privacy.account_delete(user=klass.teacher, password="pw-Secret-123")
    assert JournalEntry.objects.filter(pk=entry_id).exists() and not JournalComment.objects.exists()
