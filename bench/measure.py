"""The measurements B1 to B7. Each returns plain figures; run.py records them."""
import json
import time
import timeit

from . import loadgen, scenarios
from .stats import percentile, ratio, summary_ms

HOST = "127.0.0.1"


# --- B1: a learner's course progress against GET /me/, over HTTP -------------------------


def b1_progress(port: int, course_id: int, token: str, rounds: int, warmup: int) -> dict:
    """Sequential requests on one keep-alive connection, the two endpoints interleaved
    (alternating which goes first) so that drift hits both alike."""
    client = loadgen.Client(HOST, port)
    paths = {"progress": f"/api/v1/courses/{course_id}/progress/", "me": "/api/v1/me/"}
    times = {"progress": [], "me": []}
    body = None
    for i in range(warmup + rounds):
        for name in (("progress", "me") if i % 2 else ("me", "progress")):
            status, data, seconds = client.request("GET", paths[name], token)
            if status != 200:
                raise RuntimeError(f"B1: GET {paths[name]} answered {status}: {data}")
            if i >= warmup:
                times[name].append(seconds)
            if name == "progress":
                body = data
    client.close()
    progress, me = summary_ms(times["progress"]), summary_ms(times["me"])
    return {
        "progress": progress,
        "me": me,
        "median_ratio": ratio(progress["p50"], me["p50"]),
        "p95_ratio": ratio(progress["p95"], me["p95"]),
        "lessons": body["total_lessons"],
        "completed": body["completed_lessons"],
    }


def b10_debrief(port: int, attempt_id: int, token: str, rounds: int, warmup: int) -> dict:
    """B10: GET /api/v1/attempts/{id}/debrief/ against GET /api/v1/attempts/{id}/ of the same graded attempt,
    interleaved on one keep-alive connection as B1 does (alternating which goes first)."""
    client = loadgen.Client(HOST, port)
    paths = {"debrief": f"/api/v1/attempts/{attempt_id}/debrief/", "attempt": f"/api/v1/attempts/{attempt_id}/"}
    times = {"debrief": [], "attempt": []}
    steps = 0
    for i in range(warmup + rounds):
        for name in (("debrief", "attempt") if i % 2 else ("attempt", "debrief")):
            status, data, seconds = client.request("GET", paths[name], token)
            if status != 200:
                raise RuntimeError(f"B10: GET {paths[name]} answered {status}: {data}")
            if i >= warmup:
                times[name].append(seconds)
            if name == "debrief":
                steps = len(data["steps"])
    client.close()
    debrief, attempt = summary_ms(times["debrief"]), summary_ms(times["attempt"])
    return {"debrief": debrief, "attempt": attempt, "median_ratio": ratio(debrief["p50"], attempt["p50"]),
            "p95_ratio": ratio(debrief["p95"], attempt["p95"]), "steps": steps}


# --- B2: the class matrix against one raw SQL query + json ----------------------------------


