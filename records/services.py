"""Statements written with their events, and their delivery to each academy's LRS.

Writing (called by the receivers of courses.events and assessments.events, inside the event's
transaction): nothing is written for an academy without an enabled LRS, and nothing at all is read
from the database when no academy has one (`lrs_academy_ids` is a cache entry). Each statement's id is
a UUID v5 of its event (records.statements), and the outbox's unique `statement_id` makes writing a
statement twice one row (`ignore_conflicts`).

Delivery (`statements_deliver`, run by records.tasks): an academy's due statements, oldest first, in
batches of `RECORDS_BATCH_SIZE`, POSTed as one array to `<endpoint>/statements` with HTTP Basic and
`X-Experience-API-Version: 2.0.0`, under row locks taken with SKIP LOCKED (two workers never send the
same batch; on SQLite writes are serialised anyway). The LRS's answer decides:

- 2xx: sent. A statement the LRS has already (an earlier delivery whose answer was lost) is stored
  once: it drops equal duplicates (xAPI's rule for a POSTed id it holds).
- no answer, a 5xx, 408 or 429: nothing changes but `tries`, `last_error` and `next_try_at`, backed
  off exponentially (`RECORDS_RETRY_BASE_SECONDS` x 2^(tries-1), at most `RECORDS_RETRY_MAX_SECONDS`);
  the task retries then, and the beat's sweep queues any academy with due statements.
- 401 or 403 (the credentials): the batch is refused as a whole, with the answer.
- any other 4xx: each statement of the batch is sent alone, so only those the LRS refuses are marked
  `refused`. Refused statements stay, shown to platform admins in the Django admin, and are sent again
  by `statements_retry` (the admin's "Send again").
"""
import logging
from datetime import timedelta

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from accounts.models import Academy
from assessments.documents import normalised_document
from assessments.selectors import attempt_decision_events

from . import statements as xapi
from .models import Actor, LearningRecordStore, Statement

log = logging.getLogger(__name__)
Status = Statement.Status

LRS_CACHE_KEY = "records:lrs-academies"


# --- which academies have an LRS ---------------------------------------------------------------


def lrs_academy_ids() -> frozenset[int]:
    """The academies with an enabled LRS: a cache entry (one query on a miss), replaced whenever a
    LearningRecordStore is saved or deleted (records.apps)."""
    try:
        ids = cache.get(LRS_CACHE_KEY)
    except Exception as exc:  # noqa: BLE001 - without the cache, read the database: slower, never stale
        log.warning("records cache unavailable (%s)", exc)
        ids = None
    if ids is None:
        ids = list(LearningRecordStore.objects.filter(enabled=True).values_list("academy_id", flat=True))
        try:
            cache.set(LRS_CACHE_KEY, ids, None)
        except Exception as exc:  # noqa: BLE001
            log.warning("records cache not written (%s)", exc)
    return frozenset(ids)


def lrs_forget(**_) -> None:
    """Drop the cached set now and again on commit, so no process keeps what it read before the change."""
    cache.delete(LRS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(LRS_CACHE_KEY))


def _academy_of_page(page: Page) -> Academy | None:
    """The academy whose AcademyPage is above `page` (one query)."""
    steps = Page.steplen
    ancestors = [page.path[:end] for end in range(steps, len(page.path) + 1, steps)]
    return Academy.objects.filter(pages__path__in=ancestors).first()


# --- writing ------------------------------------------------------------------------------------


def _actors(user_ids) -> dict[int, dict]:
    """The xAPI agent of each learner, creating their opaque name the first time: one query, three more
    when some learner has none yet. A deleted (anonymised) account gets none, and so no statement: its
    name was forgotten on purpose (records/privacy.py), and a new one would tie it to the row again."""
    user_ids = set(user_ids)
    names = dict(Actor.objects.filter(user_id__in=user_ids).values_list("user_id", "name"))
    missing = user_ids - set(names)
    if missing:
        from accounts.models import User

        live = User.objects.filter(pk__in=missing, anonymised_at__isnull=True).values_list("pk", flat=True)
        Actor.objects.bulk_create([Actor(user_id=user_id) for user_id in live], ignore_conflicts=True)
        names.update(Actor.objects.filter(user_id__in=missing).values_list("user_id", "name"))
    return {user_id: xapi.agent(name) for user_id, name in names.items()}


def statement_row(*, academy_id: int, learner_id, body: dict, attempt_id=None, voidable=False, now=None) -> Statement:
    """An outbox row for `body` (not saved: statements_write inserts rows)."""
    return Statement(statement_id=body["id"], academy_id=academy_id, learner_id=learner_id, verb=body["verb"]["id"],
                     attempt_id=attempt_id, voidable=voidable, body=body, next_try_at=now or timezone.now())


def statements_write(rows: list[Statement]) -> None:
    """Insert outbox rows in the caller's transaction (a statement already there stays one row) and queue
    their academies' delivery on commit."""
    if not rows:
        return
    Statement.objects.bulk_create(rows, ignore_conflicts=True)
    for academy_id in {row.academy_id for row in rows}:
        transaction.on_commit(lambda academy_id=academy_id: statements_queue(academy_id=academy_id))


def _page_activity(page, kind: str) -> dict:
    """A course or lesson page as an activity: its address on the site, title and language."""
    language = getattr(page, "language", None) or getattr(page.locale, "language_code", None) or settings.LANGUAGE_CODE
    return xapi.page_activity(path=page.learner_path(), kind=kind, title=page.title, language=language)


def statements_enrolled(*, enrolments, some_existed: bool = False) -> int:
    """The "registered" statements of new enrolments (courses.events.enrolled). Returns how many."""
    if not enrolments or not lrs_academy_ids():
        return 0
    from courses.models import Enrolment

    if some_existed:
        stored = {(learner, course): created for learner, course, created in Enrolment.objects.filter(
            learner_id__in={e.learner_id for e in enrolments}, course_id__in={e.course_id for e in enrolments},
        ).values_list("learner_id", "course_id", "created_at")}
        enrolments = [e for e in enrolments if stored.get((e.learner_id, e.course_id)) == e.created_at]
    from cms.models import CoursePage

    courses = {c.pk: c for c in CoursePage.objects.filter(pk__in={e.course_id for e in enrolments})}
    rows, actors = [], None
    for course_id, course in courses.items():
        academy = _academy_of_page(course)
        if academy is None or academy.pk not in lrs_academy_ids():
            continue
        mine = [e for e in enrolments if e.course_id == course_id]
        actors = actors or _actors(e.learner_id for e in enrolments)
        activity = _page_activity(course, "course")
        rows += [statement_row(academy_id=academy.pk, learner_id=e.learner_id,
                               body=xapi.enrolment(actor=actors[e.learner_id], learner_id=e.learner_id,
                                                   course=activity, when=e.created_at))
                 for e in mine if e.learner_id in actors]
    statements_write(rows)
    return len(rows)


def statements_lesson_read(*, read, lesson, course) -> int:
    """The "experienced" statement of a lesson's first read (courses.events.lesson_read)."""
    if not lrs_academy_ids():
        return 0
    academy = _academy_of_page(lesson)
    if academy is None or academy.pk not in lrs_academy_ids():
        return 0
    actor = _actors([read.learner_id]).get(read.learner_id)
    if actor is None:
        return 0
    body = xapi.lesson_read(actor=actor, learner_id=read.learner_id, lesson=_page_activity(lesson, "lesson"),
                            course=_page_activity(course, "course") if course is not None else None, when=read.read_at)
    statements_write([statement_row(academy_id=academy.pk, learner_id=read.learner_id, body=body)])
    return 1


def _exercise_refs(attempts) -> dict[int, tuple[int, xapi.ExerciseRef]]:
    """{attempt id: (academy id, ExerciseRef)} for the attempts whose academy has an LRS; one query."""
    from assessments.models import Exercise

    wanted = lrs_academy_ids()
    exercises = {e.pk: e for e in Exercise.objects.filter(pk__in={a.exercise_id for a in attempts},
                                                          academy_id__in=wanted).select_related("academy")}
    refs = {}
    for attempt in attempts:
        exercise = exercises.get(attempt.exercise_id)
        if exercise is None:
            continue
        document = normalised_document(attempt.version)
        refs[attempt.pk] = (exercise.academy_id, xapi.ExerciseRef(
            academy_slug=exercise.academy.slug, slug=exercise.slug, title=exercise.title, kind=exercise.kind,
            language=document.get("language") or settings.LANGUAGE_CODE, version=attempt.version.number))
    return refs


def statements_attempt_started(*, attempt) -> int:
    """The "attempted" statement of a counted attempt (assessments.events.attempt_started)."""
    if not lrs_academy_ids() or attempt.learner_id is None:
        return 0
    refs = _exercise_refs([attempt])
    if attempt.pk not in refs:
        return 0
    academy_id, exercise = refs[attempt.pk]
    actor = _actors([attempt.learner_id]).get(attempt.learner_id)
    if actor is None:
        return 0
    body = xapi.attempt_started(actor=actor, attempt_id=attempt.pk, exercise=exercise, when=attempt.created_at)
    statements_write([statement_row(academy_id=academy_id, learner_id=attempt.learner_id, body=body,
                                    attempt_id=attempt.pk)])
    return 1


def statements_results(*, results) -> int:
    """The statements of new results (assessments.events.results_recorded): [(attempt, key, kind)].
    The result statements each attempt had before are voided first (one voiding statement each), then
    the new result is stated with ids of its own: a regrade, override or reversal voids and restates.
    Queries, whatever the number of attempts: none without an LRS; else the exercises (1), the learners'
    names (1; 4 when some learner has none yet), the statements to void (1; with some, their academies
    and the update, 2 more) and the insert (1)."""
    if not lrs_academy_ids():
        return 0
    attempts = [attempt for attempt, _key, _kind in results if attempt.learner_id is not None]
    refs = _exercise_refs(attempts)
    results = [(a, key, kind) for a, key, kind in results if a.pk in refs]
    if not results:
        return 0
    now = timezone.now()
    actors = _actors(a.learner_id for a, _k, _kind in results)
    results = [(a, key, kind) for a, key, kind in results if a.learner_id in actors]
    if not results:
        return 0
    rows = []
    for attempt, key, kind in results:
        academy_id, exercise = refs[attempt.pk]
        document = normalised_document(attempt.version)
        scenario = exercise.kind == "scenario"
        bodies = xapi.result_statements(
            actor=actors[attempt.learner_id], attempt_id=attempt.pk, exercise=exercise, result_key=key,
            grading=str(kind), result=attempt.result, answers=attempt.answers,
            decisions=attempt_decision_events(attempt=attempt) if scenario else None,
            question_types=None if scenario else {q["id"]: q["type"] for q in document.get("questions", [])},
            when=attempt.graded_at or now)
        rows += [statement_row(academy_id=academy_id, learner_id=attempt.learner_id, body=body,
                               attempt_id=attempt.pk, voidable=True, now=now) for body in bodies]
    # What the attempts stated before, except this very result stated again (the same ids): voided first.
    earlier = list(Statement.objects.filter(attempt_id__in=[a.pk for a, _k, _kind in results], voidable=True,
                                            voided=False).exclude(statement_id__in=[row.statement_id for row in rows])
                   .values_list("pk", "statement_id", "academy_id"))
    voids = voiding_rows(targets=[(target, academy_id) for _pk, target, academy_id in earlier], now=now)
    if earlier:
        Statement.objects.filter(pk__in=[pk for pk, _, _ in earlier]).update(voided=True)
    statements_write(voids + rows)
    return len(rows)


def voiding_rows(*, targets, now) -> list[Statement]:
    """The voiding statements (by each target's academy) of [(statement id, academy id)], not saved; one
    query for the academies' slugs when there are targets."""
    if not targets:
        return []
    slugs = dict(Academy.objects.filter(pk__in={academy for _, academy in targets}).values_list("id", "slug"))
    return [statement_row(academy_id=academy_id, learner_id=None, now=now,
                          body=xapi.voiding(target_id=str(target), academy_slug=slugs[academy_id], when=now))
            for target, academy_id in targets]


# --- delivery -----------------------------------------------------------------------------------


def statements_queue(*, academy_id: int) -> None:
    """Publish the delivery task (after the writing transaction commits). A broker outage is logged,
    not raised: the statements are stored, and the beat's sweep queues their academy later."""
    from .tasks import deliver_statements

    try:
        deliver_statements.apply_async(args=[academy_id], retry=False)
    except Exception as exc:  # noqa: BLE001 - a broker failure must not fail the learner's request
        log.warning("delivery of academy %s's statements not queued (%s); the sweep will", academy_id, exc)


def backoff(tries: int) -> float:
    """Seconds before the next try after `tries` failed ones: doubling, capped."""
    return min(settings.RECORDS_RETRY_MAX_SECONDS, settings.RECORDS_RETRY_BASE_SECONDS * 2 ** max(0, tries - 1))


class _Answer:
    def __init__(self, status: int | None, text: str):
        self.status, self.text = status, text[:2000]

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def transient(self) -> bool:
        return self.status is None or self.status >= 500 or self.status in (408, 429)


def _post(store: LearningRecordStore, bodies: list[dict]) -> _Answer:
    try:
        response = requests.post(
            store.statements_url(), json=bodies, auth=(store.key, store.secret),
            headers={"X-Experience-API-Version": xapi.XAPI_VERSION},
            timeout=settings.RECORDS_HTTP_TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        return _Answer(None, f"{type(exc).__name__}: the LRS could not be reached")
    return _Answer(response.status_code, response.text)


def _mark(rows: list[Statement], answer: _Answer, now) -> None:
    for row in rows:
        row.last_status, row.last_error = answer.status, "" if answer.ok else answer.text
        if answer.ok:
            row.status, row.sent_at = Status.SENT, now
        elif answer.transient:
            row.tries += 1
            row.next_try_at = now + timedelta(seconds=backoff(row.tries))
        else:
            row.status = Status.REFUSED
            row.tries += 1
    Statement.objects.bulk_update(rows, ["status", "sent_at", "tries", "next_try_at", "last_status", "last_error"])


def statements_deliver(*, academy_id: int, limit: int | None = None) -> dict:
    """Send one batch of an academy's due statements. Safe to run twice and concurrently. Returns
    {"sent", "refused", "retry_in" (seconds, when the LRS was unavailable), "more" (statements wait)}."""
    limit = limit or settings.RECORDS_BATCH_SIZE
    done = {"sent": 0, "refused": 0, "retry_in": None, "more": False}
    store = LearningRecordStore.objects.filter(academy_id=academy_id, enabled=True).first()
    if store is None:
        return done
    with transaction.atomic():
        now = timezone.now()
        batch = list(Statement.objects.select_for_update(skip_locked=True)
                     .filter(academy_id=academy_id, status=Status.PENDING, next_try_at__lte=now)
                     .order_by("id")[:limit])
        if not batch:
            return done
        answer = _post(store, [row.body for row in batch])
        if answer.ok or answer.transient or answer.status in (401, 403) or len(batch) == 1:
            _mark(batch, answer, now)
            outcomes = [(row, answer) for row in batch]
        else:
            # A 4xx for the batch: find which statements the LRS refuses by sending each alone.
            # Should the LRS stop answering meanwhile, the rest are not tried: they back off as a batch would.
            outcomes, away = [], None
            for row in batch:
                alone = away or _post(store, [row.body])
                away = alone if alone.transient else None
                _mark([row], alone, now)
                outcomes.append((row, alone))
        for row, each in outcomes:
            if each.ok:
                done["sent"] += 1
            elif each.transient:
                done["retry_in"] = backoff(row.tries)
            else:
                done["refused"] += 1
                log.warning("the LRS of academy %s refused statement %s (%s)", academy_id, row.statement_id,
                            each.status)
    done["more"] = done["retry_in"] is None and len(batch) == limit
    return done


def statements_sweep(*, now=None) -> int:
    """Queue delivery for every academy with due statements (the beat, every RECORDS_SWEEP_SECONDS):
    what a lost task or an exhausted retry left is sent once the LRS answers. One query."""
    now = now or timezone.now()
    academy_ids = list(Statement.objects.filter(status=Status.PENDING, next_try_at__lte=now)
                       .values_list("academy_id", flat=True).distinct().order_by())
    for academy_id in academy_ids:
        statements_queue(academy_id=academy_id)
    return len(academy_ids)


def statements_retry(*, statement_ids) -> int:
    """Send refused statements again (staff fixed the LRS's settings, or the LRS was wrong to refuse):
    they wait again as new, and delivery is queued on commit. Returns how many."""
    with transaction.atomic():
        rows = Statement.objects.filter(pk__in=list(statement_ids), status=Status.REFUSED)
        academies = set(rows.values_list("academy_id", flat=True))
        count = rows.update(status=Status.PENDING, tries=0, next_try_at=timezone.now())
        for academy_id in academies:
            transaction.on_commit(lambda academy_id=academy_id: statements_queue(academy_id=academy_id))
    return count
