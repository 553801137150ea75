"""What assessments keeps about a person, for the account export and deletion (accounts/privacy.py).

Deletion keeps graded attempts, with their free text redacted, so class statistics still count
them; the frozen criteria are an override row of this app's own (REDACTION_REASON), which a
regrade or a review merges like any other, so the redacted words are never graded.
"""
from django.db.models import Count

from accounts.privacy import PrivacyPart

from . import grading
from .models import REDACTION_REASON, Attempt, Grading, RefusedPath
from .selectors import public_step

# What a redacted reply becomes, once per word of the original, so the
# reply still meets its node's word limits when a regrade walks the path.
REDACTED_WORD = "redacted"

RECORDS = {
    "assessments.Attempt.learner": "exported; graded ones kept with replies redacted, the rest deleted",
    "assessments.Grading.actor": "not exported (grades the user gave others); kept for their history",
    "assessments.ExerciseVersion.created_by": "not exported (staff authorship of content)",
    "assessments.RegradeBatch.requested_by": "not exported (staff action on content)",
    "assessments.RefusedPath.learner": "exported as a count per exercise; deleted with the account",
    "assessments.ReplyReview.reviewed_by": "not exported (a teacher's note that they read others' replies); "
                                           "kept, its reviewer emptied when the account goes (SET_NULL)",
}


def _attempt_json(row: dict, history: list[dict]) -> dict:
    graded = row["status"] == Attempt.Status.GRADED
    answers = row["answers"] or {}
    return {
        "id": row["id"],
        "exercise": {"id": row["exercise_id"], "title": row["exercise__title"], "kind": row["exercise__kind"]},
        "version": row["version__number"],
        "status": row["status"],
        # As the learner's own attempt view shows them: their path, or their quiz answers.
        "path": [public_step(s) for s in answers.get("steps", [])],
        "answers": answers.get("answers", {}),
        "result": row["result"] if graded else None,
        "score": row["score"] if graded else None,
        "passed": row["passed"] if graded else None,
        "created_at": row["created_at"],
        "submitted_at": row["submitted_at"],
        "graded_at": row["graded_at"],
        "history": history,
    }


def assessments_learner_export(*, learner_id: int) -> dict:
    """The learner's attempts with their grading history, and refused paths counted: three queries."""
    history: dict[int, list[dict]] = {}
    for g in (Grading.objects.filter(attempt__learner_id=learner_id).order_by("created_at", "id")
              .values("attempt_id", "kind", "created_at", "result", "overrides", "reason")):
        history.setdefault(g["attempt_id"], []).append({
            "kind": g["kind"], "at": g["created_at"], "overall": (g["result"] or {}).get("overall"),
            "passed": (g["result"] or {}).get("passed"), "overrides": g["overrides"], "reason": g["reason"],
        })
    attempts = Attempt.objects.filter(learner_id=learner_id).order_by("created_at", "id").values(
        "id", "exercise_id", "exercise__title", "exercise__kind", "version__number", "status", "answers",
        "result", "score", "passed", "created_at", "submitted_at", "graded_at")
    return {
        "attempts": [_attempt_json(row, history.get(row["id"], [])) for row in attempts],
        "refused_paths": [
            {"exercise": r["exercise_id"], "count": r["n"]}
            for r in RefusedPath.objects.filter(learner_id=learner_id).values("exercise_id")
            .annotate(n=Count("id")).order_by("exercise_id")
        ],
    }


def _redact_scenario(answers: dict, result: dict) -> tuple[dict, dict]:
    """(answers with every reply replaced, the criteria each reply was graded with)."""
    graded = {s["node"]: s for s in (result or {}).get("steps", []) if "met" in s}
    steps, frozen = [], {}
    for step in answers.get("steps", []):
        if "reply" in step:
            step = {**step, "reply": " ".join([REDACTED_WORD] * grading.word_count(step["reply"]))}
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


def assessments_learner_anonymise(*, learner_id: int, now) -> dict:
    """Keep graded attempts with their free text redacted; delete the others (nothing to count) and
    the refused paths. Locks the learner's attempts, so a grading in flight finishes first or waits.
    Runs inside the account deletion's transaction."""
    locked = list(Attempt.objects.select_for_update().filter(learner_id=learner_id).order_by("id"))
    unfinished = [a.pk for a in locked if a.status != Attempt.Status.GRADED]
    graded = [a for a in locked if a.status == Attempt.Status.GRADED]
    frozen_rows, redacted = [], 0
    for attempt in graded:
        answers = attempt.answers or {}
        if "steps" in answers:
            attempt.answers, frozen = _redact_scenario(answers, attempt.result)
            redacted += sum(1 for s in answers["steps"] if "reply" in s)
            if frozen:
                frozen_rows.append(Grading(
                    attempt=attempt, kind=Grading.Kind.OVERRIDE, result=attempt.result,
                    engine_version=(attempt.result or {}).get("engine_version", ""), overrides=frozen,
                    reason=REDACTION_REASON))
        else:
            before = answers.get("answers", {})
            attempt.answers = _redact_quiz(answers, attempt.result)
            redacted += len(before) - len(attempt.answers.get("answers", {}))
        # Idempotency keys are the client's choice of text; they only matter while it retries.
        attempt.idempotency_key = None
    Attempt.objects.bulk_update(graded, ["answers", "idempotency_key"])
    Grading.objects.bulk_create(frozen_rows)
    Attempt.objects.filter(pk__in=unfinished).delete()
    RefusedPath.objects.filter(learner_id=learner_id).delete()
    return {"attempts_kept": len(graded), "attempts_deleted": len(unfinished), "replies_redacted": redacted}


PART = PrivacyPart(app="assessments", records=RECORDS, export=assessments_learner_export,
                   anonymise=assessments_learner_anonymise, export_queries=3)
