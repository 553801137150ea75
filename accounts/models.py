"""Users, their roles, academies (the content tenants) and API tokens."""
import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    STUDENT = "student", "Student"
    TEACHER = "teacher", "Teacher"
    ACADEMY_STAFF = "academy_staff", "Academy staff"
    ADMIN = "admin", "Administrator"


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STUDENT)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_teacher(self) -> bool:
        return self.role == Role.TEACHER

    @property
    def is_academy_staff(self) -> bool:
        return self.role == Role.ACADEMY_STAFF

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


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored, so a database leak leaks no token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bearer_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class WorkerHeartbeat(models.Model):
    """Last time a worker ran the periodic heartbeat task: the health check reads it."""

    hostname = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()
