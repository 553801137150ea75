"""`make run` (config/run.py) keeps the site up when its worker dies, and Ctrl-C stops everything."""
import os
import signal
import urllib.request
from pathlib import Path

import pytest

from config.run import WEB_WORKERS

from ..workers import child_pids, wait_for
from .conftest import restore_wagtail_base_rows
from .supervisor import Supervisor, process_group, running_supervisor

pytestmark = [pytest.mark.worker]


@pytest.fixture
def supervisor(transactional_db, tmp_path):
    restore_wagtail_base_rows()
    with running_supervisor(tmp_path / "var") as run:
        yield run


def test_a_killed_worker_is_restarted_the_site_answers_throughout_and_ctrl_c_stops_everything(supervisor):
    first = supervisor.state()
    assert first["state"] == "running" and first["restarts"] == 0, first
    assert supervisor.health()["worker_restarts"] == 0
    old_worker = first["pid"]
    assert wait_for(lambda: len(process_group(old_worker)) > 1, timeout=60), "the worker's pool never started"
    old_group = process_group(old_worker)

    os.kill(old_worker, signal.SIGKILL)  # the main process only, as a crash would: its pool is left behind
    assert wait_for(lambda: supervisor.said("worker exited (killed by SIGKILL)"), timeout=20), supervisor.output()
    answers = [supervisor.health() for _ in range(5)]
    assert all(answer is not None for answer in answers), "the site stopped answering with the worker"
    assert wait_for(lambda: supervisor.said("worker restarted"), timeout=30), supervisor.output()
    assert wait_for(lambda: not process_group(old_worker), timeout=10), "the killed worker's pool was left running"
    assert supervisor.state()["restarts"] == 1
    assert supervisor.health()["worker_restarts"] == 1
    new_worker = supervisor.state()["pid"]
    assert new_worker != old_worker and not old_group & {new_worker}

    assert supervisor.state()["supervisor_pid"] == supervisor.proc.pid
    assert wait_for(lambda: len(process_group(new_worker)) > 1, timeout=60)
    # Each child of the supervisor (gunicorn's master, the worker) leads a group of its own processes.
    everything = set().union(*(process_group(child) for child in child_pids(supervisor.proc.pid)))
    assert len(everything) >= 1 + WEB_WORKERS + 2, everything  # gunicorn and its workers, the worker and its pool

    os.killpg(supervisor.proc.pid, signal.SIGINT)  # Ctrl-C reaches the terminal's process group
    assert supervisor.proc.wait(timeout=40) == 0, supervisor.output()
    assert wait_for(lambda: not any(alive(pid) for pid in everything), timeout=10), \
        f"left running after Ctrl-C: {[pid for pid in everything if alive(pid)]}"
    assert supervisor.said("[run] stopped")
    assert not supervisor.state_file.exists()


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_worker_that_cannot_start_is_retried_with_growing_pauses_while_the_site_answers(transactional_db,
                                                                                         tmp_path):
    # A broker the worker cannot reach: it stops at once with one line (config/celery.py), again and again.
    run = Supervisor(tmp_path / "var", CELERY_BROKER_URL="redis://127.0.0.1:1/0")
    try:
        assert wait_for(lambda: sum("worker exited" in line for line in run.lines) >= 3, timeout=90), run.output()
        pauses = [line.rsplit("restarting it in ", 1)[1] for line in run.lines if "worker exited" in line][:3]
        assert pauses == ["1 s", "2 s", "4 s"], run.output()
        with urllib.request.urlopen(f"{run.base}/api/v1/courses/", timeout=10) as response:
            assert response.status == 200
    finally:
        run.kill()
