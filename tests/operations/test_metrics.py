"""GET /metrics: refused without the operator's token, Prometheus text with it.

The grading lag after a grading by a real worker is tests/integration/test_operations.py.
"""
import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from assessments import grading, services
from assessments.models import Attempt

from ..factories import SPEC_PATH, import_exercise, make_academy, make_user

TOKEN = "metrics-token-for-the-tests-0123456789"
FAMILIES = {
    "parley_http_requests", "parley_http_request_duration_seconds", "parley_grading_lag_seconds",
    "parley_attempts", "parley_grading_oldest_waiting_seconds", "parley_outbox_depth", "parley_outbox_failed",
    "parley_broker_queue_messages", "parley_dependency_up",
}


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(token=TOKEN):
    return Client().get("/metrics", headers={"Authorization": f"Bearer {token}"})


def samples(response) -> dict:
    """{(sample name, frozenset of labels): value} of a scrape."""
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(response, name, **labels) -> float:
    return samples(response).get((name, frozenset(labels.items())), 0.0)


def test_without_a_configured_token_metrics_do_not_exist(db, settings):
    settings.METRICS_TOKEN = ""
    assert scrape("anything").status_code == 404


def test_without_a_token_metrics_are_refused(db, token):
    response = Client().get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"parley_" not in response.content


@pytest.mark.parametrize("header", [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN, "Bearer "],
                         ids=["longer", "shorter", "basic-scheme", "no-scheme", "empty"])
def test_a_wrong_token_is_refused(db, token, header):
    response = Client().get("/metrics", headers={"Authorization": header})
    assert response.status_code == 401
    assert b"parley_" not in response.content


def test_a_signed_in_platform_admin_without_the_token_is_refused(db, token):
    from tests.conftest import signed_in

    admin = make_user(username="root-admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    assert signed_in(admin).get("/metrics").status_code == 401


def test_with_the_token_metrics_answer_prometheus_text_with_every_family(db, token):
    Client().get("/api/v1/courses/")

    response = scrape()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    names = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert FAMILIES <= names, FAMILIES - names


def test_requests_are_counted_by_route_name_and_status_class_not_by_path(db, token):
    before = scrape()
    Client().get("/api/v1/courses/")
    Client().get("/api/v1/courses/987654321/")

    after = scrape()

    listed = dict(method="GET", route="api:courses", status="2xx")
    missing = dict(method="GET", route="api:course", status="4xx")
    assert value(after, "parley_http_requests_total", **listed) == value(before, "parley_http_requests_total",
                                                                         **listed) + 1
    assert value(after, "parley_http_requests_total", **missing) == value(before, "parley_http_requests_total",
                                                                          **missing) + 1
    assert not any("987654321" in str(labels) for _, labels in samples(after))
    count = "parley_http_request_duration_seconds_count"
    assert value(after, count, method="GET", route="api:courses") > value(before, count, method="GET",
                                                                          route="api:courses")


def waiting(exercise, learner, status, minutes_ago=0):
    return Attempt.objects.create(learner=learner, exercise=exercise, version=exercise.current_version,
                                  status=status, answers={"steps": SPEC_PATH},
                                  submitted_at=timezone.now() - timezone.timedelta(minutes=minutes_ago))


def test_waiting_and_failed_attempts_are_read_from_the_database(db, token):
    exercise, learner = import_exercise(make_academy(), visibility="practice"), make_user()
    for minutes in (10, 1):
        waiting(exercise, learner, Attempt.Status.SUBMITTED, minutes_ago=minutes)
    waiting(exercise, learner, Attempt.Status.GRADING)
    waiting(exercise, learner, Attempt.Status.FAILED)

    response = scrape()

    assert [value(response, "parley_attempts", status=s) for s in ("submitted", "grading", "failed")] == [2, 1, 1]
    assert value(response, "parley_outbox_depth", outbox="grading") == 2
    assert value(response, "parley_outbox_failed", outbox="grading") == 1
    assert 590 < value(response, "parley_grading_oldest_waiting_seconds") < 900
    assert value(response, "parley_dependency_up", dependency="database") == 1


def test_notices_claimed_and_not_yet_sent_are_an_outbox_and_refused_ones_its_failures(db, token):
    from notices.models import Kind, SentNotice

    learner, now = make_user(), timezone.now()
    for key, sent, failed in [("a1", None, None), ("a2", now, None), ("a3", None, now), ("a4", None, now)]:
        SentNotice.objects.create(user=learner, kind=Kind.DUE_REMINDER, period_key=f"{key}:due", claimed_at=now,
                                  sent_at=sent, failed_at=failed)

    response = scrape()

    assert value(response, "parley_outbox_depth", outbox="notices") == 1
    assert value(response, "parley_outbox_failed", outbox="notices") == 2


def test_the_broker_queues_of_the_task_routes_are_measured(db, token, settings):
    response = scrape()

    assert value(response, "parley_dependency_up", dependency="broker") == 1
    queues = {dict(labels)["queue"] for name, labels in samples(response) if name == "parley_broker_queue_messages"}
    assert queues == {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {"default"}


def test_a_grading_that_raises_is_counted_as_a_failure(db, token, monkeypatch, django_capture_on_commit_callbacks):
    exercise, learner = import_exercise(make_academy(), visibility="practice"), make_user()
    attempt = waiting(exercise, learner, Attempt.Status.SUBMITTED)
    before = value(scrape(), "parley_grading_failures_total", outcome="retried")

    def broken(*args, **kwargs):
        raise RuntimeError("engine down")

    monkeypatch.setattr(grading, "grade_normalised", broken)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.attempt_grade(attempt_id=attempt.pk) == "failed"

    assert value(scrape(), "parley_grading_failures_total", outcome="retried") == before + 1


def test_the_grading_lag_is_observed_only_once_the_batch_has_committed(db, token, django_capture_on_commit_callbacks):
    exercise, learner = import_exercise(make_academy(), visibility="practice"), make_user()
    attempt = waiting(exercise, learner, Attempt.Status.SUBMITTED, minutes_ago=3)
    before = value(scrape(), "parley_grading_lag_seconds_count")

    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        assert services.attempt_grade(attempt_id=attempt.pk) == "graded"
    assert value(scrape(), "parley_grading_lag_seconds_count") == before  # written, not yet committed
    for callback in on_commit:  # the commit
        callback()
    assert value(scrape(), "parley_grading_lag_seconds_count") == before + 1


def test_a_grading_in_the_process_observes_its_lag(db, token, django_capture_on_commit_callbacks):
    exercise, learner = import_exercise(make_academy(), visibility="practice"), make_user()
    attempt = waiting(exercise, learner, Attempt.Status.SUBMITTED, minutes_ago=3)
    before = scrape()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.attempt_grade(attempt_id=attempt.pk) == "graded"

    after = scrape()
    assert value(after, "parley_grading_lag_seconds_count") == value(before, "parley_grading_lag_seconds_count") + 1
    # three minutes waited: counted over the 300 s bucket's bound, not under the 120 s one
    assert value(after, "parley_grading_lag_seconds_bucket", le="300.0") == value(
        before, "parley_grading_lag_seconds_bucket", le="300.0") + 1
    assert value(after, "parley_grading_lag_seconds_bucket", le="120.0") == value(
        before, "parley_grading_lag_seconds_bucket", le="120.0")
