"""The project's Celery app plus the bench's no-op task, for `celery -A bench.celery_app worker`.

The worker has exactly the production settings (config.celery); the only
addition is `bench.noop`, a task that does nothing, and a worker_ready hook
that stamps the time the worker started consuming into the bench's Redis db.
"""
import time

from celery.signals import worker_ready

from config.celery import app

READY_KEY = "bench:worker_ready"


@app.task(name="bench.noop")
def noop(attempt_id: int) -> None:
    return None


@worker_ready.connect
def _stamp_ready(**_):
    import redis

    redis.Redis.from_url(app.conf.broker_url).set(READY_KEY, repr(time.time()))


__all__ = ["app", "noop"]
