"""A task queued through each broker runs in a separate worker process."""
import socket

import pytest
from celery import Celery
from django.conf import settings

from accounts.models import WorkerHeartbeat

from ..conftest import require_service
from ..workers import running_worker, wait_for

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def publisher(broker: str, monkeypatch) -> Celery:
    """A client of its own, so the test names the broker explicitly.

    Celery prefers the CELERY_BROKER_URL variable to the broker it is given,
    so the variable is pointed at the same broker for the test.
    """
    monkeypatch.setenv("CELERY_BROKER_URL", broker)
    client = Celery("publisher", broker=broker, set_as_current=False)  # the site's app stays the current one
    if broker.startswith("filesystem"):
        client.conf.broker_transport_options = settings.FILE_BROKER_TRANSPORT_OPTIONS
    return client


@pytest.mark.worker
@pytest.mark.parametrize("broker", ["filesystem://", REDIS_URL], ids=["file-broker", "redis"])
def test_a_queued_task_runs_in_a_real_worker(transactional_db, broker, monkeypatch):
    if broker.startswith("redis"):
        require_service(redis_up(), "Redis")
    client = publisher(broker, monkeypatch)
    with running_worker(broker_url=broker):
        client.send_task("accounts.tasks.worker_heartbeat", queue="default")
        assert wait_for(lambda: WorkerHeartbeat.objects.exists(), timeout=60)
    client.close()
