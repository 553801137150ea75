"""Who may change a grade (api-v1: "Who may see and change an attempt"): the exercise's academy staff,
and a verified teacher of a class the learner is in, for an exercise assigned to that class. The learner
sees every override; academy staff can reverse it."""
import pytest

from accounts.models import AuditEvent, Role
from assessments.models import Attempt, Grading
from courses import services as course_services

from ..conftest import as_user, error_codes
from ..factories import make_academy, make_staff, make_user, verify_teacher

ALL_MET = {"node": "reply1", "met": ["interest"], "avoided": [], "reason": "Names their interest."}


def override(user, attempt, body=ALL_MET):
    return as_user(user).post(f"/api/v1/attempts/{attempt.pk}/override/", body, format="json")


def test_a_self_registered_teacher_cannot_change_a_grade(school):
    """Finding 1: a teacher anyone can register passed their own class's learner."""
    attempt = school["attempts"]["assigned"]
    response = override(school["teacher"], attempt)
    assert response.status_code == 403 and error_codes(response) == ["verification_required"]
    assert Attempt.objects.get(pk=attempt.pk).score == attempt.score
    assert not Grading.objects.filter(kind=Grading.Kind.OVERRIDE).exists()


def test_a_verified_teacher_changes_reply_criteria_of_an_assigned_exercise(school):
    verify_teacher(school["teacher"], by=school["staff"])
    attempt = school["attempts"]["assigned"]
    response = override(school["teacher"], attempt)
    assert response.status_code == 200 and response.json()["score"] > attempt.score


def test_a_verified_teacher_cannot_override_outside_the_assigned_modules(school):
    verify_teacher(school["teacher"], by=school["staff"])
    response = override(school["teacher"], school["attempts"]["unassigned"])
    assert response.status_code == 404


def test_a_verified_teacher_loses_the_power_when_the_learner_leaves(school):
    verify_teacher(school["teacher"], by=school["staff"])
    course_services.class_leave(student=school["learner"], class_id=school["klass"].pk)
    assert override(school["teacher"], school["attempts"]["assigned"]).status_code == 404


def test_a_teacher_whose_second_account_is_in_the_class_still_needs_verification(school):
    """The stranger's trick: one account as teacher, one as learner in the same class."""
    alt = make_user(Role.STUDENT)
    course_services.class_join(student=alt, join_code=school["klass"].join_code)
    from assessments import services as assessment_services

    from ..factories import SPEC_PATH

    attempt, _ = assessment_services.attempt_submit(exercise=school["exercise"], learner=alt,
                                                    answers={"steps": SPEC_PATH})
    assessment_services.attempt_grade(attempt_id=attempt.pk)
    assert override(school["teacher"], attempt).status_code == 403


def test_only_reply_criteria_can_change(school):
    verify_teacher(school["teacher"], by=school["staff"])
    response = override(school["teacher"], school["attempts"]["assigned"],
                        {"node": "open", "met": ["interest"], "reason": "Choice nodes have no criteria."})
    assert response.status_code == 400
    assert not Grading.objects.filter(kind=Grading.Kind.OVERRIDE).exists()


def test_staff_of_another_academy_cannot_override(school):
    other = make_staff(make_academy())
    assert override(other, school["attempts"]["assigned"]).status_code == 404


def test_the_exercises_academy_staff_may_override(school):
    assert override(school["staff"], school["attempts"]["assigned"]).status_code == 200


def test_nobody_overrides_their_own_attempt(school):
    assert override(school["learner"], school["attempts"]["assigned"]).status_code == 403


@pytest.fixture
def overridden(school):
    verify_teacher(school["teacher"], by=school["staff"])
    override(school["teacher"], school["attempts"]["assigned"])
    return school["attempts"]["assigned"]


def test_the_learner_sees_who_when_and_why(school, overridden):
    body = as_user(school["learner"]).get(f"/api/v1/attempts/{overridden.pk}/").json()
    [review] = body["reviews"]
    assert (review["kind"], review["by"], review["reason"]) == ("override", school["teacher"].username,
                                                               ALL_MET["reason"])
    assert review["at"]


def test_the_learner_sees_the_override_on_the_site(school, overridden):
    from ..conftest import signed_in

    page = signed_in(school["learner"]).get(f"/attempts/{overridden.pk}/").content.decode()
    assert 'id="reviews"' in page and ALL_MET["reason"] in page


def test_academy_staff_reverse_an_override(school, overridden):
    before = overridden.score
    response = as_user(school["staff"]).post(
        f"/api/v1/attempts/{overridden.pk}/overrides/{Grading.objects.get(kind='override').pk}/reverse/",
        {"reason": "The reply names no interest."}, format="json")
    assert response.status_code == 200
    assert Attempt.objects.get(pk=overridden.pk).score == before
    kinds = [r["kind"] for r in response.json()["reviews"]]
    assert kinds == ["override", "reversal"] and response.json()["reviews"][0]["reversed"] is True
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OVERRIDE_REVERSED, actor=school["staff"]).exists()


def test_a_teacher_cannot_reverse(school, overridden):
    grading = Grading.objects.get(kind="override")
    response = as_user(school["teacher"]).post(
        f"/api/v1/attempts/{overridden.pk}/overrides/{grading.pk}/reverse/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert not Grading.objects.filter(kind=Grading.Kind.REVERSAL).exists()


def test_a_regrade_keeps_a_reversal(school, overridden):
    from assessments import services as assessment_services

    grading = Grading.objects.get(kind="override")
    as_user(school["staff"]).post(f"/api/v1/attempts/{overridden.pk}/overrides/{grading.pk}/reverse/",
                                  {"reason": "Undo."}, format="json")
    score = Attempt.objects.get(pk=overridden.pk).score
    batch = assessment_services.regrade_start(version=overridden.version, actor=school["staff"])
    assessment_services.regrade_attempts(batch_id=batch.pk, attempt_ids=[overridden.pk])
    assert Attempt.objects.get(pk=overridden.pk).score == score
