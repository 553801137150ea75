"""Due-date reminders to learners: the day before, on the day, once when overdue; only to those who
have not finished the module, once per person, stage and due date, through the beat's tasks."""
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from courses import reminders, tasks
from courses import services as course_services
from notices import services as notices
from notices.models import Kind, SentNotice
from notices.tasks import deliver

from ..factories import make_user
from .conftest import NOON, due, finish


def send_for_class(klass, now) -> int:
    """What the per-class beat task does, at a chosen time."""
    batch = reminders.due_reminders_for_class(class_id=klass.pk, now=now)
    for notice in batch:
        deliver.delay(**notice)
    return len(batch)


def subjects() -> list[str]:
    return [m.subject for m in mail.outbox]


def test_a_learner_is_reminded_the_day_before_on_the_day_and_once_when_overdue(school):
    due(school, NOON + timedelta(hours=26))  # Thursday 14:00
    klass, n = school["klass"], len(school["learners"])
    send_for_class(klass, NOON)  # Wednesday: due tomorrow
    send_for_class(klass, NOON + timedelta(hours=20))  # Thursday 08:00: due today
    send_for_class(klass, NOON + timedelta(hours=27))  # Thursday 15:00: overdue
    send_for_class(klass, NOON + timedelta(days=3))  # still overdue: nothing more
    assert subjects() == (["Reminder: a module of your class is due tomorrow"] * n
                          + ["Reminder: a module of your class is due today"] * n
                          + ["A module of your class is overdue"] * n)


def test_nothing_is_sent_two_days_before_or_long_after_the_due_date(school):
    due(school, NOON + timedelta(days=2))
    assert send_for_class(school["klass"], NOON) == 0
    due(school, NOON - reminders.OVERDUE_WINDOW - timedelta(hours=1))
    assert send_for_class(school["klass"], NOON) == 0
    assert mail.outbox == []


def test_a_learner_who_finished_the_module_is_not_reminded(school):
    done, *others = school["learners"]
    finish(school, done)
    due(school, NOON - timedelta(hours=1))
    send_for_class(school["klass"], NOON)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(learner.email for learner in others)


def test_an_extension_moves_the_learners_reminders_to_their_own_due_date(school):
    extended = school["learners"][0]
    assignment = due(school, NOON - timedelta(hours=1))
    course_services.extension_set(actor=school["teacher"], assignment=assignment, student_id=extended.pk,
                                  due_at=NOON + timedelta(days=5))
    send_for_class(school["klass"], NOON)
    assert extended.email not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == len(school["learners"]) - 1
    mail.outbox.clear()
    send_for_class(school["klass"], NOON + timedelta(days=5, hours=1))
    assert [m.to[0] for m in mail.outbox] == [extended.email]


def test_a_moved_due_date_reminds_again_and_nothing_else_does(school):
    due(school, NOON - timedelta(hours=1))
    send_for_class(school["klass"], NOON)
    send_for_class(school["klass"], NOON)
    assert len(mail.outbox) == len(school["learners"])
    due(school, NOON - timedelta(minutes=30))
    send_for_class(school["klass"], NOON)
    assert len(mail.outbox) == 2 * len(school["learners"])


def test_running_the_beat_task_twice_sends_one_mail_per_person_kind_and_period(school):
    due(school, timezone.now() - timedelta(hours=1))
    assert tasks.due_reminders_dispatch.delay().get() == 1
    tasks.due_reminders_dispatch.delay().get()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(learner.email for learner in school["learners"])
    assert SentNotice.objects.filter(kind=Kind.DUE_REMINDER, sent_at__isnull=False).count() == 3


def test_the_same_notice_delivered_twice_goes_out_once(school):
    due(school, NOON - timedelta(hours=1))
    notice = reminders.due_reminders_for_class(class_id=school["klass"].pk, now=NOON)[0]
    assert deliver.delay(**notice).get() is True
    assert deliver.delay(**notice).get() is False
    assert len(mail.outbox) == 1


