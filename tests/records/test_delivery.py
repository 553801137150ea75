"""Issue 18, item 2: durable delivery against a real Ralph. The LRS down delays and loses nothing; a
4xx is recorded, shown to platform admins and sent again from the admin; the LRS's secret is never
shown back in the admin."""
import json

import pytest
from django.utils import timezone

from accounts.models import Role, User
from courses import services as course_services
from records import services as records
from records.models import LearningRecordStore, Statement

from ..conftest import signed_in
from ..factories import course_lessons, make_course, make_user
from ..lrs import SECRET, connect_lrs

pytestmark = pytest.mark.django_db
Status = Statement.Status


@pytest.fixture
def course(academy):
    return make_course(academy, modules=1, lessons=3)


def _read_all(course, learners):
    """Each learner reads each lesson: statements written, their delivery not run (no on_commit here)."""
    for learner in learners:
        course_services.enrol(learner=learner, course=course)
        for lesson in course_lessons(course):
            course_services.lesson_mark_read(learner=learner, lesson_id=lesson.pk)


def _due_now():
    Statement.objects.filter(status=Status.PENDING).update(next_try_at=timezone.now())


def test_the_lrs_down_delays_with_backoff_and_loses_nothing(academy, course, ralph, settings):
    settings.RECORDS_RETRY_BASE_SECONDS, settings.RECORDS_RETRY_MAX_SECONDS = 2, 5
    connect_lrs(academy, ralph)
    _read_all(course, [make_user(), make_user()])
    written = Statement.objects.count()
    assert written == 8
    # when the LRS is down
    ralph.stop()
    done = records.statements_deliver(academy_id=academy.pk)
    # then nothing is lost: every statement still waits, tried once, due again after the back-off
    assert done == {"sent": 0, "refused": 0, "retry_in": 2, "more": False}
    rows = list(Statement.objects.all())
    assert {(r.status, r.tries, r.last_status) for r in rows} == {(Status.PENDING, 1, None)}
    assert all(r.next_try_at > timezone.now() for r in rows) and "could not be reached" in rows[0].last_error
    assert records.statements_deliver(academy_id=academy.pk)["sent"] == 0  # not due yet: not tried
    _due_now()
    assert records.statements_deliver(academy_id=academy.pk)["retry_in"] == 4  # doubled
    _due_now()
    assert records.statements_deliver(academy_id=academy.pk)["retry_in"] == 5  # capped
    # when it is back, the statements arrive, each once
    ralph.start()
    _due_now()
    assert records.statements_deliver(academy_id=academy.pk)["sent"] == written
    stored = [s["id"] for s in ralph.statements()]
    assert sorted(stored) == sorted(str(r.statement_id) for r in rows) and len(set(stored)) == written


def test_a_batch_is_sent_in_several_posts_when_larger_than_the_batch_size(academy, course, ralph, settings):
    settings.RECORDS_BATCH_SIZE = 3
    connect_lrs(academy, ralph)
    _read_all(course, [make_user(), make_user()])
    first = records.statements_deliver(academy_id=academy.pk)
    assert (first["sent"], first["more"]) == (3, True)
    while records.statements_deliver(academy_id=academy.pk)["more"]:
        pass
    assert Statement.objects.filter(status=Status.SENT).count() == 8 == len(ralph.statements())


def test_a_4xx_refuses_only_the_bad_statement_which_staff_see_and_send_again(academy, course, ralph):
    connect_lrs(academy, ralph)
    _read_all(course, [make_user()])
    bad = Statement.objects.order_by("id")[1]
    good_body = dict(bad.body)
    bad.body = {key: value for key, value in bad.body.items() if key != "verb"}  # a statement needs a verb
    bad.save(update_fields=["body"])
    # when the LRS refuses the batch (a 4xx), each statement is sent alone
    done = records.statements_deliver(academy_id=academy.pk)
    assert (done["sent"], done["refused"]) == (3, 1)
    bad.refresh_from_db()
    assert bad.status == Status.REFUSED and bad.last_status == 422 and "verb" in bad.last_error  # FastAPI validation
    assert len(ralph.statements()) == 3
    # then platform admins see it in the admin, with the LRS's answer
    admin = User.objects.create_superuser("root", "root@example.org", "pw-Secret-123", role=Role.ADMIN)
    client = signed_in(admin)
    page = client.get("/django-admin/records/statement/?status=refused")
    assert page.status_code == 200 and str(bad.statement_id) in page.content.decode()
    # and once the cause is put right, "Send again" delivers it
    Statement.objects.filter(pk=bad.pk).update(body=good_body)
    answer = client.post("/django-admin/records/statement/", {"action": "send_again", "_selected_action": [bad.pk]})
    assert answer.status_code == 302
    bad.refresh_from_db()
    assert (bad.status, bad.tries) == (Status.PENDING, 0)
    assert records.statements_deliver(academy_id=academy.pk)["sent"] == 1
    assert len(ralph.statements()) == 4


