"""Claims of docs/architecture.md that no other test checked (docs/architecture-claims.md maps every
claim to what checks it)."""
import pytest
from celery import current_app
from django.conf import settings
from rest_framework.test import APIClient

from accounts.errors import AccountError, Conflict, Forbidden, NotFound, ServiceError
from assessments.errors import AssessmentError
from courses.errors import CourseError

from .factories import make_user


@pytest.mark.parametrize(("error", "status"), [
    (Conflict, 409), (NotFound, 404), (Forbidden, 403), (AccountError, 400), (AssessmentError, 400),
    (CourseError, 400),
])
def test_every_service_error_is_a_service_error_with_its_status(error, status):
    assert issubclass(error, ServiceError)
    assert error.status == status


def test_a_service_error_is_translated_once_for_the_api_into_the_error_shape(db, monkeypatch):
    from api.views import accounts

    def refuse(self, request):
        raise CourseError.single("invalid", "Refused for the test.", attr="name")

    monkeypatch.setattr(accounts.MeView, "get", refuse)
    client = APIClient()
    client.force_authenticate(make_user())
    response = client.get("/api/v1/me/")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"code": "invalid", "detail": "Refused for the test.", "attr": "name"}]


def test_a_service_error_is_translated_once_for_the_site_into_its_sentence():
    from frontend.access import error_text

    assert error_text(Conflict.single("other_code", "Said in the error.")) == "Said in the error."


def test_the_worker_acknowledges_late_requeues_a_lost_worker_s_task_prefetches_four_and_has_time_limits():
    conf = current_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 4
    assert conf.task_soft_time_limit and conf.task_time_limit > conf.task_soft_time_limit


def test_a_publish_gives_up_after_one_retry_a_fifth_of_a_second_later():
    policy = current_app.conf.task_publish_retry_policy
    assert policy["max_retries"] == 1 and policy["interval_start"] == 0 and policy["interval_step"] == 0.2
