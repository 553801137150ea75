"""Export: everything about the signed-in user as JSON, nothing about anyone else, in a fixed number of queries."""
import json
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from accounts.privacy import RECORDS_ABOUT_A_USER, export_query_count, user_export
from assessments.models import Attempt, Grading
from assessments.services import attempt_override
from courses.models import ClassMembership, Enrolment, Extension, LessonRead

from ..conftest import as_user, error_codes
from .conftest import PERSONAL_REPLY, build_learner, site_client


def test_export_needs_a_signed_in_user(api, db):
    response = api.get("/api/v1/me/export/")
    assert response.status_code == 401
    assert error_codes(response) == ["not_authenticated"]


def test_export_holds_every_record_of_the_user(learner, klass, teacher):
    attempt = Attempt.objects.filter(learner=learner, exercise__kind="scenario").get()
    attempt_override(attempt=attempt, actor=teacher, overrides={"reply1": {"met": []}}, reason="Too vague.")
    body = as_user(learner).get("/api/v1/me/export/").json()

    assert body["format"] == "parley-export/1"
    assert {k: body["profile"][k] for k in ("id", "username", "email", "role")} == {
        "id": learner.pk, "username": "amina", "email": "amina@example.org", "role": "student"}
    assert [e["course"] for e in body["enrolments"]] == list(
        Enrolment.objects.filter(learner=learner).values_list("course_id", flat=True))
    assert sorted(r["lesson"] for r in body["lessons_read"]) == sorted(
        LessonRead.objects.filter(learner=learner).values_list("lesson_id", flat=True))
    assert [m["class"] for m in body["class_memberships"]] == [klass.pk]
    assert body["class_memberships"][0]["name"] == "9B"
    assert len(body["extensions"]) == Extension.objects.filter(student=learner).count() == 1
    assert sorted(a["id"] for a in body["attempts"]) == sorted(
        Attempt.objects.filter(learner=learner).values_list("id", flat=True))
    exported = next(a for a in body["attempts"] if a["id"] == attempt.pk)
    assert exported["path"][1]["reply"] == PERSONAL_REPLY
    assert exported["result"]["steps"] and exported["score"] is not None
    assert [h["kind"] for h in exported["history"]] == ["automatic", "override"]
    assert exported["history"][1]["reason"] == "Too vague."
    quiz_answers = [a["answers"] for a in body["attempts"] if a["exercise"]["kind"] == "quiz"]
    assert {"q1": ["b"], "q2": "BATNA"} in quiz_answers
    assert len(body["tokens"]) == ApiToken.objects.filter(user=learner).count() == 1
    assert set(body["tokens"][0]) == {"created_at", "expires_at", "revoked_at"}


def test_export_holds_nothing_of_other_users(learner, classmate, teacher):
    body = as_user(learner).get("/api/v1/me/export/").json()
    text = json.dumps(body)
    for other in (classmate, teacher):
        assert other.username not in text
        assert other.email not in text
    assert classmate.raw_token not in text and learner.raw_token not in text
    digest = ApiToken.objects.get(user=learner).digest
    assert digest not in text
    theirs = set(Attempt.objects.filter(learner=classmate).values_list("id", flat=True))
    assert theirs and not theirs & {a["id"] for a in body["attempts"]}
    # The history says what changed and why, not who changed it.
    assert Grading.objects.filter(attempt__learner=learner).exists()
    assert all(set(h) == {"kind", "at", "overall", "passed", "overrides", "reason"}
               for a in body["attempts"] for h in a["history"])


def test_a_teacher_export_lists_their_classes_not_their_students(learner, teacher, klass):
    body = as_user(teacher).get("/api/v1/me/export/").json()
    assert [c["id"] for c in body["classes_taught"]] == [klass.pk]
    assert "amina" not in json.dumps(body)
    assert body["attempts"] == [] and body["class_memberships"] == []


def test_export_queries_do_not_grow_with_the_amount_of_data(course, scenario, quiz, klass,
                                                           django_capture_on_commit_callbacks):
    def queries_for(attempts):
        user = build_learner(course=course, scenario=scenario, quiz=quiz, klass=klass, attempts=attempts,
                             capture=django_capture_on_commit_callbacks)
        with CaptureQueriesContext(connection) as ctx:
            body = user_export(user=user)
        assert len(body["attempts"]) == 3 * attempts
        return len(ctx.captured_queries)

    small, large = queries_for(1), queries_for(4)
    # one query per list: academies, tokens, audit events (accounts); grading history, attempts, refused
    # paths (assessments); enrolments, reads, reflections, journal entries, the comments on them and the
    # journal comments written, memberships, extensions, classes taught,
    # invitations, verifications, and the address the invitations are matched by (courses); preferences
    # and notices sent (notices); the LRS name and the xAPI statements (records); LMS accounts and the
    # scores for LMS gradebooks (lti); the badges (credentials)
    assert small == large == 25 == export_query_count()


def test_every_relation_to_the_user_has_a_privacy_decision(db):
    """A new model pointing at users must say what export and deletion do with it (accounts/privacy.py)."""
    from django.apps import apps
    from django.conf import settings

    from accounts.models import User

    parley = {config.label for config in apps.get_app_configs()
              if Path(config.path).is_relative_to(settings.BASE_DIR) and ".venv" not in Path(config.path).parts}
    assert {"accounts", "assessments", "cms", "courses"} <= parley
    found = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models() if model._meta.app_label in parley
        for field in model._meta.local_fields  # not Wagtail's page owner: staff authorship of content
        if field.is_relation and field.related_model is User
    }
    assert found == set(RECORDS_ABOUT_A_USER)


def test_the_site_downloads_the_same_json_as_a_file(learner):
    response = site_client(learner).get("/account/data.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="parley-data-')
    body = json.loads(response.content)
    assert body["profile"]["username"] == "amina"
    assert len(body["attempts"]) == Attempt.objects.filter(learner=learner).count()


def test_the_account_page_offers_the_download_and_the_delete_form(learner):
    page = site_client(learner).get("/account/").content.decode()
    assert 'href="/account/data.json"' in page and "Download my data" in page
    assert 'action="/account/delete/"' in page and 'name="password"' in page


def test_memberships_are_exported_only_for_the_user(learner, classmate):
    assert ClassMembership.objects.count() == 2
    body = user_export(user=learner)
    assert len(body["class_memberships"]) == 1
