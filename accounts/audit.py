"""The audit log: one call per audited action, made by the service that acts.

Events hold ids, actions and small facts (old and new role, version number,
criteria changed), never names, emails or free text: the log outlives the
accounts it mentions, and a deleted account's events point at its anonymised
row. Role changes are caught where the row is saved (a post_save receiver,
see `signals.py`) so the Django admin, the Wagtail user editor and the
services are all covered; callers name the actor with `changed_by`.
"""
import contextlib
import contextvars

from django.db import models

from .models import Academy, AuditEvent, User

Action = AuditEvent.Action

# Who acts, for writes made deep inside a framework's view (a password set by the Django admin's
# own form), where no instance can be named with `changed_by` first.
_acting: contextvars.ContextVar = contextvars.ContextVar("parley_audit_actor", default=(None, None))


def target_of(obj) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def record(*, action: str, target, actor=None, academy: Academy | int | None = None, data: dict | None = None,
           ip: str | None = None) -> AuditEvent:
    """Write one event. `target` is a saved model instance or a (type, id) pair; `actor` a user or a user id."""
    target_type, target_id = target if isinstance(target, tuple) else target_of(target)
    academy_id = academy.pk if isinstance(academy, Academy) else academy
    actor_id = actor if isinstance(actor, int) else getattr(actor, "pk", None)
    return AuditEvent.objects.create(
        action=action, target_type=target_type, target_id=target_id, academy_id=academy_id,
        actor_id=actor_id, data=data or {}, ip=ip or None,
    )


def changed_by(user: User, actor, ip: str | None = None) -> User:
    """Name who is changing `user`, for the role-change event its next save writes."""
    user._audit_actor = actor
    user._audit_ip = ip
    return user


@contextlib.contextmanager
def acting(actor, ip: str | None = None):
    """Within the block, events whose actor is not named otherwise name `actor`."""
    token = _acting.set((actor, ip))
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor() -> tuple:
    """(actor, ip) set by `acting`, or (None, None)."""
    return _acting.get()


def record_role_change(user: User) -> AuditEvent | None:
    """Called after a user row is saved: an event if its role (or superuser flag) changed since it was loaded."""
    loaded = getattr(user, "_loaded_role", None)
    if loaded is None or loaded[0] is None:
        return None  # a new row, or loaded without its role: nothing to compare with
    now = (user.role, user.is_superuser)
    if now == loaded:
        return None
    user._loaded_role = now
    data = {"from": loaded[0], "to": now[0]}
    if loaded[1] != now[1]:
        data.update(superuser_from=bool(loaded[1]), superuser_to=bool(now[1]))
    return record(action=Action.ROLE_CHANGED, target=user, actor=getattr(user, "_audit_actor", None),
                  data=data, ip=getattr(user, "_audit_ip", None))


def client_ip(request) -> str | None:
    """The address the request came from (REMOTE_ADDR; a proxy in front must set it right)."""
    return request.META.get("REMOTE_ADDR") or None


def events_for_staff(user) -> models.QuerySet:
    """The events of the academies `user` manages (all events for platform admins)."""
    from .selectors import academy_ids_of

    if not user.is_authenticated:
        return AuditEvent.objects.none()
    if user.is_platform_admin:
        return AuditEvent.objects.all()
    return AuditEvent.objects.filter(academy_id__in=academy_ids_of(user))
