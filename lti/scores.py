"""Grades back to the LMS (LTI Assignment and Grade Services): an outbox of scores written in the
transaction that writes a result, delivered by a Celery task with retries and a sweep.

Each (line item, learner) has one ScoreDelivery row holding the learner's best counted score at the
exercise and the time it was set (`timestamp`, which the platform uses to order scores: an older one
never replaces a newer). A new or changed result (grading, override, reversal, regrade) updates the row
and makes it pending again; the task posts it and marks it sent only while its timestamp is the one it
posted. While the LMS is down the row stays pending with a later `next_try_at` (backoff), and the sweep
sends it when the LMS is back: nothing is lost, and the last score the platform gets is the latest."""
import datetime
import json
import secrets
import time
import urllib.parse

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from assessments.models import Attempt

from .keys import tool_sign
from .models import LineItem, LtiAccount, ScoreDelivery
from .platform import PlatformUnreachable, http_post

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCORE_MAXIMUM = 100.0  # attempts score 0 to 100


def scores_record(attempts: list[Attempt]) -> list[int]:
    """Called inside the grading (or override, regrade) transaction: for each learner and exercise of
    `attempts` that an LMS gradebook column receives, the row of the outbox set to the learner's best
    counted score, pending. Three queries for the batch, and one write per row. Returns the row ids,
    queued for delivery once the transaction commits."""
    pairs = {(a.learner_id, a.exercise_id) for a in attempts if a.learner_id}
    if not pairs:
        return []
    exercise_ids = {exercise for _, exercise in pairs}
    items = list(LineItem.objects.filter(exercise_id__in=exercise_ids, registration__active=True)
                 .select_related("registration"))
    if not items:
        return []
    learner_ids = {learner for learner, _ in pairs}
    accounts = {}
    for row in LtiAccount.objects.filter(user_id__in=learner_ids).values("user_id", "issuer", "subject"):
        accounts[(row["user_id"], row["issuer"])] = row["subject"]
    best = {}  # (learner, exercise) -> the best counted graded attempt (its id, score, competencies)
    for row in (Attempt.objects.counted().filter(learner_id__in=learner_ids, exercise_id__in=exercise_ids,
                                                 status=Attempt.Status.GRADED, score__isnull=False)
                .order_by("-score", "-graded_at", "-id").values("id", "learner_id", "exercise_id", "score", "result")):
        best.setdefault((row["learner_id"], row["exercise_id"]), row)
    now = timezone.now()
    ids = []
    for item in items:
        for learner_id, exercise_id in pairs:
            subject = accounts.get((learner_id, item.registration.issuer))
            top = best.get((learner_id, exercise_id))
            if exercise_id != item.exercise_id or subject is None or top is None:
                continue
            comment = competencies_comment(top["result"]) if item.registration.competencies_in_comment else ""
            row, _ = ScoreDelivery.objects.update_or_create(
                line_item=item, learner_id=learner_id,
                defaults={"subject": subject, "attempt_id": top["id"], "comment": comment,
                          "score_given": float(top["score"]), "score_maximum": SCORE_MAXIMUM, "timestamp": now,
                          "state": ScoreDelivery.State.PENDING, "tries": 0, "next_try_at": now, "last_error": ""})
            ids.append(row.pk)
    if ids:
        from .tasks import deliver_score

        transaction.on_commit(lambda: [_publish(deliver_score, pk) for pk in ids])
    return ids


def competencies_comment(result) -> str:
    """The competency scores of a result, for a gradebook comment: "empathy 80; listening 65" (keys in order)."""
    scores = (result or {}).get("competencies") if isinstance(result, dict) else None
    if not isinstance(scores, dict):
        return ""
    return "; ".join(f"{key} {value:g}" for key, value in sorted(scores.items())
                     if isinstance(value, int | float))[:1000]


def _publish(task, pk):
    try:
        task.apply_async(args=[pk], retry=False)
    except Exception:  # noqa: BLE001 - the broker is down: the row is pending, the sweep sends it
        pass


