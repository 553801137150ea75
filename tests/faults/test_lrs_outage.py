"""Issue 18, item 3: the LRS stopped mid-stream and started again, with a real worker process, the
real broker and a real Ralph on 127.0.0.1. Learners keep enrolling and reading while the LRS is away;
once it is back, every statement has arrived exactly once (counted in the LRS's own file)."""
from collections import Counter

import pytest

from courses import services as course_services
from records import services as records
from records.models import Statement

from ..factories import course_lessons, make_academy, make_course, make_user
from ..lrs import connect_lrs, reset_lrs_cache
from ..workers import running_worker, wait_for
from .conftest import record_figures

pytestmark = [pytest.mark.worker]
LEARNERS = 9  # 4 statements each: an enrolment and three lessons read


@pytest.fixture
def lrs_cache():
    reset_lrs_cache()
    yield
    reset_lrs_cache()


def _learn(course, lessons, learners):
    for learner in learners:
        course_services.enrol(learner=learner, course=course)
        for lesson in lessons:
            course_services.lesson_mark_read(learner=learner, lesson_id=lesson.pk)


def test_the_lrs_stopped_mid_stream_gets_every_statement_exactly_once(real_broker, lrs_cache, ralph, monkeypatch):
    # given an academy whose LRS is Ralph, and a worker that backs off briefly and sends small batches
    academy = make_academy()
    course = make_course(academy, modules=1, lessons=3)
    lessons = course_lessons(course)
    connect_lrs(academy, ralph)
    monkeypatch.setenv("RECORDS_RETRY_BASE_MS", "200")
    monkeypatch.setenv("RECORDS_RETRY_MAX_SECONDS", "1")
    monkeypatch.setenv("RECORDS_BATCH_SIZE", "5")
    learners = [make_user() for _ in range(LEARNERS)]
    with running_worker():
        # when learners work while the LRS answers, then while it is stopped, then after it is back
        _learn(course, lessons, learners[:3])
        assert wait_for(lambda: len(ralph.statements()) >= 4, timeout=60), "nothing arrived before the stop"
        ralph.stop()
        _learn(course, lessons, learners[3:6])
        assert wait_for(lambda: Statement.objects.filter(tries__gt=0).exists(), timeout=60), \
            "no delivery met the stopped LRS: the test proved nothing"
        ralph.start()
        _learn(course, lessons, learners[6:])

        def all_sent():
            # What the beat's sweep does every RECORDS_SWEEP_SECONDS, for statements whose retries ran out.
            records.statements_sweep()
            return not Statement.objects.exclude(status=Statement.Status.SENT).exists()

        assert wait_for(all_sent, timeout=120, interval=1.0), list(
            Statement.objects.exclude(status="sent").values_list("status", "tries", "last_error")[:5])
    # then the LRS holds every statement of the outbox, each once
    arrived = Counter(s["id"] for s in ralph.statements())
    written = {str(s) for s in Statement.objects.values_list("statement_id", flat=True)}
    assert len(written) == 4 * LEARNERS
    assert set(arrived) == written
    assert set(arrived.values()) == {1}
    retried = Statement.objects.filter(tries__gt=0).count()
    record_figures("lrs_outage", statements=len(written), retried=retried)
