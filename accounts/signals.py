"""Audit receivers: role changes wherever a user row is saved, and Wagtail publishing.

Publishing is read from Wagtail's own page log entry rather than the
page_published signal: the signal does not say who published (its revision
names the author, not the reviewer who approved it), the log entry does, and
it is written for workflow, scheduled and bulk publishes alike.
"""
from django.db.models.signals import post_save
from django.dispatch import Signal
from wagtail.models import Page, PageLogEntry

from . import audit
from .models import Academy, User

# Sent with `user=` when the CMS groups a user is in may no longer be those their academy memberships
# give (an admin form ticked groups, a role changed). accounts may not import cms, which names and
# fills those groups (cms.tenancy), so cms receives this and puts the user's groups right.
staff_groups_stale = Signal()

# Sent with `user=` and `role=` (the role they had) inside the role change's transaction, when a user
# leaves a role. The apps above take away what that role gave in their own rows (courses: a teacher's
# verification) and answer a dict of counts, which goes into the `access.revoked` event.
role_left = Signal()

# Sent with `user=` and `language=` (the language the sign-up was made in, or None) once a self-service
# account is saved. notices keeps it as the language of the person's mails.
user_registered = Signal()

PUBLISHING_ACTIONS = {
    "wagtail.publish": audit.Action.PAGE_PUBLISHED,
    "wagtail.unpublish": audit.Action.PAGE_UNPUBLISHED,
}


def _user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        # What the new row holds, so a later change through this same instance is seen.
        instance._loaded_role = (instance.role, instance.is_superuser)
        return
    if update_fields is not None and not {"role", "is_superuser"} & set(update_fields):
        return
    audit.record_role_change(instance)


def _academy_of_page(page_path: str) -> int | None:
    """The academy whose page is `page_path` or above it (one query; the page tree is academy > ...)."""
    steps = Page.steplen
    ancestors = [page_path[:end] for end in range(steps, len(page_path) + 1, steps)]
    return Academy.objects.filter(pages__path__in=ancestors).values_list("id", flat=True).first()


def _page_logged(sender, instance, created, raw=False, **kwargs):
    action = PUBLISHING_ACTIONS.get(instance.action)
    if not created or raw or action is None or instance.page_id is None:
        return
    page = Page.objects.filter(pk=instance.page_id).only("path").first()
    audit.record(
        action=action, target=("wagtailcore.page", str(instance.page_id)), actor=instance.user_id,
        academy=_academy_of_page(page.path) if page else None,
        data={"title": instance.label, "revision": instance.revision_id},
    )


post_save.connect(_user_saved, sender=User, dispatch_uid="accounts.audit.role")
post_save.connect(_page_logged, sender=PageLogEntry, dispatch_uid="accounts.audit.publishing")
