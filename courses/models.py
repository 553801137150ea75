"""Learning records, keyed on published pages: enrolments, lesson reads, classes."""
import secrets

from django.conf import settings
from django.db import models

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in class


def new_join_code() -> str:
    # 10 characters of a 32-letter alphabet: 50 bits, unguessable at any sane rate limit.
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(10))


class Enrolment(models.Model):
    class Source(models.TextChoices):
        SELF = "self"
        CLASS = "class"
        EXTERNAL = "external"

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey("cms.CoursePage", on_delete=models.CASCADE, related_name="enrolments")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SELF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="one_enrolment_per_course")]

    def __str__(self):
        return f"learner {self.learner_id} in course {self.course_id}"


class LessonRead(models.Model):
    """The learner marked the lesson read. A lesson is complete when it is read and its exercises are
    passed (courses/progress.py); this row is only the read."""

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_reads")
    lesson = models.ForeignKey("cms.LessonPage", on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "lesson"], name="one_read_per_lesson")]

    def __str__(self):
        return f"learner {self.learner_id} read lesson {self.lesson_id}"


class ReflectionAnswer(models.Model):
    """What a learner wrote under one reflection block of a lesson. Private: shown back only to them,
    exported and deleted with their account (courses/privacy.py)."""

    TEXT_MAX = 5000

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections")
    lesson = models.ForeignKey("cms.LessonPage", on_delete=models.CASCADE, related_name="+")
    # The StreamField block's id (a UUID), so an answer stays with its prompt when blocks move.
    block_id = models.CharField(max_length=36)
    text = models.TextField(max_length=TEXT_MAX)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "lesson", "block_id"],
                                               name="one_answer_per_reflection_block")]

    def __str__(self):
        return f"learner {self.learner_id} on block {self.block_id} of lesson {self.lesson_id}"


class SchoolClass(models.Model):
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classes_taught")
    name = models.CharField(max_length=200)
    join_code = models.CharField(max_length=16, unique=True, default=new_join_code)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "classes"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.name


class ClassMembership(models.Model):
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school_class", "student"], name="one_membership_per_class")]

    def __str__(self):
        return f"student {self.student_id} in class {self.school_class_id}"


class Assignment(models.Model):
    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="assignments")
    module = models.ForeignKey("cms.ModulePage", on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey("cms.CoursePage", on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school_class", "module"], name="one_assignment_per_module")]
        ordering = ["due_at", "id"]

    def __str__(self):
        return f"module {self.module_id} to class {self.school_class_id}"


class Extension(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    due_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "student"], name="one_extension_per_student")]

    def __str__(self):
        return f"extension of assignment {self.assignment_id} for {self.student_id}"


class ClassInvitation(models.Model):
    """A teacher asked the owner of an address to join a class. Only its answer joins them:
    accepting makes the membership, declining or withdrawing deletes the row (courses/services.py)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="invitations")
    # Kept case-folded, so it matches the account whose email is the same address in any case.
    email = models.EmailField(max_length=254)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept once accepted, so a repeated accept answers as the first did.
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Claimed by the task that mails it, so a task run twice sends one mail; cleared to send again.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school_class", "email"], name="one_invitation_per_address")]
        indexes = [models.Index(fields=["email"], name="invitation_email")]
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"invitation {self.pk} to class {self.school_class_id}"


class TeacherVerification(models.Model):
    """A teacher's request to be verified, and its decision. A verified teacher may override
    reply criteria for their classes (courses/access.py); a role change revokes it."""

    class State(models.TextChoices):
        PENDING = "pending"
        VERIFIED = "verified"
        REJECTED = "rejected"

    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verifications")
    school = models.CharField(max_length=200)
    note = models.TextField(blank=True, max_length=2000)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=2000)
    # Set when the teacher stopped being a teacher: the verification no longer counts.
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["teacher"], condition=models.Q(state="pending"),
                                               name="one_pending_verification")]
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"verification {self.pk} of {self.teacher_id} ({self.state})"


class JournalEntry(models.Model):
    """A learner's reflection after the debrief of one of their graded attempts: what they would do
    differently, and one commitment. Private, except that the teacher of a class the learner is in reads it
    while the exercise is in a module assigned to that class (courses.access.journal_classes). Exported
    and deleted with the learner's account (courses/privacy.py)."""

    TEXT_MAX = 2000

    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries")
    attempt = models.ForeignKey("assessments.Attempt", on_delete=models.CASCADE, related_name="journal_entries")
    exercise = models.ForeignKey("assessments.Exercise", on_delete=models.CASCADE, related_name="+")
    differently = models.TextField(max_length=TEXT_MAX)
    commitment = models.TextField(max_length=TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["learner", "attempt"], name="one_journal_entry_per_attempt")]
        indexes = [models.Index(fields=["exercise", "learner"], name="journal_exercise_learner")]
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "journal entries"

    def __str__(self):
        return f"journal entry {self.pk} of learner {self.learner_id}"


class JournalComment(models.Model):
    """A teacher's comment on a journal entry they may read; its learner sees it under the entry."""

    TEXT_MAX = 2000

    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="journal_comments")
    text = models.TextField(max_length=TEXT_MAX)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"comment {self.pk} on journal entry {self.entry_id}"
