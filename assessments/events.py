"""Signals sent inside the transaction of each attempt event, for the apps above to record it there too.

assessments may not import the apps above it (records writes these events to its xAPI outbox). A
receiver runs in the sender's transaction: what it writes commits or rolls back with the event. Each
is sent only for an attempt that counts (Attempt.objects.counted(): no staff preview, no practice).

- `attempt_started(attempt=)`: an attempt was opened (played node by node, or a whole path or quiz
  submitted at once).
- `results_recorded(results=[(attempt, key, kind)])`: attempts got a new result, already applied to
  them; `kind` is the Grading kind (automatic, regrade, override, reversal) and `key` names the result
  ("automatic" for an attempt's one automatic grading, else "grading-<Grading id>").
"""
from django.dispatch import Signal

attempt_started = Signal()
results_recorded = Signal()


def counted(attempt) -> bool:
    return not attempt.preview and not attempt.practice


def started(attempt) -> None:
    if counted(attempt):
        attempt_started.send(sender=type(attempt), attempt=attempt)


def recorded(results: list) -> None:
    results = [row for row in results if counted(row[0])]
    if results:
        results_recorded.send(sender=results[0][0].__class__, results=results)
