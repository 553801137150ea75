"""`make run`'s supervisor (config/run.py) started as a test's subprocess.

It runs as `make run` starts it, on a free port with a temporary var folder, against the test
database and the file broker of that folder (the embedded default).
"""
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .. import workers
from ..workers import ROOT, child_pids, free_port, wait_for


class Supervisor:
    """`python -m config.run` with its output collected line by line."""

    def __init__(self, var_dir: Path, **env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.state_file = var_dir / "run" / "worker.json"
        self.lines: list[str] = []
        full_env = {k: v for k, v in os.environ.items() if k not in ("CELERY_FILE_BROKER_DIR", "DEBUG", "REDIS_URL")}
        full_env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "PARLEY_VAR_DIR": str(var_dir),
                         "PARLEY_PORT": str(self.port), "DATABASE_URL": workers.test_database_url(),
                         "CELERY_BROKER_URL": "filesystem://", "CELERY_TASK_ALWAYS_EAGER": "false", **env})
        self.proc = subprocess.Popen([sys.executable, "-m", "config.run"], cwd=ROOT, env=full_env, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (OSError, ValueError):
            return {}

    def health(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"{self.base}/api/v1/health/", timeout=10) as response:
                return json.loads(response.read())
        except OSError:
            return None

    def output(self) -> str:
        return "\n".join(self.lines[-40:])

    def kill(self):
        """Stop it whatever state a failed test left it in, children included."""
        if self.proc.poll() is not None:
            return
        children = child_pids(self.proc.pid)
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pgid in [*children, self.proc.pid]:
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.wait()


def process_group(pgid: int) -> set[int]:
    """Live processes (not zombies) whose process group is `pgid`, read from /proc."""
    members = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.add(int(entry.name))
    return members


@contextmanager
def running_supervisor(var_dir: Path, **env):
    """A supervisor whose site answers; stopped, children included, on exit."""
    run = Supervisor(var_dir, **env)
    try:
        if not wait_for(lambda: run.said("Parley is running.") or run.proc.poll() is not None, timeout=120):
            raise RuntimeError(f"make run did not come up within 120 s:\n{run.output()}")
        if run.proc.poll() is not None:
            raise RuntimeError(f"make run stopped at start:\n{run.output()}")
        yield run
    finally:
        run.kill()
