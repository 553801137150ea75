"""The operator's view across real processes: a request's id in the worker's JSON lines, the grading
lag of a real worker's grading at /metrics, readiness of a web process whose database is gone."""
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from assessments.models import Attempt

from ..conftest import as_user
from ..factories import SPEC_PATH, import_exercise, make_academy, make_user
from ..operations.test_metrics import scrape, value
from ..workers import ROOT, child_pids, free_port, running_server, running_worker, server_env, stop_worker, wait_for

pytestmark = [pytest.mark.worker]


@pytest.fixture
def exercise(real_broker):
    return import_exercise(make_academy(), visibility="practice")


def submit(exercise, request_id: str) -> int:
    response = as_user(make_user()).post(f"/api/v1/exercises/{exercise.pk}/attempts/", {"steps": SPEC_PATH},
                                         format="json", headers={"X-Request-ID": request_id})
    assert response.status_code == 202
    return response.json()["id"]


def json_lines(path) -> list[dict]:
    lines = []
    for raw in path.read_text().splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def test_the_worker_logs_the_grading_task_as_json_with_the_request_id_and_a_task_id(exercise, monkeypatch,
                                                                                     tmp_path):
    monkeypatch.setenv("LOG_FORMAT", "json")
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log, running_worker(log=log, loglevel="INFO"):
        attempt_id = submit(exercise, "it-grading-42")
        assert wait_for(lambda: Attempt.objects.filter(pk=attempt_id, status="graded").exists(), timeout=60)
        done = wait_for(lambda: [line for line in json_lines(log_path) if line.get("event") == "task_succeeded"],
                        timeout=20)

    lines = json_lines(log_path)
    started = [line for line in lines if line.get("event") == "task_started"]
    assert [line["task"] for line in started] == ["assessments.tasks.grade_attempt"], started
    assert len(done) == 1
    assert started[0]["request_id"] == done[0]["request_id"] == "it-grading-42"
    assert started[0]["task_id"] == done[0]["task_id"] and len(done[0]["task_id"]) >= 32
    assert {"timestamp", "level", "logger"} <= set(done[0])
    # Celery's own lines name the task, never its arguments (a mail task's are an address and a link)
    received = [line for line in lines if line["logger"] == "celery.worker.strategy"]
    assert received and all("data" not in line and "args" not in line for line in received)


def test_a_production_web_process_logs_json_lines_with_the_request_id(real_broker, tmp_path):
    log_path = tmp_path / "web.log"
    with open(log_path, "w") as log, running_server(log=log, workers=1) as (_, base):  # DEBUG off: JSON
        request = urllib.request.Request(f"{base}/api/v1/health/live/", headers={"X-Request-ID": "it-web-9"})
        with urllib.request.urlopen(request, timeout=15) as response:
            echoed = response.headers["X-Request-ID"]
        finished = wait_for(lambda: [line for line in json_lines(log_path) if line.get("event") == "request_finished"
                                     and line.get("request_id") == "it-web-9"], timeout=10)

    assert echoed == "it-web-9"
    assert [(line["code"], line["request"], line["level"]) for line in finished] == [
        (200, "GET /api/v1/health/live/", "info")]


def test_a_grading_by_a_real_worker_is_counted_in_the_grading_lag_histogram(exercise, settings):
    settings.METRICS_TOKEN = "metrics-token-for-the-tests-0123456789"
    before = value(scrape(), "parley_grading_lag_seconds_count")
    with running_worker():
        attempt_id = submit(exercise, "it-lag-1")
        assert wait_for(lambda: Attempt.objects.filter(pk=attempt_id, status="graded").exists(), timeout=60)
        # The worker's pool process writes its observation just after the commit that graded.
        counted = wait_for(lambda: value(scrape(), "parley_grading_lag_seconds_count") >= before + 1, timeout=10)
    assert counted
    assert value(scrape(), "parley_attempts", status="submitted") == 0


def get(url) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_web_process_whose_database_is_gone_is_alive_but_not_ready(real_broker):
    dead_database = f"postgres://parley@127.0.0.1:{free_port()}/parley"
    with running_server(server_env(DATABASE_URL=dead_database), workers=1, threads=2) as (_, base):
        live = get(f"{base}/api/v1/health/live/")
        ready = get(f"{base}/api/v1/health/ready/")
    assert live == (200, {"status": "ok"})
    assert ready[0] == 503
    assert ready[1]["type"] == "server_error"
    assert [(e["code"], e["attr"]) for e in ready[1]["errors"]] == [("unavailable", "database")]


def test_a_killed_web_process_leaves_no_share_of_the_in_progress_gauge(real_broker, settings):
    """gunicorn started with config.gunicorn, as `make run` and docs/operations.md start it."""
    folder = settings.PROMETHEUS_MULTIPROC_DIR
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi",
           "--bind", f"127.0.0.1:{port}", "--workers", "2", "--log-level", "warning"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=server_env(), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        web = wait_for(lambda: child_pids(server.pid) if len(child_pids(server.pid)) == 2 else None, timeout=60)
        assert web, "gunicorn did not start its two processes"

        def answered_by_both():
            get(f"http://127.0.0.1:{port}/api/v1/health/live/")
            return all((folder / f"gauge_livesum_{pid}.db").exists() for pid in web)

        assert wait_for(answered_by_both, timeout=60, interval=0.2)
        victim = sorted(web)[0]
        os.kill(victim, signal.SIGKILL)

        assert wait_for(lambda: not (folder / f"gauge_livesum_{victim}.db").exists(), timeout=30)
        assert (folder / f"gauge_livesum_{sorted(web)[1]}.db").exists()
    finally:
        stop_worker(server)
