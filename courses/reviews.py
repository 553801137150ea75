"""Reviews of graded attempts: a teacher's or staff member's override of reply criteria, and its
reversal by academy staff. Who may is decided in courses/access.py; the recomputation is
assessments.services'. The API and the site both call these, never the mechanics directly."""
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from accounts.privacy import display_name
from assessments import services as assessment_services
from assessments.models import Attempt, Grading, ReplyReview

from . import access
from .errors import Forbidden, NotFound


def review_override(*, actor, attempt: Attempt, node: str, met=None, avoided=None, reason: str) -> Attempt:
    """Change the reply criteria of one reply node of a graded attempt, with a reason. Only the reply
    criteria can change: the engine refuses a node that is not a reply on the attempt's path."""
    if not access.may_read_attempt(user=actor, attempt=attempt):
        raise NotFound.single("not_found", gettext("No such attempt."))
    if not access.may_override_attempt(user=actor, attempt=attempt):
        if attempt.learner_id == actor.pk:
            raise NotFound.single("not_found", gettext("No such attempt."))
        raise Forbidden.single(
            "verification_required",
            gettext("Only verified teachers change grades. Ask to be verified on your teaching page."))
    change = {key: value for key, value in (("met", met), ("avoided", avoided)) if value is not None}
    return assessment_services.attempt_override(attempt=attempt, actor=actor, overrides={node: change},
                                                reason=reason)


def reply_mark_reviewed(*, actor, attempt: Attempt, node: str, reviewed: bool = True) -> bool:
    """File one written reply of a graded attempt as reviewed (or, with `reviewed` False, as not yet).
    Idempotent; changes no score. Refused like a missing attempt to anyone who may not (courses/access.py),
    and for a node that holds no reply of this attempt. Returns the reply's new state."""
    if not access.may_mark_reply_reviewed(user=actor, attempt=attempt):
        raise NotFound.single("not_found", gettext("No such attempt."))
    if node not in {s["node"] for s in attempt.answers.get("steps", []) if "reply" in s}:
        raise NotFound.single("not_found", gettext("No such reply."), "node")
    if reviewed:
        try:
            with transaction.atomic():
                ReplyReview.objects.get_or_create(attempt=attempt, node=node, defaults={"reviewed_by": actor})
        except IntegrityError:
            pass  # marked at the same moment by someone else: reviewed either way
    else:
        ReplyReview.objects.filter(attempt=attempt, node=node).delete()
    return reviewed


REPLY_FILTERS = ("unreviewed", "reviewed", "all")


def replies_by_review(rows: list[dict], *, show: str = "unreviewed") -> list[dict]:
    """The reply rows (attempt, node) with `reviewed` (bool) set, keeping those `show` asks for
    ("unreviewed", "reviewed" or "all"; anything else is "unreviewed"). One query."""
    marked = set(ReplyReview.objects.filter(attempt_id__in={r["attempt"] for r in rows})
                 .values_list("attempt_id", "node")) if rows else set()
    show = show if show in REPLY_FILTERS else "unreviewed"
    for row in rows:
        row["reviewed"] = (row["attempt"], row["node"]) in marked
    return [r for r in rows if show == "all" or r["reviewed"] == (show == "reviewed")]


def review_reverse(*, actor, attempt: Attempt, grading_id, reason: str) -> Grading:
    """Academy staff undo the latest override of an attempt at their academy's exercise."""
    grading = (Grading.objects.select_related("attempt__exercise")
               .filter(pk=_id(grading_id), attempt=attempt, kind=Grading.Kind.OVERRIDE).first())
    if grading is None or not access.may_read_attempt(user=actor, attempt=attempt):
        raise NotFound.single("not_found", gettext("No such override."))
    if not access.may_reverse_override(user=actor, grading=grading):
        raise Forbidden.single("permission_denied", gettext("Only the exercise's academy staff reverse overrides."))
    return assessment_services.attempt_override_reverse(attempt=attempt, grading_id=grading.pk, actor=actor,
                                                        reason=reason)


def _id(value) -> int:
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


def attempt_reviews(*, attempt: Attempt) -> list[dict]:
    """Every override and reversal of the attempt, oldest first: who (display name), when, why.
    The learner sees these on their result."""
    rows = (attempt.gradings.filter(kind__in=assessment_services.REVIEW_KINDS)
            .select_related("actor").order_by("created_at", "id"))
    reversed_ids = {g.reverses_id for g in rows if g.reverses_id}
    return [{
        "id": g.pk, "kind": g.kind, "at": g.created_at, "reason": g.reason,
        "by": display_name(g.actor.username) if g.actor else None,
        "overrides": g.overrides, "reverses": g.reverses_id, "reversed": g.pk in reversed_ids,
        "overall": (g.result or {}).get("overall"),
    } for g in rows]
