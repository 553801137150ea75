"""Bulk invitations: a teacher's CSV of addresses, each row told its fate, then sent one by one
through `services.invitation_send` (so each invitation is audited and mailed as a single one is).

What a row may say. The single invitation answers the same whatever the address, and a teacher
never sees a learner's email (their roster shows display names). So a row is told only what the
teacher knows already: that it is not an address, that it repeats an earlier row, or that this
class's invitation to it waits for an answer (the class page lists those). Every other address
"would be invited", whether or not an account has it and whether or not that account is in the
class: the plan never reads accounts or memberships. Sending then behaves as the single
invitation does: an address already in the class gets nothing, silently.

The file: UTF-8 with or without a byte order mark, at most MAX_BYTES and MAX_ROWS addresses;
cells split by commas or semicolons (whichever the first line has more of); blank rows skipped.
The first row is a header when none of its cells holds an "@". The addresses are the column
named "email" (or "e-mail", "email address", "courriel"), or, without such a column, the one
non-empty cell of each row; a file with several filled columns and no "email" column is refused.
"""
import csv
import io
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext

from . import access
from .errors import Conflict, CourseError, NotFound
from .models import SchoolClass
from .services import _normalised_email, invitation_send

MAX_ROWS = 500
MAX_BYTES = 256 * 1024
EMAIL_HEADERS = frozenset({"email", "e-mail", "email address", "e-mail address", "mail", "courriel"})
SHOWN_CELL_MAX = 320  # an invalid cell or a header is echoed back, cut to this length
SHOWN_HEADER_CELLS = 20


class Fate(StrEnum):
    INVITE = "invite"        # would be invited (dry run), was invited (sent)
    PENDING = "pending"      # this class's invitation to the address waits for an answer: nothing sent
    DUPLICATE = "duplicate"  # the same address on an earlier row
    INVALID = "invalid"      # not an email address


@dataclass(frozen=True)
class BulkRow:
    line: int    # the line of the file the row ends on, from 1
    email: str   # the address as it will be stored (case-folded), or the cell as written when invalid
    fate: Fate


@dataclass(frozen=True)
class BulkPlan:
    header: tuple[str, ...]  # the cells of the row read as a header, () when there was none
    rows: tuple[BulkRow, ...]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.fate for row in self.rows)
        return {fate.value: found[fate] for fate in Fate}

    @property
    def to_invite(self) -> list[str]:
        return [row.email for row in self.rows if row.fate is Fate.INVITE]


def _refused(code: str, detail: str) -> CourseError:
    return CourseError.single(code, detail, "file")


def _text(data: bytes | str) -> str:
    if isinstance(data, str):
        if len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
            raise _refused("too_large", f"At most {MAX_BYTES // 1024} KiB of text.")
        text = data
    else:
        if len(data) > MAX_BYTES:
            raise _refused("too_large", f"At most {MAX_BYTES // 1024} KiB per file.")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _refused("not_utf8", "The file is not UTF-8 text. Save it as “CSV UTF-8”.") from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise _refused("not_text", gettext("The file holds NUL characters: it is not a CSV of addresses."))
    return text


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if first.count(";") > first.count(",") else ","


def invitation_bulk_read(*, data: bytes | str) -> tuple[tuple[str, ...], list[tuple[int, str]]]:
    """Parse a CSV of addresses: (the header row's cells or (), [(line, cell)]). Reads nothing else.
    Raises CourseError (400, `attr` "file") for a file over the caps, not UTF-8, or ambiguous."""
    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    try:
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            if any(cells):
                rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS + 1:  # one more than a header and the cap: refused below
                break
    except csv.Error:
        raise _refused("invalid_csv", gettext("The file is not valid CSV.")) from None
    has_header = bool(rows) and not any("@" in cell for cell in rows[0][1])
    header = tuple(cell[:SHOWN_CELL_MAX] for cell in rows[0][1][:SHOWN_HEADER_CELLS]) if has_header else ()
    column = None
    if has_header:
        names = [cell.casefold() for cell in rows[0][1]]
        column = next((i for i, name in enumerate(names) if name in EMAIL_HEADERS), None)
        rows = rows[1:]
    if not rows:
        raise _refused("empty", gettext("The file holds no address."))
    if len(rows) > MAX_ROWS:
        raise _refused("too_many_rows", f"At most {MAX_ROWS} addresses per file.")
    if column is None and any(sum(1 for cell in cells if cell) > 1 for _, cells in rows):
        raise _refused("no_email_column", gettext("Several filled cells on a row: put one address per row, or name the "
                                          "column of addresses “email” in a header row."))
    if column is None:
        return header, [(line, next(cell for cell in cells if cell)) for line, cells in rows]
    return header, [(line, cells[column] if column < len(cells) else "") for line, cells in rows]


def _plan(school_class: SchoolClass, header: tuple[str, ...], cells: list[tuple[int, str]]) -> BulkPlan:
    """Decide each row from the class's pending invitations alone (see the module's docstring)."""
    pending = set(school_class.invitations.filter(accepted_at__isnull=True).values_list("email", flat=True))
    seen: set[str] = set()
    rows = []
    for line, cell in cells:
        try:
            address = _normalised_email(cell)
        except CourseError:
            rows.append(BulkRow(line, cell[:SHOWN_CELL_MAX], Fate.INVALID))
            continue
        fate = Fate.DUPLICATE if address in seen else Fate.PENDING if address in pending else Fate.INVITE
        seen.add(address)
        rows.append(BulkRow(line, address, fate))
    return BulkPlan(header=header, rows=tuple(rows))


def _check(actor, school_class: SchoolClass) -> None:
    # The same refusals, in the same order, as invitation_send: a class one may not manage is missing.
    if not access.may_manage_class(user=actor, school_class=school_class):
        raise NotFound.single("not_found", gettext("No such class."))
    if school_class.archived_at is not None:
        raise Conflict.single("archived", gettext("Reopen the class before inviting anyone."), None)


def invitation_bulk_preview(*, actor, school_class: SchoolClass, data: bytes | str) -> BulkPlan:
    """The dry run: what sending this file would do. Writes nothing, queues nothing."""
    _check(actor, school_class)
    header, cells = invitation_bulk_read(data=data)
    return _plan(school_class, header, cells)


def invitation_bulk_send(*, actor, school_class: SchoolClass, data: bytes | str) -> BulkPlan:
    """Invite every row whose fate is INVITE, through invitation_send (an audit event and, once the
    transaction commits, one mail per invitation). One transaction; the class row is locked first so
    two uploads of one file at once cannot both send: the second sees the first's invitations pending.
    Sending the same file again therefore sends nothing. Never makes a membership."""
    _check(actor, school_class)
    header, cells = invitation_bulk_read(data=data)
    with transaction.atomic():
        locked = SchoolClass.objects.select_for_update().get(pk=school_class.pk)
        _check(actor, locked)  # archived meanwhile
        plan = _plan(locked, header, cells)
        for address in plan.to_invite:
            invitation_send(actor=actor, school_class=locked, email=address)
    return plan
