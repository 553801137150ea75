import pytest

from config.celery import app


@pytest.fixture
def real_broker(transactional_db):
    """Tasks go through the configured broker to a separate worker process."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous
