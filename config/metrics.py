"""Prometheus metrics at GET /metrics, for a bearer token only (METRICS_TOKEN; docs/operations.md).

Two kinds of values:

- Counted where they happen, in every process: HTTP requests (here, by method, route name and
  status class, and their latency), grading lag and failures (assessments/metrics.py). gunicorn's
  processes and the worker's pool processes each write their own files under
  PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode); a scrape of any web process on
  the host adds up every file there, so one scrape per host sees that host's web and worker processes.
- Read at scrape time: attempts waiting to be graded and failed (from the database), the broker's
  queues (where the transport tells their length), and the outboxes (rows waiting to be sent on).

Without METRICS_TOKEN the URL does not exist (404); with it, a missing or wrong token is a 401.
"""
import hmac
import logging
import time

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count, Min, Q
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

log = logging.getLogger(__name__)

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

HTTP_REQUESTS = Counter(
    "parley_http_requests", "HTTP requests answered, by method, route name and status class.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "parley_http_request_duration_seconds", "Seconds from a request's arrival to its answer, by route name.",
    ["method", "route"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
HTTP_IN_PROGRESS = Gauge(
    "parley_http_requests_in_progress", "Requests being answered now by the web processes of this host.",
    multiprocess_mode="livesum",
)

# Rows in the database waiting to be handed on, per outbox, and those given up on, counted at scrape
# time: name -> (waiting, failed), functions that return a count. `grading` (submitted attempts, which
# the sweep re-queues if their message is lost; failed ones) is always there; an app that keeps
# another outbox registers it (outbox_register).
OUTBOXES: dict = {}


def outbox_register(name: str, waiting, failed=None) -> None:
    """Report `waiting()` as parley_outbox_depth{outbox=name} and `failed()` as parley_outbox_failed."""
    OUTBOXES[name] = (waiting, failed)


def _notices_under_way() -> int:
    """Notices (reminders, digests, invitations, decisions) claimed for sending and not sent yet: a row
    stays so only while its send runs, or when a worker died mid-send (notices.models.SentNotice)."""
    from notices.models import SentNotice

    return SentNotice.objects.filter(sent_at__isnull=True, failed_at__isnull=True).count()


def _notices_refused() -> int:
    """Notices the mail relay refused for good (a 5xx); kept so the period is not mailed again."""
    from notices.models import SentNotice

    return SentNotice.objects.filter(failed_at__isnull=False).count()


outbox_register("notices", _notices_under_way, _notices_refused)


def route_of(request) -> str:
    """The route's name (`api:attempts`), never the raw path: ids would make a series per record."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else "unmatched"


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        HTTP_IN_PROGRESS.inc()
        try:
            response = self.get_response(request)
        finally:
            HTTP_IN_PROGRESS.dec()
        method = request.method if request.method in METHODS else "other"
        route = route_of(request)
        HTTP_REQUESTS.labels(method=method, route=route, status=f"{response.status_code // 100}xx").inc()
        HTTP_LATENCY.labels(method=method, route=route).observe(time.perf_counter() - started)
        return response


def broker_queues() -> list[str]:
    queues = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values() if "queue" in route}
    return sorted(queues | {settings.CELERY_TASK_DEFAULT_QUEUE})


def broker_queue_lengths() -> dict[str, int] | None:
    """Messages waiting in each queue, or None when the broker cannot be asked. A passive declare
    answers the length on Redis, RabbitMQ and the file broker alike; a queue that does not exist
    (Redis removes an empty one) holds nothing."""
    from kombu.exceptions import ChannelError

    from config.celery import app

    lengths = {}
    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            for queue in broker_queues():
                channel = conn.channel()
                try:
                    lengths[queue] = channel.queue_declare(queue=queue, passive=True).message_count
                except ChannelError:
                    lengths[queue] = 0
                finally:
                    try:
                        channel.close()
                    except Exception:  # noqa: BLE001 - a channel RabbitMQ closed on a missing queue
                        pass
    except Exception as exc:  # noqa: BLE001 - kombu's errors vary by transport
        log.warning("metrics: the broker's queue lengths could not be read (%s)", type(exc).__name__)
        return None
    return lengths


class ScrapeTimeCollector:
    """Values read when Prometheus asks, from the database and the broker."""

    def collect(self):
        up = GaugeMetricFamily("parley_dependency_up", "1 when the scrape could read the dependency.",
                               labels=["dependency"])
        try:
            yield from self._database()
            up.add_metric(["database"], 1)
        except DatabaseError as exc:
            log.warning("metrics: the database could not be read (%s)", type(exc).__name__)
            up.add_metric(["database"], 0)
        lengths = broker_queue_lengths()
        up.add_metric(["broker"], 0 if lengths is None else 1)
        if lengths is not None:
            queued = GaugeMetricFamily("parley_broker_queue_messages", "Messages waiting in each broker queue.",
                                       labels=["queue"])
            for queue, length in lengths.items():
                queued.add_metric([queue], length)
            yield queued
        yield up

    def _database(self):
        from assessments.models import Attempt

        Status = Attempt.Status
        # One OR per status, not IN: PostgreSQL can then combine the three partial indexes of
        # `assessments/models.py` (a bitmap OR) instead of reading every attempt.
        waiting = Q(status=Status.SUBMITTED) | Q(status=Status.GRADING) | Q(status=Status.FAILED)
        rows = (Attempt.objects.filter(waiting)
                .values("status").annotate(n=Count("id"), oldest=Min("submitted_at")).order_by())
        by_status = {row["status"]: row for row in rows}
        attempts = GaugeMetricFamily("parley_attempts", "Attempts waiting to be graded (submitted, grading) "
                                     "and failed ones (staff may retry them).", labels=["status"])
        for status in (Status.SUBMITTED, Status.GRADING, Status.FAILED):
            attempts.add_metric([status.value], by_status.get(status, {}).get("n", 0))
        oldest = by_status.get(Status.SUBMITTED, {}).get("oldest")
        age = GaugeMetricFamily("parley_grading_oldest_waiting_seconds",
                                "Age of the oldest submitted attempt not yet taken by a worker (0: none).")
        age.add_metric([], max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0)
        outboxes = GaugeMetricFamily("parley_outbox_depth", "Rows waiting in the database to be sent on, per outbox.",
                                     labels=["outbox"])
        given_up = GaugeMetricFamily("parley_outbox_failed", "Rows of each outbox given up on (failed attempts, "
                                     "mails the relay refused for good).", labels=["outbox"])
        outboxes.add_metric(["grading"], by_status.get(Status.SUBMITTED, {}).get("n", 0))
        given_up.add_metric(["grading"], by_status.get(Status.FAILED, {}).get("n", 0))
        for name, (waiting, failed) in sorted(OUTBOXES.items()):
            outboxes.add_metric([name], waiting())
            if failed is not None:
                given_up.add_metric([name], failed())
        yield from (attempts, age, outboxes, given_up)


def _authorised(request) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), settings.METRICS_TOKEN.encode())


@require_GET
def metrics_view(request):
    if not settings.METRICS_TOKEN:
        return HttpResponse("Not found.\n", status=404, content_type="text/plain; charset=utf-8")
    if not _authorised(request):
        response = HttpResponse("A bearer token is required.\n", status=401, content_type="text/plain; charset=utf-8")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(settings.PROMETHEUS_MULTIPROC_DIR))
    registry.register(ScrapeTimeCollector())
    # The text format the scraper asks for (Accept), 0.0.4 when it names none: what every Prometheus reads.
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    return HttpResponse(encode(registry), content_type=content_type)
