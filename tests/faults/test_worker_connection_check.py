"""Before each task the worker looks only at connections the last task saw fail:
a dead one is closed so the task reconnects, a healthy one costs no round trip."""
import pytest
from django.db import connection

from config.celery import _drop_broken_database_connections


@pytest.fixture
def checks(transactional_db, monkeypatch):
    """Counts the round trips the check makes, and lets a test say whether the server still answers.
    Outside a test transaction: Django defers closing a connection inside one."""
    state = {"checks": 0, "alive": True}

    def is_usable():
        state["checks"] += 1
        return state["alive"]

    connection.ensure_connection()
    monkeypatch.setattr(connection, "is_usable", is_usable)
    yield state
    connection.errors_occurred = False


def test_a_healthy_connection_is_kept_without_a_round_trip(checks):
    raw = connection.connection
    _drop_broken_database_connections()
    assert checks["checks"] == 0
    assert connection.connection is raw


def test_a_connection_that_met_an_error_and_is_dead_is_closed(checks):
    connection.errors_occurred = True
    checks["alive"] = False
    _drop_broken_database_connections()
    assert checks["checks"] == 1
    assert connection.connection is None


def test_a_connection_that_met_an_error_but_still_answers_is_kept_and_trusted_again(checks):
    raw = connection.connection
    connection.errors_occurred = True
    _drop_broken_database_connections()
    assert connection.connection is raw and connection.errors_occurred is False
    _drop_broken_database_connections()
    assert checks["checks"] == 1


def dropping(monkeypatch, exc):
    from assessments import services

    def attempt_grade(*, attempt_id):
        raise exc

    monkeypatch.setattr(services, "attempt_grade", attempt_grade)


def test_a_grading_task_that_meets_a_dropped_connection_asks_to_be_run_again(monkeypatch):
    from celery.exceptions import Retry
    from django.db import OperationalError

    from assessments.tasks import grade_attempt

    dropping(monkeypatch, OperationalError("server closed the connection unexpectedly"))
    with pytest.raises(Retry):  # a worker publishes the task again; the next run reconnects
        grade_attempt.apply(args=[7], throw=True)


def test_a_grading_task_that_fails_otherwise_is_not_retried(monkeypatch):
    from assessments.tasks import grade_attempt

    dropping(monkeypatch, ValueError("a bug, not the database"))
    with pytest.raises(ValueError):
        grade_attempt.apply(args=[7], throw=True)
