import pytest
from wagtail.models import Collection, Locale, Page

from config.celery import app


def restore_wagtail_base_rows():
    """transactional_db empties every table between tests, including the rows
    Wagtail's migrations create; put back the ones page and collection code needs."""
    locale, _ = Locale.objects.get_or_create(language_code="en")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale, content_type_id=None))
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")


@pytest.fixture
def wagtail_base_rows(transactional_db):
    """A transactional test that builds academies needs the locale and roots back first."""
    restore_wagtail_base_rows()


@pytest.fixture
def real_broker(transactional_db):
    """Tasks go through the configured broker to a separate worker process."""
    restore_wagtail_base_rows()
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous
