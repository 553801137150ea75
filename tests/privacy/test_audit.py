"""The audit log: grade overrides, role changes, publishing, exercise imports and account deletions,
each with who did it and to what; read-only in the admin; never the deleted user's personal data."""
import copy
import json

from django.test import Client

from accounts import audit
from accounts.models import AcademyMembership, AuditEvent, Role, User
from accounts.services import user_set_role
from assessments.models import Attempt
from cms.models import LessonPage

from ..conftest import as_user
from ..factories import SPEC_SCENARIO, course_lessons, make_academy, make_staff, make_user, verify_teacher
from .conftest import PASSWORD, PERSONAL_REPLY

Action = AuditEvent.Action


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_a_grade_override_is_recorded_with_teacher_attempt_and_academy(learner, teacher, academy):
    verify_teacher(teacher, by=make_staff(academy))
    attempt = Attempt.objects.get(learner=learner, exercise__kind="scenario")
    response = as_user(teacher).post(f"/api/v1/attempts/{attempt.pk}/override/",
                                     {"node": "reply1", "met": [], "reason": "Too vague."}, format="json")
    assert response.status_code == 200
    [event] = events(Action.GRADE_OVERRIDDEN)
    assert (event.actor_id, event.target_type, event.target_id) == (teacher.pk, "assessments.attempt", str(attempt.pk))
    assert event.academy_id == academy.pk
    assert event.data["overrides"] == {"reply1": {"met": []}}
    assert event.data["score"] == Attempt.objects.get(pk=attempt.pk).score


def test_a_role_change_by_the_service_is_recorded(db):
    admin, user = make_user(Role.ADMIN), make_user(Role.STUDENT)
    user_set_role(user=User.objects.get(pk=user.pk), role=Role.TEACHER, actor=admin)
    [event] = events(Action.ROLE_CHANGED)
    assert (event.actor_id, event.target_type, event.target_id) == (admin.pk, "accounts.user", str(user.pk))
    assert event.data == {"from": "student", "to": "teacher"}


def test_saving_a_user_without_changing_the_role_records_nothing(db):
    user = make_user(Role.STUDENT)
    loaded = User.objects.get(pk=user.pk)
    loaded.first_name = "Amina"
    loaded.save()
    user_set_role(user=loaded, role=Role.STUDENT, actor=None)
    assert events(Action.ROLE_CHANGED) == []


