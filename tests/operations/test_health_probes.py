"""Liveness and readiness: /api/v1/health/live/ asks nothing, /api/v1/health/ready/ asks every dependency.

The database taken away from a real web process is tests/integration/test_operations.py.
"""
import pytest
from celery import Celery

from api.views import health

from ..conftest import error_codes
from ..workers import free_port


@pytest.fixture
def broker_on_a_closed_port(monkeypatch):
    """The health views' Celery app pointed at a Redis port where nothing listens (Celery prefers the
    variable to the broker it is given, so the variable says the same)."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    client = Celery("closed-port", broker=url, set_as_current=False)
    monkeypatch.setattr(health, "app", client)
    yield
    client.close()


def test_liveness_answers_ok(api, db):
    response = api.get("/api/v1/health/live/")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_liveness_answers_while_the_broker_is_unreachable(api, db, broker_on_a_closed_port):
    assert api.get("/api/v1/health/live/").status_code == 200


def test_readiness_answers_ready_when_database_cache_and_broker_answer(api, db):
    response = api.get("/api/v1/health/ready/")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "cache": "ok", "broker": "ok"}


def test_readiness_is_503_in_the_error_shape_when_the_broker_is_unreachable(api, db, broker_on_a_closed_port):
    response = api.get("/api/v1/health/ready/")

    assert response.status_code == 503
    assert error_codes(response) == ["unavailable"]
    assert [e["attr"] for e in response.json()["errors"]] == ["broker"]
    assert response["Retry-After"] == "5"


def test_readiness_is_503_when_the_cache_is_unreachable(api, db, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
                                   "OPTIONS": {"socket_connect_timeout": 1}}}

    response = api.get("/api/v1/health/ready/")

    assert response.status_code == 503
    assert [e["attr"] for e in response.json()["errors"]] == ["cache"]


def test_the_probes_are_in_the_schema(api, db):
    paths = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert {"/api/v1/health/live/", "/api/v1/health/ready/"} <= set(paths)
    assert "503" in paths["/api/v1/health/ready/"]["get"]["responses"]
