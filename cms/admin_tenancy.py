"""Academies as tenants in every corner of the Wagtail admin: who sees which objects.

Staff of one academy see no title, count or id of another academy's pages, images,
documents, exercises or translations: not in page views, bulk actions, reports, choosers,
searches, the admin API, the site history or the translation tools. Everything here
decides by *current* membership (`accounts.selectors.academy_ids_of`, read once per request
through `editor_academy_ids`), never by group rows alone, so staff whose membership ended lose
the academy's content even if a stale group were left behind.

- `visible_instances(user, model)` is the one answer to "which objects of this model may
  this user know about"; the bulk actions, the admin API endpoints, the wagtail-localize
  report and snippet API below all filter through it.
- Pages: under the user's academy pages, in any locale (`scope_q`); their ancestors (root,
  home) are only a way through (`navigable_q`).
- Images, documents, audio and video (wagtailmedia): Wagtail's collection permission policy, where a group's
  permission on an academy's collection counts only for members of that academy
  (`AcademyCollectionPolicy`).
- Exercises: their academy (the exercise policy in `wagtail_hooks.py`).

The registrations (hooks, URL patterns, policies) are in `wagtail_hooks.py`; the few
Wagtail views that offer no extension point are adjusted in `admin_patches.py`.
"""
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_list_or_404
from wagtail.admin.views.pages import bulk_actions as page_bulk
from wagtail.documents.views import bulk_actions as document_bulk
from wagtail.images.views import bulk_actions as image_bulk
from wagtail.models import Collection, Page
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction as SnippetDeleteBulkAction
from wagtail.users.views import bulk_actions as user_bulk

from accounts.models import Academy
from accounts.selectors import academy_ids_of

from .models import AcademyPage

# --- the editor's academies ------------------------------------------------------------------


def editor_academy_ids(user) -> list[int]:
    """`academy_ids_of(user)`, remembered on the user object, as Django's ModelBackend remembers
    permissions: one query per request however many policies, views and menu items ask. The
    signed-in user is loaded afresh by every request, so the memo lives as long as the request, and
    no admin screen changes memberships (the services do, for a user object of their own) after
    asking. Never cached across requests: a membership that ends must end on the next one."""
    if not hasattr(user, "_parley_academy_ids"):
        user._parley_academy_ids = academy_ids_of(user)
    return user._parley_academy_ids


# --- pages ---------------------------------------------------------------------------------


def academy_page_paths(user) -> list[str]:
    """Tree paths of the user's academies' pages, in every locale (cached on the user)."""
    if not hasattr(user, "_parley_academy_paths"):
        ids = editor_academy_ids(user)
        user._parley_academy_paths = list(
            AcademyPage.objects.filter(academy_id__in=ids).values_list("path", flat=True)
        ) if ids else []
    return user._parley_academy_paths


def path_in_scope(user, page_path: str) -> bool:
    """A page is the user's business if it lies under one of their academy pages, or
    above one (the root and home pages they navigate through)."""
    if user.is_superuser:
        return True
    return any(page_path.startswith(p) or p.startswith(page_path) for p in academy_page_paths(user))


def pages_in_scope(user, page_ids) -> bool:
    if user.is_superuser:
        return True
    paths = list(Page.objects.filter(pk__in=page_ids).values_list("path", flat=True))
    return all(path_in_scope(user, p) for p in paths)


def scope_q(user) -> Q:
    """Pages under the user's academies (any locale)."""
    q = Q(pk__in=[])
    for p in academy_page_paths(user):
        q |= Q(path__startswith=p)
    return q


def navigable_q(user) -> Q:
    """`scope_q` and the ancestors of the user's academy pages (the way down to them)."""
    step = Page.steplen
    ancestors = {p[:end] for p in academy_page_paths(user) for end in range(step, len(p), step)}
    return scope_q(user) | Q(path__in=sorted(ancestors))


# --- images and documents ------------------------------------------------------------------


