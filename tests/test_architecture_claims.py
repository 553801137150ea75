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


def test_beat_sweeps_stuck_attempts_every_sixty_seconds():
    entry = current_app.conf.beat_schedule["sweep-stuck-attempts"]
    assert entry["task"] == "assessments.tasks.sweep_stuck_attempts"
    assert entry["schedule"] == 60.0  # GRADING_SWEEP_SECONDS unset
    from assessments.tasks import sweep_stuck_attempts

    assert sweep_stuck_attempts.name == entry["task"]


def test_every_test_the_claims_table_names_exists():
    """docs/architecture-claims.md names checks as `file::test` (or `::test`, in the file named before it),
    paths under tests/: each must be there, or a claim would read as checked by nothing."""
    import re
    from pathlib import Path

    tests = Path(__file__).parent
    table = (tests.parent / "docs" / "architecture-claims.md").read_text()
    missing, current = [], None
    for ref in re.findall(r"`([\w/]*(?:\.py)?(?:::\w+)?)`", table):
        path, _, name = ref.partition("::")
        if path.endswith(".py"):
            current = tests / path
            if not current.exists():
                missing.append(ref)
                continue
        elif path:
            continue  # a module of the project, a setting or a word in backticks
        if name and (current is None or not re.search(rf"^\s*def {name}\(", current.read_text(), re.M)):
            missing.append(f"{current}::{name}")
    assert missing == []


def test_every_module_the_picture_places_in_an_app_is_there():
    """The picture of docs/architecture.md places modules in apps (`courses/ ... progress.py`): each is."""
    import re
    from pathlib import Path

    root = Path(__file__).parent.parent
    picture = (root / "docs" / "architecture.md").read_text().split("```")[1]
    placed, app = [], None
    for line in picture.splitlines():
        if found := re.match(r"\s+(\w+)/\s", line):
            app = found.group(1) if (root / found.group(1) / "apps.py").exists() or found.group(1) in (
                "frontend", "api") else None
        if app and not line.lstrip().startswith(("|", "v", "browser", "PostgreSQL")):
            placed += [(app, name) for name in re.findall(r"\b([a-z_]+\.py|[a-z_]+/)(?=[\s),])", line)
                       if name != f"{app}/"]
    assert placed and [(a, n) for a, n in placed if not (root / a / n).exists()] == []
