"""Fault 5 (issue 14, item 4): a cluster loses a web host and a worker in the middle of a mixed load.

Two gunicorn masters and two Celery workers (plus beat), each host in its own network namespace
(tests/faults/cluster.py), share PostgreSQL and Redis. Learners sign in, read the course, enrol,
complete lessons, submit a scenario path and a quiz, and read their progress, each learner through
one web host as a balancer would pin them. When a third of them are done, the first worker hangs
(SIGSTOP) for two seconds, then it and the first web host are SIGKILLed. A request the dead host
held may fail, and its learner's client sends it again to the other host (writes are idempotent
or carry an Idempotency-Key). Afterwards: every write a host acknowledged with a 2xx is stored,
every attempt is graded exactly once, the surviving host answered every request it got, and the
surviving worker (with beat's sweep, which re-queues what the dead worker held) graded everything.
CI runs 24 learners; `make cluster` and `make faults` (PARLEY_FAULTS=1) 160.

It needs PostgreSQL and Redis: on the embedded defaults (DATABASE_URL unset) it is skipped.
"""
import http.client
import json
import os
import queue
import threading
import time
from collections import Counter, defaultdict

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import connection
from django.db.models import Count

from accounts.services import token_issue
from assessments.models import Attempt, Grading
from courses.models import Enrolment, LessonRead

from .. import workers
from ..factories import (
    PASSING_PATH,
    QUIZ,
    SPEC_PATH,
    course_lessons,
    import_exercise,
    make_academy,
    make_course,
    make_user,
)
from ..integration.conftest import restore_wagtail_base_rows
from .cluster import Cluster, wait_until
from .conftest import FULL, record_figures

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

LEARNERS = 160 if FULL else 24
CLIENTS = 4
KILL_AFTER_SHARE = 1 / 3
FREEZE_SECONDS = 2.0
PASSWORD = "cluster-Secret-481"
SIGN_IN_EVERY = 3  # every third learner signs in with a password (PBKDF2 at full cost); the rest hold a token
STUCK_AFTER_SECONDS = 8
SWEEP_SECONDS = 4
REDIS = os.environ.get("PARLEY_CLUSTER_REDIS", "redis://127.0.0.1:6379")
QUIZ_ANSWERS = [{"q1": ["b"], "q2": "BATNA"}, {"q1": ["a"], "q2": "walk away"}]


