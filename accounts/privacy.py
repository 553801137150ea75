"""A user's own data: export it all as JSON, or delete the account (anonymise it).

Deleting keeps the row and anonymises it rather than removing it: the
learner's graded attempts, lesson reads, enrolments and class memberships
stay linked to it, so class statistics and the progress matrix still count
them, while nothing left identifies the person (see accounts/README.md,
"Privacy"). Teachers see the row as "Former learner" through `display_name`.

accounts sits at the bottom of the app layers, so it reads the records the
other apps keep about a user through their relations to the user model
(`user.enrolments`, `user.attempts`, ...) and by model label, never by import.
`RECORDS_ABOUT_A_USER` lists every such relation and what export and
deletion do with it; a test fails when a relation appears that it does not list.
"""
import uuid

from django.apps import apps
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from . import audit
from .models import AuditEvent, Role, User
from .services import AccountError

EXPORT_FORMAT = "parley-export/1"

# A deleted account's username. "~" is refused by every sign-up path (the API's
# username pattern and Django's username validator), so no live account can
# look deleted, and the placeholder frees the old username at once.
FORMER_PREFIX = "~former-"

# What a redacted reply becomes, once per word of the original, so the
# reply still meets its node's word limits when a regrade walks the path.
REDACTED_WORD = "redacted"

# Learners and teachers close their own accounts; academy staff and
# administrators own content and other people's access, so an admin does it.
SELF_DELETING_ROLES = (Role.STUDENT, Role.TEACHER)

# Every relation from a Parley model to the user, with what happens to it.
RECORDS_ABOUT_A_USER = {
    "accounts.AcademyMembership.user": "exported; deleted with the account",
    "accounts.ApiToken.user": "exported without digests; revoked on deletion",
    "accounts.AuditEvent.actor": "exported (events the user did); kept, pointing at the anonymised row",
    "courses.Enrolment.learner": "exported; kept for statistics",
    "courses.LessonCompletion.learner": "exported; kept for statistics",
    "courses.ClassMembership.student": "exported; kept for the class matrix",
    "courses.Extension.student": "exported; kept for the class matrix",
    "courses.SchoolClass.teacher": "exported; archived on deletion",
    "assessments.Attempt.learner": "exported; graded ones kept with replies redacted, the rest deleted",
    "assessments.Grading.actor": "not exported (grades the user gave others); kept for their history",
    "assessments.ExerciseVersion.created_by": "not exported (staff authorship of content)",
    "assessments.RegradeBatch.requested_by": "not exported (staff action on content)",
    "assessments.RefusedPath.learner": "exported as a count per exercise; deleted with the account",
    "courses.ClassInvitation.invited_by": "not exported (invitations the teacher sent others); "
                                          "pending ones deleted with the account",
    "courses.TeacherVerification.teacher": "exported; kept, revoked, on deletion",
    "courses.TeacherVerification.decided_by": "not exported (staff decisions on others); kept for the record",
}


def display_name(username: str) -> str:
    """How a learner is named to teachers: their username, or "Former learner" once deleted."""
    return gettext("Former learner") if is_former(username) else username


def is_former(username: str) -> bool:
    return (username or "").startswith(FORMER_PREFIX)


def _model(label: str):
    return apps.get_model(label)


# --- export ------------------------------------------------------------------------------


def _attempt_json(row: dict, history: list[dict]) -> dict:
    graded = row["status"] == "graded"
    answers = row["answers"] or {}
    return {
        "id": row["id"],
        "exercise": {"id": row["exercise_id"], "title": row["exercise__title"], "kind": row["exercise__kind"]},
        "version": row["version__number"],
        "status": row["status"],
        # As the learner's own attempt view shows them: their path, or their quiz answers.
        "path": [{k: s[k] for k in ("node", "choice", "reply") if k in s} for s in answers.get("steps", [])],
        "answers": answers.get("answers", {}),
        "result": row["result"] if graded else None,
        "score": row["score"] if graded else None,
        "passed": row["passed"] if graded else None,
        "created_at": row["created_at"],
        "submitted_at": row["submitted_at"],
        "graded_at": row["graded_at"],
        "history": history,
    }


