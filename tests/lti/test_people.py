"""People (issue 17, item 3): the account linked by (issuer, sub), roles, the teacher's verification by
the registration's word, the LMS course's class and its learners' consent by enrolment."""
import pytest
from django.test import Client

from accounts.models import AuditEvent, Role
from courses import access
from courses.models import ClassMembership, Enrolment, SchoolClass
from lti.models import LtiAccount, LtiContext
from tests.factories import make_course

from .conftest import launch, register

pytestmark = pytest.mark.django_db


def account(platform, sub):
    return LtiAccount.objects.select_related("user").get(issuer=platform.issuer, subject=sub).user


def test_a_first_launch_makes_an_account_without_email_and_later_launches_reuse_it(platform, academy, staff):
    register(platform, academy, staff)
    launch(Client(), platform, sub="s-1", given_name="Amina", family_name="Diallo")
    user = account(platform, "s-1")
    assert (user.role, user.email, user.has_usable_password()) == (Role.STUDENT, "", False)
    assert user.first_name == "Amina"
    launch(Client(), platform, sub="s-1")
    assert LtiAccount.objects.count() == 1 and account(platform, "s-1") == user


def test_the_same_sub_from_another_issuer_is_another_person(platform, academy, staff):
    register(platform, academy, staff)
    launch(Client(), platform, sub="s-1")
    LtiAccount.objects.update(issuer="https://other.example")
    launch(Client(), platform, sub="s-1")
    assert LtiAccount.objects.count() == 2


def test_an_instructor_is_a_verified_teacher_when_the_registration_vouches_for_the_school(platform, academy, staff):
    register(platform, academy, staff, vouches=True)
    launch(Client(), platform, sub="t-1", roles=("Instructor",))
    teacher = account(platform, "t-1")
    assert teacher.role == Role.TEACHER and access.teacher_is_verified(teacher)
    verification = teacher.verifications.get()
    assert (verification.school, verification.decided_by) == ("Lycée Jean Monnet", staff)
    event = AuditEvent.objects.get(action=AuditEvent.Action.TEACHER_VERIFIED)
    assert event.data["by"] == "lti_registration"
    launch(Client(), platform, sub="t-1", roles=("Instructor",))  # idempotent
    assert teacher.verifications.count() == 1


def test_an_instructor_stays_unverified_when_the_registration_does_not_vouch(platform, academy, staff):
    register(platform, academy, staff, vouches=False)
    launch(Client(), platform, sub="t-1", roles=("Instructor",))
    teacher = account(platform, "t-1")
    assert teacher.role == Role.TEACHER and not access.teacher_is_verified(teacher)


def test_administrators_get_nothing_beyond_their_parley_role(platform, academy, staff):
    register(platform, academy, staff, vouches=True)
    launch(Client(), platform, sub="a-1",
           roles=("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
                  "http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin"))
    admin = account(platform, "a-1")
    assert admin.role == Role.STUDENT and not admin.is_staff and not admin.is_superuser
    assert not access.lti_registrable_academy_ids(admin) and not access.teacher_is_verified(admin)


def test_the_lms_course_is_a_class_its_learners_join_on_launch(platform, academy, staff):
    register(platform, academy, staff, vouches=True)
    course = make_course(academy)
    launch(Client(), platform, sub="t-1", roles=("Instructor",), context=("ctx-9", "Water diplomacy, group B"))
    teacher = account(platform, "t-1")
    school_class = SchoolClass.objects.get(teacher=teacher)
    assert school_class.name == "Water diplomacy, group B"
    assert LtiContext.objects.get(context_id="ctx-9").school_class == school_class
    launch(Client(), platform, sub="s-1", context=("ctx-9", "Water diplomacy, group B"),
           custom={"target": f"course:{course.pk}"})
    learner = account(platform, "s-1")
    assert ClassMembership.objects.filter(school_class=school_class, student=learner).exists()
    assert Enrolment.objects.filter(learner=learner, course=course, source=Enrolment.Source.EXTERNAL).exists()
    joined = AuditEvent.objects.get(action=AuditEvent.Action.CLASS_JOINED)
    assert joined.data["by"] == "lms_enrolment" and joined.data["context"] == "ctx-9"
    # The teacher sees the learner on the roster, like any member.
    assert Client().get("/").status_code == 200
    launch(Client(), platform, sub="s-1", context=("ctx-9", "x"))
    assert ClassMembership.objects.filter(student=learner).count() == 1  # idempotent
    # A second instructor of the same LMS course does not make a second class.
    launch(Client(), platform, sub="t-2", roles=("Instructor",), context=("ctx-9", "x"))
    assert SchoolClass.objects.count() == 1


def test_a_learner_before_any_instructor_joins_once_the_class_exists(platform, academy, staff):
    register(platform, academy, staff)
    launch(Client(), platform, sub="s-1", context=("ctx-1", "Mediation"))
    assert ClassMembership.objects.count() == 0 and SchoolClass.objects.count() == 0
    launch(Client(), platform, sub="t-1", roles=("Instructor",), context=("ctx-1", "Mediation"))
    launch(Client(), platform, sub="s-1", context=("ctx-1", "Mediation"))
    assert ClassMembership.objects.get().student == account(platform, "s-1")


