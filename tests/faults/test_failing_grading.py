"""Nothing lost when grading itself fails: the attempt is not dropped or retried
forever, it becomes `failed` with the reason shown to staff only, and staff
put it back in the queue once the cause is fixed."""
from datetime import timedelta

from django.utils import timezone

from assessments.models import Attempt, Grading
from assessments.services import attempts_sweep

from ..conftest import as_user
from ..factories import PASSING_PATH, import_exercise, make_academy, make_staff, make_user

# A path the engine cannot grade (as after a bad engine release): every try fails.
UNGRADABLE = {"steps": [{"node": "nowhere", "choice": "ask"}]}


def test_an_attempt_that_keeps_failing_is_marked_failed_for_staff_who_retry_it(
        db, settings, django_capture_on_commit_callbacks):
    academy = make_academy()
    exercise = import_exercise(academy, visibility="practice")
    learner, staff = make_user(), make_staff(academy)
    attempt = Attempt.objects.create(learner=learner, exercise=exercise, version=exercise.current_version,
                                     status="submitted", answers=UNGRADABLE, submitted_at=timezone.now())

    for sweep in range(1, settings.GRADING_MAX_FAILURES + 2):  # one sweep more than the limit
        attempts_sweep(now=timezone.now() + timedelta(hours=sweep))  # grades inline in tests
    attempt.refresh_from_db()
    assert (attempt.status, attempt.failures) == ("failed", settings.GRADING_MAX_FAILURES)
    assert attempt.last_error

    staff_view = as_user(staff).get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert staff_view["status"] == "failed" and staff_view["last_error"] == attempt.last_error
    learner_view = as_user(learner).get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert learner_view["status"] == "failed" and "last_error" not in learner_view

    Attempt.objects.filter(pk=attempt.pk).update(answers={"steps": PASSING_PATH})  # the cause is fixed
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(staff).post(f"/api/v1/attempts/{attempt.pk}/retry/")
    assert response.status_code == 202
    attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.passed is True
    assert Grading.objects.filter(attempt=attempt, kind="automatic").count() == 1
