"""A small closed-loop HTTP load generator: threads and http.client, loopback only.

Each virtual user keeps one keep-alive connection, plays a weighted mix of
requests with no think time, and stops at the deadline or when the shared
request budget is spent, whichever comes first. Nothing here retries a failed
request: every non-2xx answer and every exception counts as an error.
"""
import http.client
import json
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from .stats import summary_ms

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Client:
    """One keep-alive HTTP/1.1 connection to the server under test."""

    def __init__(self, host: str, port: int, timeout: float = 30.0):
        if host not in LOOPBACK:
            raise ValueError("the load generator only targets this machine's loopback address")
        self.host, self.port, self.timeout = host, port, timeout
        self.conn = None

    def request(self, method: str, path: str, token: str | None = None, body=None, headers=None):
        """(status, parsed JSON or None, seconds). Reconnects once if the server closed an idle connection."""
        data = None if body is None else json.dumps(body).encode()
        head = {"Accept": "application/json", "Host": f"{self.host}:{self.port}"}
        if data is not None:
            head["Content-Type"] = "application/json"
        if token:
            head["Authorization"] = f"Bearer {token}"
        head.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=head)
                response = self.conn.getresponse()
                raw = response.read()
                elapsed = time.perf_counter() - started
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
                continue  # a keep-alive connection the server had closed: not a failed request
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            return response.status, parsed, elapsed
        raise RuntimeError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Learner:
    token: str
    attempt_id: int | None = None
    node: str | None = None


@dataclass
class Recorder:
    latencies: dict = field(default_factory=lambda: defaultdict(list))
    errors: dict = field(default_factory=lambda: defaultdict(int))
    samples: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name: str, status: int | None, seconds: float, ok_statuses=(200, 201, 202)):
        with self.lock:
            if status in ok_statuses:
                self.latencies[name].append(seconds)
            else:
                self.errors[name] += 1
                if len(self.samples) < 20:
                    self.samples.append({"endpoint": name, "status": status})


# The mix: (weight, endpoint name). Scenario steps are single moves of a learner's open attempt.
MIX = [
    (10, "catalogue"),
    (8, "course"),
    (20, "lesson"),
    (16, "progress"),
    (6, "complete"),
    (32, "step"),
    (8, "submit"),
]


class VirtualUser(threading.Thread):
    def __init__(self, index: int, host: str, port: int, plan: dict, learners: list[Learner], recorder: Recorder,
                 deadline: float, budget: "Budget"):
        super().__init__(name=f"vu-{index}", daemon=True)
        self.rng = random.Random(index)
        self.client = Client(host, port)
        self.plan, self.learners, self.recorder = plan, learners, recorder
        self.deadline, self.budget = deadline, budget
        self.names = [name for _, name in MIX]
        self.weights = [weight for weight, _ in MIX]
        self.turn = 0

    def run(self):
        try:
            while time.monotonic() < self.deadline and self.budget.take():
                learner = self.learners[self.turn % len(self.learners)]
                self.turn += 1
                name = self.rng.choices(self.names, self.weights)[0]
                try:
                    getattr(self, f"do_{name}")(learner)
                except Exception:  # noqa: BLE001 - a failed request is counted, the user goes on
                    self.recorder.record(name, None, 0.0)
                    self.client.close()
        finally:
            self.client.close()

    def _call(self, name, method, path, learner=None, body=None, ok=(200, 201, 202)):
        status, data, seconds = self.client.request(method, path, learner.token if learner else None, body)
        self.recorder.record(name, status, seconds, ok)
        return status, data

    def do_catalogue(self, learner):
        self._call("catalogue", "GET", "/api/v1/courses/")

    def do_course(self, learner):
        self._call("course", "GET", f"/api/v1/courses/{self.plan['course']}/")

    def do_lesson(self, learner):
        lesson = self.rng.choice(self.plan["lessons"])
        self._call("lesson", "GET", f"/api/v1/lessons/{lesson}/", learner)

    def do_progress(self, learner):
        self._call("progress", "GET", f"/api/v1/courses/{self.plan['course']}/progress/", learner)

    def do_complete(self, learner):
        lesson = self.rng.choice(self.plan["lessons"])
        self._call("complete", "POST", f"/api/v1/lessons/{lesson}/complete/", learner)

    def do_step(self, learner):
        if learner.attempt_id is None:
            status, data = self._call("start", "POST", f"/api/v1/exercises/{self.plan['exercise']}/attempts/",
                                      learner, body={})
            if status == 201 and data:
                learner.attempt_id, learner.node = data["id"], data["node"]["id"]
            return
        move = self.plan["moves"][learner.node]
        status, data = self._call("step", "POST", f"/api/v1/attempts/{learner.attempt_id}/steps/", learner, move)
        if status == 200 and data and data["status"] == "in_progress":
            learner.node = data["node"]["id"]
        else:
            learner.attempt_id = learner.node = None  # submitted for grading (or failed): start another

    def do_submit(self, learner):
        self._call("submit", "POST", f"/api/v1/exercises/{self.plan['exercise']}/attempts/", learner,
                   body=self.plan["path"])


class Budget:
    """A shared, thread-safe request budget."""

    def __init__(self, total: int):
        self.left = total
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def run(host: str, port: int, plan: dict, tokens: list[str], users: int, seconds: float, max_requests: int) -> dict:
    """Run `users` virtual users for at most `seconds` and `max_requests`; return the figures."""
    recorder = Recorder()
    per_user = max(1, len(tokens) // users)
    learners = [Learner(token) for token in tokens]
    budget = Budget(max_requests)
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        VirtualUser(i, host, port, plan, learners[i * per_user:(i + 1) * per_user] or learners[:1], recorder,
                    deadline, budget)
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    endpoints = {}
    total_ok = 0
    for name in sorted(set(recorder.latencies) | set(recorder.errors)):
        figures = summary_ms(recorder.latencies.get(name, []))
        figures["errors"] = recorder.errors.get(name, 0)
        total_ok += len(recorder.latencies.get(name, []))
        endpoints[name] = figures
    errors = sum(recorder.errors.values())
    return {
        "users": users,
        "seconds": round(elapsed, 2),
        "requests": total_ok + errors,
        "throughput_rps": round((total_ok + errors) / elapsed, 1),
        "errors": errors,
        "error_samples": recorder.samples,
        "endpoints": endpoints,
        "all": summary_ms([s for values in recorder.latencies.values() for s in values]),
    }
