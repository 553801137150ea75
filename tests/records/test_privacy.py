"""Issue 18, item 2 (deletion) and the account export: what records keeps about a learner is in their
export, and deleting the account keeps statements not sent from ever leaving, voids in the LRS those it
has (Ralph, over HTTP) and forgets the opaque name the LRS knows the learner by."""
import pytest

from accounts.privacy import export_query_count
from courses import services as course_services
from records import services as records
from records.models import Actor, Statement

from ..conftest import as_user
from ..factories import PASSING_PATH, course_lessons, import_exercise, make_course, make_user
from ..lrs import connect_lrs

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Secret-123"


@pytest.fixture
def history(academy, ralph, django_capture_on_commit_callbacks):
    """A learner with statements sent (enrolment, an attempt) and two waiting (lessons read, not yet sent)."""
    connect_lrs(academy, ralph)
    scenario = import_exercise(academy)
    course = make_course(academy, modules=1, lessons=2, exercises_in={(0, 0): [scenario.pk]})
    learner = make_user()
    from assessments.services import attempt_submit

    with django_capture_on_commit_callbacks(execute=True):
        course_services.enrol(learner=learner, course=course)
        attempt_submit(exercise=scenario, learner=learner, answers={"steps": PASSING_PATH})
    for lesson in course_lessons(course):
        course_services.lesson_mark_read(learner=learner, lesson_id=lesson.pk)  # written, not delivered
    return learner


def test_the_export_lists_the_lrs_name_and_every_statement(history):
    body = as_user(history).get("/api/v1/me/export/").json()
    records_part = body["learning_records"]
    assert records_part["lrs_name"] == str(Actor.objects.get(user=history).name)
    mine = Statement.objects.filter(learner=history).order_by("id")
    assert [s["id"] for s in records_part["statements"]] == [str(s.statement_id) for s in mine]
    assert {s["status"] for s in records_part["statements"]} == {"sent", "pending"}
    assert export_query_count() >= 2


def test_deleting_the_account_voids_what_the_lrs_has_and_sends_nothing_more(history, academy, ralph,
                                                                            django_capture_on_commit_callbacks):
    sent = [str(s) for s in Statement.objects.filter(learner=history, status="sent").values_list("statement_id",
                                                                                                 flat=True)]
    waiting = [str(s) for s in Statement.objects.filter(learner=history, status="pending").values_list(
        "statement_id", flat=True)]
    assert len(sent) == 5 and len(waiting) == 2
    with django_capture_on_commit_callbacks(execute=True):
        answer = as_user(history).delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    assert answer.status_code == 204
    # nothing of the learner is left in the outbox, nor their LRS name
    assert not Statement.objects.filter(learner=history).exists()
    assert not Actor.objects.filter(user=history).exists()
    records.statements_deliver(academy_id=academy.pk)
    stored = ralph.statements()
    ids = [s["id"] for s in stored]
    # the statements never sent never reach the LRS; each sent one is voided there, by the academy
    assert not set(waiting) & set(ids)
    voided = sorted(s["object"]["id"] for s in stored if s["verb"]["id"].endswith("/voided"))
    assert voided == sorted(sent)
    assert all(s["actor"]["account"]["name"] == f"academy:{academy.slug}" for s in stored
               if s["verb"]["id"].endswith("/voided"))
    assert history.email not in str(stored)


def test_a_deleted_learners_attempts_are_not_stated_again(history, academy, django_capture_on_commit_callbacks):
    from assessments.models import Attempt
    from assessments.services import regrade_start

    from ..factories import make_staff

    with django_capture_on_commit_callbacks(execute=True):
        as_user(history).delete("/api/v1/me/", {"password": PASSWORD}, format="json")
    attempt = Attempt.objects.get(learner=history)
    # when their attempt gets a new result (a regrade of the version)
    with django_capture_on_commit_callbacks(execute=True):
        regrade_start(version=attempt.version, actor=make_staff(academy))
    assert attempt.gradings.filter(kind="regrade").exists()
    # then nothing names them again: no statement, no new LRS name
    assert not Statement.objects.filter(learner=history).exists()
    assert not Actor.objects.filter(user=history).exists()
