"""The audit log over the API: academy staff read their own academies' events, newest first,
filtered by action, academy or time; no one else reads any; nothing personal is shown."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Role
from accounts.privacy import account_delete
from accounts.services import academy_add_staff

from ..conftest import as_user, error_codes
from ..factories import make_academy, make_staff, make_user

URL = "/api/v1/audit/"


@pytest.fixture
def two_academies(db):
    return make_academy(), make_academy()


def event(academy, *, action=audit.Action.PAGE_PUBLISHED, actor=None, at=None, target=("wagtailcore.page", "7")):
    row = audit.record(action=action, target=target, actor=actor, academy=academy, data={"n": 1}, ip="10.0.0.9")
    if at is not None:
        AuditEvent.objects.filter(pk=row.pk).update(at=at)
    return row


def listed(user, **params) -> list[int]:
    response = as_user(user).get(URL, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_staff_read_their_own_academy_s_events_newest_first(two_academies):
    mine, theirs = two_academies
    staff = make_staff(mine)
    old = event(mine, at=timezone.now() - timedelta(days=2))
    new = event(mine)
    event(theirs)
    assert listed(staff) == [new.pk, old.pk]


def test_an_event_shows_its_action_actor_academy_target_and_facts_but_no_address(two_academies):
    mine, _ = two_academies
    staff, editor = make_staff(mine), make_staff(mine)
    row = event(mine, actor=editor)
    [shown] = as_user(staff).get(URL).json()["results"]
    assert shown == {"id": row.pk, "at": shown["at"], "action": "page.published",
                     "actor": {"id": editor.pk, "name": editor.username}, "academy": mine.pk,
                     "target": {"type": "wagtailcore.page", "id": "7"}, "data": {"n": 1}}
    assert "10.0.0.9" not in as_user(staff).get(URL).content.decode()


def test_a_deleted_actor_is_named_former_learner(two_academies):
    mine, _ = two_academies
    staff, learner = make_staff(mine), make_user()
    row = event(mine, actor=learner)
    account_delete(user=learner, password="pw-Secret-123")
    [shown] = as_user(staff).get(URL).json()["results"]
    assert shown["id"] == row.pk and shown["actor"] == {"id": learner.pk, "name": "Former learner"}


def test_a_platform_admin_reads_every_academy_s_events(two_academies):
    mine, theirs = two_academies
    admin = make_user(Role.ADMIN)
    ids = {event(mine).pk, event(theirs).pk, event(None, action=audit.Action.ROLE_CHANGED).pk}
    assert set(listed(admin)) == ids


@pytest.mark.parametrize("role", [Role.STUDENT, Role.TEACHER])
def test_learners_and_teachers_read_none(two_academies, role):
    event(two_academies[0])
    response = as_user(make_user(role)).get(URL)
    assert response.status_code == 403 and error_codes(response) == ["permission_denied"]


def test_the_list_filters_by_action_academy_and_time(two_academies):
    mine, theirs = two_academies
    staff = make_staff(mine)
    staff_of_both = make_staff(theirs)
    academy_add_staff(academy=mine, user=staff_of_both)
    published = event(mine, at=timezone.now() - timedelta(days=3))
    imported = event(mine, action=audit.Action.EXERCISE_VERSION_IMPORTED)
    other = event(theirs)
    assert listed(staff, action="exercise.version_imported") == [imported.pk]
    assert listed(staff, since=(timezone.now() - timedelta(days=1)).isoformat()) == [imported.pk]
    assert listed(staff_of_both, academy=theirs.pk) == [other.pk]
    assert listed(staff_of_both) == [other.pk, imported.pk, published.pk]
    assert listed(staff, academy=theirs.pk) == []  # another academy's id shows nothing, not its events


@pytest.mark.parametrize("params, attr", [({"action": "page.deleted"}, "action"), ({"academy": "x"}, "academy"),
                                          ({"since": "yesterday"}, "since")])
def test_a_bad_filter_is_a_400_at_its_name(two_academies, params, attr):
    response = as_user(make_staff(two_academies[0])).get(URL, params)
    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == [attr]


def queries_for(staff, academy, count) -> int:
    for _ in range(count):
        event(academy, actor=make_user())
    with CaptureQueriesContext(connection) as queries:
        assert len(listed(staff)) == min(AuditEvent.objects.filter(academy=academy).count(), 20)
    return len(queries)


def test_the_queries_do_not_grow_with_the_events_on_a_page(two_academies):
    mine, _ = two_academies
    staff = make_staff(mine)
    assert queries_for(staff, mine, 2) == queries_for(staff, mine, 15)
