import json
import os
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import WorkerHeartbeat
from config.celery import app

from ..errors import error_body
from ..serializers import health as s


def _broker_ok() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means unreachable
        return False


def _supervised_worker() -> dict | None:
    """What `make run` (config/run.py) last wrote about its worker, if a live supervisor wrote it."""
    try:
        state = json.loads(settings.RUN_STATE_FILE.read_text())
        os.kill(int(state["supervisor_pid"]), 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no supervisor (a worker started on its own, tests) or one that died
    return state


def _worker_state(fresh_since) -> dict:
    """`ok` once the worker's beat has reported lately; under `make run` also `starting` (started,
    not yet reported since) and `restarting` (exited, waiting for its restart), with the restart count."""
    beats = WorkerHeartbeat.objects.filter(seen_at__gte=fresh_since)
    supervised = _supervised_worker()
    if supervised is None:
        return {"worker": "ok" if beats.exists() else "unknown"}
    if supervised.get("state") != "running":
        worker = "restarting"
    else:
        started = datetime.fromtimestamp(float(supervised.get("started_at") or 0), tz=UTC)
        worker = "ok" if beats.filter(seen_at__gte=started).exists() else "starting"
    return {"worker": worker, "worker_restarts": int(supervised.get("restarts") or 0)}


class HealthView(APIView):
    """Database, broker and worker status, never secrets or addresses."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: s.HealthOut}, tags=["operations"])
    def get(self, request):
        with connection.cursor() as cursor:  # raises: the middleware answers 503
            cursor.execute("SELECT 1")
        worker = _worker_state(timezone.now() - timedelta(seconds=60))
        broker = "ok" if _broker_ok() else "unreachable"
        degraded = broker != "ok" or worker["worker"] == "restarting"
        body = {"status": "degraded" if degraded else "ok", "database": "ok", "broker": broker, **worker,
                "broker_kind": settings.CELERY_BROKER_URL.split(":", 1)[0]}
        return Response(body)


class LiveView(APIView):
    """Liveness: the process answers. Nothing else is asked, so a database or broker outage never
    gets a web process restarted (that is what readiness is for)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: s.LiveOut}, tags=["operations"])
    def get(self, request):
        return Response({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _cache_ok() -> bool:
    try:
        cache.set("parley:ready", "1", 10)
        return cache.get("parley:ready") == "1"
    except Exception:  # noqa: BLE001 - each cache backend raises its own errors
        return False


READY_CHECKS = {"database": _database_ok, "cache": _cache_ok, "broker": _broker_ok}


class ReadyView(APIView):
    """Readiness: the database, the cache and the broker answer, so this process can take traffic.
    503 in the error shape otherwise, one entry per dependency that did not answer (`attr`)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: s.ReadyOut, 503: OpenApiResponse(
        description="A dependency (`attr`: database, cache or broker) did not answer; `Retry-After` gives "
                    "the seconds to wait.")}, tags=["operations"])
    def get(self, request):
        down = [name for name, check in READY_CHECKS.items() if not check()]
        if down:
            body = error_body("server_error", "unavailable", f"The {down[0]} does not answer.", down[0])
            body["errors"] += [{"code": "unavailable", "detail": f"The {name} does not answer.", "attr": name}
                               for name in down[1:]]
            return Response(body, status=503, headers={"Retry-After": "5"})
        return Response({"status": "ready", **dict.fromkeys(READY_CHECKS, "ok")})
