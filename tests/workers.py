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
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        # The test's own cache folder: a publish on either side must reach the other's page-tree entries.
        env["PARLEY_CACHE_DIR"] = settings.CACHES["default"]["LOCATION"]
    return env


@contextmanager
def running_worker(broker_url: str | None = None, concurrency: int = 1, log=None, loglevel: str = "WARNING"):
    """Start `celery worker` on the grading and default queues; stop it on exit."""
    cmd = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "grading,default",
           "-c", str(concurrency), "--without-gossip", "--without-mingle", "--loglevel", loglevel]
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


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(**overrides) -> dict:
    """The environment of a production-like web process against the test database."""
    import secrets

    env = worker_env(overrides.pop("CELERY_BROKER_URL", None))
    env.update({
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SECURE_SSL_REDIRECT": "false",
        "THROTTLE_ATTEMPTS": "100000/min",
        "THROTTLE_JOIN": "100000/min",
        "THROTTLE_AUTH": "100000/min",
    })
    env.update(overrides)
    return env


@contextmanager
def running_server(env: dict | None = None, workers: int = 2, threads: int = 2, log=None):
    """Serve the site with gunicorn on a free port; yields (process, base URL). Stopped on exit."""
    import urllib.error
    import urllib.request

    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--threads", str(threads), "--timeout", "60", "--graceful-timeout", "5",
           "--log-level", "warning"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env or server_env(), stdout=log or subprocess.DEVNULL,
                            stderr=subprocess.STDOUT if log else subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def up():
        if proc.poll() is not None:
            raise RuntimeError(f"the web server exited with {proc.returncode}")
        try:
            # Not the health check: it waits for the broker, which a fault test may have taken away.
            with urllib.request.urlopen(f"{base}/api/v1/courses/", timeout=5):
                return True
        except urllib.error.HTTPError:
            return True  # answering at all is up
        except OSError:
            return False

    try:
        if not wait_for(up, timeout=60, interval=0.2):
            raise RuntimeError("the web server did not answer within 60 s")
        yield proc, base
    finally:
        stop_worker(proc)


def child_pids(pid: int) -> set[int]:
    """Direct children of a process (gunicorn's workers), read from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.add(int(entry.name))
    return children
