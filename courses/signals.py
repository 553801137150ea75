"""Receivers of accounts' signals: what a role change takes away in courses' rows."""
from django.utils import timezone

from accounts.models import Role
from accounts.signals import role_left

from .models import TeacherVerification


def _teacher_left(sender, user, role, **kwargs) -> dict:
    """A teacher's verification counts only while they teach."""
    if role != Role.TEACHER:
        return {}
    revoked = TeacherVerification.objects.filter(teacher=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    return {"verifications": revoked} if revoked else {}


role_left.connect(_teacher_left, dispatch_uid="courses.teacher_left")