def test_an_archived_class_reminds_nobody(school):
    due(school, timezone.now() - timedelta(hours=1))
    course_services.class_archive(actor=school["teacher"], school_class=school["klass"])
    tasks.due_reminders_dispatch.delay().get()
    assert mail.outbox == []


def test_a_learner_who_switched_reminders_off_gets_none_and_the_others_do(school):
    quiet, *others = school["learners"]
    notices.preferences_update(user=quiet, changes={"due_reminder": False})
    due(school, NOON - timedelta(hours=1))
    send_for_class(school["klass"], NOON)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(learner.email for learner in others)


def test_the_reminder_has_both_parts_a_link_to_the_course_and_the_unsubscribe_headers(school):
    learner = school["learners"][0]
    due(school, NOON - timedelta(hours=1))
    send_for_class(school["klass"], NOON)
    message = next(m for m in mail.outbox if m.to == [learner.email])
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    course_url = f"http://testserver/courses/{school['course'].pk}/"
    assert school["module"].title in message.body and course_url in message.body and course_url in html
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url.startswith("http://testserver/unsubscribe/") and url in message.body and url in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert notices.unsubscribe_read(token=url.rstrip("/").rsplit("/", 1)[1])[0].pk == learner.pk


def test_a_learner_who_chose_french_gets_the_reminder_in_french(school):
    learner = school["learners"][0]
    notices.preferences_update(user=learner, changes={"language": "fr"})
    due(school, NOON - timedelta(hours=1))
    send_for_class(school["klass"], NOON)
    french = next(m for m in mail.outbox if m.to == [learner.email])
    english = next(m for m in mail.outbox if m.to != [learner.email])
    assert french.subject == "Un module de votre classe est en retard"
    assert "Bonjour" in french.body and "Bonjour" in french.alternatives[0][0]
    assert english.subject == "A module of your class is overdue"


def test_a_failed_send_releases_the_claim_so_the_retry_sends_it(school):
    due(school, NOON - timedelta(hours=1))
    notice = reminders.due_reminders_for_class(class_id=school["klass"].pk, now=NOON)[0]
    with mock.patch("notices.services.mail_send", side_effect=ValueError("the relay said no")), \
            pytest.raises(ValueError):
        notices.notice_deliver(**notice)
    assert not SentNotice.objects.exists()
    assert notices.notice_deliver(**notice) is True
    assert len(mail.outbox) == 1


def test_a_deleted_learner_is_not_mailed(school):
    from accounts import privacy

    gone = school["learners"][0]
    privacy.account_delete(user=gone, password="pw-Secret-123")
    due(school, NOON - timedelta(hours=1))
    send_for_class(school["klass"], NOON)
    assert len(mail.outbox) == len(school["learners"]) - 1


def test_a_class_reminders_cost_the_same_queries_whatever_its_size(school):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(expected):
        with CaptureQueriesContext(connection) as queries:
            assert len(reminders.due_reminders_for_class(class_id=school["klass"].pk, now=NOON)) == expected
        return len(queries)

    due(school, NOON - timedelta(hours=1))
    small = cost(3)
    for _ in range(12):
        course_services.class_join(student=make_user(), join_code=school["klass"].join_code)
    assert cost(15) == small <= 12


def test_a_mail_the_relay_refuses_for_good_is_not_tried_again_this_period(school):
    import smtplib

    due(school, NOON - timedelta(hours=1))
    notice = reminders.due_reminders_for_class(class_id=school["klass"].pk, now=NOON)[0]
    refused = smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"no such mailbox")})
    with mock.patch("notices.services.mail_send", side_effect=refused):
        assert notices.notice_deliver(**notice) is False
    assert SentNotice.objects.get().failed_at is not None
    assert notices.notice_deliver(**notice) is False
    assert all(n["user_id"] != notice["user_id"]
               for n in reminders.due_reminders_for_class(class_id=school["klass"].pk, now=NOON))
    assert mail.outbox == []
