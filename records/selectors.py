"""Reads of the statement outbox."""
from .models import Statement


def statements_waiting_count() -> int:
    """Statements not sent yet (the metrics' parley_outbox_depth{outbox="xapi"}); a partial index's count."""
    return Statement.objects.filter(status=Statement.Status.PENDING).count()


def statements_refused_count() -> int:
    """Statements an LRS refused (parley_outbox_failed{outbox="xapi"}), waiting for staff to send them again."""
    return Statement.objects.filter(status=Statement.Status.REFUSED).count()