def foreign_collection_paths(user) -> list[str]:
    """Tree paths of the collections of academies the user is not staff of (each academy's
    collection is the root's child named after it, see `tenancy.academy_collection`)."""
    own = set(editor_academy_ids(user))
    names = [name for pk, name in Academy.objects.values_list("pk", "name") if pk not in own]
    if not names:
        return []
    root = Collection.get_first_root_node()
    return list(Collection.objects.child_of(root).filter(name__in=names).values_list("path", flat=True))


class AcademyCollectionPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's collection permissions, minus those on another academy's collection: a
    group permission there counts only while the user is staff of that academy."""

    def get_all_permissions_for_user(self, user):
        permissions = super().get_all_permissions_for_user(user)
        for path in foreign_collection_paths(user) if user.is_authenticated else ():
            permissions = permissions.exclude(collection__path__startswith=path)
        return permissions


# --- one answer for every model ------------------------------------------------------------

# A permission for any of these actions makes an object known to the user (policies ignore
# the actions their model has no permission for, such as "choose" for exercises).
KNOWING_ACTIONS = ("view", "change", "delete", "choose")


def visible_instances(user, model):
    """The objects of `model` this user may see named anywhere in the admin."""
    if issubclass(model, Page):
        return model._default_manager.all() if user.is_superuser else model._default_manager.filter(scope_q(user))
    from wagtail_localize.models import Translation, TranslationSource

    if model in (Translation, TranslationSource):
        return _visible_translations(user, model)
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, KNOWING_ACTIONS)


def _visible_translations(user, model):
    """Translations of the user's academies' pages. Other translatable objects (this project
    has no translatable snippets) only for superusers, until one is given a tenancy."""
    if user.is_superuser:
        return model._default_manager.all()
    keys = Page.objects.filter(scope_q(user)).values("translation_key")
    prefix = "source__" if model.__name__ == "Translation" else ""
    return model._default_manager.filter(**{f"{prefix}object_id__in": keys})


def visible_users(user):
    """People the user may see named in filters: staff of the user's own academies."""
    User = get_user_model()
    if user.is_superuser:
        return User.objects.all()
    own = Q(academy_memberships__academy_id__in=editor_academy_ids(user))
    return User.objects.filter(Q(pk=user.pk) | own).distinct()


# --- bulk actions --------------------------------------------------------------------------


class TenantBulkActionMixin:
    """A bulk action's objects come from `visible_instances`: ids of objects the user may
    not know about are treated as missing, and are never listed as "no access"."""

    def get_queryset(self, model, object_ids):  # an instance method here: it needs the request
        ids = [pk for pk in object_ids if str(pk).isdigit()]
        return get_list_or_404(visible_instances(self.request.user, model), pk__in=ids)

    def get_all_objects_in_listing_query(self, parent_id):
        if parent_id is not None and not self._may_list_under(parent_id):
            raise Http404("No such listing.")
        return super().get_all_objects_in_listing_query(parent_id)

    def _may_list_under(self, parent_id) -> bool:
        if not str(parent_id).isdigit():
            return False
        if issubclass(self.model, Page):
            return Page.objects.filter(pk=parent_id).exists() and pages_in_scope(self.request.user, [parent_id])
        return True  # a collection id: its objects are filtered through get_queryset


def _tenant(action_class):
    return type(f"Tenant{action_class.__name__}", (TenantBulkActionMixin, action_class), {})


BULK_ACTIONS = [_tenant(cls) for cls in (
    page_bulk.DeleteBulkAction, page_bulk.MoveBulkAction, page_bulk.PublishBulkAction,
    page_bulk.UnpublishBulkAction,
    image_bulk.AddTagsBulkAction, image_bulk.AddToCollectionBulkAction, image_bulk.DeleteBulkAction,
    document_bulk.AddTagsBulkAction, document_bulk.AddToCollectionBulkAction, document_bulk.DeleteBulkAction,
    user_bulk.AssignRoleBulkAction, user_bulk.DeleteBulkAction, user_bulk.SetActiveStateBulkAction,
    SnippetDeleteBulkAction,
)]


# --- the admin API (images, documents) -----------------------------------------------------


class TenantAPIEndpointMixin:
    """An admin API endpoint whose listing, detail and find see only `visible_instances`."""

    def get_queryset(self):
        visible = visible_instances(self.request.user, self.model).values("pk")
        return super().get_queryset().filter(pk__in=visible)


