"""Admin integration: academies as tenants of the Wagtail admin.

- Every admin view of an academy's pages (explore, edit, move, publish,
  revisions, previews, workflow actions, ...) refuses staff of other
  academies with a 404, on top of Wagtail's own page permissions
  (`AcademyScopedPageViewSet`, registered for every page type of this app).
- Page choosers list only the user's academies' pages (the root and home page
  as the way down to them); browsing from another academy's page is a 404.
- Bulk actions, the admin API's images and documents, the wagtail-localize
  translations report and snippet API, image and document permissions (by
  academy membership) and the site history go through `admin_tenancy.py`;
  the Wagtail views without an extension point are adjusted in
  `admin_patches.py`. `tests/cms/test_tenancy_walk.py` walks every admin URL.
- Exercises are snippets limited to the user's academies (index, chooser,
  edit, inspect, history); only `visibility` and `attempt_limit` can be
  edited here, since documents change only by import (a new version each
  time); nobody adds or deletes exercises through the generic snippet forms.
  Importing is the "Upload exercise" view, and each exercise has an authoring
  screen (diagram, validation state, versions, download, replace):
  `exercise_admin.py`.
- Translation submission (wagtail-localize) is refused for pages the user
  cannot edit.
- An approval that publishes (the last step of a review workflow) asks the
  `parley_before_approval_publishes` hooks first, as a direct publish asks
  Wagtail's `before_publish_page` (`approvals.py`; courses registers
  the confirmation for lessons that lower learners' percentages).
"""
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.admin.widgets.button import Button, HeaderButton, ListingButton
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtailmedia import get_media_model

from assessments.models import Exercise

from . import admin_patches, admin_tenancy
from .admin_tenancy import editor_academy_ids, navigable_q, pages_in_scope, path_in_scope
from .approvals import ApprovalAsksFirstActionView, ApprovalAsksFirstEditView
from .exercise_admin import ExerciseAuthoringView, ExerciseDownloadView, ExerciseUploadView
from .models import AcademyPage, CoursePage, CurriculumPage, HomePage, LessonPage, ModulePage
from .selectors import exercise_places

# --- Pages ---------------------------------------------------------------------------------

# URL keyword arguments of Wagtail's page admin views that name a page.
PAGE_URL_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "pk")


class AcademyScopeMixin:
    """Refuses (404) any admin view of a page outside the user's academies."""

    def setup(self, request, *args, **kwargs):
        ids = [int(kwargs[k]) for k in PAGE_URL_KWARGS if str(kwargs.get(k, "")).isdigit()]
        if ids and request.user.is_authenticated and not pages_in_scope(request.user, ids):
            raise Http404("No such page.")
        super().setup(request, *args, **kwargs)


class AcademyScopedPageViewSet(PageViewSet):
    """Wagtail's page views for one page type, each behind `AcademyScopeMixin`; approving asks the
    `BEFORE_APPROVAL_PUBLISHES` hooks first."""

    workflow_action_view_class = ApprovalAsksFirstActionView
    edit_view_class = ApprovalAsksFirstEditView

    def construct_view(self, view_class, **kwargs):
        scoped = type(f"Scoped{view_class.__name__}", (AcademyScopeMixin, view_class), {})
        return super().construct_view(scoped, **kwargs)

    @cached_property
    def parent_models(self):
        models = list(super().parent_models)
        if not self.model.allowed_subpage_models():
            models.append(self.model)  # exploring a leaf page lists its (no) children here too
        return models


@hooks.register("register_admin_viewset")
def register_scoped_page_viewsets():
    return [
        AcademyScopedPageViewSet(f"cms_{model._meta.model_name}_pages", model=model)
        for model in (HomePage, AcademyPage, CurriculumPage, CoursePage, ModulePage, LessonPage)
    ]


