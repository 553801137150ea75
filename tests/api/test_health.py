import json
import os
import subprocess
import time
from datetime import timedelta

from django.utils import timezone

from accounts.models import WorkerHeartbeat


def test_health_reports_the_database_and_broker(api, db):
    response = api.get("/api/v1/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["worker"] in ("ok", "unknown")


def test_health_shows_no_secret_or_address(api, db, settings):
    text = api.get("/api/v1/health/").content.decode()
    assert settings.SECRET_KEY not in text
    assert "127.0.0.1" not in text


def supervised(settings, tmp_path, **state):
    """What `make run` writes about its worker (config/run.py), from a supervisor that is alive (this process)."""
    settings.RUN_STATE_FILE = tmp_path / "worker.json"
    body = {"supervisor_pid": os.getpid(), "state": "running", "pid": 1, "restarts": 0, "started_at": time.time()}
    settings.RUN_STATE_FILE.write_text(json.dumps({**body, **state}))


def heartbeat(seconds_ago: float):
    WorkerHeartbeat.objects.create(hostname=f"w{seconds_ago}", seen_at=timezone.now() - timedelta(seconds=seconds_ago))


def test_health_under_make_run_shows_a_worker_waiting_for_its_restart(api, db, settings, tmp_path):
    heartbeat(5)
    supervised(settings, tmp_path, state="restarting", restarts=2)
    body = api.get("/api/v1/health/").json()
    assert (body["worker"], body["worker_restarts"], body["status"]) == ("restarting", 2, "degraded")


def test_health_under_make_run_shows_a_restarted_worker_as_starting_until_it_reports(api, db, settings, tmp_path):
    heartbeat(5)  # from before the restart
    supervised(settings, tmp_path, restarts=1)
    assert api.get("/api/v1/health/").json()["worker"] == "starting"
    heartbeat(0)
    body = api.get("/api/v1/health/").json()
    assert (body["worker"], body["worker_restarts"], body["status"]) == ("ok", 1, "ok")


def test_health_ignores_what_a_dead_supervisor_left(api, db, settings, tmp_path):
    supervised(settings, tmp_path, state="restarting")
    dead = subprocess.Popen(["true"])
    dead.wait()
    state = json.loads(settings.RUN_STATE_FILE.read_text())
    settings.RUN_STATE_FILE.write_text(json.dumps({**state, "supervisor_pid": dead.pid}))
    body = api.get("/api/v1/health/").json()
    assert body["worker"] == "unknown"
    assert "worker_restarts" not in body
