"""Who gets which scheduled notice: due-date reminders to learners, the weekly digest to teachers,
and the safety net for invitation and verification mails whose publish was lost.

Selections only, read in bulk: a class's reminders cost the queries of its progress matrix
(courses.progress.class_progress) plus five, whatever its size; a teacher's digest six per class.
Sending is notices.services.notice_deliver (one claim per person, kind and period), from the
Celery tasks in courses/tasks.py that beat starts (CELERY_BEAT_SCHEDULE).

Stages of a due date, by calendar day in settings.TIME_ZONE (users keep no time zone):
"day_before" (due tomorrow), "due_today" (due later today) and "overdue" (past it, once, within
OVERDUE_WINDOW so an old assignment does not mail the day this ships). The period key holds the
assignment, the stage and the learner's due date (an extension's if they have one), so a moved
due date reminds again and nothing else does.
"""
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_noop

from accounts.mail import site_url
from accounts.models import User
from assessments.models import Grading
from assessments.services import REVIEW_KINDS
from notices import services as notices
from notices.models import Kind, SentNotice

from . import progress, reviews, selectors
from .models import Assignment, ClassInvitation, ClassMembership, Extension, SchoolClass, TeacherVerification

OVERDUE_WINDOW = timedelta(days=7)
STAGES = ("day_before", "due_today", "overdue")
SUBJECTS = {
    "day_before": gettext_noop("Reminder: a module of your class is due tomorrow"),
    "due_today": gettext_noop("Reminder: a module of your class is due today"),
    "overdue": gettext_noop("A module of your class is overdue"),
}
DIGEST_SUBJECT = gettext_noop("Your classes this week on Parley")
DIGEST_WEEKDAY, DIGEST_HOUR = 0, 7  # Monday, 07:00 in settings.TIME_ZONE
DIGEST_REPLIES = 10  # listed per class; the count says how many more
MAIL_SWEEP_AFTER = timedelta(minutes=5)  # the on-commit publish had its chance
MAIL_SWEEP_WINDOW = timedelta(days=3)


def reminder_stage(*, due_at: datetime, now: datetime) -> str | None:
    if due_at <= now:
        return "overdue" if now - due_at <= OVERDUE_WINDOW else None
    today, due_day = timezone.localdate(now), timezone.localdate(due_at)
    if due_day == today:
        return "due_today"
    if due_day == today + timedelta(days=1):
        return "day_before"
    return None


def reminder_key(*, assignment_id: int, stage: str, due_at: datetime) -> str:
    return f"assignment:{assignment_id}:{stage}:{due_at.astimezone(timezone.UTC):%Y-%m-%dT%H:%M}"


def classes_with_reminders(*, now: datetime) -> list[int]:
    """Open classes with an assignment or an extension due in the reminder window. One query."""
    low, high = now - OVERDUE_WINDOW, now + timedelta(days=2)
    window = Q(due_at__gte=low, due_at__lt=high) | Q(
        Exists(Extension.objects.filter(assignment=OuterRef("pk"), due_at__gte=low, due_at__lt=high)))
    return sorted(set(Assignment.objects.filter(window, school_class__archived_at__isnull=True, module__live=True)
                      .values_list("school_class_id", flat=True)))


def _recipients(user_ids) -> set[int]:
    """Those who can get mail: an active account with an address (a deleted one has neither)."""
    return set(User.objects.filter(pk__in=list(user_ids), is_active=True).exclude(email="")
               .values_list("pk", flat=True))


def _when(value: datetime, language: str) -> str:
    with translation.override(language):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def due_reminders_for_class(*, class_id: int, now: datetime) -> list[dict]:
    """The reminders to send now for one class, as keyword arguments of notices.tasks.deliver: one per
    learner who has not finished an assigned module in a reminder stage, has reminders on, and was not
    reminded of it at this stage for this due date. The progress matrix's queries plus five, whatever
    the class's size."""
    school_class = SchoolClass.objects.filter(pk=class_id, archived_at__isnull=True).first()
    if school_class is None:
        return []
    matrix = progress.class_progress(school_class=school_class, now=now)
    candidates = []
    for row in matrix["students"]:
        for cell in row["modules"]:
            stage = reminder_stage(due_at=cell["due_at"], now=now)
            if stage is not None and cell["percent"] < 100.0:
                key = reminder_key(assignment_id=cell["assignment"], stage=stage, due_at=cell["due_at"])
                candidates.append((row["id"], cell, stage, key))
    if not candidates:
        return []
    user_ids = {user_id for user_id, *_ in candidates}
    reachable = _recipients(user_ids)
    preferences = notices.preferences_of(user_ids=reachable)
    done = notices.sent_keys(kind=Kind.DUE_REMINDER, period_keys={c[3] for c in candidates}, user_ids=user_ids)
    courses = dict(Assignment.objects.filter(school_class=school_class).values_list("pk", "course_id"))
    out = []
    for user_id, cell, stage, key in candidates:
        if user_id not in reachable or (user_id, key) in done or not preferences[user_id][Kind.DUE_REMINDER]:
            continue
        language = notices.language_of(preferences[user_id])
        out.append({
            "user_id": user_id, "kind": Kind.DUE_REMINDER.value, "period_key": key,
            "subject": SUBJECTS[stage], "template": "courses/mail/due_reminder",
            "context": {"stage": stage, "class_name": school_class.name, "module_title": cell["title"],
                        "percent": cell["percent"], "due": _when(cell["due_at"], language),
                        "course_url": site_url(f"/courses/{courses[cell['assignment']]}/")},
        })
    return out


# --- the teachers' digest --------------------------------------------------------------------------


