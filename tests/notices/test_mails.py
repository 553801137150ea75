"""The teachers' weekly digest, the verification decision and the class invitation: notices too,
sent once from their tasks, with a sweep on beat for those whose publish was lost."""
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from assessments import services as assessment_services
from courses import reminders, reviews, tasks
from courses import services as course_services
from courses.models import ClassInvitation, TeacherVerification
from notices import services as notices

from ..factories import SPEC_PATH, import_exercise, later, make_course, make_user, verify_teacher
from .conftest import NOON, due

WEEK = "2026-W49"


@pytest.fixture
def replying(academy, school):
    """The class's module embeds a scenario with a written reply; one learner played it."""
    exercise = import_exercise(academy, visibility="course")
    course = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    module = course.get_children().first()
    course_services.assignment_create(actor=school["teacher"], school_class=school["klass"], module_id=module.pk,
                                      due_at=later(30))  # the service refuses a past date: not NOON-based
    learner = school["learners"][0]
    attempt, _ = assessment_services.attempt_submit(exercise=exercise, learner=learner, answers={"steps": SPEC_PATH})
    assessment_services.attempt_grade(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    return {"attempt": attempt, "exercise": exercise}


def test_the_digest_names_who_is_behind_and_the_replies_awaiting_review(school, replying):
    due(school, NOON - timedelta(days=1))
    now = replying["attempt"].graded_at + timedelta(hours=1)
    notice = reminders.teacher_digest(teacher_id=school["teacher"].pk, period_key=WEEK, now=now)
    assert notices.notice_deliver(**notice) is True
    [message] = mail.outbox
    assert message.to == [school["teacher"].email] and message.subject == "Your classes this week on Parley"
    for learner in school["learners"]:
        assert learner.username in message.body
    assert "1 written reply from the last seven days awaits your review" in message.body
    assert replying["exercise"].title in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_reviewed_reply_no_longer_awaits_review(school, replying, staff):
    teacher = school["teacher"]
    verify_teacher(teacher, staff)
    reviews.review_override(actor=teacher, attempt=replying["attempt"], node="reply1", met=["interest"],
                            reason="They name the other side's interest.")
    now = replying["attempt"].graded_at + timedelta(hours=1)
    due(school, now + timedelta(days=7))  # nobody behind either: the fixture's fixed date passes with the clock
    assert reminders.teacher_digest(teacher_id=teacher.pk, period_key=WEEK, now=now) is None


def test_a_teacher_with_nothing_to_report_gets_no_digest(school):
    assert reminders.teacher_digest(teacher_id=school["teacher"].pk, period_key=WEEK, now=NOON) is None


def test_the_digest_waits_for_monday_seven_and_goes_once_a_week(school):
    monday_early, monday = timezone.datetime(2026, 11, 30, 6, 0, tzinfo=timezone.UTC), \
        timezone.datetime(2026, 11, 30, 8, 0, tzinfo=timezone.UTC)
    due(school, monday_early - timedelta(days=1))  # everyone is behind
    with mock.patch.object(tasks.timezone, "now", return_value=monday_early):
        assert tasks.teacher_digest_dispatch.delay().get() == 0
    with mock.patch.object(tasks.timezone, "now", return_value=monday):
        assert tasks.teacher_digest_dispatch.delay().get() == 1
        assert tasks.teacher_digest_dispatch.delay().get() == 0  # this week's went out
    assert [m.to for m in mail.outbox] == [[school["teacher"].email]]


def test_a_teacher_who_switched_the_digest_off_is_not_in_the_batch(school):
    notices.preferences_update(user=school["teacher"], changes={"teacher_digest": False})
    assert reminders.digest_teachers(period_key=WEEK) == []


def test_a_verification_decision_mails_the_teacher_once(staff, django_capture_on_commit_callbacks):
    teacher = make_user(Role.TEACHER)
    with django_capture_on_commit_callbacks(execute=True):
        row = verify_teacher(teacher, staff)
    tasks.send_verification_decision.delay(row.pk).get()  # a second run, as after a redelivery
    [message] = mail.outbox
    assert (message.to, message.subject) == ([teacher.email], "You are a verified teacher on Parley")
    assert "Lycée Jean Monnet" in message.body and "List-Unsubscribe" in message.extra_headers


def test_a_refusal_says_so_with_the_note(staff, django_capture_on_commit_callbacks):
    teacher = make_user(Role.TEACHER)
    row = course_services.verification_request(teacher=teacher, school="École du Port")
    with django_capture_on_commit_callbacks(execute=True):
        course_services.verification_decide(actor=staff, verification_id=row.pk, approve=False,
                                            note="Please use your school address.")
    [message] = mail.outbox
    assert message.subject == "Your teacher verification request was declined"
    assert "Please use your school address." in message.body


def test_the_sweep_sends_a_decision_whose_publish_was_lost_and_only_once(staff):
    teacher = make_user(Role.TEACHER)
    row = verify_teacher(teacher, staff)  # on_commit never runs here: the publish is "lost"
    TeacherVerification.objects.filter(pk=row.pk).update(decided_at=timezone.now() - timedelta(minutes=10))
    assert tasks.mail_sweep.delay().get() == 1
    assert tasks.mail_sweep.delay().get() == 0
    assert [m.to for m in mail.outbox] == [[teacher.email]]


def test_an_invitation_to_an_account_carries_its_unsubscribe_link_and_language(school):
    invitee = make_user(Role.STUDENT)
    notices.preferences_update(user=invitee, changes={"language": "fr"})
    course_services.invitation_send(actor=school["teacher"], school_class=school["klass"], email=invitee.email)
    invitation = ClassInvitation.objects.get(email=invitee.email)
    assert tasks.send_invitation_mail.delay(invitation.pk).get() is True
    [message] = mail.outbox
    assert message.subject == "Vous êtes invité·e dans une classe sur Parley"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://testserver/unsubscribe/")


def _invite(school, email):
    course_services.invitation_send(actor=school["teacher"], school_class=school["klass"], email=email)
    return tasks.send_invitation_mail.delay(ClassInvitation.objects.filter(email=email).latest("pk").pk).get()


def test_an_invitation_to_an_address_without_an_account_carries_an_unsubscribe_link_for_the_address(school):
    assert _invite(school, "new@example.org") is True
    [message] = mail.outbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://testserver/unsubscribe/") and url in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "no Parley account" in message.body and "invited this address" in message.alternatives[0][0]


def test_an_address_that_stopped_invitations_gets_no_more_from_any_teacher(school):
    _invite(school, "new@example.org")
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    response = Client().post(url.removeprefix("http://testserver"), "List-Unsubscribe=One-Click",
                             content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "This address has no Parley account" in response.content.decode()
    other_teacher = make_user(Role.TEACHER)
    other_class = course_services.class_create(teacher=other_teacher, name="Another class")
    course_services.invitation_send(actor=other_teacher, school_class=other_class, email="NEW@example.org")
    invitation = ClassInvitation.objects.get(school_class=other_class)
    assert tasks.send_invitation_mail.delay(invitation.pk).get() is False
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.mailed_at is not None  # claimed: not retried by the mail sweep


def test_an_address_opt_out_keeps_no_address(school):
    from notices.models import AddressOptOut

    _invite(school, "new@example.org")
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    Client().post(url.removeprefix("http://testserver"))
    [row] = AddressOptOut.objects.values_list("address_digest", "kind")
    assert row == (notices.address_digest("new@example.org"), "class_invitation")
    assert "new@example.org" not in url and "new" not in row[0]


def test_an_address_opt_out_does_not_silence_other_addresses(school):
    _invite(school, "new@example.org")
    Client().post(mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver"))
    assert _invite(school, "other@example.org") is True


def test_an_account_that_switched_invitations_off_is_not_mailed_and_not_retried(school):
    invitee = make_user(Role.STUDENT)
    notices.preferences_update(user=invitee, changes={"class_invitation": False})
    course_services.invitation_send(actor=school["teacher"], school_class=school["klass"], email=invitee.email)
    invitation = ClassInvitation.objects.get()
    assert tasks.send_invitation_mail.delay(invitation.pk).get() is False
    ClassInvitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    assert tasks.mail_sweep.delay().get() == 0
    assert mail.outbox == []


def test_the_sweep_sends_an_invitation_whose_publish_was_lost(school):
    course_services.invitation_send(actor=school["teacher"], school_class=school["klass"], email="new@example.org")
    ClassInvitation.objects.update(created_at=timezone.now() - timedelta(minutes=10))
    assert tasks.mail_sweep.delay().get() == 1
    assert tasks.mail_sweep.delay().get() == 0
    assert [m.to for m in mail.outbox] == [["new@example.org"]]


def test_a_reply_filed_as_reviewed_no_longer_awaits_review(school, replying):
    """Issue 20, finding 9: "Mark as reviewed" on the replies page counts as a review for the digest."""
    teacher = school["teacher"]
    reviews.reply_mark_reviewed(actor=teacher, attempt=replying["attempt"], node="reply1")
    now = replying["attempt"].graded_at + timedelta(hours=1)
    due(school, now + timedelta(days=7))  # nobody behind either: the fixture's fixed date passes with the clock
    assert reminders.teacher_digest(teacher_id=teacher.pk, period_key=WEEK, now=now) is None
