"""What grading tells the operator (Prometheus, scraped at /metrics: config/metrics.py).

Each process (web, worker pool process) writes its values to its own file under
PROMETHEUS_MULTIPROC_DIR; the scrape adds them up. The counts of waiting and failed
attempts are read from the database at scrape time instead (config/metrics.py).
"""
from prometheus_client import Counter, Histogram

# From `submitted_at` to the stored automatic grade: what a learner waits for a result.
GRADING_LAG = Histogram(
    "parley_grading_lag_seconds", "Seconds from an attempt's submission to its stored automatic grading.",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600),
)
GRADING_FAILURES = Counter(
    "parley_grading_failures", "Automatic gradings that raised; the attempt waits for the sweep, and after "
    "GRADING_MAX_FAILURES of them it is failed (outcome `retried` or `failed`).", ["outcome"],
)


def gradings_observe(*, graded, failed) -> None:
    """Record a committed grading batch: the lag of each graded attempt, each failure."""
    for attempt in graded:
        if attempt.submitted_at and attempt.graded_at:
            GRADING_LAG.observe(max(0.0, (attempt.graded_at - attempt.submitted_at).total_seconds()))
    for attempt in failed:
        GRADING_FAILURES.labels(outcome="failed" if attempt.status == "failed" else "retried").inc()
