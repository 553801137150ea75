"""The site's writes are as whole as the API's: a learner's form posts call the same services,
which own their transactions, so a connection cut at any statement leaves nothing half written.

The site has no per-request transaction (api/middleware.py wraps only /api/), so this is the
proof that the services' own `transaction.atomic` carries the promise, not the middleware.
"""
import pytest
from django.db import connection
from django.test import Client

from ..factories import make_user
from .school import learner_rows, make_school
from .test_database_drops import CutConnection, prepared

SITE_WRITES = {
    "enrol": lambda school: (f"/courses/{school.course.pk}/enrol/", {}),
    "complete": lambda school: (f"/lessons/{school.lessons[0].pk}/read/", {}),
    "join": lambda school: ("/classes/join/", {"join_code": school.school_class.join_code}),
}


@pytest.mark.parametrize("op", sorted(SITE_WRITES))
def test_a_site_write_cut_off_at_any_statement_leaves_no_partial_write(db, op):
    school = make_school()
    learner = make_user()
    prepared(school, learner, op)
    client = Client(raise_request_exception=False)
    client.force_login(learner)
    client.get("/")  # the session and its CSRF cookie exist before any cut
    path, form = SITE_WRITES[op](school)
    before = learner_rows(learner)
    cut_at = 0
    while True:
        cut_at += 1
        cut = CutConnection(cut_at)
        with connection.execute_wrapper(cut):
            response = client.post(path, form)
        if not cut.fired:
            break
        assert response.status_code >= 500, (cut_at, response.status_code)
        assert learner_rows(learner) == before, f"statement {cut_at} of the site's {op} left a partial write"
    assert response.status_code == 302, (response.status_code, response.content[:300])
    assert learner_rows(learner) != before
    # A cut is a statement the write needed: a write of one statement would prove nothing here.
    assert cut_at - 1 >= 2
