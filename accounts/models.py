"""Users, their roles, academies (the content tenants) and API tokens."""
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy

from . import identity


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
    # When the person proved they read mail at `email` (the link sent at sign-up); cleared when it changes.
    email_verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Part of every session's hash: raising it ends every session of the account at once
    # (sign out everywhere, a password or role change, deactivation). See get_session_auth_hash.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # What the username looks like (accounts/identity.py): unique, so look-alike names cannot coexist.
    # Null only for rows that already had a look-alike when the column was added (migration 0004).
    username_skeleton = models.CharField(max_length=600, null=True, blank=True, editable=False, unique=True)

    class Meta(AbstractUser.Meta):
        constraints = [
            models.UniqueConstraint(Lower("email"), condition=~models.Q(email=""), name="user_email_unique_any_case",
                                    violation_error_message=gettext_lazy("An account with that email exists.")),
        ]

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        user = super().from_db(db, field_names, values, **kwargs)
        # What the row held when loaded, so a save that changes the role is audited (accounts/audit.py).
        user._loaded_role = (user.__dict__.get("role"), user.__dict__.get("is_superuser"))
        # ... and so a save that deactivates the account or changes its address or name is seen (save below).
        user._loaded = {name: user.__dict__.get(name) for name in ("is_active", "email", "username")}
        return user

    def clean(self):
        """Model forms (the Django admin, Wagtail's user editor) refuse what the sign-up services refuse."""
        super().clean()  # NFKC-normalises the username
        self.email = identity.normal_email(self.email)
        errors = {}
        loaded = getattr(self, "_loaded", {})
        if self._state.adding or self.username != loaded.get("username"):
            problem = username_problem(self.username, exclude_pk=self.pk)
            if problem:
                errors["username"] = ValidationError(problem[1], code=problem[0])
        if self.email and email_taken(self.email, exclude_pk=self.pk):
            errors["email"] = ValidationError(gettext_lazy("An account with that email exists."), code="unique")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        """Every door that sets a password or deactivates an account saves the row, so this is where
        the other sign-ins end: the site's and the API's password change, a reset, the Django admin,
        Wagtail's account page and user editor. A password validator's `password_changed` hook would
        see the same moments, but only while it is listed in AUTH_PASSWORD_VALIDATORS; this cannot be
        configured away. Hash upgrades at sign-in clear `_password` first, so they do not count."""
        update_fields = kwargs.get("update_fields")
        fields = None if update_fields is None else set(update_fields)
        loaded = getattr(self, "_loaded", None)
        existing = not self._state.adding and loaded is not None and self.anonymised_at is None

        def touches(name):
            return fields is None or name in fields

        password_changed = existing and self._password is not None and touches("password")
        deactivated = existing and loaded["is_active"] and not self.is_active and touches("is_active")
        if password_changed or deactivated:
            self.session_epoch += 1
            fields = None if fields is None else fields | {"session_epoch"}
        if touches("email") and loaded is not None and (self.email or "").lower() != (loaded["email"] or "").lower():
            self.email_verified_at = None
            fields = None if fields is None else fields | {"email_verified_at"}
        if touches("username") and (loaded is None or self.username != loaded["username"]):
            self.username_skeleton = identity.username_skeleton(self.username)
            fields = None if fields is None else fields | {"username_skeleton"}
        if fields is not None:
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)
        self._loaded = {name: getattr(self, name) for name in ("is_active", "email", "username")}
        if password_changed or deactivated:
            from .services import sign_ins_ended_by_save

            sign_ins_ended_by_save(user=self, password_changed=password_changed, deactivated=deactivated)

    def _session_hash(self, secret=None) -> str:
        key_salt = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"
        # Epoch 0 hashes as Django does, so sessions made before the epoch existed stay signed in.
        value = self.password if not self.session_epoch else f"{self.password}:{self.session_epoch}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    def get_session_auth_hash(self):
        """Sessions store this hash and are dropped when it changes: with the password, and with
        `session_epoch`, which the services raise to end every session without a new password."""
        return self._session_hash()

    def get_session_auth_fallback_hash(self):
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    @property
    def display_name(self) -> str:
        """The name teachers see: the username, or "Former learner" once the account was deleted."""
        from .privacy import display_name

        return display_name(self.username)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_platform_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser


def username_problem(username: str, exclude_pk=None) -> tuple[str, str] | None:
    """(code, sentence) when `username` may not be taken: the same name in any case (`unique`), or a
    look-alike of one (`confusable`). Names may mix scripts ("أمينة_élève"): only imitation is refused."""
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if others.filter(username__iexact=username).exists():
        return "unique", str(gettext_lazy("That username is taken."))
    if others.filter(username_skeleton=identity.username_skeleton(username)).exists():
        return "confusable", str(gettext_lazy("That username looks like one that is taken."))
    return None


def email_taken(email: str, exclude_pk=None) -> bool:
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    return bool(email) and others.filter(email__iexact=email).exists()


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