@hooks.register("construct_page_chooser_queryset")
def limit_page_chooser(pages, request):
    """Link targets: the user's own academies' pages only (any locale), with the root and
    home page as the way down to them. Browsing from another academy's page is a 404: the
    chooser would show that page itself above its (filtered) children."""
    if request.user.is_superuser:
        return pages
    parent_id = (request.resolver_match.kwargs if request.resolver_match else {}).get("parent_page_id")
    if parent_id is not None and not pages_in_scope(request.user, [parent_id]):
        raise Http404("No such page.")
    return pages.filter(navigable_q(request.user))


# --- Translations (wagtail-localize) -------------------------------------------------------


def _guarded_submit_page_translation(request, page_id):
    from wagtail_localize.views.submit_translations import SubmitPageTranslationView

    page = Page.objects.filter(pk=page_id).first()
    if page is None or not path_in_scope(request.user, page.path):
        raise Http404("No such page.")
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return SubmitPageTranslationView.as_view()(request, page_id=page_id)


def _guarded_update_translations(request, translation_source_id):
    from wagtail_localize.models import TranslationSource
    from wagtail_localize.views.update_translations import UpdateTranslationsView

    source = TranslationSource.objects.filter(pk=translation_source_id).first()
    if source is None:
        raise Http404("No such translation.")
    if not request.user.is_superuser:
        instance = source.get_source_instance()
        if not isinstance(instance, Page) or not path_in_scope(request.user, instance.path):
            raise Http404("No such translation.")
        if not instance.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
    return UpdateTranslationsView.as_view()(request, translation_source_id=translation_source_id)


@hooks.register("register_admin_urls")
def guard_translation_submission():
    """wagtail-localize checks only the model-wide `submit_translation` permission before
    translating a page, and its report and snippet API list every academy's objects; these
    patterns come first (cms precedes wagtail_localize in INSTALLED_APPS): the submission
    adds the page's own edit permission and academy, the report and the API list only
    what the user may see (`admin_tenancy.visible_instances`)."""
    report = admin_tenancy.translations_report_view_class()
    snippets_api = admin_tenancy.snippet_api_viewset_class()
    return [
        path("localize/submit/page/<int:page_id>/", _guarded_submit_page_translation),
        path("localize/update/<int:translation_source_id>/", _guarded_update_translations),
        path("localize/reports/translations/", report.as_view()),
        path("localize/reports/translations/results/", report.as_view(results_only=True)),
        path("localize/api/snippets/<slug:app_label>/<slug:model_name>/", snippets_api.as_view({"get": "list"})),
        path("localize/api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/",
             snippets_api.as_view({"get": "retrieve"})),
        *admin_tenancy.localize_guard_patterns(),
    ]


# --- Everything else that lists objects: bulk actions, admin API, media, reports -------------

# Registered after Wagtail's own (a higher order): for the same model and action type the
# last registration wins, so these replace Wagtail's bulk actions.
for _action_class in admin_tenancy.BULK_ACTIONS:
    hooks.register("register_bulk_action", _action_class, order=100)


@hooks.register("construct_admin_api", order=100)
def tenant_admin_api(router):
    """After wagtail.images and wagtail.documents registered their endpoints: the same
    endpoints, listing only what the user may see."""
    for name, endpoint in list(router._endpoints.items()):
        if name in ("images", "documents"):
            router.register_endpoint(name, admin_tenancy.tenant_api_endpoint(endpoint))


@hooks.register("register_admin_urls")
def media_by_id_answers_like_missing():
    return admin_tenancy.media_guard_patterns()


# Images and documents: Wagtail's collection permissions, decided by academy membership.
# exact_class: these hooks may be imported before wagtail.images and wagtail.documents
# register their own policies (in their ready()), and an exact registration wins.
register_permission_policy(get_image_model(), admin_tenancy.AcademyCollectionPolicy(
    get_image_model(), auth_model="wagtailimages.Image", owner_field_name="uploaded_by_user"), exact_class=True)
register_permission_policy(get_document_model(), admin_tenancy.AcademyCollectionPolicy(
    get_document_model(), auth_model="wagtaildocs.Document", owner_field_name="uploaded_by_user"),
    exact_class=True)
