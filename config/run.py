"""`make run`: the site under gunicorn and a grading worker (with its beat), supervised.

- A child that exits is started again, with a line that says so. The pause before a restart
  doubles each time the child exits soon after starting (1 s, 2 s, ... 30 s at most), so a worker
  that cannot start does not spin; once a child has run for a while the pause is 1 s again.
- The web server never stops because of the worker. Only a web server that exits before the site
  ever answered (its port taken, settings it cannot load) stops `make run`, with a line that says why.
- How the worker is doing goes to a small file under the var folder that the health endpoint
  reads (GET /api/v1/health/, `worker`).
- Ctrl-C (SIGINT) or SIGTERM stops everything. Each child runs in its own process group and the
  whole group is stopped, so a worker's pool and beat or gunicorn's workers are never left behind,
  even when the child's main process was killed.

Addresses and, in demo mode, the demo logins are printed once the site answers.

It serves as production does (DEBUG off, a secret key of its own, static files from whitenoise,
HTML error pages), with the demo on, on plain HTTP at a local address: `production_like()`.
`python -m config.run prepare` collects the static files and loads the demo under those settings.
"""
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from .env import VAR_DIR, env_int, env_str, metrics_dir

HOST = env_str("PARLEY_HOST", "127.0.0.1")
PORT = env_int("PARLEY_PORT", 8000)
# SQLite takes one writer at a time whatever the number of processes (each waits for the lock up
# to its busy timeout, config/env.py), so more processes add no write throughput: 8 threads of
# submissions got 13-15 a second with 1x8, 2x4, 4x2 and 2x2 alike (docs/reliability.md). Two
# processes use both cores of a small machine for reading and rendering; four threads each keep a
# page's parallel static-file and API requests moving while one request waits for the write lock.
WEB_WORKERS = env_int("PARLEY_WEB_WORKERS", 2)
WEB_THREADS = env_int("PARLEY_WEB_THREADS", 4)
STATE_FILE = VAR_DIR / "run" / "worker.json"  # settings.RUN_STATE_FILE, read by the health endpoint
# Made once per installation, readable by its owner only; the var folder is never committed.
SECRET_FILE = VAR_DIR / "secret_key"

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
# A child that ran this long before exiting is restarted after the first pause again.
STEADY_AFTER = 60.0
STOP_TIMEOUT = 15.0


def say(line: str) -> None:
    print(f"  [run] {line}", flush=True)


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Child:
    """One supervised process and its process group."""

    def __init__(self, name: str, command: list[str]):
        self.name = name
        self.command = command
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.started_wall = 0.0
        self.restarts = 0
        self.pause = 0.0
        self.restart_at: float | None = None
        self.last_exit = ""

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command, start_new_session=True)
        self.started_at = time.monotonic()
        self.started_wall = time.time()
        self.restart_at = None

    def running(self) -> bool:
        return self.proc is not None and self.restart_at is None and self.proc.poll() is None

    def signal_group(self, sig: int) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def terminate(self) -> None:
        """Ask the main process to stop: it stops its own pool or workers (signalling the whole group
        would make the worker log each pool process's SIGTERM as an error)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()

    def reap_group(self) -> None:
        """The main process has exited: end whatever it left in its group (pool processes, beat)."""
        self.signal_group(signal.SIGKILL)

    def wait_stopped(self, deadline: float) -> None:
        """After terminate(): wait for the main process until `deadline`, then end the rest."""
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{self.name} did not stop within {STOP_TIMEOUT:.0f} s; killing it")
        self.reap_group()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def schedule_restart(self, now: float) -> None:
        ran = now - self.started_at
        self.pause = FIRST_PAUSE if ran >= STEADY_AFTER or not self.pause else min(self.pause * 2, LONGEST_PAUSE)
        self.restart_at = now + self.pause


def commands() -> tuple[list[str], list[str]]:
    bin_dir = os.path.dirname(sys.executable)
    web = [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "python:config.gunicorn",
           "--bind", f"{HOST}:{PORT}", "--workers", str(WEB_WORKERS), "--threads", str(WEB_THREADS),
           "--timeout", "60", "--graceful-timeout", "10", "--log-level", "warning"]
    # No mingle or gossip: each start would broadcast to every worker's control queue, and
    # over the file broker the queues of workers that were killed keep those messages for ever.
    worker = [os.path.join(bin_dir, "celery"), "-A", "config", "worker", "-B", "-Q", "grading,default",
              "--concurrency", "2", "--loglevel", "WARNING", "--without-mingle", "--without-gossip",
              "--schedule", str(VAR_DIR / "celerybeat-schedule")]
    return web, worker


def write_state(worker: Child) -> None:
    state = "running" if worker.running() else "restarting"
    body = {"supervisor_pid": os.getpid(), "state": state, "pid": worker.proc.pid if worker.proc else None,
            "restarts": worker.restarts, "started_at": worker.started_wall, "last_exit": worker.last_exit}
    STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    partial = STATE_FILE.with_name(f".{STATE_FILE.name}.{os.getpid()}")
    partial.write_text(json.dumps(body))
    os.replace(partial, STATE_FILE)


def site_answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/api/v1/health/", timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def print_banner(base: str) -> None:
    print(f"\n  Parley is running.\n  Site:      {base}/\n  API docs:  {base}/api/v1/docs/\n"
          f"  CMS admin: {base}/cms/\n  Health:    {base}/api/v1/health/\n", flush=True)
    logins = VAR_DIR / "demo-logins.json"
    if logins.exists():
        print("  Demo logins (demo mode only):")
        for row in json.loads(logins.read_text()):
            print(f"    {row['role']:<14} {row['username']:<16} {row['password']}")
    print("\n  Press Ctrl-C to stop the server and the worker.\n", flush=True)


def clear_metrics() -> None:
    """The Prometheus files of the last run's processes (config/metrics.py): their pids may come back."""
    folder = metrics_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)


