"""Bulk invitations (courses/bulk_invitations.py): a teacher's CSV read row by row, a dry run that
changes nothing, and a send that makes invitations through the single invitation, never memberships.

No row may tell the teacher what the single invitation would not: whether an address has an
account, or is in the class. Rows say only what the class page shows the teacher already."""
import pytest
from django.core import mail

from accounts.models import AuditEvent, Role
from courses import services
from courses.bulk_invitations import (
    MAX_BYTES,
    MAX_ROWS,
    Fate,
    invitation_bulk_preview,
    invitation_bulk_read,
    invitation_bulk_send,
)
from courses.errors import Conflict, CourseError, NotFound
from courses.models import ClassInvitation, ClassMembership

from ..factories import make_user


@pytest.fixture
def teacher(db):
    return make_user(Role.TEACHER)


@pytest.fixture
def klass(teacher):
    return services.class_create(teacher=teacher, name="9B")


def read(data):
    header, cells = invitation_bulk_read(data=data)
    return header, [cell for _, cell in cells]


def refusal(data) -> str:
    with pytest.raises(CourseError) as caught:
        invitation_bulk_read(data=data)
    assert caught.value.errors[0]["attr"] == "file"
    return caught.value.errors[0]["code"]


def fates(plan) -> list[tuple[str, str]]:
    return [(row.email, row.fate.value) for row in plan.rows]


# --- reading the file ------------------------------------------------------------------------------


def test_one_address_per_line_needs_no_header():
    assert read("ana@example.org\nbo@example.org\n") == ((), ["ana@example.org", "bo@example.org"])


def test_a_byte_order_mark_and_windows_line_ends_are_read_as_plain_utf8():
    data = "\ufeffEmail\r\nzoé@example.org\r\n".encode()
    assert read(data) == (("Email",), ["zoé@example.org"])


def test_semicolons_split_cells_when_the_first_line_has_more_of_them():
    data = "Name;Email;Group\nAna, the elder;ana@example.org;A\n"
    assert read(data) == (("Name", "Email", "Group"), ["ana@example.org"])


def test_the_column_named_email_is_read_whatever_its_place_and_case():
    data = "first,last,E-Mail\nAna,Lima,ana@example.org\nBo,Berg,bo@example.org\n"
    assert read(data)[1] == ["ana@example.org", "bo@example.org"]


def test_quoted_cells_and_blank_rows_are_handled_as_csv():
    data = '"name, full","email"\n\n"Lima, Ana","ana@example.org"\n,\n'
    assert read(data) == (("name, full", "email"), ["ana@example.org"])


def test_a_trailing_delimiter_leaves_one_filled_cell_per_row():
    assert read("ana@example.org,\nbo@example.org,\n")[1] == ["ana@example.org", "bo@example.org"]


def test_several_filled_columns_without_an_email_column_are_refused():
    assert refusal("Ana,ana@example.org\nBo,bo@example.org\n") == "no_email_column"


