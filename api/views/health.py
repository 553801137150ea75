from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import WorkerHeartbeat
from config.celery import app

from .. import serializers as s


def _broker_ok() -> bool:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means unreachable
        return False


class HealthView(APIView):
    """Database, broker and worker status, never secrets or addresses."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: s.HealthOut}, tags=["operations"])
    def get(self, request):
        with connection.cursor() as cursor:  # raises: the middleware answers 503
            cursor.execute("SELECT 1")
        fresh = timezone.now() - timedelta(seconds=60)
        worker = "ok" if WorkerHeartbeat.objects.filter(seen_at__gte=fresh).exists() else "unknown"
        broker = "ok" if _broker_ok() else "unreachable"
        body = {"status": "ok" if broker == "ok" else "degraded", "database": "ok", "broker": broker,
                "worker": worker, "broker_kind": settings.CELERY_BROKER_URL.split(":", 1)[0]}
        return Response(body)