# Audio and video (wagtailmedia). Its own views build a plain collection policy of their own; this one is
# what `visible_instances` and the guards in front of its views by id ask (admin_tenancy).
register_permission_policy(get_media_model(), admin_tenancy.AcademyCollectionPolicy(
    get_media_model(), auth_model="wagtailmedia.Media", owner_field_name="uploaded_by_user"), exact_class=True)


@hooks.register("construct_media_chooser_queryset")
def media_chooser_sees_own_academies(media, request):
    """The audio and video chooser lists only what `visible_instances` lets the user know about."""
    # By collection, not by id: the chooser's search may run on this queryset, and only the collection is
    # a filter field of its search index.
    policy = policy_registry.get_by_type(get_media_model())
    collections = policy.collections_user_has_any_permission_for(request.user, ["change", "delete"])
    return media.filter(collection__in=list(collections.values_list("pk", flat=True)))


@hooks.register("construct_reports_menu")
def hide_site_wide_reports(request, menu_items):
    """The page types usage report counts the whole site's pages: superusers only
    (`admin_patches`)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


admin_patches.apply()


# --- Exercises -----------------------------------------------------------------------------


class AcademyExercisePolicy(ModelPermissionPolicy):
    """Django model permissions, limited to the user's academies. Exercises are created
    (and versioned) by import only and never deleted here: attempts hang off them."""

    READ_ONLY_ACTIONS = {"add", "delete"}

    def user_has_permission(self, user, action):
        return action not in self.READ_ONLY_ACTIONS and super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and instance.academy_id in editor_academy_ids(user)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return Exercise.objects.none()
        return Exercise.objects.filter(academy_id__in=editor_academy_ids(user))

    def users_with_any_permission_for_instance(self, actions, instance):
        return self.users_with_any_permission(set(actions) - self.READ_ONLY_ACTIONS).filter(
            Q(is_superuser=True) | Q(academy_memberships__academy_id=instance.academy_id)
        ).distinct()


register_permission_policy(Exercise, AcademyExercisePolicy(Exercise), exact_class=True)


class OwnAcademyExerciseMixin:
    """Exercise views: an exercise of another academy does not exist (404)."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        if obj.academy_id not in editor_academy_ids(self.request.user):
            raise Http404("No such exercise.")
        return obj


def _own(view_class):
    return type(view_class.__name__, (OwnAcademyExerciseMixin, view_class), {})


class ExerciseChooseMixin:
    """The chooser shows what tells two exercises apart: kind, where each is used, its current version."""

    def get_object_list(self):
        return (super().get_object_list().filter(academy_id__in=editor_academy_ids(self.request.user))
                .select_related("current_version"))

    @cached_property
    def columns(self):
        return [*super().columns,
                Column("kind", label=_("Kind"), accessor="get_kind_display"),
                Column("used_in", label=_("Used in"), accessor=self._used_in),
                Column("version", label=_("Version"), accessor=_version_label)]

    def _used_in(self, exercise) -> str:
        if not hasattr(self, "_places"):  # one look-up for the listing (the academy's exercises)
            self._places = exercise_places(exercise_ids=self.get_object_list().values_list("pk", flat=True))
        return "; ".join(self._places.get(exercise.pk, [])) or _("not in a lesson yet")


def _version_label(exercise) -> str:
    version = exercise.current_version
    return f"v{version.number} · {version.created_at:%Y-%m-%d}" if version else "—"


class ExerciseChooseView(ExerciseChooseMixin, snippet_chooser.ChooseView):
    pass


class ExerciseChooseResultsView(ExerciseChooseMixin, snippet_chooser.ChooseResultsView):
    pass


class ExerciseChosenView(snippet_chooser.SnippetChosenView):
    def get_object(self, pk):
        return Exercise.objects.get(pk=pk, academy_id__in=editor_academy_ids(self.request.user))


