"""The Celery app. Settings live in config/settings.py under CELERY_*."""
import os

from celery import Celery, bootsteps
from celery.signals import setup_logging, task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("parley")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _keep_the_settings_logging(loglevel=None, **_):
    """Celery would put its own handler and format on the root logger; keep settings.LOGGING (JSON lines
    with task_id and the publishing request's request_id, config/logs.py) and take only the level the
    worker or beat was started with (`--loglevel`)."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


class _TaskLogContext(bootsteps.Step):
    """django-structlog's worker receivers: each task's lines carry its task_id and the context its
    publisher sent (request_id), and a line when it starts, succeeds, fails or is retried. Its publish
    receivers are connected already by the app (DJANGO_STRUCTLOG_CELERY_ENABLED); twice would log every
    publish twice. Kept on the step: Celery holds receivers weakly."""

    def __init__(self, parent, **kwargs):
        from celery.signals import after_task_publish, before_task_publish
        from django_structlog.celery.receivers import CeleryReceiver

        super().__init__(parent, **kwargs)
        self.receiver = CeleryReceiver()
        self.receiver.connect_worker_signals()
        before_task_publish.disconnect(self.receiver.receiver_before_task_publish)
        after_task_publish.disconnect(self.receiver.receiver_after_task_publish)
        task_postrun.connect(self.forget_the_task)

    def forget_the_task(self, **_):
        """A line logged between tasks must not carry the last task's ids."""
        import structlog

        structlog.contextvars.clear_contextvars()


app.steps["worker"].add(_TaskLogContext)


@worker_init.connect
def _require_broker(**_):
    """A worker that cannot reach its broker stops with one line instead of retrying forever."""
    import sys

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=3, interval_start=0.5, interval_step=0.5, timeout=3)
    except Exception as exc:  # noqa: BLE001
        scheme = str(app.conf.broker_url).split("://", 1)[0]
        sys.stderr.write(
            f"Parley configuration error: cannot reach the Celery broker ({scheme}: {type(exc).__name__}); "
            "start it or set CELERY_BROKER_URL.\n"
        )
        sys.stderr.flush()
        os._exit(2)


@task_prerun.connect
def _drop_broken_database_connections(**_):
    """Celery keeps database connections across tasks (CELERY_DB_REUSE_MAX) but,
    unlike Django between requests, never looks at them again: one the database
    dropped would fail every later task. Do what Django's close_old_connections
    does: a connection that met a database error is checked (one round trip)
    and closed if it is dead; a healthy one costs nothing, where a check before
    every task cost a round trip per grading (docs/benchmarks.md, B4). The task
    that met the dropped connection is retried (assessments.tasks)."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is None or not conn.errors_occurred:
            continue
        if conn.is_usable():
            conn.errors_occurred = False
        else:
            conn.close()