class Stop(Exception):
    pass


def _raise_stop(*_):
    raise Stop


def supervise(web: Child, worker: Child, base: str) -> int:
    """Keep both children running until told to stop; returns the exit status of `make run`."""
    announced = False
    while True:
        now = time.monotonic()
        for child in (web, worker):
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restarts += 1
                    child.start()
                    say(f"{child.name} restarted (pid {child.proc.pid}, restart {child.restarts})")
                continue
            code = child.proc.poll()
            if code is None:
                continue
            child.reap_group()
            child.last_exit = describe_exit(code)
            if child is web and not announced:
                say(f"the web server could not start ({child.last_exit}): is {HOST}:{PORT} in use? "
                    "Set PARLEY_PORT to another port.")
                return 1
            child.schedule_restart(now)
            say(f"{child.name} exited ({child.last_exit}); restarting it in {child.pause:.0f} s")
        write_state(worker)
        if not announced and web.running() and site_answers(base):
            print_banner(base)
            announced = True
        time.sleep(0.2)


def point_mail_links_at(base: str) -> None:
    """Links in mails are built from WAGTAILADMIN_BASE_URL, never from a request: unless it is set,
    the children (which inherit the environment) link to where this run serves, not the default port."""
    os.environ.setdefault("WAGTAILADMIN_BASE_URL", base)


def installation_secret() -> str:
    """The secret key kept in the var folder, made at the first run: sessions and signed links stay
    valid across restarts, and no key is shared between installations."""
    try:
        key = SECRET_FILE.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= 50:
        return key
    key = secrets.token_urlsafe(64)
    SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    partial = SECRET_FILE.with_name(f".{SECRET_FILE.name}.{os.getpid()}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    os.replace(partial, SECRET_FILE)
    return key


def production_like(base: str) -> None:
    """Production's settings for this process and its children, where the environment does not say
    otherwise: DEBUG off (HTML error pages, no technical 404 listing the URLs), the installation's own
    secret key, and the hosts of the printed address. What differs is what plain HTTP at a local address
    needs: no redirect to HTTPS, cookies that travel over HTTP, uploads served by the web process,
    readable log lines; and the demo."""
    env = os.environ
    env.setdefault("DEBUG", "false")
    if not env.get("SECRET_KEY") and not env.get("DJANGO_SECRET_KEY"):
        env["SECRET_KEY"] = installation_secret()
    env.setdefault("ALLOWED_HOSTS", ",".join(dict.fromkeys(["localhost", "127.0.0.1", "[::1]", HOST])))
    env.setdefault("CSRF_TRUSTED_ORIGINS", base)
    env.setdefault("PARLEY_DEMO", "true")
    env.setdefault("PARLEY_SERVE_MEDIA", "true")
    env.setdefault("SECURE_SSL_REDIRECT", "false")
    env.setdefault("SESSION_COOKIE_SECURE", "false")
    env.setdefault("CSRF_COOKIE_SECURE", "false")
    env.setdefault("LOG_FORMAT", "console")
    point_mail_links_at(base)


def prepare() -> int:
    """`make run`'s steps before serving, under the settings it serves with: static files collected
    (compressed, as whitenoise serves them with DEBUG off) and the demo loaded."""
    production_like(f"http://{HOST}:{PORT}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo")
    return 0


def main() -> int:
    web_command, worker_command = commands()
    web, worker = Child("web server", web_command), Child("worker", worker_command)
    base = f"http://{HOST}:{PORT}"
    production_like(base)
    signal.signal(signal.SIGTERM, _raise_stop)
    # Started from a script in the background, SIGINT may arrive ignored: restore Ctrl-C.
    signal.signal(signal.SIGINT, _raise_stop)
    status = 0
    clear_metrics()
    try:
        web.start()
        worker.start()
        say(f"web server started (pid {web.proc.pid}, gunicorn, {WEB_WORKERS} processes x {WEB_THREADS} threads)")
        say(f"worker started (pid {worker.proc.pid})")
        status = supervise(web, worker, base)
    except Stop:
        say("stopping")
    finally:
        # A second Ctrl-C while stopping must not leave children behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for child in (worker, web):
            child.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in (worker, web):
            child.wait_stopped(deadline)
        STATE_FILE.unlink(missing_ok=True)
        say("stopped")
    return status


if __name__ == "__main__":
    sys.exit(prepare() if sys.argv[1:] == ["prepare"] else main())