class ExerciseChosenMultipleView(snippet_chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return Exercise.objects.filter(pk__in=pks, academy_id__in=editor_academy_ids(self.request.user))


class ExerciseChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = ExerciseChooseView
    choose_results_view_class = ExerciseChooseResultsView
    chosen_view_class = ExerciseChosenView
    chosen_multiple_view_class = ExerciseChosenMultipleView


def _may_upload(user) -> bool:
    return bool(editor_academy_ids(user)) and policy_registry.get_by_type(Exercise).user_has_permission(user, "change")


class ExerciseIndexView(snippet_views.IndexView):
    """The listing, with the way to upload and, per exercise, to its authoring screen."""

    def get_header_buttons(self):
        buttons = super().get_header_buttons()
        if _may_upload(self.request.user):
            viewset = Exercise.snippet_viewset
            buttons.insert(0, HeaderButton("Upload exercise", url=reverse(viewset.get_url_name("upload")),
                                           icon_name="upload"))
        return buttons

    def get_list_more_buttons(self, instance):
        viewset = Exercise.snippet_viewset
        return [
            # Not in the "more" dropdown: the screen editors come to the listing for.
            ListingButton("Diagram and versions", url=reverse(viewset.get_url_name("authoring"), args=[instance.pk]),
                          icon_name="view", priority=5, attrs={"aria-label": f"Diagram and versions of {instance}"}),
            ListingMenuItem("Download JSON", url=reverse(
                viewset.get_url_name("download"), args=[instance.pk]), icon_name="download", priority=6),
            *super().get_list_more_buttons(instance),
        ]


class ExerciseEditView(snippet_views.EditView):
    """The settings form, with the way back to the authoring screen among its actions."""

    @cached_property
    def header_more_buttons(self):
        authoring = reverse(Exercise.snippet_viewset.get_url_name("authoring"), args=[self.object.pk])
        return [Button("Diagram and versions", url=authoring, icon_name="view", priority=5),
                *super().header_more_buttons]


class ExerciseViewSet(snippet_views.SnippetViewSet):
    model = Exercise
    icon = "tick-inverse"
    menu_label = "Exercises"
    list_display = ["title", "slug", "kind", "visibility", "attempt_limit"]
    # The document is not editable here: upload a new version on the authoring screen.
    panels = [FieldPanel("visibility"), FieldPanel("attempt_limit")]
    copy_view_enabled = False
    inspect_view_enabled = True
    chooser_viewset_class = ExerciseChooserViewSet
    index_view_class = ExerciseIndexView
    edit_view_class = _own(ExerciseEditView)
    delete_view_class = _own(snippet_views.DeleteView)
    usage_view_class = _own(snippet_views.UsageView)
    history_view_class = _own(snippet_views.HistoryView)
    inspect_view_class = _own(snippet_views.InspectView)

    def get_queryset(self, request):
        return Exercise.objects.filter(academy_id__in=editor_academy_ids(request.user)).select_related("academy")

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            upload_url_name=self.get_url_name("upload"),
            authoring_url_name=self.get_url_name("authoring"),
            download_url_name=self.get_url_name("download"),
            **kwargs,
        )

    def get_urlpatterns(self):
        conv = self.pk_path_converter
        return [
            *super().get_urlpatterns(),
            path("upload/", self.construct_view(ExerciseUploadView), name="upload"),
            path(f"authoring/<{conv}:pk>/", self.construct_view(ExerciseAuthoringView), name="authoring"),
            path(f"download/<{conv}:pk>/", self.construct_view(ExerciseDownloadView), name="download"),
        ]


register_snippet(ExerciseViewSet)


class UploadExerciseMenuItem(MenuItem):
    def is_shown(self, request):
        return _may_upload(request.user)


@hooks.register("register_admin_menu_item")
def register_upload_exercise_menu_item():
    return UploadExerciseMenuItem("Upload exercise", reverse(Exercise.snippet_viewset.get_url_name("upload")),
                                  name="upload-exercise", icon_name="upload", order=310)
