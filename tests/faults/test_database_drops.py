"""Fault 3: the database drops connections in the middle of requests.

Every answer is a success or a 503 in the error shape (never a 500 or HTML),
no write is left half done, and the same processes carry on afterwards.
Two ways: a connection cut at each query of each write in turn (any database,
deterministic), and PostgreSQL terminating the backends of a live gunicorn
and worker while a stream of learners submits, completes, enrols and joins.
"""
import http.client
import json
import random
import threading
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.db.models import Count
from django.db.utils import OperationalError
from django.utils import timezone

from accounts.services import token_issue
from assessments.models import Attempt, Grading
from assessments.services import attempt_start, attempts_sweep
from courses.services import enrol

from ..conftest import as_user, error_codes
from ..factories import make_user
from ..workers import child_pids, running_server, running_worker, server_env, wait_for
from .conftest import FULL, on_postgres, record_figures
from .school import SUCCESS, learner_rows, make_school, partial_writes, write_request

TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


class CutConnection:
    """Makes the n-th statement of a request, and every one after it, fail as a
    dropped connection does (transaction control still works, as it does for
    Django once the server has gone)."""

    def __init__(self, n: int):
        self.n, self.seen = n, 0

    @property
    def fired(self) -> bool:
        return self.seen >= self.n

    def __call__(self, execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(TRANSACTION_CONTROL):
            self.seen += 1
            if self.seen >= self.n:
                raise OperationalError("server closed the connection unexpectedly (cut by the test)")
        return execute(sql, params, many, context)


def prepared(school, learner, op):
    """Bring the learner to where `op` makes sense; returns the step's attempt id for `step`."""
    if op in ("complete", "step"):
        enrol(learner=learner, course=school.course)
    if op == "step":
        return attempt_start(exercise=school.exercise, learner=learner, idempotency_key="played")[0].pk
    return None


def send(client, school, op, attempt_id=None):
    if op == "step":
        return client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"choice": "ask"}, format="json")
    path, body, headers = write_request(school, op)
    return client.post(path, body, format="json", headers=headers)


@pytest.mark.parametrize("op", ["enrol", "complete", "join", "submit", "start", "step"])
def test_a_write_cut_off_at_any_statement_answers_503_and_writes_nothing(db, op):
    school = make_school()
    learner = make_user()
    attempt_id = prepared(school, learner, op)
    client = as_user(learner)
    before = learner_rows(learner)
    cut_at = 0
    while True:
        cut_at += 1
        cut = CutConnection(cut_at)
        with connection.execute_wrapper(cut):
            response = send(client, school, op, attempt_id)
        if not cut.fired:
            break
        assert response.status_code == 503, (cut_at, response.status_code, response.content[:300])
        assert response["Content-Type"] == "application/json"
        assert error_codes(response) == ["database_unavailable"]
        assert learner_rows(learner) == before, f"statement {cut_at} of {op} left a partial write"
    assert response.status_code in SUCCESS[op], response.content
    after = learner_rows(learner)
    assert after != before
    assert partial_writes(school) == []
    again = send(client, school, op, attempt_id)  # the client's retry after its 503s
    if op != "step":
        assert again.status_code == 200, again.content
        assert learner_rows(learner) == after
    record_figures(f"test_database_drops::cut[{op}]", statements_cut=cut_at - 1, answers_503=cut_at - 1,
                   partial_writes=0)


# --- PostgreSQL terminating the backends of live processes ------------------------------

STREAM_SECONDS = 90 if FULL else 20
LEARNERS = 400 if FULL else 60
CLIENTS = 4
OPS = ["enrol", "complete", "complete2", "join", "submit", "start"]

postgres_only = pytest.mark.skipif(not on_postgres(), reason="terminates PostgreSQL backends")


class Killer(threading.Thread):
    """Terminates every backend of the test database but its own and the test's, again and again."""

    def __init__(self, spare_pid: int):
        super().__init__(daemon=True)
        conf = connection.settings_dict
        self.conninfo = psycopg.conninfo.make_conninfo(
            dbname=conf["NAME"], user=conf.get("USER") or "postgres", password=conf.get("PASSWORD") or None,
            host=conf.get("HOST") or "127.0.0.1", port=conf.get("PORT") or 5432)
        self.spare_pid = spare_pid
        self.stopping = threading.Event()
        self.rounds = self.terminated = 0

    def kill_once(self) -> int:
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            killed = conn.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
                [self.spare_pid]).fetchone()[0]
        self.rounds += 1
        self.terminated += killed
        return killed

    def run(self):
        rng = random.Random(8)
        while not self.stopping.wait(rng.uniform(0.05, 0.4)):
            self.kill_once()


class Learner:
    def __init__(self, user, token, key):
        self.user, self.token, self.key = user, token, key
        self.done: set[str] = set()


