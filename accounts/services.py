"""Writes on accounts: registration, tokens, academies."""
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import audit
from .models import Academy, AcademyMembership, ApiToken, Role, User

SELF_SERVICE_ROLES = (Role.STUDENT, Role.TEACHER)


class AccountError(Exception):
    def __init__(self, attr: str, code: str, detail: str):
        super().__init__(detail)
        self.attr, self.code, self.detail = attr, code, detail


def user_register(*, username: str, email: str, password: str, role: str = Role.STUDENT) -> User:
    """Create a student or teacher account. Staff and admins are made by admins."""
    if role not in SELF_SERVICE_ROLES:
        raise AccountError("role", "invalid_choice", "Role must be student or teacher.")
    candidate = User(username=username, email=email, role=role)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise AccountError("password", "weak_password", " ".join(exc.messages)) from None
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError("username", "unique", "That username is taken.")
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        raise AccountError("username", "unique", "That username is taken.") from None
    return candidate


def token_issue(*, user: User) -> str:
    raw = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, digest=ApiToken.digest_of(raw), expires_at=timezone.now() + settings.API_TOKEN_TTL
    )
    return raw


def token_revoke(*, raw: str) -> None:
    ApiToken.objects.filter(digest=ApiToken.digest_of(raw), revoked_at__isnull=True).update(revoked_at=timezone.now())


def academy_get_or_create(*, name: str, slug: str) -> Academy:
    academy, _ = Academy.objects.get_or_create(slug=slug, defaults={"name": name})
    return academy


def academy_add_staff(*, academy: Academy, user: User, staff_role: str = AcademyMembership.StaffRole.EDITOR,
                      actor=None) -> None:
    if user.role != Role.ACADEMY_STAFF:
        user.role = Role.ACADEMY_STAFF
        audit.changed_by(user, actor)
        user.save(update_fields=["role"])
    AcademyMembership.objects.get_or_create(user=user, academy=academy, defaults={"staff_role": staff_role})


def user_set_role(*, user: User, role: str, actor, ip: str | None = None) -> User:
    """Change a user's role; the save writes the audit event (accounts/signals.py)."""
    if role not in Role.values:
        raise AccountError("role", "invalid_choice", "Unknown role.")
    if user.anonymised_at is not None:
        raise AccountError("role", "deleted_account", "That account was deleted.")
    if user.role != role:
        user.role = role
        audit.changed_by(user, actor, ip)
        user.save(update_fields=["role"])
    return user


def user_touch_activity(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(last_activity_at=timezone.now())