def user_export(*, user: User) -> dict:
    """Everything Parley keeps about `user`, as JSON-ready data. Thirteen queries whatever the amounts.

    Nothing of other users: class and course names, not classmates or teachers;
    token dates, not digests; the grading history as its learner sees it, without who graded.
    """
    history: dict[int, list[dict]] = {}
    for g in (_model("assessments.Grading").objects.filter(attempt__learner=user).order_by("created_at", "id")
              .values("attempt_id", "kind", "created_at", "result", "overrides", "reason")):
        history.setdefault(g["attempt_id"], []).append({
            "kind": g["kind"], "at": g["created_at"], "overall": (g["result"] or {}).get("overall"),
            "passed": (g["result"] or {}).get("passed"), "overrides": g["overrides"], "reason": g["reason"],
        })
    attempts = user.attempts.order_by("created_at", "id").values(
        "id", "exercise_id", "exercise__title", "exercise__kind", "version__number", "status", "answers",
        "result", "score", "passed", "created_at", "submitted_at", "graded_at")
    events = AuditEvent.objects.filter(
        Q(actor=user) | Q(target_type=User._meta.label_lower, target_id=str(user.pk))).order_by("at", "id")
    return {
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
        "enrolments": [
            {"course": e["course_id"], "title": e["course__title"], "source": e["source"], "at": e["created_at"]}
            for e in user.enrolments.order_by("created_at", "id").values(
                "course_id", "course__title", "source", "created_at")
        ],
        "lessons_read": [
            {"lesson": r["lesson_id"], "title": r["lesson__title"], "at": r["read_at"]}
            for r in user.lesson_reads.order_by("read_at", "id").values("lesson_id", "lesson__title", "read_at")
        ],
        "class_memberships": [
            {"class": m["school_class_id"], "name": m["school_class__name"], "joined_at": m["joined_at"]}
            for m in user.class_memberships.order_by("joined_at", "id").values(
                "school_class_id", "school_class__name", "joined_at")
        ],
        "extensions": [
            {"class": x["assignment__school_class_id"], "module": x["assignment__module_id"],
             "module_title": x["assignment__module__title"], "due_at": x["due_at"]}
            for x in _model("courses.Extension").objects.filter(student=user).order_by("id").values(
                "assignment__school_class_id", "assignment__module_id", "assignment__module__title", "due_at")
        ],
        "classes_taught": [
            {"id": c["id"], "name": c["name"], "created_at": c["created_at"], "archived_at": c["archived_at"]}
            for c in user.classes_taught.order_by("created_at", "id").values("id", "name", "created_at", "archived_at")
        ],
        "attempts": [_attempt_json(row, history.get(row["id"], [])) for row in attempts],
        "class_invitations": [
            {"class": i["school_class_id"], "name": i["school_class__name"], "at": i["created_at"],
             "accepted_at": i["accepted_at"]}
            for i in _model("courses.ClassInvitation").objects.filter(email=(user.email or "").casefold())
            .exclude(email="").order_by("created_at", "id")
            .values("school_class_id", "school_class__name", "created_at", "accepted_at")
        ],
        "teacher_verifications": list(user.verifications.order_by("created_at", "id").values(
            "school", "note", "state", "created_at", "decided_at", "revoked_at")),
        "refused_paths": [
            {"exercise": r["exercise_id"], "count": r["n"]}
            for r in _model("assessments.RefusedPath").objects.filter(learner=user).values("exercise_id")
            .annotate(n=Count("id")).order_by("exercise_id")
        ],
        "tokens": list(user.bearer_tokens.order_by("created_at", "id").values(
            "created_at", "expires_at", "revoked_at")),
        "audit_events": [
            {"action": e["action"], "target_type": e["target_type"], "target_id": e["target_id"], "at": e["at"],
             "data": e["data"], "by_you": e["actor_id"] == user.pk}
            for e in events.values("action", "target_type", "target_id", "at", "data", "actor_id")
        ],
    }


# --- deletion ------------------------------------------------------------------------------


def _redact_scenario(answers: dict, result: dict) -> tuple[dict, dict]:
    """(answers with every reply replaced, the criteria each reply was graded with)."""
    from assessments.grading.text import word_count  # the pure engine: no Django, no app import cycle

    graded = {s["node"]: s for s in (result or {}).get("steps", []) if "met" in s}
    steps, frozen = [], {}
    for step in answers.get("steps", []):
        if "reply" in step:
            step = {**step, "reply": " ".join([REDACTED_WORD] * word_count(step["reply"]))}
            if step["node"] in graded:
                frozen[step["node"]] = {"met": graded[step["node"]]["met"],
                                        "avoided": graded[step["node"]]["avoided"]}
        steps.append(step)
    return {**answers, "steps": steps}, frozen


