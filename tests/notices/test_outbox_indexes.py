"""The notices outbox's gauges are counted at every metrics scrape: each count goes through a partial
index of the rows it counts, never through the whole history of sent mail."""
import pytest
from django.db import connection

from config import metrics

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    if connection.vendor == "postgresql":
        # A test's table is tiny, and a scan of it is the planner's cheapest plan; what is checked is
        # that the index can answer the count at all.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.mark.parametrize(("gauge", "index"), [
    ("_notices_under_way", "notice_under_way"),
    ("_notices_refused", "notice_failed"),
])
def test_each_outbox_gauge_reads_its_partial_index(gauge, index, monkeypatch):
    from notices.models import SentNotice

    counted = []
    real = SentNotice.objects.filter

    def spy(*args, **kwargs):
        queryset = real(*args, **kwargs)
        counted.append(queryset)
        return queryset

    monkeypatch.setattr(SentNotice.objects, "filter", spy)
    assert getattr(metrics, gauge)() == 0
    monkeypatch.undo()
    (queryset,) = counted
    assert index in _plan(queryset)