def digest_period(now: datetime) -> str | None:
    """The ISO week whose digest is due at `now`, or None before Monday 07:00 of it."""
    local = timezone.localtime(now)
    if local.weekday() == DIGEST_WEEKDAY and local.hour < DIGEST_HOUR:
        return None
    year, week, _ = local.isocalendar()
    return f"{year}-W{week:02d}"


def digest_teachers(*, period_key: str) -> list[int]:
    """Teachers with an open class that has a student, who have the digest on and have not had this
    week's. Four queries: the open classes' teachers, those of them mail reaches, those who had this
    week's, and their preferences."""
    teacher_ids = set(SchoolClass.objects.filter(archived_at__isnull=True).filter(
        Exists(ClassMembership.objects.filter(school_class=OuterRef("pk")))).values_list("teacher_id", flat=True))
    reachable = _recipients(teacher_ids)
    sent = {user_id for user_id, _ in notices.sent_keys(kind=Kind.TEACHER_DIGEST, period_keys=[period_key])}
    preferences = notices.preferences_of(user_ids=reachable - sent)
    return sorted(uid for uid, prefs in preferences.items() if prefs[Kind.TEACHER_DIGEST])


def teacher_digest(*, teacher_id: int, period_key: str, now: datetime) -> dict | None:
    """This week's digest for one teacher, as keyword arguments of notices.tasks.deliver; None when
    none of their classes has anyone behind or a reply to review (no mail that says nothing).
    Behind: a module assigned to the class past the learner's due date and not finished. Awaiting
    review: a graded written reply of the last seven days among the class's latest fifty
    (selectors.class_replies) whose attempt no teacher or staff member has reviewed, by an override or
    by filing the reply as reviewed."""
    since = now - timedelta(days=7)
    classes = []
    for school_class in SchoolClass.objects.filter(teacher_id=teacher_id, archived_at__isnull=True).order_by("name",
                                                                                                              "pk"):
        matrix = progress.class_progress(school_class=school_class, now=now)
        behind = [{"student": row["name"], "modules": [c["title"] for c in row["modules"] if c["overdue"]]}
                  for row in matrix["students"] if any(c["overdue"] for c in row["modules"])]
        replies = [r for r in selectors.class_replies(school_class=school_class)
                   if r["graded_at"] and r["graded_at"] >= since]
        reviewed = set(Grading.objects.filter(attempt_id__in={r["attempt"] for r in replies}, kind__in=REVIEW_KINDS)
                       .values_list("attempt_id", flat=True)) if replies else set()
        # A reply filed as reviewed on the replies page (courses.reviews) waits no more than an overridden one.
        waiting = [{"student": r["student"], "exercise": r["exercise"]}
                   for r in reviews.replies_by_review(replies, show="unreviewed") if r["attempt"] not in reviewed]
        if behind or waiting:
            classes.append({
                "name": school_class.name, "behind": behind, "replies": waiting[:DIGEST_REPLIES],
                "replies_total": len(waiting), "replies_more": max(0, len(waiting) - DIGEST_REPLIES),
                "progress_url": site_url(f"/teach/classes/{school_class.pk}/progress/"),
                "replies_url": site_url(f"/teach/classes/{school_class.pk}/replies/"),
            })
    if not classes:
        return None
    return {"user_id": teacher_id, "kind": Kind.TEACHER_DIGEST.value, "period_key": period_key,
            "subject": DIGEST_SUBJECT, "template": "courses/mail/teacher_digest",
            "context": {"classes": classes, "teach_url": site_url("/teach/")}}


# --- verification decisions and the safety net -------------------------------------------------


def verification_period(verification_id: int) -> str:
    return f"verification:{verification_id}"


def verification_notice(*, verification_id: int) -> dict | None:
    """The decision mail of a decided, unrevoked request, as keyword arguments of notices.tasks.deliver."""
    row = (TeacherVerification.objects.filter(pk=verification_id, revoked_at__isnull=True)
           .exclude(state=TeacherVerification.State.PENDING).first())
    if row is None:
        return None
    verified = row.state == TeacherVerification.State.VERIFIED
    return {"user_id": row.teacher_id, "kind": Kind.VERIFICATION_DECISION.value,
            "period_key": verification_period(row.pk),
            "subject": gettext_noop("You are a verified teacher on Parley") if verified
            else gettext_noop("Your teacher verification request was declined"),
            "template": "courses/mail/verification_decision",
            "context": {"verified": verified, "school": row.school, "note": row.decision_note,
                        "verification_url": site_url("/teach/verification/")}}


def unsent_verifications(*, now: datetime) -> list[int]:
    """Decisions of the last few days whose mail was never claimed (its publish was lost). Two queries."""
    rows = dict(TeacherVerification.objects.filter(
        revoked_at__isnull=True, decided_at__gte=now - MAIL_SWEEP_WINDOW, decided_at__lt=now - MAIL_SWEEP_AFTER,
    ).exclude(state=TeacherVerification.State.PENDING).values_list("pk", "teacher_id"))
    claimed = set(SentNotice.objects.filter(kind=Kind.VERIFICATION_DECISION,
                                            period_key__in=[verification_period(pk) for pk in rows])
                  .values_list("period_key", flat=True))
    return sorted(pk for pk in rows if verification_period(pk) not in claimed)


def unsent_invitations(*, now: datetime) -> list[int]:
    """Open invitations of the last few days that no task claimed (mailed_at empty). One query."""
    return list(ClassInvitation.objects.filter(
        mailed_at__isnull=True, accepted_at__isnull=True, school_class__archived_at__isnull=True,
        created_at__gte=now - MAIL_SWEEP_WINDOW, created_at__lt=now - MAIL_SWEEP_AFTER,
    ).order_by("pk").values_list("pk", flat=True))

