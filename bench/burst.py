"""B8: a deadline burst. Many learners submit a whole scenario path within one window, while a probe
reads GET /api/v1/me/ in the same run; grading lag comes from the database's own timestamps.

Open loop: each learner's submission has an arrival time drawn uniformly at random in the window
(fixed seed), and a pool of sender threads sends each at its time on a keep-alive connection of
their own. A sender that is still busy when the next arrival is due sends it late; that start delay
is reported beside the latencies, so a server that falls behind cannot hide it. Nothing retries.
"""
import os
import random
import threading
import time
from pathlib import Path

from . import loadgen
from .stats import percentile, summary_ms

SENDERS = 64
ME_EVERY = 0.1  # seconds between two probe reads of GET /me/
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids) -> float:
    """User + system CPU time the processes used so far, from /proc/<pid>/stat."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def run(host: str, port: int, exercise_id: int, body: dict, tokens: list[str], me_token: str,
        seconds: float) -> dict:
    rng = random.Random(8)
    arrivals = sorted(rng.uniform(0, seconds) for _ in tokens)
    lock = threading.Lock()
    state = {"next": 0}
    submits, delays, errors, samples, ids = [], [], 0, [], []
    me_times, me_errors = [], 0
    start = time.monotonic() + 0.5
    done = threading.Event()

    def sender(index: int):
        nonlocal errors
        client = loadgen.Client(host, port)
        try:
            while True:
                with lock:
                    i = state["next"]
                    if i >= len(arrivals):
                        return
                    state["next"] = i + 1
                due = start + arrivals[i]
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                late = max(0.0, time.monotonic() - due)
                try:
                    status, data, elapsed = client.request(
                        "POST", f"/api/v1/exercises/{exercise_id}/attempts/", tokens[i], body,
                        headers={"Idempotency-Key": f"b8-{i}"})
                except Exception as exc:  # noqa: BLE001 - counted, never retried
                    status, data, elapsed = None, repr(exc), 0.0
                    client.close()
                with lock:
                    delays.append(late)
                    if status == 202:
                        submits.append(elapsed)
                        ids.append(data["id"])
                    else:
                        errors += 1
                        if len(samples) < 10:
                            samples.append({"status": status, "body": str(data)[:200]})
        finally:
            client.close()

    def prober():
        nonlocal me_errors
        client = loadgen.Client(host, port)
        try:
            while not done.is_set() and time.monotonic() < start + seconds + 120:
                status, _, elapsed = client.request("GET", "/api/v1/me/", me_token)
                if status == 200:
                    me_times.append(elapsed)
                else:
                    me_errors += 1
                time.sleep(ME_EVERY)
        finally:
            client.close()

    probe = threading.Thread(target=prober, daemon=True)
    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(SENDERS)]
    while time.monotonic() < start - 0.4:
        time.sleep(0.01)
    probe.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 300)
    ended = time.monotonic()
    done.set()
    probe.join(timeout=10)
    return {
        "learners": len(tokens),
        "window_seconds": seconds,
        "burst_seconds": round(ended - start, 2),
        "burst_ended_epoch": time.time() - (time.monotonic() - ended),
        "accepted": len(submits),
        "errors": errors,
        "error_samples": samples,
        "submit": summary_ms(submits),
        "start_delay": summary_ms(delays),
        "me": summary_ms(me_times),
        "me_errors": me_errors,
        "attempt_ids": ids,
    }


def grading_lag(attempt_ids: list[int], burst_ended_epoch: float, timeout: float = 300) -> dict:
    """Wait (bounded) until every burst attempt is graded; lag = graded_at - submitted_at, from the database."""
    from assessments.models import Attempt

    attempts = Attempt.objects.filter(pk__in=attempt_ids)
    deadline = time.monotonic() + timeout
    while attempts.exclude(status=Attempt.Status.GRADED).exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    rows = list(attempts.filter(status=Attempt.Status.GRADED).values_list("submitted_at", "graded_at"))
    lags = [(graded - submitted).total_seconds() for submitted, graded in rows]
    last = max((graded for _, graded in rows), default=None)
    return {
        "graded": len(rows),
        "ungraded": len(attempt_ids) - len(rows),
        "lag_p50_s": round(percentile(lags, 50), 3) if lags else None,
        "lag_p95_s": round(percentile(lags, 95), 3) if lags else None,
        "lag_max_s": round(max(lags), 3) if lags else None,
        "drained_after_burst_s": round(last.timestamp() - burst_ended_epoch, 3) if last else None,
    }