def test_a_role_change_in_the_django_admin_names_the_admin(db):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    user = make_user(Role.STUDENT)
    client = Client()
    client.force_login(root)
    url = f"/django-admin/accounts/user/{user.pk}/change/"
    form = client.get(url)
    assert form.status_code == 200
    row = User.objects.get(pk=user.pk)
    response = client.post(url, {
        "username": row.username, "email": row.email, "first_name": "", "last_name": "", "is_active": "on",
        "role": Role.TEACHER, "date_joined_0": row.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": row.date_joined.strftime("%H:%M:%S"), "last_login_0": "", "last_login_1": "",
    }, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = events(Action.ROLE_CHANGED)
    assert (event.actor_id, event.target_id, event.ip) == (root.pk, str(user.pk), "203.0.113.9")
    assert event.data == {"from": "student", "to": "teacher"}


def test_publishing_and_unpublishing_a_page_are_recorded_with_the_publisher(course, staff, academy):
    reviewer = make_staff(academy, AcademyMembership.StaffRole.REVIEWER)
    lesson = LessonPage.objects.get(pk=course_lessons(course)[0].pk)
    lesson.title = "Reading the room"
    # The editor wrote the revision; the reviewer published it: the event names the reviewer.
    lesson.save_revision(user=staff).publish(user=reviewer)
    lesson.unpublish(user=reviewer)
    [published] = events(Action.PAGE_PUBLISHED)[-1:]
    [unpublished] = events(Action.PAGE_UNPUBLISHED)
    for event in (published, unpublished):
        assert (event.actor_id, event.target_type, event.target_id) == (reviewer.pk, "wagtailcore.page",
                                                                         str(lesson.pk))
        assert event.academy_id == academy.pk
    assert published.data["title"] == "Reading the room" and published.data["revision"]


def test_an_exercise_version_import_is_recorded(staff, academy):
    document = copy.deepcopy(SPEC_SCENARIO) | {"slug": "new-river"}
    assert as_user(staff).post("/api/v1/exercises/import/", document, format="json").status_code == 201
    document["title"] = "A river in a wet year"
    assert as_user(staff).post("/api/v1/exercises/import/", document, format="json").status_code == 201
    assert as_user(staff).post("/api/v1/exercises/import/", document, format="json").status_code == 201  # unchanged
    imported = [e for e in events(Action.EXERCISE_VERSION_IMPORTED) if e.data["slug"] == "new-river"]
    assert [e.data["version"] for e in imported] == [1, 2]
    assert all(e.actor_id == staff.pk and e.academy_id == academy.pk and e.target_type == "assessments.exerciseversion"
               for e in imported)


def test_an_account_deletion_is_recorded_without_the_persons_data(learner, teacher):
    attempt = Attempt.objects.get(learner=learner, exercise__kind="scenario")
    as_user(teacher).post(f"/api/v1/attempts/{attempt.pk}/override/",
                          {"node": "reply1", "met": ["interest"], "reason": "Amina named their interest."},
                          format="json")
    response = as_user(learner).delete("/api/v1/me/", {"password": PASSWORD}, format="json",
                                       REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 204
    [event] = events(Action.ACCOUNT_DELETED)
    assert (event.actor_id, event.target_type, event.target_id) == (learner.pk, "accounts.user", str(learner.pk))
    # The learner completed the course, so holds its badge: revoked, and the opaque name it carried
    # (records.Actor, made at issue) deleted, and its certificate (the learner's name printed) deleted.
    assert event.data == {"attempts_kept": 3, "attempts_deleted": 0, "replies_redacted": 2, "classes_archived": 0,
                          "notice_preferences_deleted": 0, "notices_sent_deleted": 0,
                          "statements_deleted": 0, "statements_voided": 0, "lrs_names_deleted": 1,
                          "lms_accounts_deleted": 0, "lms_scores_deleted": 0, "credentials_revoked": 1,
                          "certificates_deleted": 1}
    everything = json.dumps(list(AuditEvent.objects.values()), default=str)
    for personal in ("amina", "Amina", learner.email, PERSONAL_REPLY, "198.51.100.7"):
        assert personal not in everything, personal
    # The actor is the anonymised row: it names nobody either.
    assert event.actor.display_name == "Former learner"


def test_the_audit_log_is_read_only_in_the_admin(db):
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    user = make_user(Role.STUDENT)
    user_set_role(user=User.objects.get(pk=user.pk), role=Role.TEACHER, actor=root)
    event = AuditEvent.objects.get(action=Action.ROLE_CHANGED)  # beside it: access.revoked
    client = Client()
    client.force_login(root)
    listing = client.get("/django-admin/accounts/auditevent/")
    assert listing.status_code == 200 and "Role changed" in listing.content.decode()
    assert client.get("/django-admin/accounts/auditevent/add/").status_code == 403
    client.post(f"/django-admin/accounts/auditevent/{event.pk}/change/", {"action": "account.deleted"})
    client.post(f"/django-admin/accounts/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.get(pk=event.pk).action == Action.ROLE_CHANGED


def test_staff_see_their_academys_events_only(course, staff, academy):
    other = make_staff(make_academy())
    lesson = course_lessons(course)[0]
    lesson.save_revision(user=staff).publish()
    mine = audit.events_for_staff(staff)
    assert mine.filter(action=Action.PAGE_PUBLISHED, target_id=str(lesson.pk)).exists()
    assert not audit.events_for_staff(other).filter(academy=academy).exists()
    assert not audit.events_for_staff(make_user(Role.STUDENT)).exists()