def tenant_api_endpoint(endpoint_class):
    return type(f"Tenant{endpoint_class.__name__}", (TenantAPIEndpointMixin, endpoint_class), {})


# --- wagtail-localize: the translations report and the snippet API ---------------------------


def translations_report_view_class():
    from wagtail_localize.models import Translation
    from wagtail_localize.views.report import TranslationsReportView

    class TenantTranslationsReportView(TranslationsReportView):
        """The report lists (and its title search finds) translations of visible objects only."""

        def get_queryset(self):
            visible = visible_instances(self.request.user, Translation).values("pk")
            return super().get_queryset().filter(pk__in=visible)

    return TenantTranslationsReportView


def snippet_api_viewset_class():
    from wagtail_localize.views.snippets_api import SnippetViewSet

    class TenantSnippetViewSet(SnippetViewSet):
        """What wagtail-localize's editor offers to choose from: only visible snippets."""

        def get_queryset(self):
            return visible_instances(self.request.user, self.get_model()).order_by("pk")

    return TenantSnippetViewSet


# --- images and documents by id: another academy's answers like a missing one ---------------

# URL keyword arguments of the image and document admin views that name one object.
MEDIA_URL_KWARGS = ("image_id", "document_id", "doc_id", "media_id", "pk")


def answers_like_missing(view, model, kwarg):
    """`view`, but a 404 for an object the user may not see: Wagtail's own views answer it
    with a "no permission" redirect or a 403, and a missing id with a 404, which tells
    staff which ids are another academy's."""

    def guarded(request, *args, **kwargs):
        pk = str(kwargs.get(kwarg, ""))
        if not request.user.is_superuser and not (
                pk.isdigit() and visible_instances(request.user, model).filter(pk=pk).exists()):
            raise Http404("No such object.")
        return view(request, *args, **kwargs)

    return guarded


def media_guard_patterns() -> list:
    """Patterns for the image, document and audio/video admin views that take an object id, each in front
    of Wagtail's own (the same route; `register_admin_urls` of cms come first)."""
    from django.urls import path
    from wagtail.documents import admin_urls as document_urls
    from wagtail.documents import get_document_model
    from wagtail.documents.views.chooser import viewset as document_chooser
    from wagtail.images import admin_urls as image_urls
    from wagtail.images import get_image_model
    from wagtail.images.views.chooser import viewset as image_chooser
    from wagtailmedia import admin_urls as audio_video_urls
    from wagtailmedia import get_media_model

    sources = [
        ("images/", image_urls.urlpatterns, get_image_model()),
        ("documents/", document_urls.urlpatterns, get_document_model()),
        ("images/chooser/", image_chooser.get_urlpatterns(), get_image_model()),
        ("documents/chooser/", document_chooser.get_urlpatterns(), get_document_model()),
        ("media/", audio_video_urls.urlpatterns, get_media_model()),
    ]
    patterns = []
    for prefix, urlpatterns, model in sources:
        for pattern in urlpatterns:
            kwarg = next((k for k in MEDIA_URL_KWARGS if k in pattern.pattern.converters), None)
            if kwarg is not None:
                guarded = answers_like_missing(pattern.callback, model, kwarg)
                patterns.append(path(prefix + str(pattern.pattern), guarded))
    return patterns


def localize_guard_patterns() -> list:
    """wagtail-localize's views of one translation or page, each answering like a missing
    id for a translation or page outside the user's academies (their own checks answer it
    with a "no permission" redirect)."""
    from django.urls import path
    from wagtail_localize.models import Translation
    from wagtail_localize.wagtail_hooks import register_admin_urls

    patterns = []
    for included in register_admin_urls():
        for pattern in included.url_patterns:
            converters = pattern.pattern.converters
            kwarg, model = next(((k, m) for k, m in (("translation_id", Translation), ("page_id", Page))
                                 if k in converters), (None, None))
            if kwarg is not None:
                guarded = answers_like_missing(pattern.callback, model, kwarg)
                patterns.append(path(str(included.pattern) + str(pattern.pattern), guarded))
    return patterns
