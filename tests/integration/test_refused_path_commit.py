"""A refused whole path is counted even though the request answers 400: the row commits with the API's
per-request transaction. Outside a test transaction, so it lives with the other transactional tests, which
run after the browser tests (their serialized rollback needs an emptied database first)."""
import pytest
from django.db import connection

from assessments.models import RefusedPath

from ..conftest import as_user
from ..factories import PASSING_PATH, import_exercise


def submit(client, exercise, steps):
    return client.post(f"/api/v1/exercises/{exercise.pk}/attempts/", {"steps": steps}, format="json")


@pytest.mark.django_db(transaction=True)
def test_the_refusal_row_is_committed_with_the_400(wagtail_base_rows, academy, student):
    # Outside a test transaction: the API's per-request transaction really commits or rolls back.
    practice = import_exercise(academy, visibility="practice")
    response = submit(as_user(student), practice, [PASSING_PATH[0], {"node": "lobby"}, PASSING_PATH[2]])
    assert response.status_code == 400
    assert not connection.in_atomic_block
    assert RefusedPath.objects.filter(learner=student, exercise=practice).count() == 1

