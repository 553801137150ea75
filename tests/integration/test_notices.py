"""Scheduled notices across real processes: the beat's task published twice (as by two beats, or a
beat restarted within its period) reaches a real worker with two processes, which sends through
Django's SMTP backend to a real SMTP server started here; each learner gets one mail. On PostgreSQL,
racing threads deliver the same notice and one mail goes out."""
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core import mail
from django.db import connections
from django.utils import timezone

from accounts.models import Role
from courses import reminders
from courses import services as course_services
from courses.tasks import due_reminders_dispatch
from notices import services as notices
from notices.models import Kind, SentNotice

from ..factories import course_modules, later, make_academy, make_course, make_user
from ..workers import free_port, running_worker, wait_for
from .conftest import restore_wagtail_base_rows

LEARNERS = 6


class Inbox:
    def __init__(self):
        self.messages, self.lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            self.messages.append(tuple(envelope.rcpt_tos))
        return "250 OK"


def overdue_class(learners: int):
    course = make_course(make_academy(), modules=1, lessons=1)
    teacher = make_user(Role.TEACHER)
    klass = course_services.class_create(teacher=teacher, name="Mediation 2")
    people = [make_user() for _ in range(learners)]
    for person in people:
        course_services.class_join(student=person, join_code=klass.join_code)
    assignment, _ = course_services.assignment_create(actor=teacher, school_class=klass,
                                                      module_id=course_modules(course)[0].pk, due_at=later(1))
    # Overdue: the service refuses a past due date, so the row is moved back.
    type(assignment).objects.filter(pk=assignment.pk).update(due_at=timezone.now() - timedelta(hours=2))
    return klass, people


@pytest.mark.worker
def test_the_beat_task_published_twice_mails_each_learner_once_through_a_real_worker_and_smtp(real_broker,
                                                                                               monkeypatch):
    _, people = overdue_class(LEARNERS)
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    # The worker reads its mail settings from the environment, as in production.
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(port))
    try:
        with running_worker(concurrency=2):
            due_reminders_dispatch.apply_async()
            due_reminders_dispatch.apply_async()
            assert wait_for(lambda: SentNotice.objects.filter(sent_at__isnull=False).count() >= LEARNERS, timeout=90)
            wait_for(lambda: len(inbox.messages) > LEARNERS, timeout=5)  # time for a second mail, if any
    finally:
        controller.stop()
    assert sorted(inbox.messages) == sorted((person.email,) for person in people)
    assert SentNotice.objects.filter(kind=Kind.DUE_REMINDER).count() == LEARNERS


ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
RACERS = 12


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: SQLite serialises writers, so nothing races")
def test_racing_deliveries_of_one_notice_send_one_mail(transactional_db):
    restore_wagtail_base_rows()
    klass, _ = overdue_class(1)
    [notice] = reminders.due_reminders_for_class(class_id=klass.pk, now=timezone.now())
    barrier, results, errors = threading.Barrier(RACERS), [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(notices.notice_deliver(**notice))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors[:3]
    assert sorted(results) == [False] * (RACERS - 1) + [True]
    assert len(mail.outbox) == 1
