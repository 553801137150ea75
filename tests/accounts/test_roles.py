"""Roles stay consistent: a role change or a removal from an academy takes away everything the old role
gave (memberships, CMS groups, admin access, a teacher's verification, every token and session), in
the service and through each admin door that edits people: the Django admin and Wagtail's user editor."""
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from accounts.models import AcademyMembership, AuditEvent, Role, User
from accounts.services import academy_add_staff, academy_remove_staff, token_issue, user_set_role
from cms.tenancy import academy_group

from ..factories import import_exercise, make_academy, make_staff, make_user
from .conftest import PASSWORD

Action = AuditEvent.Action
EDITOR, REVIEWER = AcademyMembership.StaffRole.EDITOR, AcademyMembership.StaffRole.REVIEWER
pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    return User.objects.get(pk=user.pk)


def group_names(user) -> set[str]:
    return set(fresh(user).groups.values_list("name", flat=True))


@pytest.fixture
def root():
    return User.objects.create_superuser("root", "root@example.org", PASSWORD, role=Role.ADMIN)


@pytest.fixture
def admin_browser(root):
    client = Client()
    client.force_login(root)
    return client


# --- the service -----------------------------------------------------------------------------


def test_demoted_staff_lose_memberships_groups_and_cms_access(academy, staff, root):
    assert group_names(staff) == {academy_group(academy, EDITOR).name}
    user_set_role(user=fresh(staff), role=Role.STUDENT, actor=root)
    assert not AcademyMembership.objects.filter(user=staff).exists()
    assert group_names(staff) == set()
    browser = Client()
    browser.force_login(fresh(staff))
    assert browser.get("/cms/").status_code == 302
    assert browser.get("/cms/", follow=True).redirect_chain[-1][0] == "/"


def test_demoted_staff_can_no_longer_export_their_academys_exercise(academy, staff, root, sign_ins):
    exercise = import_exercise(academy)
    door = sign_ins(staff)
    assert door.browser.get(f"/api/v1/exercises/{exercise.pk}/export/").status_code == 200
    user_set_role(user=fresh(staff), role=Role.TEACHER, actor=root)
    again = Client()
    again.force_login(fresh(staff))
    assert again.get(f"/api/v1/exercises/{exercise.pk}/export/").status_code in (403, 404)


def test_a_role_change_ends_every_token_and_session(student, root, sign_ins):
    door = sign_ins(student)
    assert door.token_works() and door.session_works()
    user_set_role(user=fresh(student), role=Role.TEACHER, actor=root)
    assert door.both_ended()


def test_a_user_made_admin_keeps_django_admin_access_and_others_lose_it(db, root):
    keeper = make_user(Role.ACADEMY_STAFF)
    User.objects.filter(pk=keeper.pk).update(is_staff=True, is_superuser=True)
    user_set_role(user=fresh(keeper), role=Role.ADMIN, actor=root)
    assert (fresh(keeper).is_staff, fresh(keeper).is_superuser) == (True, True)
    user_set_role(user=fresh(keeper), role=Role.TEACHER, actor=root)
    assert (fresh(keeper).is_staff, fresh(keeper).is_superuser) == (False, False)


def test_a_teacher_who_stops_teaching_loses_their_verification(teacher, root):
    verification = apps.get_model("courses", "TeacherVerification").objects.create(
        teacher=teacher, school="Lycée Victor Hugo", state="verified", decided_by=root, decided_at=timezone.now())
    user_set_role(user=fresh(teacher), role=Role.STUDENT, actor=root)
    verification.refresh_from_db()
    assert verification.revoked_at is not None


def test_what_a_role_change_took_away_is_audited_with_the_role_change(academy, staff, root):
    token_owner = fresh(staff)
    token_issue(user=token_owner)
    user_set_role(user=token_owner, role=Role.STUDENT, actor=root, ip="203.0.113.5")
    changed = AuditEvent.objects.get(action=Action.ROLE_CHANGED)
    revoked = AuditEvent.objects.get(action=Action.ACCESS_REVOKED)
    assert changed.data == {"from": "academy_staff", "to": "student"}
    assert (revoked.actor_id, revoked.target_id, revoked.ip) == (root.pk, str(staff.pk), "203.0.113.5")
    assert revoked.data == {"from": "academy_staff", "to": "student", "memberships": 1, "tokens_revoked": 1}


