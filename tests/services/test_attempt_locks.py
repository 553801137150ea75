"""Steps, overrides and retries lock an attempt only in the status they act on (in_progress, graded,
failed), so a grading message never finds a waiting attempt held by them. Read from the SQL of every
query that locks (select_for_update) the attempts table, on any database: SQLite leaves FOR UPDATE out
of the statement, the query still says it locks."""
import pytest
from django.db.models.sql.compiler import SQLCompiler

from assessments import services
from assessments.models import Attempt

from ..factories import SPEC_PATH, import_exercise, make_user

TABLE = '"assessments_attempt"'


@pytest.fixture
def attempt_locks(monkeypatch):
    locks = []
    real = SQLCompiler.as_sql

    def recording(self, *args, **kwargs):
        sql, params = real(self, *args, **kwargs)
        if self.query.select_for_update and self.query.model is Attempt:
            locks.append(sql % tuple(f"'{p}'" if isinstance(p, str) else p for p in params))
        return sql, params

    monkeypatch.setattr(SQLCompiler, "as_sql", recording)
    return locks


def _only_in(locks, status):
    assert locks, "the service locks the attempt"
    assert all(f"{TABLE}.\"status\" = '{status}'" in sql for sql in locks), locks


def test_a_step_locks_the_attempt_only_while_it_is_in_progress(academy, attempt_locks):
    exercise, learner = import_exercise(academy), make_user()
    attempt, _ = services.attempt_start(exercise=exercise, learner=learner)
    services.attempt_step(attempt_id=attempt.pk, learner=learner, move={"choice": "ask"})
    _only_in(attempt_locks, "in_progress")


def test_an_override_locks_the_attempt_only_when_it_is_graded(academy, staff, attempt_locks):
    exercise = import_exercise(academy)
    attempt, _ = services.attempt_submit(exercise=exercise, learner=make_user(), answers={"steps": SPEC_PATH})
    services.attempt_grade(attempt_id=attempt.pk)
    attempt_locks.clear()
    services.attempt_override(attempt=Attempt.objects.get(pk=attempt.pk), actor=staff, overrides={},
                              reason="Reviewed for the test.")
    _only_in(attempt_locks, "graded")


def test_a_retry_locks_the_attempt_only_when_it_failed(academy, staff, attempt_locks):
    exercise = import_exercise(academy)
    attempt = Attempt.objects.create(learner=make_user(), exercise=exercise, version=exercise.current_version,
                                     status=Attempt.Status.FAILED, answers={"steps": SPEC_PATH})
    services.attempt_retry(attempt=attempt, actor=staff)
    _only_in(attempt_locks, "failed")


def test_an_attempt_its_message_passed_by_is_graded_by_the_sweep(academy, settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from assessments import rows
    from assessments.models import Grading

    exercise = import_exercise(academy)
    queued = timezone.now() - settings.GRADING_STUCK_AFTER - timedelta(seconds=1)
    attempt = Attempt.objects.create(learner=make_user(), exercise=exercise, version=exercise.current_version,
                                     status=Attempt.Status.SUBMITTED, answers={"steps": SPEC_PATH}, queued_at=queued)
    with monkeypatch.context() as held:  # another write holds the row: SKIP LOCKED marks nothing
        held.setattr(rows, "update_if", lambda *args, **kwargs: 0)
        assert services.attempt_grade(attempt_id=attempt.pk) == "skipped"
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.SUBMITTED
    assert services.attempts_sweep() == 1  # the tests' Celery runs the queued task inline
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    assert Grading.objects.filter(attempt=attempt, kind="automatic").count() == 1