def test_a_learner_may_leave_the_lms_class_like_any_other(platform, academy, staff):
    register(platform, academy, staff)
    launch(Client(), platform, sub="t-1", roles=("Instructor",))
    client = Client()
    launch(client, platform, sub="s-1")
    membership = ClassMembership.objects.get()
    response = client.post(f"/me/classes/{membership.school_class_id}/leave/")
    assert response.status_code == 302 and ClassMembership.objects.count() == 0


def test_contexts_of_two_registrations_are_two_classes(platform, academy, staff):
    register(platform, academy, staff)
    launch(Client(), platform, sub="t-1", roles=("Instructor",), context=("ctx-1", "A"))
    assert LtiContext.objects.filter(context_id="ctx-1").count() == 1
    assert SchoolClass.objects.count() == 1


def test_an_lms_account_links_to_a_full_account_and_later_launches_open_it(platform, academy, staff):
    from tests.factories import make_user

    register(platform, academy, staff)
    launch(Client(), platform, sub="t-1", roles=("Instructor",))
    client = Client()
    launch(client, platform, sub="s-1")
    lms_made = account(platform, "s-1")
    full = make_user(Role.STUDENT, username="amina")
    assert client.get("/lti/link/").status_code == 200
    wrong = client.post("/lti/link/", {"username": "amina", "password": "wrong"})
    assert wrong.status_code == 400 and account(platform, "s-1") == lms_made
    response = client.post("/lti/link/", {"username": "amina", "password": "pw-Secret-123"})
    assert response.status_code == 302
    assert account(platform, "s-1") == full and int(client.session["_auth_user_id"]) == full.pk
    assert ClassMembership.objects.get().student == full  # the LMS class followed
    lms_made.refresh_from_db()
    assert not lms_made.is_active
    launch(Client(), platform, sub="s-1")
    assert account(platform, "s-1") == full and LtiAccount.objects.filter(subject="s-1").count() == 1


def test_only_an_account_the_lms_made_has_a_link_page(student):
    from tests.conftest import signed_in

    assert signed_in(student).get("/lti/link/").status_code == 404
    assert Client().get("/lti/link/").status_code == 302  # to sign in


def test_deleting_an_account_forgets_its_lms_ids(platform, academy, staff):
    """An account linked to a full one (which has a password) deletes itself the usual way."""
    from accounts.privacy import account_delete, user_export
    from tests.factories import make_user

    register(platform, academy, staff)
    client = Client()
    launch(client, platform, sub="s-1")
    full = make_user(Role.STUDENT, username="amina")
    client.post("/lti/link/", {"username": "amina", "password": "pw-Secret-123"})
    assert [row["issuer"] for row in user_export(user=full)["lms_accounts"]] == [platform.issuer]
    account_delete(user=full, password="pw-Secret-123")
    assert not LtiAccount.objects.exists()
    launch(Client(), platform, sub="s-1")
    assert account(platform, "s-1") != full  # a new account: the old one is gone for good


def test_an_account_the_lms_made_deletes_itself_right_after_a_launch_without_a_password(platform, academy, staff):
    register(platform, academy, staff)
    client = Client()
    launch(client, platform, sub="s-1")
    lms_made = account(platform, "s-1")
    page = client.get("/account/").content.decode()
    assert "open Parley from the LMS, then confirm here within ten minutes" in page
    assert 'name="password"' not in page.split('id="delete-heading"', 1)[1]
    assert client.post("/account/delete/", {"confirm": "on"}).status_code == 302
    lms_made.refresh_from_db()
    assert lms_made.anonymised_at is not None and not LtiAccount.objects.exists()


def test_an_account_the_lms_made_is_not_deleted_by_a_session_whose_launch_is_old(platform, academy, staff,
                                                                                    settings):
    """A session left open, or stolen, long after its launch proves no one: nothing changes."""
    from accounts import reauth

    register(platform, academy, staff)
    client = Client()
    launch(client, platform, sub="s-1")
    session = client.session
    session[reauth.SESSION_KEY] -= settings.ACCOUNT_PROOF_SECONDS + 1
    session.save()
    refused = client.post("/account/delete/", {"confirm": "on"})
    assert refused.status_code == 400 and "Open Parley from your school" in refused.content.decode()
    assert account(platform, "s-1").anonymised_at is None and LtiAccount.objects.count() == 1


def test_an_account_with_a_password_still_needs_it_after_a_launch(platform, academy, staff):
    from tests.factories import make_user

    register(platform, academy, staff)
    client = Client()
    launch(client, platform, sub="s-1")
    full = make_user(Role.STUDENT, username="amina")
    client.post("/lti/link/", {"username": "amina", "password": "pw-Secret-123"})
    launch(client, platform, sub="s-1")  # now signs into the full account, with a fresh proof
    assert client.post("/account/delete/", {"confirm": "on"}).status_code == 400
    full.refresh_from_db()
    assert full.anonymised_at is None