def postgres_and_redis() -> str | None:
    if connection.vendor != "postgresql":
        return "needs PostgreSQL and Redis (set DATABASE_URL to a PostgreSQL database): the embedded default " \
               "(SQLite, file broker) runs on one host"
    try:
        import redis

        redis.Redis.from_url(f"{REDIS}/7", socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        return f"needs Redis at {REDIS} ({type(exc).__name__})"
    return None


class Answer:
    __slots__ = ("host", "op", "status", "body", "started", "error", "learner", "target")

    def __init__(self, host, op, learner, target, started):
        self.host, self.op, self.learner, self.target, self.started = host, op, learner, target, started
        self.status = self.body = self.error = None

    def __repr__(self):
        return f"{self.op}@{self.host}:{self.status or self.error}"

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Learner:
    """One learner's session against one web host, failing over to the other when a request gets no answer."""

    def __init__(self, index: int, user, token: str | None, world: dict, hosts: dict, dead: set, log: list,
                 lock: threading.Lock):
        self.index, self.user, self.token, self.world = index, user, token, world
        self.hosts, self.dead, self.log, self.lock = hosts, dead, log, lock
        self.host = "web1" if index % 2 == 0 else "web2"
        self.conn = None

    def _connect(self):
        address = self.hosts[self.host].removeprefix("http://")
        name, port = address.split(":")
        self.conn = http.client.HTTPConnection(name, int(port), timeout=30)

    def call(self, op: str, method: str, path: str, body=None, key: str | None = None, target=None):
        for _ in range(2):  # the first host, then the other once a request got no answer
            answer = Answer(self.host, op, self.user.pk, target, time.monotonic())
            headers = {"Accept": "application/json"}
            if body is not None:
                headers["Content-Type"] = "application/json"
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            if key:
                headers["Idempotency-Key"] = key
            try:
                if self.conn is None:
                    self._connect()
                self.conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                answer.status = response.status
                answer.body = json.loads(raw) if raw and response.getheader("Content-Type", "").startswith(
                    "application/json") else None
            except (OSError, http.client.HTTPException) as exc:
                answer.error = type(exc).__name__
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
            with self.lock:
                self.log.append(answer)
            if answer.status is not None and answer.status < 500:
                return answer
            # No answer, or a 5xx from a host that is going away: the balancer sends it to the other host.
            self.host = "web2" if self.host == "web1" else "web1"
        return answer

    def session(self):
        w = self.world
        if self.token is None:
            answer = self.call("sign_in", "POST", "/api/v1/auth/token/",
                               {"username": self.user.username, "password": PASSWORD})
            if not answer.ok:
                return
            self.token = answer.body["token"]
        self.call("course", "GET", f"/api/v1/courses/{w['course']}/")
        self.call("enrol", "POST", f"/api/v1/courses/{w['course']}/enrol/", target=w["course"])
        self.call("complete", "POST", f"/api/v1/lessons/{w['lessons'][0]}/complete/", target=w["lessons"][0])
        self.call("scenario", "POST", f"/api/v1/exercises/{w['scenario']}/attempts/",
                  {"steps": (SPEC_PATH, PASSING_PATH)[self.index % 2]}, key=f"cluster-s-{self.index}")
        self.call("complete", "POST", f"/api/v1/lessons/{w['lessons'][1]}/complete/", target=w["lessons"][1])
        self.call("quiz", "POST", f"/api/v1/exercises/{w['quiz']}/attempts/",
                  {"answers": QUIZ_ANSWERS[self.index % 2]}, key=f"cluster-q-{self.index}")
        self.call("progress", "GET", f"/api/v1/courses/{w['course']}/progress/")
        if self.conn is not None:
            self.conn.close()


def client_loop(todo: queue.Queue, done: list, lock: threading.Lock):
    while True:
        learner = todo.get()
        if learner is None:  # the test's signal: no more learners
            return
        learner.session()
        with lock:
            done.append(learner.index)


def stored_writes_missing(log: list) -> list:
    """Acknowledged writes that are not in the database."""
    missing = []
    for a in log:
        if not a.ok:
            continue
        if a.op == "enrol" and not Enrolment.objects.filter(learner_id=a.learner, course_id=a.target).exists():
            missing.append(("enrol", a.learner))
        elif a.op == "complete" and not LessonRead.objects.filter(learner_id=a.learner,
                                                                        lesson_id=a.target).exists():
            missing.append(("complete", a.learner, a.target))
        elif a.op in ("scenario", "quiz") and not Attempt.objects.filter(
                pk=a.body["id"], learner_id=a.learner, submitted_at__isnull=False).exists():
            missing.append((a.op, a.learner, a.body["id"]))
    return missing


def test_a_cluster_that_loses_a_web_host_and_a_worker_mid_load_keeps_every_write_and_grades_each_attempt_once(
        transactional_db, tmp_path):
    reason = postgres_and_redis()
    if reason:
        pytest.skip(reason)
    import redis

    restore_wagtail_base_rows()
    academy = make_academy()
    course = make_course(academy, modules=1, lessons=2)
    scenario = import_exercise(academy, visibility="practice")
    quiz = import_exercise(academy, document=QUIZ, visibility="practice")
    world = {"course": course.pk, "lessons": [lesson.pk for lesson in course_lessons(course)],
             "scenario": scenario.pk, "quiz": quiz.pk}
    # The web hosts check passwords with the production hasher: one hash, made once, for every learner.
    encoded = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    users = [make_user() for _ in range(LEARNERS)]
    type(users[0]).objects.filter(pk__in=[u.pk for u in users]).update(password=encoded)
    tokens = [None if i % SIGN_IN_EVERY == 0 else token_issue(user=u) for i, u in enumerate(users)]
    for db in (7, 8):
        redis.Redis.from_url(f"{REDIS}/{db}").flushdb()

    cluster = Cluster(database_url=workers.test_database_url(), broker_url=f"{REDIS}/7", cache_url=f"{REDIS}/8",
                      logs=tmp_path / "cluster",
                      env_extra={"GRADING_STUCK_AFTER_SECONDS": str(STUCK_AFTER_SECONDS),
                                 "GRADING_SWEEP_SECONDS": str(SWEEP_SECONDS)})
    attempts = Attempt.objects.filter(exercise__in=[scenario, quiz])
    try:
        cluster.start()
        hosts = {name: cluster.members[name].url for name in ("web1", "web2")}
        log, done, lock, dead = [], [], threading.Lock(), set()
        todo = queue.Queue()
        learners = [Learner(i, user, tokens[i], world, hosts, dead, log, lock) for i, user in enumerate(users)]
        # A third of the learners wait until after the kill: on a fast machine the others could all
        # finish during the freeze, and nothing would then reach the surviving host after the kill.
        held_back = learners[len(learners) * 2 // 3:]
        for learner in learners[:len(learners) * 2 // 3]:
            todo.put(learner)
        clients = [threading.Thread(target=client_loop, args=(todo, done, lock), daemon=True) for _ in range(CLIENTS)]
        started = time.monotonic()
        for client in clients:
            client.start()
        assert wait_until(lambda: len(done) >= LEARNERS * KILL_AFTER_SHARE, 60 + LEARNERS * 3), \
            f"{len(done)} sessions in the time allowed\n{cluster.members['web1'].tail()}"
        # The first worker hangs for a moment before it dies, as a failing host does: what it fetched in that
        # moment is lost with it, and only beat's sweep can bring it back.
        cluster.members["wk1"].freeze()
        time.sleep(FREEZE_SECONDS)
        cluster.members["web1"].kill()
        cluster.members["wk1"].kill()
        killed_at = time.monotonic()
        for learner in held_back:
            todo.put(learner)
        for _ in clients:
            todo.put(None)
        ungraded_at_kill = attempts.exclude(status="graded").count()
        sessions_at_kill = len(done)
        for client in clients:
            client.join(timeout=60 + LEARNERS * 3)
        assert not any(client.is_alive() for client in clients), "a client hung"
        load_seconds = time.monotonic() - started
        assert len(done) == LEARNERS

        answers = list(log)
        expected = sum(1 for a in answers if a.ok and a.op in ("scenario", "quiz"))
        all_graded = wait_until(lambda: attempts.filter(status="graded").count() >= expected
                                and not attempts.exclude(status="graded").exists(),
                                60 + STUCK_AFTER_SECONDS + 2 * SWEEP_SECONDS + LEARNERS)
        graded_after = time.monotonic() - started
        statuses = Counter(attempts.values_list("status", flat=True))
        assert all_graded, f"attempts {statuses}\nwk2:\n{cluster.members['wk2'].tail()}\nbeat:\n" \
                           f"{cluster.members['beat'].tail()}"
        survivors_alive = {name: cluster.members[name].alive() for name in ("web2", "wk2", "beat")}
        dead_now = {name: cluster.members[name].alive() for name in ("web1", "wk1")}
    finally:
        cluster.stop()

    assert dead_now == {"web1": False, "wk1": False}, dead_now
    assert survivors_alive == {"web2": True, "wk2": True, "beat": True}, survivors_alive
    # Nothing acknowledged is lost.
    assert stored_writes_missing(answers) == []
    # Every learner got through: each op ended in a 2xx, on one host or the other.
    by_learner = defaultdict(list)
    for a in answers:
        by_learner[a.learner].append(a)
    unfinished = [learner for learner, rows in by_learner.items()
                  if not any(r.ok and r.op == "progress" for r in rows)]
    assert unfinished == [], f"{len(unfinished)} learners did not get to the end"
    # The surviving host answered every request it got, before and after the kill.
    web2 = [a for a in answers if a.host == "web2"]
    assert [a for a in web2 if not a.ok][:5] == []
    after_kill = [a for a in web2 if a.started > killed_at]
    assert after_kill, "no request reached the surviving host after the kill: the test proved nothing"
    # Failures only where the dead host held or refused the request, and no 4xx anywhere.
    failed = [a for a in answers if not a.ok]
    assert {a.host for a in failed} <= {"web1"}
    assert [a for a in failed if a.status is not None and a.status < 500] == []
    assert [a for a in failed if a.started < killed_at - 5.0] == [], "web1 failed before it was killed"
    # Each attempt graded exactly once, by the automatic grading.
    per_attempt = Counter(Grading.objects.filter(attempt__in=attempts, kind="automatic")
                          .values("attempt").annotate(n=Count("id")).values_list("n", flat=True))
    total = attempts.count()
    assert total == len({a.body["id"] for a in answers if a.ok and a.op in ("scenario", "quiz")})
    assert per_attempt == {1: total}, per_attempt
    lags = sorted((a.graded_at - a.submitted_at).total_seconds()
                  for a in attempts.only("graded_at", "submitted_at"))
    swept = sum(1 for lag in lags if lag > STUCK_AFTER_SECONDS)
    web1_after = [a for a in answers if a.host == "web1" and a.started >= killed_at]
    record_figures(
        "test_cluster", isolation=cluster.isolation, learners=LEARNERS, clients=CLIENTS,
        requests=len(answers), ok=sum(a.ok for a in answers),
        failed_on_dead_host=Counter(a.op for a in failed), failed_in_flight=sum(1 for a in failed
                                                                               if a.started < killed_at),
        web1_refused_after_kill=len(web1_after), web2_requests=len(web2), web2_after_kill=len(after_kill),
        sessions_at_kill=sessions_at_kill, attempts=total, ungraded_at_kill=ungraded_at_kill,
        graded_late_by_the_sweep=swept, grading_lag_max_s=round(lags[-1], 1) if lags else None,
        load_s=round(load_seconds, 1), all_graded_after_s=round(graded_after, 1), lost_writes=0,
        duplicates=sum(n - 1 for n in per_attempt.elements() if n > 1),
        stuck_after_s=STUCK_AFTER_SECONDS, sweep_every_s=SWEEP_SECONDS)
