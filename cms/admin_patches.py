"""Academy tenancy where Wagtail offers no extension point: small, explicit patches.

Each of these Wagtail views names objects or people of every academy and is routed
before any `register_admin_urls` pattern (so it cannot be replaced by URL), with no hook
or permission policy deciding what it lists. Each patch narrows the result through
`admin_tenancy` and changes nothing for superusers. `apply()` runs once, from
`wagtail_hooks`. When Wagtail grows a hook for one of them, move the rule there.

- The page chooser's "chosen multiple" step returns the title of any page id it is given.
- The page types usage report counts every academy's pages and names the last edited one.
- The page listings' "Owner" and "Edited by" filters list everyone who owns or edited any page.
- Log entries of models (not pages) are visible to anyone with a model permission on the
  model, so the site history named other academies' exercises and their editors.
- The site history's "User" filter lists everyone who did anything to any page, not the
  people of the entries the user may see.
- wagtailmedia's chooser (and its upload step) offers every collection of the site as a filter,
  which names every academy's collections: it offers none (its listing is narrowed by the
  `construct_media_chooser_queryset` hook in `wagtail_hooks`).
"""
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.admin.views.reports.audit_logging import SiteHistoryReportFilterSet, get_users_for_filter
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.models import Collection, Page
from wagtail.models.audit_log import ModelLogEntryManager

from . import admin_tenancy

_applied = False


def _chosen_multiple_get(original):
    def get(self, request):
        if not request.user.is_superuser:
            ids = [pk for pk in request.GET.getlist("id") if pk.isdigit()]
            visible = admin_tenancy.visible_instances(request.user, Page).filter(pk__in=ids)
            request.GET = request.GET.copy()
            request.GET.setlist("id", [str(pk) for pk in visible.values_list("pk", flat=True)])
        return original(self, request)

    return get


def _superusers_only(original):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return original(self, request, *args, **kwargs)

    return dispatch


def _people_of_own_academies(original):
    def queryset(request):
        users = original(request) if callable(original) else original
        return users.filter(pk__in=admin_tenancy.visible_users(request.user).values("pk"))

    return queryset


def _tenant_log_entries(original):
    def viewable_by_user(self, user):
        entries = original(self, user)
        if user.is_superuser:
            return entries
        keep = Q()
        for content_type in ContentType.objects.filter(pk__in=entries.values("content_type_id")):
            model = content_type.model_class()
            if model is not None:
                visible = admin_tenancy.visible_instances(user, model).values_list("pk", flat=True)
                keep &= ~Q(content_type=content_type) | Q(object_id__in=[str(pk) for pk in visible])
        return entries.filter(keep)

    return viewable_by_user


def _users_of_visible_entries(self):
    return get_users_for_filter(self.request.user)


class _NoCollectionFilter:
    """Stands for `Collection` in wagtailmedia's chooser module, which asks it only for the list of
    collections to filter by; under two, the chooser shows no filter."""

    class objects:  # noqa: N801 (the manager's name is what the chooser calls)
        @staticmethod
        def all():
            return Collection.objects.none()


def apply():
    global _applied
    if _applied:
        return
    _applied = True
    ChosenMultipleView.get = _chosen_multiple_get(ChosenMultipleView.get)
    PageTypesUsageReportView.dispatch = _superusers_only(PageTypesUsageReportView.dispatch)
    for name in ("owner", "edited_by"):
        user_filter = PageFilterSet.base_filters[name]
        user_filter.queryset = _people_of_own_academies(user_filter.queryset)
    ModelLogEntryManager.viewable_by_user = _tenant_log_entries(ModelLogEntryManager.viewable_by_user)
    SiteHistoryReportFilterSet.get_users_queryset = _users_of_visible_entries
    from wagtailmedia.views import chooser as media_chooser

    media_chooser.Collection = _NoCollectionFilter