def test_removal_from_one_academy_keeps_the_other(academy, staff, root, sign_ins):
    other = make_academy()
    academy_add_staff(academy=other, user=fresh(staff), staff_role=REVIEWER)
    door = sign_ins(staff)
    assert academy_remove_staff(academy=academy, user=fresh(staff), actor=root) is True
    assert group_names(staff) == {academy_group(other, REVIEWER).name}
    assert list(AcademyMembership.objects.filter(user=staff).values_list("academy_id", flat=True)) == [other.pk]
    assert fresh(staff).role == Role.ACADEMY_STAFF
    assert door.both_ended()
    event = AuditEvent.objects.get(action=Action.ACCESS_REVOKED)
    assert (event.academy_id, event.data["reason"]) == (academy.pk, "removed_from_academy")


def test_a_reviewer_made_an_editor_loses_publishing_and_is_signed_out(academy, root, sign_ins):
    reviewer = make_staff(academy, REVIEWER)
    door = sign_ins(reviewer)
    academy_add_staff(academy=academy, user=fresh(reviewer), staff_role=EDITOR, actor=root)
    assert group_names(reviewer) == {academy_group(academy, EDITOR).name}
    assert door.both_ended()


# --- the Django admin ------------------------------------------------------------------------


def admin_user_form(user: User, **changes) -> dict:
    row = fresh(user)
    form = {
        "username": row.username, "email": row.email, "first_name": "", "last_name": "", "role": row.role,
        "date_joined_0": row.date_joined.strftime("%Y-%m-%d"), "date_joined_1": row.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "", "last_login_1": "", "is_active": "on",
        "groups": [str(g) for g in row.groups.values_list("id", flat=True)],
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_a_role_change_in_the_django_admin_goes_through_the_service(academy, staff, admin_browser, sign_ins):
    door = sign_ins(staff)
    url = f"/django-admin/accounts/user/{staff.pk}/change/"
    # The form still ticks the academy group it showed: the service's removal must win over it.
    response = admin_browser.post(url, admin_user_form(staff, role=Role.STUDENT))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert fresh(staff).role == Role.STUDENT
    assert not AcademyMembership.objects.filter(user=staff).exists()
    assert group_names(staff) == set()
    assert door.both_ended()
    assert AuditEvent.objects.filter(action=Action.ACCESS_REVOKED, target_id=str(staff.pk)).exists()


def test_an_academy_group_ticked_in_the_django_admin_gives_nothing(academy, student, admin_browser):
    group = academy_group(academy, REVIEWER)
    response = admin_browser.post(f"/django-admin/accounts/user/{student.pk}/change/",
                                  admin_user_form(student, groups=[str(group.pk)]))
    assert response.status_code == 302
    assert group_names(student) == set()


def test_admin_access_taken_away_in_the_django_admin_signs_out(db, admin_browser, sign_ins):
    helper = make_user(Role.ADMIN)
    User.objects.filter(pk=helper.pk).update(is_staff=True)
    door = sign_ins(fresh(helper))
    response = admin_browser.post(f"/django-admin/accounts/user/{helper.pk}/change/",
                                  admin_user_form(helper, is_staff=None))
    assert response.status_code == 302
    assert not fresh(helper).is_staff
    assert door.both_ended()


def test_deactivating_in_the_django_admin_ends_every_sign_in(student, admin_browser, sign_ins):
    door = sign_ins(student)
    response = admin_browser.post(f"/django-admin/accounts/user/{student.pk}/change/",
                                  admin_user_form(student, is_active=None))
    assert response.status_code == 302
    assert not fresh(student).is_active
    User.objects.filter(pk=student.pk).update(is_active=True)  # reactivated: the old sign-ins stay ended
    assert door.both_ended()
    event = AuditEvent.objects.get(action=Action.ACCESS_REVOKED)
    assert event.data["reason"] == "deactivated"


def test_deleting_a_membership_in_the_django_admin_removes_the_groups(academy, staff, admin_browser, sign_ins):
    door = sign_ins(staff)
    membership = AcademyMembership.objects.get(user=staff)
    response = admin_browser.post(f"/django-admin/accounts/academymembership/{membership.pk}/delete/",
                                  {"post": "yes"})
    assert response.status_code == 302
    assert not AcademyMembership.objects.filter(pk=membership.pk).exists()
    assert group_names(staff) == set()
    assert door.both_ended()


def test_bulk_deleting_memberships_in_the_django_admin_goes_through_the_service(academy, staff, admin_browser):
    membership = AcademyMembership.objects.get(user=staff)
    response = admin_browser.post("/django-admin/accounts/academymembership/", {
        "action": "delete_selected", "_selected_action": [str(membership.pk)], "post": "yes"})
    assert response.status_code == 302
    assert group_names(staff) == set()
    assert AuditEvent.objects.filter(action=Action.ACCESS_REVOKED, academy=academy).exists()


def test_adding_a_membership_in_the_django_admin_makes_staff_with_the_group(academy, student, admin_browser):
    response = admin_browser.post("/django-admin/accounts/academymembership/add/", {
        "user": str(student.pk), "academy": str(academy.pk), "staff_role": REVIEWER})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert fresh(student).role == Role.ACADEMY_STAFF
    assert group_names(student) == {academy_group(academy, REVIEWER).name}


# --- Wagtail's user editor -------------------------------------------------------------------


def wagtail_user_form(user: User, **changes) -> dict:
    row = fresh(user)
    form = {"username": row.username, "email": row.email, "first_name": "Amina", "last_name": "Haddad",
            "is_active": "on", "groups": [str(g) for g in row.groups.values_list("id", flat=True)],
            "password1": "", "password2": ""}
    if row.is_superuser:
        form["is_superuser"] = "on"
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_an_academy_group_ticked_in_wagtail_is_put_back_as_memberships_give_it(academy, student, admin_browser):
    group = academy_group(academy, EDITOR)
    response = admin_browser.post(f"/cms/users/edit/{student.pk}/", wagtail_user_form(student, groups=[str(group.pk)]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert group_names(student) == set()


def test_unticking_administrator_in_wagtail_ends_admin_power_and_sign_ins(db, admin_browser, sign_ins):
    other_admin = User.objects.create_superuser("deputy", "deputy@example.org", PASSWORD, role=Role.ADMIN)
    door = sign_ins(other_admin)
    response = admin_browser.post(f"/cms/users/edit/{other_admin.pk}/",
                                  wagtail_user_form(other_admin, is_superuser=None))
    assert response.status_code == 302, response.content.decode()[:3000]
    row = fresh(other_admin)
    assert (row.is_superuser, row.is_staff, row.role) == (False, False, Role.STUDENT)
    assert door.both_ended()


def test_deactivating_in_wagtail_ends_every_sign_in(student, admin_browser, sign_ins):
    door = sign_ins(student)
    response = admin_browser.post(f"/cms/users/edit/{student.pk}/", wagtail_user_form(student, is_active=None))
    assert response.status_code == 302, response.content.decode()[:3000]
    User.objects.filter(pk=student.pk).update(is_active=True)  # reactivated: the old sign-ins stay ended
    assert door.both_ended()


def test_wagtails_bulk_deactivation_ends_every_sign_in(student, admin_browser, sign_ins):
    door = sign_ins(student)
    response = admin_browser.post(
        f"/cms/bulk/accounts/user/set_active_state/?next=/cms/users/&id={student.pk}", {"mark_as_active": "False"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not fresh(student).is_active
    User.objects.filter(pk=student.pk).update(is_active=True)  # reactivated: the old sign-ins stay ended
    assert door.both_ended()


def test_wagtails_bulk_group_assignment_gives_no_academy_group(academy, student, admin_browser):
    group = academy_group(academy, EDITOR)
    response = admin_browser.post(
        f"/cms/bulk/accounts/user/assign_role/?next=/cms/users/&id={student.pk}", {"role": str(group.pk)})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Group.objects.get(pk=group.pk).user_set.filter(pk=student.pk).exists()
