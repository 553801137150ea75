"""A user's own data: export it all as JSON, or delete the account (anonymise it).

Deleting keeps the row and anonymises it rather than removing it: the
learner's graded attempts, lesson reads, enrolments and class memberships
stay linked to it, so class statistics and the progress matrix still count
them, while nothing left identifies the person (see accounts/README.md,
"Privacy"). Teachers see the row as "Former learner" through `display_name`.

accounts sits at the bottom of the app layers and knows nothing of the apps
above it. Each app that keeps records about a person says what export and
deletion do with them, and does it for its own rows: it registers a
`PrivacyPart` from its AppConfig.ready() (assessments/privacy.py,
courses/privacy.py). This module orchestrates the parts and handles the
account's own rows. `RECORDS_ABOUT_A_USER` gathers every relation to the user
with its decision; a test fails when a relation appears that it does not list.
"""
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from . import audit
from .errors import AccountError, Forbidden
from .models import AuditEvent, Role, User

EXPORT_FORMAT = "parley-export/1"

# A deleted account's username. "~" is refused by every sign-up path (the API's
# username pattern and Django's username validator), so no live account can
# look deleted, and the placeholder frees the old username at once.
FORMER_PREFIX = "~former-"

# Learners and teachers close their own accounts; academy staff and
# administrators own content and other people's access, so an admin does it.
SELF_DELETING_ROLES = (Role.STUDENT, Role.TEACHER)

# Every relation from a Parley model to the user, with what happens to it: the account's own here,
# the other apps' added by their PrivacyPart when they register.
RECORDS_ABOUT_A_USER = {
    "accounts.AcademyMembership.user": "exported; deleted with the account",
    "accounts.ApiToken.user": "exported without digests; revoked on deletion",
    "accounts.AuditEvent.actor": "exported (events the user did); kept, pointing at the anonymised row",
}


@dataclass(frozen=True)
class PrivacyPart:
    """What one app keeps about a person, and how it exports and anonymises it.

    `export(learner_id=)` returns the app's sections of the export, in a fixed number of
    queries (`export_queries`). `anonymise(learner_id=, now=)` runs inside the deletion's
    transaction, after the user row is locked and before it is wiped (so the address is still
    there to find), and returns counts for the audit event: never names, text or addresses."""

    app: str
    records: dict[str, str]
    export: Callable[..., dict]
    anonymise: Callable[..., dict]
    export_queries: int


_PARTS: dict[str, PrivacyPart] = {}


def privacy_register(part: PrivacyPart) -> None:
    """Called from an app's AppConfig.ready(); registering twice (a reloaded app) replaces."""
    _PARTS[part.app] = part
    RECORDS_ABOUT_A_USER.update(part.records)


def privacy_parts() -> list[PrivacyPart]:
    return list(_PARTS.values())


def display_name(username: str) -> str:
    """How a learner is named to teachers: their username, or "Former learner" once deleted."""
    return gettext("Former learner") if is_former(username) else username


def display_names(people) -> dict[int, str]:
    """Names for the members of one class shown together, from (user id, username) pairs of all its members:
    each former learner is "Former learner 1", "Former learner 2", ... numbered by account id among the
    class's former learners, so rows stay apart and keep their number on every page of the class, and the
    number says nothing of who they were."""
    people = list(people)
    formers = sorted(pk for pk, username in people if is_former(username))
    number = {pk: n for n, pk in enumerate(formers, 1)}
    return {pk: gettext("Former learner %(n)s") % {"n": number[pk]} if pk in number else username
            for pk, username in people}


def is_former(username: str) -> bool:
    return (username or "").startswith(FORMER_PREFIX)


# --- export ------------------------------------------------------------------------------


def user_export(*, user: User) -> dict:
    """Everything Parley keeps about `user`, as JSON-ready data, in a fixed number of queries: three
    for the account's own rows and each part's `export_queries`, whatever the amounts.

    Nothing of other users: class and course names, not classmates or teachers;
    token dates, not digests; the grading history as its learner sees it, without who graded.
    """
    events = AuditEvent.objects.filter(
        Q(actor=user) | Q(target_type=User._meta.label_lower, target_id=str(user.pk))).order_by("at", "id")
    data = {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "profile": {
            "id": user.pk, "username": user.username, "email": user.email, "first_name": user.first_name,
            "last_name": user.last_name, "role": user.role, "date_joined": user.date_joined,
            "last_login": user.last_login, "last_activity_at": user.last_activity_at,
        },
        "academies": [
            {"id": m["academy_id"], "slug": m["academy__slug"], "name": m["academy__name"], "role": m["staff_role"]}
            for m in user.academy_memberships.order_by("academy_id").values(
                "academy_id", "academy__slug", "academy__name", "staff_role")
        ],
    }
    for part in privacy_parts():
        data.update(part.export(learner_id=user.pk))
    data["tokens"] = list(user.bearer_tokens.order_by("created_at", "id").values("created_at", "expires_at",
                                                                               "revoked_at"))
    data["audit_events"] = [
        {"action": e["action"], "target_type": e["target_type"], "target_id": e["target_id"], "at": e["at"],
         "data": e["data"], "by_you": e["actor_id"] == user.pk}
        for e in events.values("action", "target_type", "target_id", "at", "data", "actor_id")
    ]
    return data


def export_query_count() -> int:
    """user_export's fixed cost: academies, tokens and audit events, plus each part's."""
    return 3 + sum(part.export_queries for part in privacy_parts())


# --- deletion ------------------------------------------------------------------------------


def account_delete(*, user: User, password: str = "", proven_recently: bool = False) -> User:
    """Delete the account: anonymise the row, keep what statistics need, end every sign-in.

    The password confirms it is the person (a stolen session alone cannot delete an account); a wrong
    one raises AccountError, a staff account Forbidden, and nothing changes. An account with no
    password (one an LMS made, lti/) is confirmed instead by a recent proof of its session
    (`proven_recently`, accounts.reauth: a launch within minutes), refused without one.
    """
    if user.role not in SELF_DELETING_ROLES or user.is_superuser or user.is_staff:
        raise Forbidden.single("managed_account",
                               gettext("Academy staff and administrator accounts are closed by an administrator."))
    if not user.has_usable_password():
        if not proven_recently:
            raise AccountError(None, "not_recently_proven", gettext(
                "Open Parley from your school's LMS again, then delete your account within ten minutes."))
    elif not password or not user.check_password(password):
        raise AccountError("password", "wrong_password", gettext("The password is not right."))
    now = timezone.now()
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        if row.anonymised_at is not None:
            return row
        facts = {}
        for part in privacy_parts():
            facts.update(part.anonymise(learner_id=row.pk, now=now))
        row.username = FORMER_PREFIX + uuid.uuid4().hex
        row.email = row.first_name = row.last_name = ""
        # An unusable password changes the session hash, so every session of
        # the account stops authenticating; inactive, it cannot sign in again.
        row.set_unusable_password()
        row.is_active = False
        row.last_login = row.last_activity_at = None
        row.anonymised_at = now
        row.save()
        row.bearer_tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
        row.academy_memberships.all().delete()
        # The event names the anonymised row and counts: never the old username or email.
        audit.record(action=audit.Action.ACCOUNT_DELETED, target=row, actor=row, data=facts)
    return row