def access_token(registration, scope: str = SCORE_SCOPE) -> str:
    """An access token for `scope` (AGS scores, NRPS memberships) from the platform's token endpoint
    (OAuth 2 client credentials with a JWT client assertion signed by the tool's key), cached until
    shortly before it expires."""
    key = f"lti:token:{registration.pk}:{scope}"
    cached = cache.get(key)
    if cached:
        return cached
    now = int(time.time())
    assertion = tool_sign({"iss": registration.client_id, "sub": registration.client_id,
                           "aud": registration.token_url, "iat": now, "exp": now + 300,
                           "jti": secrets.token_urlsafe(16)})
    body = urllib.parse.urlencode({
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion, "scope": scope}).encode()
    status, raw = http_post(registration.token_url, body, content_type="application/x-www-form-urlencoded")
    try:
        answer = json.loads(raw)
    except ValueError:
        answer = {}
    token = answer.get("access_token") if isinstance(answer, dict) else None
    if status != 200 or not isinstance(token, str):
        raise PlatformUnreachable(f"token endpoint answered {status}")
    lifetime = int(answer.get("expires_in", 3600)) if str(answer.get("expires_in", "")).isdigit() else 3600
    cache.set(key, token, max(0, lifetime - 60))
    return token


def scores_url(line_item_url: str) -> str:
    parts = urllib.parse.urlsplit(line_item_url)
    return urllib.parse.urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _backoff(tries: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(settings.LTI_SCORE_RETRY_SECONDS * 2 ** max(0, tries - 1), 6 * 3600))


def score_deliver(*, delivery_id: int) -> str:
    """Post one row of the outbox. Safe to run twice and concurrently: a sent row is not posted again,
    and a row whose score changed while it was posted stays pending for its own post. Returns `sent`,
    `skipped`, `retry` (the LMS did not answer; PlatformUnreachable is raised for the task to retry)
    or `failed` (the LMS refused it: a 4xx, shown to the teacher, who may retry)."""
    row = ScoreDelivery.objects.select_related("line_item__registration").filter(
        pk=delivery_id, state=ScoreDelivery.State.PENDING).first()
    if row is None:
        return "skipped"
    registration = row.line_item.registration
    body = json.dumps({
        "userId": row.subject, "scoreGiven": row.score_given, "scoreMaximum": row.score_maximum,
        "activityProgress": "Completed", "gradingProgress": "FullyGraded",
        "timestamp": row.timestamp.isoformat(timespec="milliseconds"),
        **({"comment": row.comment} if row.comment else {}),
    }).encode()
    same = ScoreDelivery.objects.filter(pk=row.pk, timestamp=row.timestamp, state=ScoreDelivery.State.PENDING)
    try:
        status, answer = http_post(scores_url(row.line_item.url), body,
                                   content_type="application/vnd.ims.lis.v1.score+json",
                                   bearer=access_token(registration))
        if status == 401:
            cache.delete(f"lti:token:{registration.pk}:{SCORE_SCOPE}")
            raise PlatformUnreachable("HTTP 401")
    except PlatformUnreachable as error:
        same.update(tries=row.tries + 1, next_try_at=timezone.now() + _backoff(row.tries + 1),
                    last_error=str(error)[:500])
        raise
    if 200 <= status < 300:
        same.update(state=ScoreDelivery.State.SENT, sent_at=timezone.now(), tries=row.tries + 1, last_error="")
        return "sent"
    same.update(state=ScoreDelivery.State.FAILED, tries=row.tries + 1,
                last_error=f"HTTP {status}: {answer[:200].decode(errors='replace')}"[:500])
    return "failed"


def scores_sweep(*, limit: int = 500) -> list[int]:
    """Ids of pending rows whose next try is due (the LMS was down, or the broker lost the task)."""
    return list(ScoreDelivery.objects.filter(state=ScoreDelivery.State.PENDING, next_try_at__lte=timezone.now())
                .order_by("next_try_at", "id").values_list("id", flat=True)[:limit])


def score_retry(*, delivery: ScoreDelivery) -> None:
    """A teacher sends a failed (or waiting) score again."""
    ScoreDelivery.objects.filter(pk=delivery.pk).exclude(state=ScoreDelivery.State.SENT).update(
        state=ScoreDelivery.State.PENDING, next_try_at=timezone.now(), tries=0)
    from .tasks import deliver_score

    transaction.on_commit(lambda: _publish(deliver_score, delivery.pk))
