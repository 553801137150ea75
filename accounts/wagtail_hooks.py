"""Wagtail's user editing goes through accounts.services, like the Django admin (accounts/admin.py).

Wagtail's forms change a user's groups, "Administrator" flag (is_superuser) and active state, and
its bulk actions set the active state (with a queryset update, which no save sees) and add groups.
After each, `user_access_review` keeps academy groups as memberships give them, and a lost power ends
every sign-in. Wagtail has no role field: ticking "Administrator" makes the account an admin, and
unticking it makes an admin a student (another role is chosen in the Django admin).
"""
from django.contrib import messages
from wagtail import hooks

from . import audit, services
from .models import Role, User

GROUPS_RESET = "Academy groups follow academy memberships, which the Django admin edits: the groups ticked " \
               "by hand were put back as the memberships give them."


def _review(request, user, before):
    role = None
    if user.is_superuser and not before["is_superuser"] and user.role != Role.ADMIN:
        role = Role.ADMIN
    elif before["is_superuser"] and not user.is_superuser and user.role == Role.ADMIN:
        role = Role.STUDENT
        messages.warning(request, f"{user.username} is now a student; give another role in the Django admin.")
    done = services.user_access_review(user=user, before=before, actor=request.user, ip=audit.client_ip(request),
                                       role=role)
    if done.get("groups_reset"):
        messages.warning(request, GROUPS_RESET)


@hooks.register("before_edit_user")
def _before_edit(request, user):
    # The edit form saves this same instance: its post_save writes the role event with this actor,
    # and a new password or deactivation names them too.
    audit.changed_by(user, request.user, audit.client_ip(request))
    request._parley_access_before = services.access_snapshot(User.objects.get(pk=user.pk))


@hooks.register("after_edit_user")
def _after_edit(request, user):
    _review(request, user, request._parley_access_before)


@hooks.register("after_create_user")
def _after_create(request, user):
    _review(request, user, {"role": None, "is_staff": False, "is_superuser": False, "groups": set()})


def _is_users(action) -> bool:
    return getattr(action, "model", None) is User


@hooks.register("before_bulk_action")
def _before_bulk(request, action_type, objects, action):
    if _is_users(action):
        request._parley_access_before = {user.pk: services.access_snapshot(user) for user in objects}


@hooks.register("after_bulk_action")
def _after_bulk(request, action_type, objects, action):
    if not _is_users(action):
        return
    before = getattr(request, "_parley_access_before", {})
    for user in User.objects.filter(pk__in=[obj.pk for obj in objects]):
        was_active = before.get(user.pk, {}).get("is_active", True)
        if action_type == "set_active_state" and was_active and not user.is_active:
            services.user_deactivated(user=user, actor=request.user, ip=audit.client_ip(request))
        elif action_type == "assign_role" and user.pk in before:
            _review(request, user, before[user.pk])
