"""What courses keeps about a person, for the account export and deletion (accounts/privacy.py).

Enrolments, lesson reads, memberships and extensions stay on deletion (statistics and the class
matrix count them, pointing at the anonymised row); invitations hold an address, and reflections,
journal entries (with the comments on them) and journal comments are the person's own words, so they go.
"""
from accounts.models import User
from accounts.privacy import PrivacyPart

from .models import (
    ClassInvitation,
    ClassMembership,
    Enrolment,
    Extension,
    JournalComment,
    JournalEntry,
    LessonRead,
    ReflectionAnswer,
    SchoolClass,
    TeacherVerification,
)

RECORDS = {
    "courses.Enrolment.learner": "exported; kept for statistics",
    "courses.LessonRead.learner": "exported; kept for statistics",
    "courses.ReflectionAnswer.learner": "exported; deleted with the account (the learner's own words)",
    "courses.JournalEntry.learner": "exported with the comments on it; deleted with the account, comments too "
                                    "(the learner's own words)",
    "courses.JournalComment.author": "exported; deleted with the account (the author's own words)",
    "courses.ClassMembership.student": "exported; kept for the class matrix",
    "courses.Extension.student": "exported; kept for the class matrix",
    "courses.SchoolClass.teacher": "exported; archived on deletion",
    "courses.ClassInvitation.invited_by": "not exported (invitations the teacher sent others); "
                                          "pending ones deleted with the account",
    "courses.TeacherVerification.teacher": "exported; kept, revoked, on deletion",
    "courses.TeacherVerification.decided_by": "not exported (staff decisions on others); kept for the record",
}


def _address(learner_id: int) -> str:
    """The address invitations are matched by (stored casefolded), or "" when there is none."""
    email = User.objects.filter(pk=learner_id).values_list("email", flat=True).first()
    return (email or "").casefold()


def _journal_entries(learner_id: int) -> list[dict]:
    """The person's journal entries, each with the comments on it: two queries, whatever the number."""
    comments: dict[int, list] = {}
    for c in (JournalComment.objects.filter(entry__learner_id=learner_id).select_related("author")
              .order_by("created_at", "id")):
        comments.setdefault(c.entry_id, []).append(
            {"author": c.author.display_name if c.author else None, "text": c.text, "created_at": c.created_at})
    return [
        {"attempt": e["attempt_id"], "exercise": e["exercise_id"], "title": e["exercise__title"],
         "differently": e["differently"], "commitment": e["commitment"], "created_at": e["created_at"],
         "updated_at": e["updated_at"], "comments": comments.get(e["id"], [])}
        for e in JournalEntry.objects.filter(learner_id=learner_id).order_by("created_at", "id").values(
            "id", "attempt_id", "exercise_id", "exercise__title", "differently", "commitment", "created_at",
            "updated_at")
    ]


def courses_learner_export(*, learner_id: int) -> dict:
    """Enrolments, reads, reflections, journal entries (with their comments), journal comments written,
    memberships, extensions, classes taught, invitations to the learner's address and teacher
    verifications: twelve queries (one finds the address, one the comments on the entries)."""
    address = _address(learner_id)
    return {
        "enrolments": [
            {"course": e["course_id"], "title": e["course__title"], "source": e["source"], "at": e["created_at"]}
            for e in Enrolment.objects.filter(learner_id=learner_id).order_by("created_at", "id").values(
                "course_id", "course__title", "source", "created_at")
        ],
        "lessons_read": [
            {"lesson": r["lesson_id"], "title": r["lesson__title"], "at": r["read_at"]}
            for r in LessonRead.objects.filter(learner_id=learner_id).order_by("read_at", "id").values(
                "lesson_id", "lesson__title", "read_at")
        ],
        "reflections": [
            {"lesson": r["lesson_id"], "title": r["lesson__title"], "block": r["block_id"], "text": r["text"],
             "updated_at": r["updated_at"]}
            for r in ReflectionAnswer.objects.filter(learner_id=learner_id).order_by("lesson_id", "id").values(
                "lesson_id", "lesson__title", "block_id", "text", "updated_at")
        ],
        "journal_entries": _journal_entries(learner_id),
        "journal_comments_written": [
            {"entry": c["entry_id"], "text": c["text"], "created_at": c["created_at"]}
            for c in JournalComment.objects.filter(author_id=learner_id).order_by("created_at", "id").values(
                "entry_id", "text", "created_at")
        ],
        "class_memberships": [
            {"class": m["school_class_id"], "name": m["school_class__name"], "joined_at": m["joined_at"]}
            for m in ClassMembership.objects.filter(student_id=learner_id).order_by("joined_at", "id").values(
                "school_class_id", "school_class__name", "joined_at")
        ],
        "extensions": [
            {"class": x["assignment__school_class_id"], "module": x["assignment__module_id"],
             "module_title": x["assignment__module__title"], "due_at": x["due_at"]}
            for x in Extension.objects.filter(student_id=learner_id).order_by("id").values(
                "assignment__school_class_id", "assignment__module_id", "assignment__module__title", "due_at")
        ],
        "classes_taught": [
            {"id": c["id"], "name": c["name"], "created_at": c["created_at"], "archived_at": c["archived_at"]}
            for c in SchoolClass.objects.filter(teacher_id=learner_id).order_by("created_at", "id").values(
                "id", "name", "created_at", "archived_at")
        ],
        "class_invitations": [
            {"class": i["school_class_id"], "name": i["school_class__name"], "at": i["created_at"],
             "accepted_at": i["accepted_at"]}
            for i in ClassInvitation.objects.filter(email=address).exclude(email="").order_by("created_at", "id")
            .values("school_class_id", "school_class__name", "created_at", "accepted_at")
        ] if address else [],
        "teacher_verifications": list(TeacherVerification.objects.filter(teacher_id=learner_id)
                                      .order_by("created_at", "id").values(
            "school", "note", "state", "created_at", "decided_at", "revoked_at")),
    }


def courses_learner_anonymise(*, learner_id: int, now) -> dict:
    """Invitations to the person's address, and those they sent that nobody answered, go, as do their
    reflections, journal entries (with the comments on them) and the journal comments they wrote; a
    teacher's verification stops counting and loses its free text; their classes are archived.
    Runs inside the account deletion's transaction, before the address is wiped."""
    address = _address(learner_id)
    if address:
        ClassInvitation.objects.filter(email=address).delete()
    ClassInvitation.objects.filter(invited_by_id=learner_id, accepted_at__isnull=True).delete()
    ReflectionAnswer.objects.filter(learner_id=learner_id).delete()
    JournalComment.objects.filter(author_id=learner_id).delete()
    JournalEntry.objects.filter(learner_id=learner_id).delete()  # and the comments on them
    verifications = TeacherVerification.objects.filter(teacher_id=learner_id)
    verifications.filter(revoked_at__isnull=True).update(revoked_at=now)
    verifications.update(note="", decision_note="")
    archived = SchoolClass.objects.filter(teacher_id=learner_id, archived_at__isnull=True).update(archived_at=now)
    return {"classes_archived": archived}


PART = PrivacyPart(app="courses", records=RECORDS, export=courses_learner_export,
                   anonymise=courses_learner_anonymise, export_queries=12)
