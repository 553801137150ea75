"""Academies as tenants of the CMS: their page, groups, permissions and collection."""
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from accounts.models import Academy, AcademyMembership

from .models import AcademyPage, HomePage

EDITOR_PAGE_PERMS = ("add_page", "change_page")
REVIEWER_PAGE_PERMS = ("add_page", "change_page", "publish_page")
COLLECTION_PERMS = ("add_image", "change_image", "choose_image", "add_document", "change_document", "choose_document")


def home_page() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = root.add_child(instance=HomePage(title="Parley", slug="parley"))
    return home


def group_name(academy: Academy, staff_role: str) -> str:
    return f"{academy.name} {staff_role}s"


@transaction.atomic
def academy_setup(*, academy: Academy) -> AcademyPage:
    """Create the academy's page, editor and reviewer groups, and collection. Idempotent.

    Editors write and submit for review; reviewers also publish. Both only
    below their academy's page and inside its collection.
    """
    page = AcademyPage.of(academy)
    if page is None:
        page = home_page().add_child(instance=AcademyPage(title=academy.name, slug=academy.slug, academy=academy))
    root_collection = Collection.get_first_root_node()
    collection = Collection.objects.filter(name=academy.name).first() or root_collection.add_child(name=academy.name)
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for role, page_perms in ((AcademyMembership.StaffRole.EDITOR, EDITOR_PAGE_PERMS),
                             (AcademyMembership.StaffRole.REVIEWER, REVIEWER_PAGE_PERMS)):
        group, _ = Group.objects.get_or_create(name=group_name(academy, role))
        group.permissions.add(access_admin)
        for codename in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename)
            )
        for codename in COLLECTION_PERMS:
            app = "wagtailimages" if codename.endswith("image") else "wagtaildocs"
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection,
                permission=Permission.objects.get(content_type__app_label=app, codename=codename),
            )
    return page


def academy_sync_staff_groups(*, academy: Academy) -> None:
    """Put each staff member in the group of their academy role."""
    for membership in AcademyMembership.objects.filter(academy=academy).select_related("user"):
        group = Group.objects.get(name=group_name(academy, membership.staff_role))
        membership.user.groups.add(group)
