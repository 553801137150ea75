"""The bench's own database, Redis db, processes and machine facts.

Everything here talks to this machine only: PostgreSQL and Redis on
127.0.0.1, and the gunicorn and Celery processes the bench starts itself.
"""
import hashlib
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
LOGS = VAR / "logs"

PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
DB_NAME = os.environ.get("BENCH_DB", "parley_bench")
TEMPLATE_DB = f"{DB_NAME}_tpl"  # migrated once, cloned per run while the migrations are unchanged
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def database_url(name: str = DB_NAME) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def bench_env(name: str = DB_NAME) -> dict:
    """The environment of every bench process: production settings on the bench database."""
    env = dict(os.environ)
    for key in ("CELERY_TASK_ALWAYS_EAGER", "CELERY_FILE_BROKER_DIR", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "PARLEY_DEMO": "false",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "DATABASE_URL": database_url(name),
        "CELERY_BROKER_URL": REDIS_URL,
        "REDIS_URL": REDIS_URL,  # the cache (throttles) as in production, same bench db
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    return env


# --- PostgreSQL -------------------------------------------------------------------


def _admin_connection():
    """A connection for CREATE/DROP DATABASE. It uses template1, never the postgres database."""
    import psycopg

    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="template1", autocommit=True)


def migrations_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        if ".venv" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    for name in ("requirements.txt",):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:32]


def _database_comment(cur, name: str) -> str | None:
    cur.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
    row = cur.fetchone()
    return None if row is None else (row[0] or "")


def _drop(cur, name: str) -> None:
    cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database(log) -> float:
    """Drop and recreate the bench database, migrated. Returns the seconds taken.

    Migrating takes about 40 s here, so a migrated template is kept and cloned
    while the project's migrations (and pinned requirements) are unchanged.
    """
    started = time.perf_counter()
    fingerprint = migrations_fingerprint()
    with _admin_connection() as conn, conn.cursor() as cur:
        _drop(cur, DB_NAME)
        if _database_comment(cur, TEMPLATE_DB) != fingerprint:
            log(f"migrating a new template database {TEMPLATE_DB} (migrations changed or first run)")
            _drop(cur, TEMPLATE_DB)
            cur.execute(f'CREATE DATABASE "{TEMPLATE_DB}" TEMPLATE template0')
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                           env=bench_env(TEMPLATE_DB), check=True)
            cur.execute(f"COMMENT ON DATABASE \"{TEMPLATE_DB}\" IS '{fingerprint}'")
        cur.execute(f'CREATE DATABASE "{DB_NAME}" TEMPLATE "{TEMPLATE_DB}"')
    return time.perf_counter() - started


def postgres_version() -> str:
    with _admin_connection() as conn, conn.cursor() as cur:
        cur.execute("SHOW server_version")
        return cur.fetchone()[0].split()[0]


# --- Redis --------------------------------------------------------------------------


def redis_client():
    import redis

    return redis.Redis.from_url(REDIS_URL)


# --- processes -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Process:
    """A child process in its own session, logging to var/bench/logs/<name>.log."""

    def __init__(self, name: str, cmd: list[str], env: dict):
        LOGS.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.log_path = LOGS / f"{name}.log"
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 30) -> None:
        if self.alive():
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def status_kb(pid: int, field: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_mb(pid: int) -> float | None:
    """VmHWM: the process's peak resident set size so far, in MB (10^6 bytes)."""
    kb = status_kb(pid, "VmHWM")
    return None if kb is None else round(kb * 1024 / 1e6, 1)


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
                if response.status < 500:
                    return
        except Exception as exc:  # noqa: BLE001
            last = exc
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s ({last})")


# --- machine -----------------------------------------------------------------------------


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        # GIT_OPTIONAL_LOCKS=0: a read that never rewrites the index.
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
                               ).stdout.strip()
        return out + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_info() -> dict:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "arch": platform.machine(),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": postgres_version(),
        "os": platform.platform(terse=True),
    }
    info["summary"] = (f"{info['arch']}, {info['cpus']} cores, {info['memory_gib']} GiB, Python {info['python']}, "
                       f"PostgreSQL {info['postgresql']}")
    return info