def test_wrong_credentials_refuse_the_batch_with_the_lrs_answer(academy, course, ralph):
    connect_lrs(academy, ralph, secret="not-the-secret")
    _read_all(course, [make_user()])
    done = records.statements_deliver(academy_id=academy.pk)
    assert done["refused"] == 4
    assert set(Statement.objects.values_list("status", "last_status")) == {(Status.REFUSED, 401)}
    assert ralph.statements() == []


def test_the_admin_never_shows_the_secret_and_keeps_it_when_left_empty(academy, ralph):
    store = connect_lrs(academy, ralph)
    admin = User.objects.create_superuser("root", "root@example.org", "pw-Secret-123", role=Role.ADMIN)
    client = signed_in(admin)
    url = f"/django-admin/records/learningrecordstore/{store.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and SECRET not in page.content.decode()
    answer = client.post(url, {"academy": academy.pk, "endpoint": "http://127.0.0.1:1/xAPI/", "key": "k2",
                               "secret": "", "enabled": "on"})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    store.refresh_from_db()
    assert (store.endpoint, store.key, store.secret) == ("http://127.0.0.1:1/xAPI/", "k2", SECRET)


def test_the_sweep_queues_each_academy_with_due_statements(academy, course, ralph, django_capture_on_commit_callbacks):
    connect_lrs(academy, ralph)
    _read_all(course, [make_user()])
    # Tasks run inline here: the sweep's queued delivery sends them.
    assert records.statements_sweep() == 1
    assert Statement.objects.filter(status=Status.SENT).count() == 4 == len(ralph.statements())
    assert records.statements_sweep() == 0


def test_a_disabled_store_gets_no_new_statements(academy, course, ralph):
    store = connect_lrs(academy, ralph)
    store.enabled = False
    store.save()
    _read_all(course, [make_user()])
    assert Statement.objects.count() == 0
    assert LearningRecordStore.objects.count() == 1


class _ScriptedLrs:
    """A real HTTP server on 127.0.0.1 that answers each POST with the next status of its script (for the
    one path Ralph cannot be made to take on cue: a 4xx batch, then the LRS failing mid-isolation)."""

    def __init__(self, script):
        import http.server
        import threading

        self.script, self.bodies = list(script), []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the stdlib's name
                length = int(self.headers.get("Content-Length", 0))
                outer.bodies.append(json.loads(self.rfile.read(length)))
                status = outer.script.pop(0) if outer.script else 503
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"[]" if status < 300 else b'{"detail": "scripted"}')

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_an_lrs_that_stops_answering_while_a_4xx_batch_is_isolated_backs_off_the_rest(academy, course):
    peer = _ScriptedLrs([400, 200, 503])
    try:
        LearningRecordStore.objects.create(academy=academy, endpoint=peer.endpoint, key="k", secret="s")
        _read_all(course, [make_user()])
        done = records.statements_deliver(academy_id=academy.pk)
    finally:
        peer.close()
    # the batch (400), the first alone (200), the second alone (503): the last two were not tried
    assert [len(body) for body in peer.bodies] == [4, 1, 1]
    assert done["sent"] == 1 and done["refused"] == 0 and done["retry_in"] is not None
    rows = list(Statement.objects.order_by("id").values_list("status", "tries", "last_status"))
    assert rows == [(Status.SENT, 0, 200), (Status.PENDING, 1, 503), (Status.PENDING, 1, 503),
                    (Status.PENDING, 1, 503)]
