"""The reflection journal (issue 16, item 3): after the debrief of a graded attempt, its learner writes what
they would do differently and one commitment; the teacher of a class that shares it may comment.

Who may read, write and comment is decided in courses/access.py; an entry is private unless a class the
learner is in was assigned a module with the exercise (access.journal_classes), and the learner is told
which before writing (`journal_audience`). Entries and their comments are exported and deleted with the
account (courses/privacy.py).
"""
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from accounts.privacy import display_name
from assessments.models import Attempt
from assessments.selectors import debrief_unlocked

from . import access
from .errors import Conflict, CourseError, NotFound
from .models import JournalComment, JournalEntry, SchoolClass


def _clean(value, *, attr: str, limit: int) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise CourseError.single("invalid", gettext("Write your reflection as text."), attr)
    value = value.strip()
    if not value:
        raise CourseError.single("required", gettext("This field cannot be empty."), attr)
    if len(value) > limit:
        raise CourseError.single("too_long", gettext("Keep it under %(max)s characters.") % {"max": f"{limit:,}"},
                                 attr)
    return value


# --- writes ------------------------------------------------------------------------------------


def journal_entry_save(*, learner, attempt: Attempt, differently, commitment) -> tuple[JournalEntry, bool]:
    """Write, or rewrite, the learner's entry on their attempt once its debrief has unlocked (409 before).
    One entry per attempt; returns (entry, created). Every problem of the two fields is given at once."""
    if not access.may_write_journal(user=learner, attempt=attempt):
        raise NotFound.single("not_found", gettext("No such attempt."))
    if not debrief_unlocked(attempt=attempt):
        raise Conflict.single("debrief_locked",
                              gettext("You can write in your journal once the debrief of this attempt is open."), None)
    errors, texts = [], {}
    for attr, value in (("differently", differently), ("commitment", commitment)):
        try:
            texts[attr] = _clean(value, attr=attr, limit=JournalEntry.TEXT_MAX)
        except CourseError as exc:
            errors += exc.errors
    if errors:
        raise CourseError(errors)
    try:
        with transaction.atomic():
            entry, created = JournalEntry.objects.select_for_update().get_or_create(
                learner=learner, attempt=attempt, defaults={"exercise_id": attempt.exercise_id, **texts})
            if not created and (entry.differently, entry.commitment) != (texts["differently"], texts["commitment"]):
                entry.differently, entry.commitment = texts["differently"], texts["commitment"]
                entry.save(update_fields=["differently", "commitment", "updated_at"])
    except IntegrityError:  # a parallel first save won the insert: this one rewrites it
        return journal_entry_save(learner=learner, attempt=attempt, differently=differently, commitment=commitment)
    return entry, created


def journal_comment_add(*, author, entry: JournalEntry, text) -> JournalComment:
    """A teacher's comment on an entry they read through their class (others: a missing entry)."""
    if not access.may_comment_journal_entry(user=author, entry=entry):
        raise NotFound.single("not_found", gettext("No such journal entry."))
    text = _clean(text, attr="text", limit=JournalComment.TEXT_MAX)
    return JournalComment.objects.create(entry=entry, author=author, text=text)


# --- reads -------------------------------------------------------------------------------------


def journal_audience(*, learner_id: int, exercise_id: int) -> list[dict]:
    """Who besides the learner will read an entry at the exercise: one row per sharing class with its
    teacher's name. Empty: only the learner. Two queries at most (access.journal_classes)."""
    return [{"id": c.pk, "name": c.name, "teacher": c.teacher.display_name}
            for c in access.journal_classes(learner_id=learner_id, exercise_id=exercise_id)]


def entry_view(entry: JournalEntry, comments=None) -> dict:
    """An entry as its learner and its teacher see it; `comments` read with it (prefetched), else read."""
    comments = entry.comments.all() if comments is None else comments
    return {
        "id": entry.pk, "attempt": entry.attempt_id, "exercise": entry.exercise_id,
        "exercise_title": entry.exercise.title, "student": display_name(entry.learner.username),
        "differently": entry.differently, "commitment": entry.commitment,
        "created_at": entry.created_at, "updated_at": entry.updated_at,
        "comments": [{"id": c.pk, "author": c.author.display_name if c.author else gettext("Former teacher"),
                      "text": c.text, "created_at": c.created_at} for c in comments],
    }


def _with_comments(entries):
    return (entries.select_related("exercise", "learner")
            .prefetch_related(_comments()).order_by("-updated_at", "-id"))


def _comments():
    from django.db.models import Prefetch

    return Prefetch("comments", queryset=JournalComment.objects.select_related("author").order_by("created_at", "id"))


def attempt_entry(*, learner, attempt: Attempt) -> JournalEntry | None:
    """The learner's entry on the attempt, with its comments (two queries), or None (one)."""
    return _with_comments(JournalEntry.objects.filter(learner=learner, attempt=attempt)).first()


def learner_journal(*, learner):
    """The learner's entries, newest first, with exercise and comments: three queries for the page."""
    return _with_comments(JournalEntry.objects.filter(learner=learner))


def class_journal(*, school_class):
    """The entries the class's teacher reads (access.class_journal_entries), newest first."""
    return _with_comments(access.class_journal_entries(school_class))


def journal_class(*, user, class_id) -> SchoolClass:
    """The class whose journal `user` reads as its teacher, else a missing class (404)."""
    from .services import _small_id

    pk = _small_id(class_id)
    school_class = SchoolClass.objects.filter(pk=pk).first() if pk else None
    if school_class is None or not access.may_read_class_journal(user=user, school_class=school_class):
        raise NotFound.single("not_found", gettext("No such class."))
    return school_class


def readable_entry(*, user, entry_id: int) -> JournalEntry:
    entry = JournalEntry.objects.select_related("exercise", "learner").filter(pk=entry_id).first()
    if entry is None or not access.may_read_journal_entry(user=user, entry=entry):
        raise NotFound.single("not_found", gettext("No such journal entry."))
    return entry
