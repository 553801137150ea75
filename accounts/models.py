"""Users, their roles, academies (the content tenants) and API tokens."""
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    TEACHER = "teacher", "Teacher"
    ACADEMY_STAFF = "academy_staff", "Academy staff"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STUDENT)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # Set when the account was deleted: the row stays, anonymised, so the
    # learner's graded attempts still count in class statistics (accounts/privacy.py).
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        user = super().from_db(db, field_names, values, **kwargs)
        # What the row held when loaded, so a save that changes the role is audited (accounts/audit.py).
        user._loaded_role = (user.__dict__.get("role"), user.__dict__.get("is_superuser"))
        return user

    @property
    def display_name(self) -> str:
        """The name teachers see: the username, or "Former learner" once the account was deleted."""
        from .privacy import display_name

        return display_name(self.username)

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


class Academy(models.Model):
    """A diplomatic academy: owns pages, media and exercises."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "academies"

    def __str__(self) -> str:
        return self.name


class AcademyMembership(models.Model):
    class StaffRole(models.TextChoices):
        EDITOR = "editor", "Editor"
        REVIEWER = "reviewer", "Reviewer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="academy_memberships")
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="memberships")
    staff_role = models.CharField(max_length=20, choices=StaffRole.choices, default=StaffRole.EDITOR)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "academy"], name="one_membership_per_academy")]

    def __str__(self):
        return f"{self.user_id} {self.staff_role} of academy {self.academy_id}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored, so a database leak leaks no token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bearer_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"token {self.pk} of user {self.user_id}"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class WorkerHeartbeat(models.Model):
    """Last time a worker ran the periodic heartbeat task: the health check reads it."""

    hostname = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return self.hostname


class AuditEvent(models.Model):
    """Who did what to which record: grade overrides, role changes, publishing, account deletions.

    Written by the services that act (accounts/audit.py); never edited. It
    holds ids and counts, not personal data: the actor of a deleted account
    points at the anonymised row.
    """

    class Action(models.TextChoices):
        GRADE_OVERRIDDEN = "grade.overridden", "Grade overridden"
        ROLE_CHANGED = "role.changed", "Role changed"
        PAGE_PUBLISHED = "page.published", "Page published"
        PAGE_UNPUBLISHED = "page.unpublished", "Page unpublished"
        EXERCISE_VERSION_IMPORTED = "exercise.version_imported", "Exercise version imported"
        ACCOUNT_DELETED = "account.deleted", "Account deleted"
        ACCESS_REVOKED = "access.revoked", "Access revoked after a role change"
        PASSWORD_CHANGED = "account.password_changed", "Password changed"
        SIGNED_OUT_EVERYWHERE = "account.signed_out_everywhere", "Signed out everywhere"
        EMAIL_VERIFIED = "account.email_verified", "Email address verified"
        CLASS_JOINED = "class.joined", "Joined a class"
        CLASS_LEFT = "class.left", "Left a class"
        CLASS_STUDENT_REMOVED = "class.student_removed", "Student removed from a class"
        INVITATION_SENT = "class.invitation_sent", "Class invitation sent"
        INVITATION_ACCEPTED = "class.invitation_accepted", "Class invitation accepted"
        INVITATION_DECLINED = "class.invitation_declined", "Class invitation declined"
        INVITATION_WITHDRAWN = "class.invitation_withdrawn", "Class invitation withdrawn"
        VERIFICATION_REQUESTED = "teacher.verification_requested", "Teacher verification requested"
        TEACHER_VERIFIED = "teacher.verified", "Teacher verified"
        TEACHER_REJECTED = "teacher.rejected", "Teacher verification rejected"
        OVERRIDE_REVERSED = "grade.override_reversed", "Grade override reversed"

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(max_length=40, choices=Action.choices)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64)
    # The academy whose content or exercise the event is about, so its staff can read it.
    academy = models.ForeignKey(Academy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["academy", "at"], name="audit_academy_at"),
            models.Index(fields=["at"], name="audit_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_type}#{self.target_id}"
