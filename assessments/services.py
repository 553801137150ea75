"""Writes on exercises and attempts: the one way to make each change.

Grading itself is the pure engine in `grading/`; these services load the
exact version an attempt was taken on, call the engine and store what it says.
"""
import hashlib
import json
import logging
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts import audit
from accounts.selectors import academy_ids_of

from . import events, grading, metrics, negotiation, rows, statistics
from .documents import is_negotiation, normalised_document, prepared_negotiation, version_is_negotiation
from .errors import AssessmentError, Conflict, NotFound, ServiceError, problems_to_errors
from .models import Attempt, Exercise, ExerciseVersion, Grading, RefusedPath, RegradeBatch

log = logging.getLogger(__name__)
Status = Attempt.Status


def _content_hash(document: dict) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


# --- exercises ---------------------------------------------------------------


def exercise_import(*, academy, document, visibility: str | None = None, attempt_limit=None, actor=None):
    """Create the exercise or a new version of it; returns (exercise, version, created_version).

    Importing a slug the academy already has makes a new version, unless the
    document is unchanged: a save that changes nothing makes no version.
    """
    if not isinstance(document, dict):
        raise AssessmentError.single("invalid", gettext("The body must be a JSON object."), None)
    document = dict(document)
    visibility = document.pop("visibility", None) if visibility is None else visibility
    document.pop("visibility", None)
    if visibility is not None and visibility not in Exercise.Visibility.values:
        raise AssessmentError.single("invalid_choice", gettext("visibility must be practice or course."), "visibility")
    negotiating = is_negotiation(document)
    # A negotiation is checked by its own engine (docs/specs/negotiation-format.md, "Validity").
    problems = (negotiation.validate(document) if negotiating else grading.validate_document(document))
    problems = problems + _slug_problems(document)
    if problems:
        raise AssessmentError(problems_to_errors(problems))
    kind = Exercise.Kind.NEGOTIATION if negotiating else grading.document_kind(document)
    bounds = {} if negotiating else grading.compute_bounds(document)
    digest = _content_hash(document)
    with transaction.atomic():
        exercise, _ = Exercise.objects.select_for_update().get_or_create(
            academy=academy,
            slug=document["slug"],
            defaults={"kind": kind, "title": document["title"], "visibility": visibility or Exercise.Visibility.COURSE},
        )
        if exercise.kind != kind:
            raise Conflict.single("kind_changed", f"Exercise {exercise.slug} is a {exercise.kind}.", "format")
        changed = []
        if visibility and exercise.visibility != visibility:
            exercise.visibility = visibility
            changed.append("visibility")
        if attempt_limit is not None and exercise.attempt_limit != attempt_limit:
            exercise.attempt_limit = attempt_limit
            changed.append("attempt_limit")
        current = exercise.current_version
        if current is not None and current.content_hash == digest:
            if changed:
                exercise.save(update_fields=changed)
            return exercise, current, False
        version = ExerciseVersion.objects.create(
            exercise=exercise,
            number=(current.number + 1) if current else 1,
            document=document,
            content_hash=digest,
            bounds=bounds,
            pass_threshold=float(document["pass_threshold"]),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        exercise.current_version = version
        exercise.title = document["title"]
        exercise.save(update_fields=["current_version", "title", *changed])
        audit.record(action=audit.Action.EXERCISE_VERSION_IMPORTED, target=version, actor=actor, academy=academy,
                     data={"exercise": exercise.pk, "slug": exercise.slug, "version": version.number})
    return exercise, version, True


# The column is a SlugField, and the slug names download files: nothing that could end a quoted
# header value or a line. Checked on import only, so a version stored before still plays and grades.
SLUG = re.compile(r"[A-Za-z0-9_-]+")


def _slug_problems(document) -> list:
    slug = document.get("slug")
    if isinstance(slug, str) and slug and not SLUG.fullmatch(slug):
        return [grading.Problem("slug", "invalid", 'may hold only letters, digits, "-" and "_"')]
    return []


def exercise_export(*, exercise: Exercise) -> dict:
    return dict(exercise.current_version.document)


# --- attempts ------------------------------------------------------------------


def _check_attempt_limit(exercise: Exercise, learner) -> None:
    if exercise.attempt_limit is not None:
        # Staff previews and practice replays use up no attempt: they count nowhere.
        used = Attempt.objects.counted().filter(exercise=exercise, learner=learner).count()
        if used >= exercise.attempt_limit:
            raise Conflict.single("attempt_limit", gettext("No attempts left for this exercise."), None)


def _existing_for_key(exercise, learner, key):
    if not key:
        return None
    return Attempt.objects.filter(exercise=exercise, learner=learner, idempotency_key=key).first()


def is_preview(*, learner, exercise: Exercise) -> bool:
    """An attempt by staff of the exercise's academy (platform admins are staff of every academy) is their
    preview of it, not a learner's work: it counts in no total. No query for a learner (no staff role)."""
    return exercise.academy_id in academy_ids_of(learner)


def _create_attempt(**fields) -> tuple[Attempt, bool]:
    """Insert, or return the first attempt made with the same Idempotency-Key."""
    exercise, learner, key = fields["exercise"], fields["learner"], fields.get("idempotency_key")
    fields.setdefault("preview", is_preview(learner=learner, exercise=exercise))
    try:
        with transaction.atomic():
            if exercise.attempt_limit is not None and not fields.get("practice"):
                # Count under a lock on the learner's row: concurrent submissions
                # would otherwise all pass the check before any of them inserts.
                get_user_model().objects.select_for_update().only("pk").get(pk=learner.pk)
                existing = _existing_for_key(exercise, learner, key)
                if existing is not None:
                    return existing, False
                _check_attempt_limit(exercise, learner)
            attempt = Attempt.objects.create(**fields)
            events.started(attempt)  # its xAPI statement, in this transaction (records)
            return attempt, True
    except IntegrityError:
        existing = _existing_for_key(fields["exercise"], fields["learner"], fields.get("idempotency_key"))
        if existing is None:
            raise
        return existing, False


def attempt_start(*, exercise: Exercise, learner, idempotency_key: str | None = None,
                  role: str | None = None) -> tuple[Attempt, bool]:
    """Open an attempt to be played node by node (scenarios), answered later (quizzes) or negotiated
    move by move (negotiations: `role`, default the document's first role, is the learner's side)."""
    existing = _existing_for_key(exercise, learner, idempotency_key)
    if existing:
        return existing, False
    _check_attempt_limit(exercise, learner)
    version = exercise.current_version
    if exercise.kind == Exercise.Kind.NEGOTIATION:
        return _negotiation_start(exercise, learner, version, role, idempotency_key)
    if role is not None:
        raise AssessmentError.single("unknown_field", gettext("Only a negotiation takes a role."), "role")
    start = normalised_document(version)["start"] if exercise.kind == Exercise.Kind.SCENARIO else ""
    return _create_attempt(
        learner=learner,
        exercise=exercise,
        version=version,
        status=Status.IN_PROGRESS,
        current_node=start,
        answers={"steps": []} if exercise.kind == Exercise.Kind.SCENARIO else {},
        idempotency_key=idempotency_key or None,
    )


def attempt_submit(*, exercise: Exercise, learner, answers: dict, idempotency_key: str | None = None):
    """Store a whole path or a quiz's answers as submitted and queue grading on commit.

    Returns (attempt, created). Invalid answers raise AssessmentError and store
    no attempt; a refused scenario path is counted (_check_path).
    """
    # The retry of a key is looked for only when something refuses the submission or its insert
    # meets the key's unique constraint (_create_attempt): a first submission, the usual case, reads
    # nothing more (B8). A retry still gets its first attempt, never a refusal or a second attempt.
    version = exercise.current_version
    if exercise.kind == Exercise.Kind.NEGOTIATION:
        raise AssessmentError.single("not_submitted_whole",
                                     gettext("A negotiation is played move by move: start an attempt."), None)
    try:
        if exercise.kind == Exercise.Kind.SCENARIO:
            _check_path(exercise, learner, version, answers, idempotency_key)
        else:
            try:
                grading.check_answers(normalised_document(version), answers)
            except grading.InvalidAnswer as exc:
                raise AssessmentError(problems_to_errors(exc.problems)) from None
        _check_attempt_limit(exercise, learner)
    except ServiceError:
        existing = _existing_for_key(exercise, learner, idempotency_key)
        if existing:
            return existing, False
        raise
    now = timezone.now()
    # No savepoint of its own: nothing in it is caught here (_create_attempt keeps the one an
    # IntegrityError needs), and each savepoint is two more round trips on the submit path (B8).
    with transaction.atomic(savepoint=False):
        attempt, created = _create_attempt(
            learner=learner,
            exercise=exercise,
            version=version,
            status=Status.SUBMITTED,
            current_node=_last_node(answers),
            answers=answers,
            submitted_at=now,
            # Stamped in the insert, before the publish on commit as attempt_enqueue requires: one
            # UPDATE fewer per submission (B8). A publish that fails clears it, as it does there.
            queued_at=now,
            idempotency_key=idempotency_key or None,
        )
        if created:
            _queue_on_commit(attempt.pk, stamped=True)
    return attempt, created


def path_refusals_used(*, exercise: Exercise, learner) -> int:
    return RefusedPath.objects.filter(learner=learner, exercise=exercise).count()


def _check_path(exercise: Exercise, learner, version: ExerciseVersion, answers, idempotency_key=None) -> None:
    """Refuse a whole path the engine refuses, and count the refusal: a refusal tells whether a
    guessed step was right, so guesses cost. Past PATH_REFUSALS_PER_EXERCISE refusals at an
    exercise, every whole path is refused unread (409) and the learner plays node by node.

    The refusal is stored in its own block, left before raising: the 400 that follows rolls
    nothing back (only a 5xx does, api/middleware.py), so the row stays.
    """
    limit = settings.PATH_REFUSALS_PER_EXERCISE
    problems = None
    # A path the engine accepts adds no refusal, so the count is read without a lock: one query on
    # the submit path instead of two (B8). Only a refusal takes the lock on the learner's row and
    # counts again under it, so that parallel refusals cannot all pass the count.
    over_limit = path_refusals_used(exercise=exercise, learner=learner) >= limit
    if not over_limit:
        try:
            grading.check_answers(normalised_document(version), answers)
        except grading.InvalidAnswer as exc:
            problems = exc.problems
    if problems and _existing_for_key(exercise, learner, idempotency_key):
        raise AssessmentError(problems_to_errors(problems))  # a retry: attempt_submit answers its first attempt
    if problems:
        # savepoint=False: nothing raises inside the block, so a savepoint would only cost round trips.
        with transaction.atomic(savepoint=False):
            get_user_model().objects.select_for_update().only("pk").get(pk=learner.pk)
            if path_refusals_used(exercise=exercise, learner=learner) >= limit:
                over_limit = True
            else:
                RefusedPath.objects.create(learner=learner, exercise=exercise)
    if over_limit:
        raise Conflict.single("path_refusal_limit",
                              gettext("Too many refused paths for this exercise: play it one step at a time."), None)
    if problems:
        raise AssessmentError(problems_to_errors(problems))


def _last_node(answers: dict) -> str:
    steps = answers.get("steps") or []
    return steps[-1]["node"] if steps else ""


def attempt_step(*, attempt_id: int, learner, move: dict) -> Attempt:
    """Take one choice or reply at the attempt's current node.

    Locks the attempt so two racing steps cannot both advance it. When the next
    node is an outcome, the attempt becomes submitted and is queued.
    """
    with transaction.atomic():
        # Lock the attempt only, not the version and exercise rows every learner's steps share,
        # and only while it is in play: a grading message passes by an attempt another write
        # holds, leaving it to the batch that holds it or, for any other write, to the sweep.
        attempt = (Attempt.objects.select_for_update(of=("self",)).select_related("version", "exercise")
                   .filter(pk=attempt_id, learner=learner, status=Status.IN_PROGRESS).first())
        if attempt is None:
            attempt = Attempt.objects.select_related("exercise").get(pk=attempt_id, learner=learner)
        if attempt.exercise.kind == Exercise.Kind.NEGOTIATION:
            raise AssessmentError.single("not_a_scenario", gettext("Send a negotiation's moves to its moves."), None)
        if attempt.exercise.kind != Exercise.Kind.SCENARIO:
            raise AssessmentError.single("not_a_scenario", gettext("Quizzes are submitted whole."), None)
        if attempt.status != Status.IN_PROGRESS:
            raise Conflict.single("not_in_progress",
                                  gettext("The attempt is %(status)s.") % {"status": attempt.status}, None)
        if not isinstance(move, dict):
            raise AssessmentError.single("invalid", gettext("Send exactly one of choice or reply."), None)
        document = normalised_document(attempt.version)
        try:
            next_id = grading.advance(document, attempt.current_node, move)
        except grading.InvalidAnswer as exc:
            raise AssessmentError(problems_to_errors(exc.problems)) from None
        step = {"node": attempt.current_node, **{k: move[k] for k in ("choice", "reply") if k in move}}
        steps = [*attempt.answers.get("steps", []), step]
        attempt.current_node = next_id
        fields = ["current_node", "answers"]
        if grading.learner_node(document, next_id)["type"] == "outcome":
            steps.append({"node": next_id})
            attempt.status = Status.SUBMITTED
            attempt.submitted_at = timezone.now()
            fields += ["status", "submitted_at"]
            _queue_on_commit(attempt.pk)
        attempt.answers = {"steps": steps}
        attempt.save(update_fields=fields)
    return attempt


# --- negotiations (docs/specs/negotiation-format.md, "Sessions and moves" and "API") --------------------------


def _negotiation_start(exercise: Exercise, learner, version: ExerciseVersion, role, idempotency_key):
    """A negotiation attempt: the learner's role, a fresh seed and the transcript so far (the machine's
    opening move when the other side opens), stored on the attempt; nothing else is kept."""
    neg = prepared_negotiation(version)
    if role is None:
        role = neg.roles[0].id
    if not isinstance(role, str) or role not in (r.id for r in neg.roles):
        raise AssessmentError.single("unknown_role", gettext("This negotiation has no such role."), "role")
    seed = secrets.randbelow(2**63)
    opening = negotiation.begin(neg, role, seed)
    return _create_attempt(
        learner=learner,
        exercise=exercise,
        version=version,
        status=Status.IN_PROGRESS,
        answers={"role": role, "seed": seed, "transcript": opening.transcript},
        idempotency_key=idempotency_key or None,
    )


def attempt_move(*, attempt_id: int, learner, move) -> tuple[Attempt, list]:
    """The learner's move in a negotiation attempt, and the counterpart's answer: returns (attempt, replies).

    Locks the attempt row (select_for_update, the attempt only) for the step, so two moves sent at once
    are played one after the other against the transcript the first left. The engine checks the move
    (spec "Checks"); a refused move raises AssessmentError with its problems by path and changes nothing.
    The new transcript is committed in this transaction, before the caller answers. When the session
    ends (agreement, walk-away, deadline) the attempt becomes `submitted` and is queued for grading on
    commit, as a scenario reaching its outcome. Only the attempt's own learner reaches it (NotFound
    otherwise, raised by Attempt.DoesNotExist in the caller's read).
    """
    with transaction.atomic():
        attempt = (Attempt.objects.select_for_update(of=("self",)).select_related("version", "exercise")
                   .get(pk=attempt_id, learner=learner))
        if attempt.exercise.kind != Exercise.Kind.NEGOTIATION:
            raise AssessmentError.single("not_a_negotiation", gettext("Only a negotiation takes moves."), None)
        if attempt.status != Status.IN_PROGRESS:
            raise Conflict.single("not_in_progress",
                                  gettext("The attempt is %(status)s.") % {"status": attempt.status}, None)
        neg = prepared_negotiation(attempt.version)
        session = attempt.answers
        try:
            step = negotiation.step(neg, session["role"], session["transcript"], move, session["seed"])
        except grading.InvalidAnswer as exc:
            raise AssessmentError(problems_to_errors(exc.problems)) from None
        attempt.answers = {**session, "transcript": step.transcript}
        fields = ["answers"]
        if step.state["status"] != "open":
            attempt.status = Status.SUBMITTED
            attempt.submitted_at = timezone.now()
            fields += ["status", "submitted_at"]
            _queue_on_commit(attempt.pk)
        attempt.save(update_fields=fields)
    return attempt, step.replies


DECISION_TYPES = ("choice", "reply")


def attempt_replay(*, attempt: Attempt, node: str, learner, idempotency_key: str | None = None) -> tuple[Attempt, bool]:
    """Open a "what if" replay of a graded attempt from one decision node of its path: a practice
    attempt on the same version whose steps are the path's prefix before `node`, played on from `node`
    with attempt_step like any attempt. Returns (attempt, created).

    Practice is never counted (Attempt.objects.counted) and never scored (_apply_result keeps only
    its feedback). Who may replay is decided by courses.access.may_replay_attempt, which the callers
    check first; here only the state: the debrief must be unlocked (409), and `node` must be a choice
    or reply node of the path (400, the same answer for any other id, so nothing is told about nodes
    off the path). A retry with the same Idempotency-Key returns the first replay.
    """
    from .selectors import debrief_unlocked

    existing = _existing_for_key(attempt.exercise, learner, idempotency_key)
    if existing is not None:
        return existing, False
    if attempt.practice or attempt.preview or not debrief_unlocked(attempt=attempt):
        raise Conflict.single("debrief_locked",
                              gettext("Replays open once the debrief of this attempt is available."), None)
    steps = attempt.answers.get("steps", [])
    nodes = {n["id"]: n for n in normalised_document(attempt.version)["nodes"]}
    position = next((i for i, step in enumerate(steps)
                     if step.get("node") == node and nodes.get(node, {}).get("type") in DECISION_TYPES), None)
    if not isinstance(node, str) or position is None:
        raise AssessmentError.single("not_a_decision_of_the_path",
                                     gettext("Choose a decision of your path to replay from."), "node")
    return _create_attempt(
        learner=learner,
        exercise=attempt.exercise,
        version=attempt.version,
        status=Status.IN_PROGRESS,
        current_node=node,
        answers={"steps": [dict(step) for step in steps[:position]]},
        idempotency_key=idempotency_key or None,
        preview=False,
        practice=True,
        replay_of=attempt,
        replay_from=node,
    )


def _queue_on_commit(attempt_id: int, stamped: bool = False) -> None:
    transaction.on_commit(lambda: attempt_enqueue(attempt_id=attempt_id, stamped=stamped))


def attempt_enqueue(*, attempt_id: int, stamped: bool = False) -> bool:
    """Publish the grading task. A broker outage is logged, not raised: the
    attempt is already stored and the sweep queues it once the broker is back.

    The attempt is stamped `queued_at` before the task is published, never
    after: a worker can take the message at once, and a write still holding
    the row would make it pass the attempt by as another worker's (grading
    never waits on a locked attempt, see attempt_grade). `stamped`: the caller's committed
    write set `queued_at` already (attempt_submit).
    """
    from .tasks import grade_attempt

    try:
        if not stamped:
            Attempt.objects.filter(pk=attempt_id).update(queued_at=timezone.now())
    except DatabaseError as exc:
        # Runs after the submission committed: failing here would answer 503 for a
        # stored attempt. Without the stamp the sweep may queue it once more, and
        # grading twice is refused by attempt_grade.
        log.warning("attempt %s not stamped before queueing (%s)", attempt_id, exc)
    try:
        grade_attempt.apply_async(args=[attempt_id], retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker failure must not lose the request
        log.warning("grading of attempt %s not queued (%s); the sweep will retry", attempt_id, exc)
        try:
            # Never queued after all: the sweep takes such attempts at once.
            Attempt.objects.filter(pk=attempt_id).update(queued_at=None)
        except DatabaseError:
            pass  # the stamp stays; the sweep takes the attempt once the stamp is old
        return False
    return True


def attempt_grade(*, attempt_id: int) -> str:
    """Grade a submitted attempt against its own version, and the attempts waiting behind it.

    Safe to run twice. First this message's attempt is marked `grading` if it
    is still `submitted` and no batch holds it. Then one transaction locks it
    again with up to GRADING_BATCH_SIZE - 1 attempts waiting after it, in
    order (SKIP LOCKED: another worker's batch is never waited for nor taken
    twice), grades each against its own version and writes results,
    history and statuses. The later messages of a batch's attempts, like a
    duplicate delivery, find their attempt graded or locked and stop after
    one UPDATE that matched nothing. Batching is what lets one worker keep
    up with a deadline's backlog: statements and commits are paid once per
    batch, and each attempt is written once (docs/benchmarks.md, B4). When
    nothing else waits the batch is the one attempt. If the worker dies, the
    transaction rolls back: this attempt stays `grading` and the others
    `submitted`, and the sweep queues them again. Returns what happened to
    this attempt: "graded", "skipped" or "failed".
    """
    # Only `submitted`: a `grading` attempt belongs to a live worker until the sweep declares that
    # worker dead (attempts_sweep puts it back to `submitted`). Outside a transaction, so a
    # duplicate message costs this one statement.
    marked = rows.update_if(Attempt, attempt_id, {"status": Status.GRADING, "grading_started_at": timezone.now()},
                            where={"status": Status.SUBMITTED}, skip_locked=True)
    if not marked:
        return "skipped"
    return _grade_batch(attempt_id, batch_size=settings.GRADING_BATCH_SIZE).get(attempt_id, "skipped")


# Apps above that keep something in step with results (lti/: the scores an LMS gradebook receives) add a
# function here from their AppConfig.ready(). It is called inside the transaction that writes results,
# with the attempts whose result changed (graded, overridden, reversed, regraded), so what it writes
# commits or rolls back with them.
RESULT_LISTENERS: list = []


def results_listen(listener) -> None:
    if listener not in RESULT_LISTENERS:
        RESULT_LISTENERS.append(listener)


def _results_changed(attempts: list[Attempt]) -> None:
    counted = [attempt for attempt in attempts if not attempt.practice and not attempt.preview]
    if counted:
        for listener in RESULT_LISTENERS:
            listener(counted)


def _grade_batch(attempt_id: int, *, batch_size: int) -> dict[int, str]:
    outcomes: dict[int, str] = {}
    with transaction.atomic():
        # Lock the attempts only: the version row is shared by every attempt graded at the same time.
        # Its document is read only when this process has not normalised the version yet.
        with_version = Attempt.objects.select_related("version").defer("version__document")
        attempts = list(with_version.select_for_update(of=("self",)).filter(pk=attempt_id, status=Status.GRADING))
        if attempts and batch_size > 1:
            # The attempts submitted after this one, in order: a backlog is taken from its head, and the
            # index scan starts past the attempts already graded (which stay in it until VACUUM).
            # Attempts that already failed once wait for the sweep, which spaces out their retries.
            waiting = (with_version.select_for_update(of=("self",), skip_locked=True)
                       .filter(status=Status.SUBMITTED, failures=0, pk__gt=attempt_id).order_by("pk")
                       [: batch_size - 1])
            started = timezone.now()
            for attempt in waiting:
                attempt.grading_started_at = started
                attempts.append(attempt)
        gradings, graded, failed = [], [], []
        for attempt in attempts:
            try:
                result = grade_version(attempt.version, attempt.answers)
            except Exception as exc:  # noqa: BLE001 - recorded on the attempt for staff
                attempt.failures += 1
                attempt.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                out_of_tries = attempt.failures >= settings.GRADING_MAX_FAILURES
                attempt.status = Status.FAILED if out_of_tries else Status.SUBMITTED
                failed.append(attempt)
                outcomes[attempt.pk] = "failed"
                log.exception("grading attempt %s failed", attempt.pk)
                continue
            gradings.append(_grading_row(attempt, result, kind=Grading.Kind.AUTOMATIC))
            _apply_result(attempt, result)
            graded.append(attempt)
            outcomes[attempt.pk] = "graded"
        rows.insert_each(gradings)
        rows.update_each(graded, [*_RESULT_FIELDS, "grading_started_at"])
        rows.update_each(failed, ["failures", "last_error", "status", "grading_started_at"])
        statistics.statistics_record([(attempt, None) for attempt in graded])
        events.recorded([(attempt, "automatic", Grading.Kind.AUTOMATIC) for attempt in graded])
        _results_changed(graded)
        transaction.on_commit(lambda: metrics.gradings_observe(graded=graded, failed=failed))
    return outcomes


_RESULT_FIELDS = ["result", "score", "passed", "status", "graded_at"]


def grade_version(version: ExerciseVersion, answers: dict, overrides=None) -> dict:
    """The engine's result for answers on a stored version: the grading engine's for a scenario or
    quiz, negotiation_result for a negotiation (which takes no overrides). Raises what the engine raises."""
    if version_is_negotiation(version):
        return negotiation_result(prepared_negotiation(version), answers)
    return grading.grade_normalised(normalised_document(version), answers, bounds=version.bounds,
                                    overrides=overrides)


def negotiation_result(neg, answers: dict) -> dict:
    """A finished session's result (spec "Result") with the learner's own role lifted to the top, in
    the scenario result's names (`role`, `overall`, `passed`, `competencies`), so the attempt's score,
    pass, progress and competency profile read a negotiation like any exercise."""
    result = negotiation.score(neg, answers["transcript"])
    mine = result["roles"][answers["role"]]
    return {**result, "role": answers["role"], "overall": mine["overall"], "passed": mine["passed"],
            "competencies": dict(mine["competencies"])}


def _grading_row(attempt: Attempt, result: dict, *, kind, actor=None, overrides=None, reason="", batch=None):
    return Grading(
        attempt=attempt,
        kind=kind,
        result=practice_result(result) if attempt.practice else result,
        engine_version=result.get("engine_version", grading.ENGINE_VERSION),
        overrides=overrides or {},
        reason=reason,
        actor=actor,
        batch=batch,
    )


# What a practice replay keeps of its grading: the feedback per step and the outcome it reached,
# never a score, a pass or competency scores, so nothing can count it (even a read that forgot counted()).
PRACTICE_RESULT_KEYS = ("engine", "engine_version", "outcome", "critical", "steps")


def practice_result(result: dict) -> dict:
    return {"practice": True, **{key: result[key] for key in PRACTICE_RESULT_KEYS if key in result}}


def _apply_result(attempt: Attempt, result: dict) -> None:
    if attempt.practice:
        attempt.result = practice_result(result)
        attempt.score = None
        attempt.passed = None
        attempt.status = Status.GRADED
        attempt.graded_at = timezone.now()
        return
    attempt.result = result
    attempt.score = result["overall"]
    attempt.passed = result["passed"]
    attempt.status = Status.GRADED
    attempt.graded_at = timezone.now()


def _store_result(attempt: Attempt, result: dict, *, kind, actor=None, overrides=None, reason="", batch=None):
    row = _grading_row(attempt, result, kind=kind, actor=actor, overrides=overrides, reason=reason, batch=batch)
    row.save()
    _replace_result(attempt, result, row)


def _replace_result(attempt: Attempt, result: dict, row: Grading) -> None:
    """A graded attempt's new result (the Grading `row` records it), its share of the statistics moved
    with it and its xAPI statements restated (records voids the earlier ones), in the caller's transaction."""
    previous = attempt.result if attempt.status == Status.GRADED else None
    _apply_result(attempt, result)
    attempt.save(update_fields=_RESULT_FIELDS)
    statistics.statistics_record([(attempt, previous)])
    events.recorded([(attempt, f"grading-{row.pk}", row.kind)])
    _results_changed([attempt])


def attempts_sweep(*, now=None, limit: int = 500) -> int:
    """Re-queue attempts left `submitted` or `grading` past the timeout, oldest first. Returns how many.
    One read per status, each through its partial index in id order (assessments/models.py), so the sweep
    never reads the graded attempts; 2 queries to find them."""
    now = now or timezone.now()
    stale = now - settings.GRADING_STUCK_AFTER
    # never queued (the broker was down), or queued long ago
    ids = list(Attempt.objects.filter(Q(queued_at__isnull=True) | Q(queued_at__lt=stale), status=Status.SUBMITTED)
               .order_by("pk").values_list("id", flat=True)[:limit])
    # a grading that never finished
    lost = list(Attempt.objects.filter(status=Status.GRADING, grading_started_at__lt=stale)
                .order_by("pk").values_list("id", flat=True)[:limit - len(ids)]) if len(ids) < limit else []
    # A grading that outlived the timeout was lost with its worker: waiting again is what lets a message take it.
    if lost:
        Attempt.objects.filter(pk__in=lost, status=Status.GRADING, grading_started_at__lt=stale).update(
            status=Status.SUBMITTED
        )
    for attempt_id in ids + lost:
        attempt_enqueue(attempt_id=attempt_id)
    return len(ids) + len(lost)


def attempt_retry(*, attempt: Attempt, actor) -> Attempt:
    """Staff put a failed attempt back in the queue."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().filter(pk=attempt.pk, status=Status.FAILED).first()
        if locked is None:
            raise Conflict.single("not_failed", gettext("Only failed attempts can be retried."), None)
        locked.status = Status.SUBMITTED
        locked.failures = 0
        locked.save(update_fields=["status", "failures"])
        _queue_on_commit(locked.pk)
    return locked


REVIEW_KINDS = (Grading.Kind.OVERRIDE, Grading.Kind.REVERSAL)


def overrides_in_effect(attempt: Attempt) -> dict:
    """The reply criteria reviews have set, as the latest override or reversal left them."""
    latest = attempt.gradings.filter(kind__in=REVIEW_KINDS).order_by("created_at", "id").values_list(
        "overrides", flat=True).last()
    return latest or {}


def attempt_override(*, attempt: Attempt, actor, overrides: dict, reason: str) -> Attempt:
    """Recompute an attempt with reviewed reply criteria, by the same rules; keep history.

    The mechanics only: who may do it is decided by courses.access.may_override_attempt,
    which courses.reviews.review_override checks before calling this."""
    if not reason or not reason.strip():
        raise AssessmentError.single("required", gettext("Give a reason for the override."), "reason")
    with transaction.atomic():
        locked = (Attempt.objects.select_for_update(of=("self",)).select_related("version")
                  .filter(pk=attempt.pk, status=Status.GRADED).first())
        if locked is None:
            raise Conflict.single("not_graded", gettext("Only graded attempts can be reviewed."), None)
        if is_negotiation(locked.version.document):
            raise Conflict.single("not_reviewable", gettext("A negotiation has no reply criteria to review."), None)
        merged = {**overrides_in_effect(locked)}
        # Per reply and per list: changing "avoided" keeps an earlier review of "met" (and the
        # criteria frozen when a deleted account's replies were redacted, assessments/privacy.py).
        for node_id, override in overrides.items():
            merged[node_id] = {**merged.get(node_id, {}), **override} if isinstance(override, dict) else override
        try:
            result = grading.grade_normalised(
                normalised_document(locked.version), locked.answers, bounds=locked.version.bounds, overrides=merged
            )
        except grading.InvalidAnswer as exc:
            raise AssessmentError(problems_to_errors(exc.problems)) from None
        _store_result(locked, result, kind=Grading.Kind.OVERRIDE, actor=actor, overrides=merged, reason=reason)
        audit.record(action=audit.Action.GRADE_OVERRIDDEN, target=locked, actor=actor,
                     academy=attempt.exercise.academy_id, data={"overrides": overrides, "score": locked.score})
    return locked


def attempt_override_reverse(*, attempt: Attempt, grading_id: int, actor, reason: str) -> Grading:
    """Undo the latest review of an attempt: its reply criteria go back to what they were before
    it, the scores are recomputed, and a reversal row names the review it undid.

    Only the latest review in effect can be undone (an earlier one was built on by later ones),
    and not the criteria frozen when a deleted account's replies were redacted. Who may do it is
    decided by courses.access.may_reverse_override."""
    if not isinstance(reason, str) or not reason.strip():
        raise AssessmentError.single("required", gettext("Give a reason for the reversal."), "reason")
    with transaction.atomic():
        locked = (Attempt.objects.select_for_update(of=("self",)).select_related("version")
                  .filter(pk=attempt.pk, status=Status.GRADED).first())
        if locked is None:
            raise Conflict.single("not_graded", gettext("Only graded attempts can be reviewed."), None)
        reviews = list(locked.gradings.filter(kind__in=REVIEW_KINDS).order_by("created_at", "id"))
        target = next((g for g in reviews if g.pk == grading_id and g.kind == Grading.Kind.OVERRIDE), None)
        if target is None:
            raise NotFound.single("not_found", gettext("No such override."))
        if target.is_redaction:
            raise Conflict.single("frozen", gettext("These criteria were frozen when the replies were redacted."), None)
        if reviews[-1].pk != target.pk:
            raise Conflict.single("not_latest", gettext("Reverse the later reviews first."), None)
        before = reviews[-2].overrides if len(reviews) > 1 else {}
        try:
            result = grading.grade_normalised(
                normalised_document(locked.version), locked.answers, bounds=locked.version.bounds,
                overrides=before or None)
        except grading.InvalidAnswer as exc:
            raise AssessmentError(problems_to_errors(exc.problems)) from None
        row = _grading_row(locked, result, kind=Grading.Kind.REVERSAL, actor=actor, overrides=before,
                           reason=reason.strip())
        row.reverses = target
        row.save()
        _replace_result(locked, result, row)
        audit.record(action=audit.Action.OVERRIDE_REVERSED, target=locked, actor=actor,
                     academy=attempt.exercise.academy_id, data={"override": target.pk, "score": locked.score})
    return row


# --- regrade ---------------------------------------------------------------------

REGRADE_CHUNK = 200


def regrade_start(*, version: ExerciseVersion, actor) -> RegradeBatch:
    """Regrade every graded attempt of a version in worker batches."""
    from .tasks import regrade_chunk

    with transaction.atomic():
        ids = list(version.attempts.filter(status=Status.GRADED).order_by("id").values_list("id", flat=True))
        batch = RegradeBatch.objects.create(version=version, requested_by=actor, total=len(ids))
        chunks = [ids[i : i + REGRADE_CHUNK] for i in range(0, len(ids), REGRADE_CHUNK)]
        transaction.on_commit(lambda: [regrade_chunk.delay(batch.pk, chunk) for chunk in chunks])
    return batch


def regrade_attempts(*, batch_id: int, attempt_ids: list[int]) -> int:
    """Regrade some attempts of a batch; an attempt already done in this batch is skipped."""
    batch = RegradeBatch.objects.select_related("version").get(pk=batch_id)
    done = set(Grading.objects.filter(batch=batch, attempt_id__in=attempt_ids).values_list("attempt_id", flat=True))
    count = 0
    for attempt_id in attempt_ids:
        if attempt_id in done:
            continue
        with transaction.atomic():
            attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
            if attempt.status != Status.GRADED:
                continue
            overrides = overrides_in_effect(attempt)
            result = grade_version(batch.version, attempt.answers, overrides=overrides or None)
            _store_result(attempt, result, kind=Grading.Kind.REGRADE, batch=batch, overrides=overrides or {})
            count += 1
    return count


def regrade_progress(*, batch: RegradeBatch) -> dict:
    done = batch.gradings.count()
    return {"id": batch.pk, "version": batch.version.number, "total": batch.total, "done": done,
            "finished": done >= batch.total}
