"""POST /api/v1/classes/{id}/invitations/bulk/: a CSV as a file or as text, a dry run, then the send;
each answer checked against the schema (tests/api/conftest.py); the invitation budget per teacher."""
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from courses import services
from courses.bulk_invitations import MAX_ROWS
from courses.models import ClassInvitation, ClassMembership

from ..conftest import as_user, error_codes
from ..factories import make_user


@pytest.fixture(autouse=True)
def own_throttle_counts(settings):
    """The budget counts per teacher id: each test under its own key prefix, so none inherits another's."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"bulk-{uuid.uuid4().hex}"}}


@pytest.fixture
def klass(teacher):
    return services.class_create(teacher=teacher, name="9B")


def url(klass) -> str:
    return f"/api/v1/classes/{klass.pk}/invitations/bulk/"


def send_text(teacher, klass, text, dry_run=False):
    return as_user(teacher).post(url(klass), {"text": text, "dry_run": dry_run}, format="json")


def send_file(teacher, klass, content: bytes, dry_run=False):
    upload = SimpleUploadedFile("class.csv", content, content_type="text/csv")
    return as_user(teacher).post(url(klass), {"file": upload, "dry_run": "true" if dry_run else "false"},
                                 format="multipart")


def test_a_dry_run_of_a_file_answers_each_row_and_writes_nothing(teacher, klass):
    response = send_file(teacher, klass, "\ufeffName;Email\nAna;Ana@Example.org\nBo;bo@\n".encode(), dry_run=True)

    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["header"]) == (True, ["Name", "Email"])
    assert body["rows"] == [{"line": 2, "email": "ana@example.org", "fate": "invite"},
                            {"line": 3, "email": "bo@", "fate": "invalid"}]
    assert body["counts"] == {"invite": 1, "pending": 0, "duplicate": 0, "invalid": 1}
    assert not ClassInvitation.objects.exists()


def test_sending_text_answers_202_and_makes_invitations_only(teacher, klass):
    learner = make_user(Role.STUDENT)

    response = send_text(teacher, klass, f"{learner.email}\nnew@example.org\n")

    assert (response.status_code, response.json()["dry_run"], response.json()["header"]) == (202, False, None)
    assert ClassInvitation.objects.filter(school_class=klass).count() == 2
    assert not ClassMembership.objects.exists()


def test_sending_a_file_twice_invites_once_and_the_second_answer_says_pending(teacher, klass):
    send_file(teacher, klass, b"ana@example.org\n")
    again = send_file(teacher, klass, b"ana@example.org\n")
    assert [row["fate"] for row in again.json()["rows"]] == ["pending"]
    assert ClassInvitation.objects.count() == 1


def test_the_answer_for_a_member_is_the_answer_for_an_unknown_address(teacher, klass):
    member = make_user(Role.STUDENT)
    services.class_join(student=member, join_code=klass.join_code)
    answers = [send_text(teacher, klass, address, dry_run=dry_run).json()["rows"][0]["fate"]
               for address in (member.email, "nobody-here@example.org") for dry_run in (True, False)]
    assert answers == ["invite"] * 4


def test_a_problem_with_the_file_is_a_400_naming_the_file(teacher, klass):
    response = send_text(teacher, klass, "\n".join(f"l{i}@example.org" for i in range(MAX_ROWS + 1)))
    assert response.status_code == 400
    assert error_codes(response) == ["too_many_rows"]
    assert response.json()["errors"][0]["attr"] == "file"


def test_a_file_that_is_not_utf8_is_a_400(teacher, klass):
    response = send_file(teacher, klass, "zoé@example.org\n".encode("cp1252"))
    assert (response.status_code, error_codes(response)) == (400, ["not_utf8"])


def test_neither_file_nor_text_is_a_400(teacher, klass):
    response = as_user(teacher).post(url(klass), {"dry_run": True}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "text"


def test_another_teachers_class_answers_like_a_missing_one(klass):
    intruder = make_user(Role.TEACHER)
    probed = send_text(intruder, klass, "ana@example.org", dry_run=True)
    missing = as_user(intruder).post("/api/v1/classes/987654321/invitations/bulk/",
                                     {"text": "ana@example.org", "dry_run": True}, format="json")
    assert (probed.status_code, probed.json()) == (missing.status_code, missing.json()) == (404, probed.json())


def test_an_archived_class_is_a_409(teacher, klass):
    services.class_archive(actor=teacher, school_class=klass)
    response = send_text(teacher, klass, "ana@example.org", dry_run=True)
    assert (response.status_code, error_codes(response)) == (409, ["archived"])


# --- the invitation budget -----------------------------------------------------------------------


@pytest.fixture
def budget(settings):
    def set_budget(rate):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "invitations": rate}}
    return set_budget


def addresses(n, start=0) -> str:
    return "\n".join(f"learner{i}@example.org" for i in range(start, start + n))


def test_a_file_costs_one_invitation_per_row_to_invite(teacher, klass, budget):
    budget("5/hour")
    assert send_text(teacher, klass, addresses(3)).status_code == 202

    refused = send_text(teacher, klass, addresses(3, start=3))

    assert refused.status_code == 429
    assert error_codes(refused) == ["throttled"]
    assert int(refused["Retry-After"]) > 0
    assert ClassInvitation.objects.count() == 3  # the whole file or none of it


def test_the_rest_of_the_budget_still_takes_a_smaller_file(teacher, klass, budget):
    budget("5/hour")
    send_text(teacher, klass, addresses(3))
    assert send_text(teacher, klass, addresses(2, start=3)).status_code == 202
    assert ClassInvitation.objects.count() == 5


def test_dry_runs_and_rows_already_pending_cost_nothing(teacher, klass, budget):
    budget("3/hour")
    send_text(teacher, klass, addresses(3))
    for _ in range(3):
        assert send_text(teacher, klass, addresses(3), dry_run=True).status_code == 200
    assert send_text(teacher, klass, addresses(3)).status_code == 202  # all pending now: nothing to invite


def test_single_invitations_share_the_budget(teacher, klass, budget):
    budget("3/hour")
    send_text(teacher, klass, addresses(3))
    single = as_user(teacher).post(f"/api/v1/classes/{klass.pk}/invitations/", {"email": "one@example.org"},
                                   format="json")
    assert single.status_code == 429


def test_the_budget_is_each_teachers_own(teacher, klass, budget):
    budget("3/hour")
    send_text(teacher, klass, addresses(3))
    other = make_user(Role.TEACHER)
    other_class = services.class_create(teacher=other, name="10A")
    assert send_text(other, other_class, addresses(3)).status_code == 202