def _redact_quiz(answers: dict, result: dict) -> dict:
    """Typed answers that matched an accepted answer are the author's words and stay (so a
    regrade scores them the same); the others are dropped, and a missing answer scores 0 as they did."""
    earned = {q["id"]: q.get("earned", 0) for q in (result or {}).get("questions", [])}
    given = answers.get("answers", {})
    kept = {qid: a for qid, a in given.items() if not isinstance(a, str) or earned.get(qid, 0) >= 1}
    return {**answers, "answers": kept}


def _redact_attempts(user: User) -> dict:
    """Keep graded attempts with their free text redacted; delete the others (nothing to count).

    A scenario's graded criteria are frozen as an override in its grading
    history, so a later regrade or teacher review of the redacted text gives the
    same score rather than grading the placeholder words.
    """
    attempt_model = user.attempts.model
    grading_model = _model("assessments.Grading")
    locked = list(user.attempts.select_for_update().order_by("id"))
    unfinished = [a.pk for a in locked if a.status != attempt_model.Status.GRADED]
    graded = [a for a in locked if a.status == attempt_model.Status.GRADED]
    frozen_rows, redacted = [], 0
    for attempt in graded:
        answers = attempt.answers or {}
        if "steps" in answers:
            attempt.answers, frozen = _redact_scenario(answers, attempt.result)
            redacted += sum(1 for s in answers["steps"] if "reply" in s)
            if frozen:
                frozen_rows.append(grading_model(
                    attempt=attempt, kind=grading_model.Kind.OVERRIDE, result=attempt.result,
                    engine_version=(attempt.result or {}).get("engine_version", ""), overrides=frozen,
                    reason="Replies redacted when the account was deleted; criteria kept as graded."))
        else:
            before = answers.get("answers", {})
            attempt.answers = _redact_quiz(answers, attempt.result)
            redacted += len(before) - len(attempt.answers.get("answers", {}))
        # Idempotency keys are the client's choice of text; they only matter while it retries.
        attempt.idempotency_key = None
    attempt_model.objects.bulk_update(graded, ["answers", "idempotency_key"])
    grading_model.objects.bulk_create(frozen_rows)
    attempt_model.objects.filter(pk__in=unfinished).delete()
    return {"attempts_kept": len(graded), "attempts_deleted": len(unfinished), "replies_redacted": redacted}


def _forget_class_records(user: User, now) -> None:
    """Invitations hold an address: those to the user's, and those the user sent and nobody
    answered, go. A teacher's verification stops counting and loses its free text."""
    invitations = _model("courses.ClassInvitation").objects
    if user.email:
        invitations.filter(email=user.email.casefold()).delete()
    invitations.filter(invited_by=user, accepted_at__isnull=True).delete()
    user.verifications.filter(revoked_at__isnull=True).update(revoked_at=now)
    user.verifications.update(note="", decision_note="")
    _model("assessments.RefusedPath").objects.filter(learner=user).delete()


def account_delete(*, user: User, password: str) -> User:
    """Delete the account: anonymise the row, keep what statistics need, end every sign-in.

    The password confirms it is the person (a stolen session alone cannot
    delete an account); a wrong one raises AccountError and changes nothing.
    """
    if user.role not in SELF_DELETING_ROLES or user.is_superuser or user.is_staff:
        raise AccountError(None, "managed_account",
                           "Academy staff and administrator accounts are closed by an administrator.")
    if not password or not user.check_password(password):
        raise AccountError("password", "wrong_password", "The password is not right.")
    now = timezone.now()
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        if row.anonymised_at is not None:
            return row
        facts = _redact_attempts(row)
        _forget_class_records(row, now)
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
        facts["classes_archived"] = row.classes_taught.filter(archived_at__isnull=True).update(archived_at=now)
        # The event names the anonymised row and counts: never the old username or email.
        audit.record(action=audit.Action.ACCOUNT_DELETED, target=row, actor=row, data=facts)
    return row
