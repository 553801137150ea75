"""A teacher invites by email; only the learner's answer makes a membership (api-v1: "Classes,
invitations and teachers")."""
import pytest
from django.core import mail

from accounts.models import AuditEvent, Role
from courses.models import ClassInvitation, ClassMembership

from ..conftest import as_user
from ..factories import make_user


@pytest.fixture
def klass(school):
    return school["klass"]


def invite(teacher, klass, email):
    return as_user(teacher).post(f"/api/v1/classes/{klass.pk}/invitations/", {"email": email}, format="json")


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(school, klass):
    known = make_user(Role.STUDENT)
    answers = [invite(school["teacher"], klass, email) for email in (known.email, "nobody-here@example.org")]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].content == answers[1].content


def test_an_invitation_adds_nobody_to_the_class(school, klass):
    invitee = make_user(Role.STUDENT)
    invite(school["teacher"], klass, invitee.email)
    assert not ClassMembership.objects.filter(student=invitee).exists()


def test_the_invited_address_gets_a_mail_once(school, klass, django_capture_on_commit_callbacks):
    invitee = make_user(Role.STUDENT)
    with django_capture_on_commit_callbacks(execute=True):
        invite(school["teacher"], klass, invitee.email.upper())
    assert [m.to for m in mail.outbox] == [[invitee.email]]
    assert klass.name in mail.outbox[0].body
    from courses import mail as invitation_mail

    assert invitation_mail.invitation_send_mail(invitation_id=ClassInvitation.objects.get().pk) is False


def test_the_learner_sees_accepts_and_joins(school, klass):
    invitee = make_user(Role.STUDENT)
    invite(school["teacher"], klass, invitee.email.upper())
    pending = as_user(invitee).get("/api/v1/me/invitations/").json()["results"]
    assert [(p["class"]["id"], p["teacher"]) for p in pending] == [(klass.pk, school["teacher"].username)]
    first = as_user(invitee).post(f"/api/v1/invitations/{pending[0]['id']}/accept/")
    again = as_user(invitee).post(f"/api/v1/invitations/{pending[0]['id']}/accept/")
    assert (first.status_code, again.status_code) == (201, 200)
    assert ClassMembership.objects.filter(school_class=klass, student=invitee).count() == 1
    assert as_user(invitee).get("/api/v1/me/invitations/").json()["results"] == []
    assert AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_ACCEPTED, actor=invitee).count() == 1


def test_declining_removes_the_invitation_and_joins_nothing(school, klass):
    invitee = make_user(Role.STUDENT)
    invite(school["teacher"], klass, invitee.email)
    invitation = ClassInvitation.objects.get()
    assert as_user(invitee).post(f"/api/v1/invitations/{invitation.pk}/decline/").status_code == 204
    assert not ClassInvitation.objects.exists() and not ClassMembership.objects.filter(student=invitee).exists()


def test_someone_else_cannot_see_or_answer_the_invitation(school, klass):
    invitee, stranger = make_user(Role.STUDENT), make_user(Role.STUDENT)
    invite(school["teacher"], klass, invitee.email)
    invitation = ClassInvitation.objects.get()
    assert as_user(stranger).get("/api/v1/me/invitations/").json()["results"] == []
    for verb in ("accept", "decline"):
        response = as_user(stranger).post(f"/api/v1/invitations/{invitation.pk}/{verb}/")
        assert response.status_code == 404, verb
    assert ClassInvitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).exists()


def test_an_invitation_to_an_address_that_signs_up_later_waits_for_it(school, klass, api):
    invite(school["teacher"], klass, "later@example.org")
    api.post("/api/v1/auth/register/", {"username": "later", "email": "Later@Example.org",
                                        "password": "a-long-Pass-phrase"}, format="json")
    from accounts.models import User

    pending = as_user(User.objects.get(username="later")).get("/api/v1/me/invitations/").json()["results"]
    assert [p["class"]["id"] for p in pending] == [klass.pk]


def test_a_teacher_cannot_invite_to_another_teachers_class(school, klass):
    response = invite(make_user(Role.TEACHER), klass, "x@example.org")
    assert response.status_code == 404
    assert not ClassInvitation.objects.exists()


def test_a_malformed_address_is_refused_at_email(school, klass):
    response = invite(school["teacher"], klass, "not an address")
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "email"
    assert not ClassInvitation.objects.exists()


def test_the_teacher_can_withdraw_an_unanswered_invitation(school, klass):
    invite(school["teacher"], klass, "withdrawn@example.org")
    invitation = ClassInvitation.objects.get()
    teacher = as_user(school["teacher"])
    assert teacher.get(f"/api/v1/classes/{klass.pk}/invitations/").json()["results"][0]["id"] == invitation.pk
    assert teacher.delete(f"/api/v1/classes/{klass.pk}/invitations/{invitation.pk}/").status_code == 204
    assert not ClassInvitation.objects.exists()