def _raw_sql() -> str:
    from wagtail.models import Page

    from accounts.models import User
    from assessments.models import Attempt
    from cms.models import LessonExercise, LessonPage
    from courses.models import Assignment, ClassMembership, Extension, LessonRead

    t = {
        "page": Page._meta.db_table, "lesson": LessonPage._meta.db_table, "user": User._meta.db_table,
        "assignment": Assignment._meta.db_table, "membership": ClassMembership._meta.db_table,
        "extension": Extension._meta.db_table, "completion": LessonRead._meta.db_table,
        "link": LessonExercise._meta.db_table, "attempt": Attempt._meta.db_table,
    }
    return f"""
WITH mods AS (
  SELECT a.id AS assignment_id, a.module_id, a.due_at, p.title, p.path
  FROM {t['assignment']} a JOIN {t['page']} p ON p.id = a.module_id
  WHERE a.school_class_id = %(cls)s AND p.live
), lessons AS (
  SELECT m.module_id, l.id AS lesson_id
  FROM mods m
  JOIN {t['page']} l ON l.path LIKE m.path || '%%' AND l.live
  JOIN {t['lesson']} lp ON lp.page_ptr_id = l.id
), students AS (
  SELECT cm.student_id, u.username, u.last_activity_at
  FROM {t['membership']} cm JOIN {t['user']} u ON u.id = cm.student_id
  WHERE cm.school_class_id = %(cls)s
), links AS (
  SELECT le.lesson_id, le.exercise_id FROM {t['link']} le JOIN lessons ls ON ls.lesson_id = le.lesson_id
), passed AS (
  SELECT DISTINCT at.learner_id, at.exercise_id
  FROM {t['attempt']} at JOIN students s ON s.student_id = at.learner_id
  WHERE at.exercise_id IN (SELECT exercise_id FROM links) AND at.status = 'graded' AND at.passed
), done AS (
  SELECT lc.learner_id, ls.module_id, count(*) AS n
  FROM {t['completion']} lc
  JOIN students s ON s.student_id = lc.learner_id
  JOIN lessons ls ON ls.lesson_id = lc.lesson_id
  WHERE NOT EXISTS (
    SELECT 1 FROM links le
    WHERE le.lesson_id = lc.lesson_id AND NOT EXISTS (
      SELECT 1 FROM passed p WHERE p.learner_id = lc.learner_id AND p.exercise_id = le.exercise_id))
  GROUP BY lc.learner_id, ls.module_id
), totals AS (
  SELECT module_id, count(*) AS n FROM lessons GROUP BY module_id
)
SELECT s.student_id, s.username, s.last_activity_at, m.module_id, m.assignment_id, m.title,
       COALESCE(e.due_at, m.due_at) AS due_at, m.due_at AS assignment_due, COALESCE(d.n, 0), COALESCE(t.n, 0)
FROM students s CROSS JOIN mods m
LEFT JOIN {t['extension']} e ON e.assignment_id = m.assignment_id AND e.student_id = s.student_id
LEFT JOIN done d ON d.learner_id = s.student_id AND d.module_id = m.module_id
LEFT JOIN totals t ON t.module_id = m.module_id
ORDER BY s.username, m.due_at, m.assignment_id
"""


def _iso(value):
    return value.isoformat()


def raw_matrix(cursor, sql: str, class_id: int, now) -> bytes:
    """The same matrix as courses.progress.class_progress, from one query, as JSON bytes."""
    cursor.execute(sql, {"cls": class_id})
    students, modules, seen = [], [], set()
    current = None
    for sid, username, last, module_id, assignment_id, title, due, assignment_due, done, total in cursor.fetchall():
        if current is None or current["id"] != sid:
            current = {"id": sid, "name": username, "last_activity_at": last, "modules": []}
            students.append(current)
        if assignment_id not in seen:
            seen.add(assignment_id)
            modules.append({"id": module_id, "title": title, "assignment": assignment_id, "due_at": assignment_due})
        percent = round(100.0 * done / total, 1) if total else 0.0
        current["modules"].append({"id": module_id, "assignment": assignment_id, "title": title, "percent": percent,
                                   "due_at": due, "overdue": due < now and percent < 100.0})
    return json.dumps({"class": class_id, "modules": modules, "students": students}, default=_iso).encode()


def _cells(matrix: dict) -> list:
    return [(row["id"], cell["assignment"], cell["percent"], cell["overdue"])
            for row in matrix["students"] for cell in row["modules"]]


