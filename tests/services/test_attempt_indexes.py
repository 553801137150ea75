"""The attempt indexes the grading queries rely on (assessments/models.py): partial indexes of the
waiting, grading and failed attempts keyed by id, declared in a migration, and used by the plans of
the batch's and the sweep's queries (SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with sequential
scans off, since on a test's few rows a scan is cheaper and the planner would rightly take it)."""
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.models import Attempt

from .test_batch_grading import exercise, waiting  # noqa: F401 (a fixture)

PARTIAL = {"attempt_submitted": "submitted", "attempt_grading": "grading", "attempt_failed": "failed"}


def _partial_indexes(indexes) -> dict:
    return {i.name: (list(i.fields), dict(i.condition.children)["status"]) for i in indexes if i.name in PARTIAL}


def test_the_partial_indexes_are_declared_in_the_model_and_made_by_the_migrations():
    expected = {name: (["id"], status) for name, status in PARTIAL.items()}
    assert _partial_indexes(Attempt._meta.indexes) == expected
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    assert _partial_indexes(state.models["assessments", "attempt"].options["indexes"]) == expected


@pytest.mark.django_db
def test_the_database_has_the_partial_indexes():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Attempt._meta.db_table)
    for name in PARTIAL:
        assert constraints[name]["index"] and constraints[name]["columns"] == ["id"]


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def _select_of(queries, *words) -> str:
    found = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and all(w in q["sql"] for w in words)]
    assert found, [q["sql"][:160] for q in queries]
    return found[0]


def test_a_batch_takes_the_attempts_waiting_after_its_own_through_the_submitted_index(exercise):  # noqa: F811
    ids = waiting(exercise, 3)
    with CaptureQueriesContext(connection) as queries:
        assert services.attempt_grade(attempt_id=ids[0]) == "graded"
    batch = _select_of(queries, "LIMIT", "ORDER BY")  # the waiting attempts after its own, in id order
    assert "attempt_submitted" in _plan(batch)


def test_the_sweep_reads_the_waiting_and_the_grading_attempts_each_through_its_index(exercise):  # noqa: F811
    waiting(exercise, 1)  # queued an hour ago: not stale an hour and a half before now
    with CaptureQueriesContext(connection) as queries:
        services.attempts_sweep(now=timezone.now() - timedelta(minutes=90))
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 2  # nothing is stale: one read per status, nothing queued
    assert "attempt_submitted" in _plan(selects[0]) and "attempt_grading" in _plan(selects[1])
