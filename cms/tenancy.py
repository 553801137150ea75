"""Academies as tenants of the CMS: their page, groups, permissions, collection and review workflow.

Each academy gets, idempotently (`academy_setup`):

- an `AcademyPage` under the home page: its editors' root in the admin;
- two groups, "<name> editors" and "<name> reviewers", with Wagtail admin
  access and page permissions on the academy page *and every translation of
  it* (each locale's tree has its own copy of the academy page);
- a collection named after the academy for its images, documents and media, the
  only collection its groups may add to, edit or choose from;
- a review workflow ("<name> review": one group approval task for the
  reviewers) assigned to the academy page and its translations.

Editors write, save drafts and submit for review; reviewers approve (which
publishes), reject with a comment, or publish and schedule themselves.
Nothing here grants anything outside the academy's own pages and collection.
"""
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from accounts.models import Academy, AcademyMembership

from .models import AcademyPage, HomePage

Role = AcademyMembership.StaffRole

EDITOR_PAGE_PERMS = ("add_page", "change_page")
REVIEWER_PAGE_PERMS = ("add_page", "change_page", "publish_page", "unlock_page")
# wagtailmedia has no "choose" permission: its chooser lists what one may change.
EDITOR_COLLECTION_PERMS = ("add_image", "change_image", "choose_image", "add_document", "change_document",
                           "choose_document", "add_media", "change_media")
REVIEWER_COLLECTION_PERMS = EDITOR_COLLECTION_PERMS + ("delete_image", "delete_document", "delete_media")
COLLECTION_PERM_APPS = {"image": "wagtailimages", "document": "wagtaildocs", "media": "wagtailmedia"}
# Model-wide permissions. Exercises are further limited to the user's academies by
# the permission policy in wagtail_hooks; translation submission to pages they can edit.
GLOBAL_PERMS = (
    ("wagtailadmin", "access_admin"),
    ("assessments", "view_exercise"),
    ("assessments", "change_exercise"),
    ("wagtail_localize", "submit_translation"),
)
ROLE_PERMS = {
    Role.EDITOR: (EDITOR_PAGE_PERMS, EDITOR_COLLECTION_PERMS),
    Role.REVIEWER: (REVIEWER_PAGE_PERMS, REVIEWER_COLLECTION_PERMS),
}


def home_page() -> HomePage:
    home = HomePage.objects.filter(locale__language_code=_default_language()).first() or HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Parley", slug="parley"))
    site_root_is_home(home)
    return home


def site_root_is_home(home: HomePage) -> None:
    """The default Wagtail Site is rooted at Parley's home page, not at the page Wagtail's first migration
    made beside it: a Site whose root is not above the academies leaves every page without a URL, and the
    admin warns "There is no site record for this location" on each of them."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.order_by("pk").first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Parley")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save(update_fields=["root_page"])


def _default_language() -> str:
    from wagtail.models import Locale

    return Locale.get_default().language_code


def group_name(academy: Academy, staff_role: str) -> str:
    return f"{academy.name} {staff_role}s"


def workflow_name(academy: Academy) -> str:
    return f"{academy.name} review"


def academy_group(academy: Academy, staff_role: str) -> Group | None:
    return Group.objects.filter(name=group_name(academy, staff_role)).first()


def _permission(app_label: str, codename: str) -> Permission:
    if (app_label, codename) == ("wagtail_localize", "submit_translation"):
        # Made by a wagtail-localize data migration, not by a model's Meta, so a flushed
        # database (transactional tests) lacks it: recreate it the way that migration does.
        from django.contrib.contenttypes.models import ContentType

        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model="translation")
        return Permission.objects.get_or_create(content_type=content_type, codename=codename,
                                                defaults={"name": "Can submit translations"})[0]
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def academy_collection(academy: Academy) -> Collection:
    root = Collection.get_first_root_node()
    return Collection.objects.child_of(root).filter(name=academy.name).first() or root.add_child(name=academy.name)


def academy_review_workflow(academy: Academy) -> Workflow:
    """The academy's workflow with one approval task for its reviewers group. Idempotent."""
    reviewers = academy_group(academy, Role.REVIEWER)
    task = GroupApprovalTask.objects.filter(name=f"{academy.name}: reviewers approve").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=f"{academy.name}: reviewers approve")
    task.groups.add(reviewers)
    workflow = Workflow.objects.filter(name=workflow_name(academy)).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=workflow_name(academy))
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


def academy_page_grant(*, academy: Academy, page: AcademyPage) -> None:
    """Give the academy's groups their page permissions and workflow on `page` (the
    academy page or one of its translations). Idempotent; a no-op before `academy_setup`."""
    for role, (page_perms, _) in ROLE_PERMS.items():
        group = academy_group(academy, role)
        if group is None:
            return
        for codename in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_permission("wagtailcore", codename)
            )
    workflow = Workflow.objects.filter(name=workflow_name(academy)).first()
    if workflow is not None:
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})


@transaction.atomic
def academy_setup(*, academy: Academy) -> AcademyPage:
    """Create the academy's page, groups, permissions, collection and workflow. Idempotent."""
    page = AcademyPage.of(academy)
    if page is None:
        page = home_page().add_child(instance=AcademyPage(title=academy.name, slug=academy.slug, academy=academy))
    collection = academy_collection(academy)
    global_perms = [_permission(app, codename) for app, codename in GLOBAL_PERMS]
    for role, (_, collection_perms) in ROLE_PERMS.items():
        group, _ = Group.objects.get_or_create(name=group_name(academy, role))
        group.permissions.add(*global_perms)
        for codename in collection_perms:
            app = COLLECTION_PERM_APPS[codename.split("_", 1)[1]]
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=_permission(app, codename)
            )
    academy_review_workflow(academy)
    for translation in AcademyPage.objects.filter(translation_key=page.translation_key):
        academy_page_grant(academy=academy, page=translation)
    academy_sync_staff_groups(academy=academy)
    return page


def academy_sync_staff_groups(*, academy: Academy) -> None:
    """Put each staff member in the group of their academy role, and only that one. Idempotent."""
    groups = {role: academy_group(academy, role) for role in Role.values}
    if None in groups.values():
        return
    members = {role: set() for role in Role.values}
    for user_id, role in AcademyMembership.objects.filter(academy=academy).values_list("user_id", "staff_role"):
        members[role].add(user_id)
    for role, group in groups.items():
        have = set(group.user_set.values_list("id", flat=True))
        group.user_set.add(*(members[role] - have))
        group.user_set.remove(*(have - members[role]))


def user_sync_staff_groups(*, user) -> None:
    """Put `user` in the group of each of their academy memberships and in no other academy's group
    (groups outside academies are left alone). Called when an admin form or a role change may have
    left them out of step (accounts.signals.staff_groups_stale)."""
    roles = dict(AcademyMembership.objects.filter(user=user).values_list("academy_id", "staff_role"))
    wanted, managed = set(), set()
    for academy in Academy.objects.all():
        for role in Role.values:
            managed.add(group_name(academy, role))
            if roles.get(academy.pk) == role:
                wanted.add(group_name(academy, role))
    groups = list(Group.objects.filter(name__in=managed))
    user.groups.remove(*[group for group in groups if group.name not in wanted])
    user.groups.add(*[group for group in groups if group.name in wanted])