def b2_class_matrix(class_id: int, reps: int, warmup: int) -> dict:
    """In this process: the selector plus DRF's JSON renderer, against raw SQL plus json.dumps.

    Interleaved, medians compared; the two outputs are checked to hold the same cells.
    """
    from django.db import connection
    from django.utils import timezone
    from rest_framework.renderers import JSONRenderer

    from courses.models import SchoolClass
    from courses.progress import class_progress

    school_class = SchoolClass.objects.get(pk=class_id)
    renderer = JSONRenderer()
    sql = _raw_sql()
    now = timezone.now()
    cursor = connection.cursor()

    def framework():
        return renderer.render(class_progress(school_class=school_class, now=now))

    def raw():
        return raw_matrix(cursor, sql, class_id, now)

    a, b = json.loads(framework()), json.loads(raw())
    if _cells(a) != _cells(b):
        raise RuntimeError("B2: the raw SQL matrix differs from class_progress; the comparison would be unfair")
    times = {"framework": [], "raw": []}
    for i in range(warmup + reps):
        pair = (("framework", framework), ("raw", raw))
        for name, fn in (pair if i % 2 else pair[::-1]):
            started = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - started
            if i >= warmup:
                times[name].append(elapsed)
    cursor.close()
    fw, rw = summary_ms(times["framework"]), summary_ms(times["raw"])
    return {"framework": fw, "raw": rw, "ratio": ratio(fw["p50"], rw["p50"]),
            "students": len(a["students"]), "modules": len(a["modules"]), "bytes": len(framework())}


def http_latency(port: int, path: str, token: str, rounds: int, warmup: int = 5) -> dict:
    client = loadgen.Client(HOST, port)
    times = []
    for i in range(warmup + rounds):
        status, data, seconds = client.request("GET", path, token)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}: {data}")
        if i >= warmup:
            times.append(seconds)
    client.close()
    return summary_ms(times)


# --- B4: grading throughput against a no-op task, through Redis -------------------------------


def queue_depth(redis, queue: str = "grading") -> int:
    waiting = sum(redis.llen(key) for key in redis.scan_iter(match=f"{queue}*") if redis.type(key) == b"list")
    return waiting + redis.hlen("unacked")


def drain_seconds(redis, ready_key: str, worker_alive, timeout: float, poll: float = 0.01) -> tuple[float, float]:
    """Wait for the worker to stamp its start, then for the queue and unacked set to empty.

    Returns (seconds from the worker's start of consuming to an empty queue, seconds waited for it to start).
    """
    started_wait = time.time()
    deadline = time.monotonic() + timeout
    ready = None
    while ready is None:
        raw = redis.get(ready_key)
        if raw is not None:
            ready = float(raw)
        elif not worker_alive() or time.monotonic() > deadline:
            raise RuntimeError("the worker did not start")
        else:
            time.sleep(poll)
    while queue_depth(redis):
        if not worker_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the worker stopped or timed out with {queue_depth(redis)} tasks left")
        time.sleep(poll)
    return time.time() - ready, ready - started_wait


# --- B5: the engine alone ------------------------------------------------------------------------


def _best_us(fn, budget_s: float) -> dict:
    """Median and best of several timing runs of `fn`, in µs per call."""
    timer = timeit.Timer(fn)
    number, elapsed = timer.autorange()
    per_run = max(1, number)
    runs = max(5, min(30, int(budget_s / max(elapsed, 1e-6))))
    samples = [t / per_run * 1e6 for t in timer.repeat(repeat=runs, number=per_run)]
    return {"median_us": round(percentile(samples, 50), 1), "best_us": round(min(samples), 1), "runs": runs,
            "calls_per_run": per_run}


def _pair_us(first, second, budget_s: float) -> tuple[dict, dict]:
    """Two timings interleaved run by run, so a burst of outside load hits both alike."""
    number, elapsed = timeit.Timer(first).autorange()
    runs = max(9, min(41, int(2 * budget_s / max(elapsed, 1e-6))))
    samples = ([], [])
    for i in range(runs):
        for which, fn in ((0, first), (1, second)) if i % 2 else ((1, second), (0, first)):
            samples[which].append(timeit.Timer(fn).timeit(number) / number * 1e6)
    return tuple({"median_us": round(percentile(s, 50), 1), "best_us": round(min(s), 1), "runs": runs,
                  "calls_per_run": number} for s in samples)


