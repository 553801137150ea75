"""A real Celery worker process for integration tests (no eager mode).

The worker runs the production settings module against the test database
and the test's broker, so a task crosses a real process boundary.
"""
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    user = conf.get("USER") or "postgres"
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{conf.get('HOST') or '127.0.0.1'}:{conf.get('PORT') or 5432}/{conf['NAME']}"


def worker_env(broker_url: str | None = None) -> dict:
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": broker_url or settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_FILE_BROKER_DIR": str(settings.BROKER_DIR),
        "PARLEY_DEMO": "false",
    })
    return env


@contextmanager
def running_worker(broker_url: str | None = None, concurrency: int = 1, log=None):
    """Start `celery worker` on the grading and default queues; stop it on exit."""
    cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "grading,default",
           "-c", str(concurrency), "--without-gossip", "--without-mingle", "--loglevel", "WARNING"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=worker_env(broker_url), stdout=log or subprocess.DEVNULL,
                            stderr=subprocess.STDOUT if log else subprocess.DEVNULL, start_new_session=True)
    try:
        yield proc
    finally:
        stop_worker(proc)


def stop_worker(proc, sig=signal.SIGTERM):
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_for(predicate, timeout=60.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