def test_a_file_over_the_size_cap_is_refused_before_it_is_read():
    row = b"someone-with-a-long-address@example.org\n"
    assert refusal(row * (MAX_BYTES // len(row) + 1)) == "too_large"


def test_text_over_the_size_cap_is_refused_too():
    assert refusal("a" * (MAX_BYTES + 1)) == "too_large"


def test_more_rows_than_the_cap_are_refused_and_the_cap_itself_is_taken():
    rows = [f"learner{i}@example.org" for i in range(MAX_ROWS + 1)]
    assert refusal("\n".join(rows)) == "too_many_rows"
    assert len(read("email\n" + "\n".join(rows[:MAX_ROWS]))[1]) == MAX_ROWS


def test_a_file_that_is_not_utf8_is_refused_with_a_hint():
    assert refusal("email\nzoé@example.org\n".encode("cp1252")) == "not_utf8"


def test_a_file_with_nul_characters_is_refused():
    assert refusal(b"ana@example.org\x00\n") == "not_text"


def test_a_file_with_only_a_header_or_nothing_is_refused():
    assert refusal("email\n") == "empty"
    assert refusal("") == "empty"


# --- the dry run ---------------------------------------------------------------------------------


def test_the_dry_run_says_each_rows_fate_from_what_the_teacher_knows(teacher, klass):
    services.invitation_send(actor=teacher, school_class=klass, email="Waiting@Example.org")

    plan = invitation_bulk_preview(actor=teacher, school_class=klass, data=(
        "email\nNew@Example.org\nwaiting@example.org\nnew@example.org\nnot an address\n"))

    assert fates(plan) == [("new@example.org", "invite"), ("waiting@example.org", "pending"),
                           ("new@example.org", "duplicate"), ("not an address", "invalid")]
    assert [row.line for row in plan.rows] == [2, 3, 4, 5]
    assert plan.counts == {"invite": 1, "pending": 1, "duplicate": 1, "invalid": 1}


def test_a_member_and_a_stranger_with_an_account_read_like_an_address_nobody_has(teacher, klass):
    member, stranger = make_user(Role.STUDENT), make_user(Role.STUDENT)
    services.class_join(student=member, join_code=klass.join_code)

    plan = invitation_bulk_preview(actor=teacher, school_class=klass,
                                   data=f"{member.email}\n{stranger.email}\nnobody-here@example.org\n")

    assert [row.fate for row in plan.rows] == [Fate.INVITE] * 3


def test_the_dry_run_changes_nothing_and_queues_nothing(teacher, klass, django_capture_on_commit_callbacks):
    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation_bulk_preview(actor=teacher, school_class=klass, data="ana@example.org\nbo@example.org\n")
    assert (ClassInvitation.objects.count(), AuditEvent.objects.count(), callbacks, mail.outbox) == (0, events, [], [])


@pytest.mark.parametrize("who", ["another_teacher", "student"])
def test_someone_who_may_not_manage_the_class_finds_no_class(klass, who):
    actor = make_user(Role.TEACHER if who == "another_teacher" else Role.STUDENT)
    for act in (invitation_bulk_preview, invitation_bulk_send):
        with pytest.raises(NotFound):
            act(actor=actor, school_class=klass, data="ana@example.org\n")
    assert not ClassInvitation.objects.exists()


def test_an_archived_class_takes_no_file(teacher, klass):
    services.class_archive(actor=teacher, school_class=klass)
    for act in (invitation_bulk_preview, invitation_bulk_send):
        with pytest.raises(Conflict):
            act(actor=teacher, school_class=klass, data="ana@example.org\n")


# --- sending -------------------------------------------------------------------------------------


def test_sending_makes_invitations_and_no_membership(teacher, klass):
    learner = make_user(Role.STUDENT)

    plan = invitation_bulk_send(actor=teacher, school_class=klass, data=f"{learner.email.upper()}\nbo@example.org\n")

    assert sorted(ClassInvitation.objects.values_list("email", flat=True)) == ["bo@example.org", learner.email]
    assert not ClassMembership.objects.exists()
    assert plan.counts["invite"] == 2


def test_each_new_invitation_is_audited_as_a_single_one_is(teacher, klass):
    invitation_bulk_send(actor=teacher, school_class=klass, data="ana@example.org\nbo@example.org\n")
    events = AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_SENT, actor=teacher)
    assert sorted(e.target_id for e in events) == sorted(str(pk) for pk in ClassInvitation.objects.values_list(
        "pk", flat=True))
    assert {e.data["class"] for e in events} == {klass.pk}


def test_one_mail_is_queued_per_new_invitation(teacher, klass, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_bulk_send(actor=teacher, school_class=klass, data="ana@example.org\nANA@example.org\nbo@example.org")
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bo@example.org"]


def test_sending_the_same_file_again_sends_nothing_more(teacher, klass, django_capture_on_commit_callbacks):
    data = "email\nana@example.org\nbo@example.org\n"
    with django_capture_on_commit_callbacks(execute=True):
        invitation_bulk_send(actor=teacher, school_class=klass, data=data)
    first = (set(ClassInvitation.objects.values_list("pk", "mailed_at")), AuditEvent.objects.count(), len(mail.outbox))

    with django_capture_on_commit_callbacks(execute=True):
        again = invitation_bulk_send(actor=teacher, school_class=klass, data=data)

    assert [row.fate for row in again.rows] == [Fate.PENDING, Fate.PENDING]
    assert (set(ClassInvitation.objects.values_list("pk", "mailed_at")), AuditEvent.objects.count(),
            len(mail.outbox)) == first


def test_an_address_already_in_the_class_is_sent_nothing(teacher, klass, django_capture_on_commit_callbacks):
    member = make_user(Role.STUDENT)
    services.class_join(student=member, join_code=klass.join_code)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_bulk_send(actor=teacher, school_class=klass, data=f"{member.email}\n")
    assert (ClassInvitation.objects.count(), mail.outbox) == (0, [])


def test_invalid_and_duplicate_rows_are_skipped_and_the_rest_sent(teacher, klass):
    invitation_bulk_send(actor=teacher, school_class=klass, data="ana@example.org\nnope\nana@example.org\n")
    assert list(ClassInvitation.objects.values_list("email", flat=True)) == ["ana@example.org"]


def test_the_invited_learner_joins_only_by_accepting(teacher, klass):
    learner = make_user(Role.STUDENT)
    invitation_bulk_send(actor=teacher, school_class=klass, data=f"{learner.email}\n")
    invitation = ClassInvitation.objects.get()
    assert not ClassMembership.objects.exists()

    services.invitation_accept(user=learner, invitation_id=invitation.pk)

    assert ClassMembership.objects.filter(school_class=klass, student=learner).exists()