def b5_engine(nodes: int, budget_s: float) -> dict:
    from assessments import grading
    from assessments.grading import scenario_scoring

    doc = scenarios.scenario(nodes)
    answers = scenarios.path(doc, prefer="on")
    problems = grading.validate_document(doc)
    if problems:
        raise RuntimeError(f"B5: the synthetic scenario is invalid: {problems[:3]}")
    bounds = grading.compute_bounds(doc)
    expected = grading.grade(doc, answers, bounds=None)
    if grading.grade(doc, answers, bounds=bounds) != expected:
        raise RuntimeError("B5: grading with stored bounds differs from grading without")

    # Count bound computations during a grade with the stored bounds.
    calls = {"n": 0}
    original = scenario_scoring.scenario_bounds

    def counting(*args, **kwargs):
        calls["n"] += 1
        return original(*args, **kwargs)

    scenario_scoring.scenario_bounds = counting
    try:
        grading.grade(doc, answers, bounds=bounds)
        with_stored = calls["n"]
        calls["n"] = 0
        grading.grade(doc, answers, bounds=None)
        without = calls["n"]
    finally:
        scenario_scoring.scenario_bounds = original

    normalised = grading.normalise_document(doc)
    stored, recomputed = _pair_us(lambda: grading.grade(doc, answers, bounds=bounds),
                                  lambda: grading.grade(doc, answers, bounds=None), budget_s)
    return {
        "nodes": len(doc["nodes"]),
        "path_steps": len(answers["steps"]),
        "replies": sum(1 for s in answers["steps"] if "reply" in s),
        "document_bytes": len(json.dumps(doc)),
        "grade_stored_bounds": stored,
        "grade_no_bounds": recomputed,
        "validate": _best_us(lambda: grading.validate_document(doc), budget_s),
        "compute_bounds": _best_us(lambda: grading.compute_bounds(doc), budget_s),
        "normalise": _best_us(lambda: grading.normalise_document(doc), budget_s),
        "score_only": _best_us(lambda: scenario_scoring.grade_scenario(normalised, answers, bounds, None), budget_s),
        "bounds_calls_with_stored": with_stored,
        "bounds_calls_without": without,
    }


def bounds_calls_in_service(attempt_id: int) -> int:
    """Grade one stored attempt through the service, counting bound computations (expected 0)."""
    from assessments import services
    from assessments.grading import scenario_scoring

    calls = {"n": 0}
    original = scenario_scoring.scenario_bounds

    def counting(*args, **kwargs):
        calls["n"] += 1
        return original(*args, **kwargs)

    scenario_scoring.scenario_bounds = counting
    try:
        outcome = services.attempt_grade(attempt_id=attempt_id)
    finally:
        scenario_scoring.scenario_bounds = original
    if outcome != "graded":
        raise RuntimeError(f"B5: the service did not grade attempt {attempt_id} ({outcome})")
    return calls["n"]


def service_grade_ms(attempt_ids: list[int], batch_size: int = 1) -> dict:
    """attempt_grade in this process, no broker: what one grading costs the worker's child.

    With batch_size 1 each call grades its own attempt only; with more, a call
    takes waiting attempts with it (as under a backlog), the later calls for
    those find them graded, and the figures are per attempt graded.
    """
    from django.test.utils import override_settings

    from assessments import services

    times = []
    with override_settings(GRADING_BATCH_SIZE=batch_size):
        for attempt_id in attempt_ids:
            started = time.perf_counter()
            outcome = services.attempt_grade(attempt_id=attempt_id)
            if outcome == "graded":
                times.append(time.perf_counter() - started)
    if batch_size == 1:
        return summary_ms(times)
    per_attempt = sum(times) / len(attempt_ids)
    return {"batches": len(times), "attempts": len(attempt_ids), "per_attempt_ms": round(per_attempt * 1000, 3),
            "batch_p50_ms": summary_ms(times)["p50"]}