class Client(threading.Thread):
    """A learner's app: each write retried on 503, as the API error says to."""

    def __init__(self, base, school, learners, deadline, answers):
        super().__init__(daemon=True)
        self.host, self.port = base.removeprefix("http://").split(":")
        self.school, self.learners, self.deadline, self.answers = school, learners, deadline, answers
        self.conn = None

    def request(self, learner, op):
        path, body, headers = write_request(self.school, op, learner.key)
        headers = {**headers, "Authorization": f"Bearer {learner.token}", "Content-Type": "application/json"}
        for _ in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, int(self.port), timeout=60)
                self.conn.request("POST", path, body=json.dumps(body) if body is not None else None, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.getheader("Content-Type", ""), response.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn = None  # the server closed a kept-alive connection: open another once
        return 0, "", b"no answer"

    def run(self):
        for learner in self.learners:
            if time.monotonic() > self.deadline:
                return
            for op in OPS:
                for _ in range(40):
                    status, content_type, body = self.request(learner, op)
                    self.answers.append((op, status, content_type, body))
                    if status != 503:
                        break
                    time.sleep(0.05)
                if status in SUCCESS[op]:
                    learner.done.add(op)
                else:
                    break  # the learner's next writes would not make sense


def is_error_shape_503(status, content_type, body) -> bool:
    if status != 503 or not content_type.startswith("application/json"):
        return False
    data = json.loads(body)
    return set(data) == {"type", "errors"} and data["errors"][0]["code"] == "database_unavailable"


@postgres_only
@pytest.mark.worker
def test_backends_terminated_under_a_stream_of_writes(real_broker):
    school = make_school()
    users = [make_user() for _ in range(LEARNERS)]
    learners = [Learner(u, token_issue(user=u), f"l{u.pk}") for u in users]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        killer = Killer(spare_pid=cursor.fetchone()[0])
    answers: list = []

    with running_server(server_env()) as (server, base), running_worker(concurrency=2):
        workers_before = child_pids(server.pid)
        deadline = time.monotonic() + STREAM_SECONDS
        clients = [Client(base, school, learners[i::CLIENTS], deadline, answers) for i in range(CLIENTS)]
        killer.start()
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=STREAM_SECONDS + 120)
        killer.stopping.set()
        killer.join()

        # Recovery: drop every connection once more, then the same processes answer at once.
        killer.kill_once()
        late = [Learner(u, token_issue(user=u), f"late{u.pk}") for u in (make_user() for _ in range(CLIENTS * 2))]
        recovery = Client(base, school, late, time.monotonic() + 60, [])
        for learner in late:
            for op in OPS:
                status, _, body = recovery.request(learner, op)
                assert status in SUCCESS[op], f"after the drops, {op} answered {status}: {body[:300]}"
                learner.done.add(op)
        assert child_pids(server.pid) == workers_before, "gunicorn replaced a worker process"
        assert server.poll() is None
        # The grading worker's connection was dropped too: its next task succeeds, without the sweep.
        first = Attempt.objects.filter(learner=late[0].user, idempotency_key=f"submit-{late[0].key}").get()
        assert wait_for(lambda: Attempt.objects.filter(pk=first.pk, status="graded").exists(), timeout=30), \
            "the worker did not grade the first attempt after its connection was dropped"

        # Tasks that met a dropped connection left their attempts to the sweep.
        attempts_sweep(now=timezone.now() + timedelta(hours=1), limit=10_000)
        submitted = Attempt.objects.exclude(status="in_progress")
        assert wait_for(lambda: not submitted.exclude(status="graded").exists(), timeout=120), \
            list(submitted.exclude(status="graded").values_list("id", "status", "last_error"))

    statuses = [status for _, status, _, _ in answers]
    bad = [(op, status, body[:200]) for op, status, ct, body in answers
           if status not in SUCCESS[op] and not is_error_shape_503(status, ct, body)]
    assert bad == [], bad[:10]
    assert killer.terminated > 0 and statuses.count(503) > 0, "no request met a dropped connection"
    assert partial_writes(school) == []
    # Nothing lost: each write that answered success is in the database, once.
    everyone = learners + late
    finished = [learner for learner in everyone if learner.done == set(OPS)]
    assert len(finished) >= len(late) + CLIENTS
    for learner in everyone:
        rows = learner_rows(learner.user)
        assert ("enrol" in learner.done) <= ((school.course.pk, "self") in rows["enrolments"])
        assert len([k for k, *_ in rows["attempts"] if k == f"submit-{learner.key}"]) == ("submit" in learner.done)
        assert len([k for k, *_ in rows["attempts"] if k == f"start-{learner.key}"]) == ("start" in learner.done)
        assert ("join" in learner.done) <= (school.school_class.pk in rows["memberships"])
        assert ("complete2" in learner.done) <= (len(rows["completions"]) == 2)
    per_attempt = Grading.objects.filter(kind="automatic").values("attempt").annotate(n=Count("id"))
    duplicates = sum(row["n"] - 1 for row in per_attempt)
    assert duplicates == 0
    record_figures("test_database_drops::stream", seconds=STREAM_SECONDS, requests=len(answers),
                   successes=len(answers) - statuses.count(503), answers_503=statuses.count(503),
                   other_5xx=len([s for s in statuses if s >= 500 and s != 503]), kill_rounds=killer.rounds,
                   backends_terminated=killer.terminated, learners_finished=len(finished),
                   attempts_graded=submitted.count(), duplicates=duplicates, partial_writes=0)
