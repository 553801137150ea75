"""Every admin URL, walked as staff of academy B with academy A's ids: none of A's titles.

Academy A's pages, images, documents, exercises, collections, translations, workflow
states, revisions, locks, uploads and editing sessions all carry the word SECRET in their
titles (or file names). B's editor GETs every URL pattern under /cms/ (Wagtail's, the
plugins' and this project's `register_admin_urls`), its arguments filled with A's ids as
their names suggest, plain, with a search for the word and with A's ids as `?id=`; and
every registered bulk action with A's ids. No answer is a 5xx and none contains the word.
A pattern whose arguments the walk cannot fill fails the walk unless `NOT_WALKED` says
why, so a new admin URL needs a decision.
"""
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from wagtail.admin.models import EditingSession
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    Locale,
    Page,
    Revision,
    Site,
    UploadedFile,
    Workflow,
)
from wagtailmedia import get_media_model

from accounts.models import AcademyMembership
from assessments.models import Exercise
from cms.models import AcademyPage, CoursePage, CurriculumPage, LessonPage, ModulePage
from cms.tenancy import academy_group

from ..conftest import signed_in
from ..factories import import_exercise, make_course, make_staff, publish
from .conftest import make_image, png_bytes
from .helpers import draft_child

SECRET = "alphasecret"
# A word of every title of A's, searched for: searching for SECRET itself would find it echoed in the search box.
WORD = "quokka"

# Patterns the walk does not GET with A's ids, and why. Keyed by the pattern's route.
NOT_WALKED = {
    "bulk/<str:app_label>/<str:model_name>/<str:action>/":
        "walked for every registered bulk action by test_no_bulk_action_names_another_academys_objects",
    "logout/": "ends the walking session; shows nothing",
    "failwhale/": "raises on purpose (Wagtail's error test view)",
}

# URL keyword arguments that name a page.
PAGE_KWARGS = {"page_id", "parent_page_id", "page_to_move_id", "page_pk"}


@pytest.fixture
def world(academy_a, academy_b, editor_a, editor_b, locales):
    """Academy A with one of everything, each named with SECRET; academy B with a course."""
    reviewer_a = make_staff(academy_a, AcademyMembership.StaffRole.REVIEWER)
    for user in (editor_a, reviewer_a):
        user.first_name, user.last_name = SECRET, WORD
        user.save(update_fields=["first_name", "last_name"])
    Image, Document = get_image_model(), get_document_model()
    collection_a = Collection.objects.get(name=academy_a.name)
    sub_collection = collection_a.add_child(name=f"{SECRET} {WORD} collection")
    image = make_image(academy_a, title=f"{SECRET} {WORD} image")
    Image.objects.filter(pk=make_image(academy_a, title=f"{SECRET} {WORD} nested image").pk).update(
        collection=sub_collection)
    document = Document(title=f"{SECRET} {WORD} document", collection=collection_a)
    document.file.save(f"{SECRET}.txt", ContentFile(b"A briefing."), save=True)
    recording = get_media_model()(title=f"{SECRET} {WORD} recording", type="audio", collection=collection_a)
    recording.file.save(f"{SECRET}.ogg", ContentFile(b"OggS not really a recording"), save=True)
    exercise = import_exercise(academy_a, title=f"{SECRET} {WORD} exercise", slug=f"{SECRET}-exercise")
    edit_exercise = reverse(Exercise.snippet_viewset.get_url_name("edit"), args=[exercise.pk])
    assert signed_in(editor_a).post(edit_exercise, {"visibility": "practice"}).status_code == 302  # a log entry

    academy_page = AcademyPage.of(academy_a)
    academy_page.title = f"{SECRET} {WORD} academy"
    publish(academy_page)
    curriculum = publish(academy_page.add_child(instance=CurriculumPage(title=f"{SECRET} {WORD} curriculum",
                                                                        slug=f"{SECRET}-curriculum")))
    course = publish(curriculum.add_child(instance=CoursePage(
        title=f"{SECRET} {WORD} course", slug=f"{SECRET}-course", summary="S.", cover_image=image)))
    module = publish(course.add_child(instance=ModulePage(title=f"{SECRET} {WORD} module", slug=f"{SECRET}-module")))
    lesson = publish(module.add_child(instance=LessonPage(title=f"{SECRET} {WORD} lesson", slug=f"{SECRET}-lesson",
                                                          body=[
        {"type": "image", "value": {"image": image.pk, "alt": f"{SECRET} alt", "caption": ""}},
        {"type": "exercise", "value": {"exercise": exercise.pk}},
    ])))
    draft = draft_child(curriculum, CoursePage, f"{SECRET} {WORD} draft", f"{SECRET}-draft", summary="Not ready.")

    # A draft rewrite of the course, waiting in A's review queue; the lesson locked by A's editor.
    course.title = f"{SECRET} {WORD} course rewrite"
    course.save_revision(user=editor_a, log_action=True)
    workflow_state = course.get_workflow().start(course, editor_a)
    LessonPage.objects.filter(pk=lesson.pk).update(locked=True, locked_by=editor_a, locked_at=timezone.now())

    # A French translation of the course, submitted by A's editor through wagtail-localize.
    response = signed_in(editor_a).post(f"/cms/localize/submit/page/{course.pk}/", {"locales": [locales["fr"].pk]})
    assert response.status_code == 302
    from wagtail_localize.models import OverridableSegment, StringSegment, Translation, TranslationSource

    source = TranslationSource.objects.get(object_id=course.translation_key)
    translation = Translation.objects.get(source=source, target_locale=locales["fr"])

    uploads = {
        model: UploadedFile.objects.create(
            for_content_type=ContentType.objects.get_for_model(model), uploaded_by_user=editor_a,
            file=ContentFile(png_bytes(), name=f"{SECRET}-upload.png"))
        for model in (Image, Document)
    }
    session = EditingSession.objects.create(
        user=editor_a, content_type=ContentType.objects.get_for_model(Page), object_id=str(course.pk),
        last_seen_at=timezone.now())
    Redirect.objects.create(old_path=f"/{SECRET}-old", redirect_page=course)

    # B's own things: what B's editor is here to work on.
    course_b = make_course(academy_b, modules=1, lessons=1, title="Beta course")
    make_image(academy_b, title="beta image")
    exercise_b = import_exercise(academy_b, title="Beta exercise", slug="beta-exercise")

    revisions = list(Revision.page_revisions.filter(object_id=str(course.pk)).order_by("pk"))
    return {
        "editor_a": editor_a, "reviewer_a": reviewer_a, "editor_b": editor_b,
        "academy_page": academy_page, "curriculum": curriculum, "course": course, "module": module,
        "lesson": lesson, "draft": draft, "image": image, "document": document, "exercise": exercise,
        "collection": collection_a, "sub_collection": sub_collection, "recording": recording,
        "revisions": revisions, "workflow_state": workflow_state, "task_state": workflow_state.current_task_state,
        "workflow": Workflow.objects.get(name=f"{academy_a.name} review"),
        "task": GroupApprovalTask.objects.get(name=f"{academy_a.name}: reviewers approve"),
        "source": source, "translation": translation,
        "string_segment": StringSegment.objects.filter(source=source).first(),
        "overridable_segment": OverridableSegment.objects.filter(source=source).first(),
        "uploads": uploads, "session": session, "redirect": Redirect.objects.get(old_path=f"/{SECRET}-old"),
        "group": academy_group(academy_a, AcademyMembership.StaffRole.EDITOR),
        "course_b": course_b, "exercise_b": exercise_b,
    }


# --- the URL patterns --------------------------------------------------------------------


def admin_routes() -> list[tuple[str, URLPattern]]:
    """Every pattern under /cms/, as its route relative to /cms/ (first one wins on duplicates)."""
    found = {}

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif route.startswith("cms/"):
                found.setdefault(route[len("cms/"):], pattern)

    walk(get_resolver().url_patterns, "")
    return list(found.items())


ARGUMENT = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def arguments_of(route: str) -> list[str]:
    return [m.group("name") or m.group("rname") for m in ARGUMENT.finditer(route)]


def build(route: str, values: dict) -> str:
    url = ARGUMENT.sub(lambda m: str(values[m.group("name") or m.group("rname")]), route)
    return "/cms/" + url.replace("^", "").replace("$", "").replace("\\.", ".")


def values_for(route: str, w: dict) -> dict | None:
    """A's ids for the route's arguments, by name and by the part of the admin the route is in."""
    Image, Document = get_image_model(), get_document_model()
    by_name = {
        "page_id": w["course"].pk, "parent_page_id": w["course"].pk, "page_to_move_id": w["course"].pk,
        "page_pk": w["course"].pk, "destination_id": w["curriculum"].pk,
        "revision_id": w["revisions"][-1].pk, "revision_id_a": w["revisions"][0].pk,
        "revision_id_b": w["revisions"][-1].pk,
        "task_state_id": w["task_state"].pk, "workflow_state_id": w["workflow_state"].pk, "task_id": w["task"].pk,
        "workflow_pk": w["workflow"].pk, "image_id": w["image"].pk, "document_id": w["document"].pk,
        "doc_id": w["document"].pk, "collection_id": w["collection"].pk, "filter_spec": "fill-10x10",
        "translation_id": w["translation"].pk, "translation_source_id": w["source"].pk,
        "string_segment_id": w["string_segment"].pk, "mode": "default",
        "overridable_segment_id": w["overridable_segment"].pk if w["overridable_segment"] else 0,
        "object_id": w["course"].pk, "session_id": w["session"].pk, "action_name": "approve",
        "redirect_id": w["redirect"].pk, "media_id": w["recording"].pk,
        "uidb64": urlsafe_base64_encode(force_bytes(w["editor_a"].pk)), "token": "set-password",
    }
    exercise = {"app_label": "assessments", "model_name": "exercise", "pk": w["exercise"].pk}
    by_part = [  # (route prefix, values): the first match wins
        ("pages/add/", {"content_type_app_name": "cms", "content_type_model_name": "modulepage"}),
        ("pages/usage/", {"content_type_app_name": "cms", "content_type_model_name": "coursepage"}),
        ("pages/create/", {"app_label": "cms", "model_name": "coursepage"}),
        ("pages/", {"pk": w["course"].pk}),
        ("api/main/^pages/", {"pk": w["course"].pk}),
        ("api/main/^images/", {"pk": w["image"].pk}),
        ("api/main/^documents/", {"pk": w["document"].pk}),
        ("images/multiple/create_from_uploaded", {"uploaded_file_id": w["uploads"][Image].pk}),
        ("images/multiple/delete_upload/", {"uploaded_file_id": w["uploads"][Image].pk}),
        ("documents/multiple/", {"uploaded_file_id": w["uploads"][Document].pk}),
        ("images/chooser/", {"pk": w["image"].pk}),
        ("documents/chooser/", {"pk": w["document"].pk}),
        ("media/", {"media_type": "audio"}),  # wagtailmedia: audio and video
        ("snippets/", exercise),
        ("localize/", exercise),
        ("collections/", {"pk": w["collection"].pk}),
        ("workflows/tasks/add/", {"app_label": "wagtailcore", "model_name": "groupapprovaltask"}),
        ("workflows/tasks/", {"pk": w["task"].pk}),
        ("workflows/", {"pk": w["workflow"].pk}),
        ("tag-autocomplete/", {"app_name": "wagtailimages", "model_name": "image"}),
        ("editing-sessions/", {"app_label": "wagtailcore", "model_name": "page"}),
        ("settings/", {"app_name": "cms", "model_name": "coursepage", "pk": w["course"].pk}),
        ("locales/", {"pk": Locale.get_default().pk}),
        ("sites/", {"pk": Site.objects.first().pk if Site.objects.exists() else 1}),
        ("users/", {"pk": w["editor_a"].pk}),
        ("groups/", {"pk": w["group"].pk}),
    ]
    values = dict(by_name)
    for prefix, part in by_part:
        if route.startswith(prefix):
            values.update(part)
            break
    if not all(name in values for name in arguments_of(route)):
        return None
    return values


def variants(route: str, w: dict) -> list[str]:
    """The URLs to GET for one route: A's ids; for page views also A's other pages and the
    ancestors academies share; with B's page and A's other ids; and each with a search and ?id=."""
    values = values_for(route, w)
    names = set(arguments_of(route))
    urls = [build(route, values)]
    if names & PAGE_KWARGS:
        pages = [w["draft"], w["academy_page"], w["lesson"], w["course_b"]]
        if names <= PAGE_KWARGS | {"content_type_app_name", "content_type_model_name"}:
            pages += [w["academy_page"].get_parent(), Page.get_first_root_node()]  # listings of shared ancestors
        for page in pages:
            urls.append(build(route, {**values, **{k: page.pk for k in names & PAGE_KWARGS}}))
    ids = "&".join(f"id={pk}" for pk in id_params(route, w))
    search = f"q={WORD}&search={WORD}&term=alpha&source_title={WORD}&child_of={w['course'].pk}"
    return [f"{url}{query}" for url in dict.fromkeys(urls) for query in ("", f"?{search}", f"?{ids}")]


def id_params(route, w):
    if route.startswith(("images/", "api/main/^images/")):
        return [w["image"].pk]
    if route.startswith(("documents/", "api/main/^documents/")):
        return [w["document"].pk]
    if route.startswith(("snippets/", "localize/api/")):
        return [w["exercise"].pk]
    return [w["course"].pk, w["draft"].pk, w["lesson"].pk, w["academy_page"].pk]


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def leaks(client, user, url) -> str | None:
    """What is wrong with B's answer to `url`, or None."""
    client.force_login(user)  # a view may have signed the walker out
    try:
        response = client.get(url, follow=True)
    except Exception as exc:  # noqa: BLE001 - an exception in a view is a 500 to the browser
        return f"raised {exc!r}"
    if response.status_code >= 500:
        return f"answered {response.status_code}"
    body = body_of(response).lower()
    if SECRET in body:
        at = body.index(SECRET)
        return f"answered {response.status_code} naming {body[max(0, at - 80):at + 40]!r}"
    return None


# --- the walk ------------------------------------------------------------------------------


def test_every_admin_pattern_is_walked_or_has_a_reason_not_to_be(world):
    routes = dict(admin_routes())
    unfillable = [r for r in routes if r not in NOT_WALKED and values_for(r, world) is None]
    assert unfillable == [], "new admin URLs: teach values_for their arguments or add them to NOT_WALKED"
    assert set(NOT_WALKED) <= set(routes), "NOT_WALKED names patterns that no longer exist"
    for route, pattern in routes.items():
        if route in NOT_WALKED:
            continue
        for url in variants(route, world)[:1]:
            assert resolve(url.split("?")[0]).func == pattern.callback, (route, url)


def test_no_admin_url_shows_another_academys_titles(world):
    client, problems, visited = signed_in(world["editor_b"]), [], 0
    for route, _ in admin_routes():
        if route in NOT_WALKED:
            continue
        visited += 1
        for url in variants(route, world):
            problem = leaks(client, world["editor_b"], url)
            if problem:
                problems.append(f"{url}: {problem}")
    assert visited > 200
    assert problems == [], "\n".join(problems)


MISSING = 987654321
# Admin areas where an id of A's may answer unlike a missing one, and why that tells B nothing of A's content.
IDS_MAY_DIFFER = {
    "users/": "people, not academy content: staff are refused every existing account (302)",
    "groups/": "site administration: staff are refused every existing group (302)",
    "sites/": "site administration: staff are refused every existing site (302)",
    "locales/": "site administration: the locales are the same for every academy",
    "redirects/": "site administration: staff are refused every existing redirect (302)",
    "workflows/": "each academy's workflow and task are named after the academy, whose name is public; staff "
                  "are refused them (302), and Wagtail's task chooser names any task",
    "collections/": "each academy has one collection, named after it; staff are refused them (302)",
}


def test_another_academys_ids_answer_like_missing_ones(world):
    """Staff of B cannot tell A's object ids from ids that name nothing."""
    client, differences = signed_in(world["editor_b"]), []
    for route, _ in admin_routes():
        if route.startswith(tuple(IDS_MAY_DIFFER)):
            continue
        values = None if route in NOT_WALKED else values_for(route, world)
        ids = [name for name in arguments_of(route) if values and isinstance(values[name], int)]
        if not ids:
            continue
        answers = []
        for filled in (values, {**values, **dict.fromkeys(ids, MISSING)}):
            client.force_login(world["editor_b"])
            try:
                answers.append(client.get(build(route, filled)).status_code)
            except Exception as exc:  # noqa: BLE001 - an exception in a view is a 500 to the browser
                answers.append(repr(exc))
        if answers[0] != answers[1]:
            differences.append(f"{build(route, values)}: {answers[0]}, a missing id {answers[1]}")
    assert differences == [], "\n".join(differences)


def test_the_walk_sees_the_secret_where_it_may_be_seen(world):
    """The check can fail: A's own editor finds the word on A's pages."""
    client = signed_in(world["editor_a"])
    assert leaks(client, world["editor_a"], f"/cms/pages/{world['curriculum'].pk}/") is not None
    assert leaks(client, world["editor_a"], f"/cms/images/?q={WORD}") is not None


def test_no_bulk_action_names_another_academys_objects(world):
    Image, Document = get_image_model(), get_document_model()
    bulk_action_registry._scan_for_bulk_actions()
    ids = {
        ("wagtailcore", "page"): [world[k].pk for k in ("course", "draft", "lesson", "module", "academy_page")],
        (Image._meta.app_label, Image._meta.model_name): [world["image"].pk],
        (Document._meta.app_label, Document._meta.model_name): [world["document"].pk],
        ("assessments", "exercise"): [world["exercise"].pk],
        ("accounts", "user"): [world["editor_a"].pk, world["reviewer_a"].pk],
    }
    client, problems, visited = signed_in(world["editor_b"]), [], 0
    for app_label, models in bulk_action_registry.actions.items():
        for model_name, actions in models.items():
            assert (app_label, model_name) in ids, f"no ids of A for bulk actions on {app_label}.{model_name}"
            for action in actions:
                visited += 1
                base = f"/cms/bulk/{app_label}/{model_name}/{action}/"
                queries = ["&".join(f"id={pk}" for pk in ids[app_label, model_name]),
                           f"id=all&childOf={world['curriculum'].pk}", f"id=all&q={WORD}"]
                for query in queries:
                    problem = leaks(client, world["editor_b"], f"{base}?{query}")
                    if problem:
                        problems.append(f"{base}?{query}: {problem}")
    assert visited >= 10
    assert problems == [], "\n".join(problems)


def test_every_registered_bulk_action_is_limited_to_the_users_academies():
    from cms.admin_tenancy import TenantBulkActionMixin

    bulk_action_registry._scan_for_bulk_actions()
    actions = [cls for models in bulk_action_registry.actions.values() for by_action in models.values()
               for cls in by_action.values()]
    assert actions and all(issubclass(cls, TenantBulkActionMixin) for cls in actions), [
        cls for cls in actions if not issubclass(cls, TenantBulkActionMixin)]


def test_searches_find_the_users_own_things_and_nothing_of_another_academys(world):
    client = signed_in(world["editor_b"])
    image_b_chooser = client.get("/cms/images/chooser/results/?q=beta").content.decode()
    assert "beta image" in image_b_chooser
    exercise_chooser = reverse(Exercise.snippet_viewset.chooser_viewset.get_url_name("choose_results"))
    assert "Beta exercise" in client.get(f"{exercise_chooser}?q=Beta").content.decode()
    assert "Beta course" in client.get("/cms/pages/search/?q=Beta").content.decode()
    for url in ("/cms/pages/search/", "/cms/pages/search/results/", "/cms/choose-page/search/",
                "/cms/images/chooser/results/", "/cms/documents/chooser/results/", "/cms/images/results/",
                "/cms/documents/results/", exercise_chooser, "/cms/localize/reports/translations/results/",
                "/cms/reports/site-history/results/", "/cms/api/main/pages/", "/cms/api/main/images/",
                "/cms/api/main/documents/"):
        for query in (f"q={WORD}", f"search={WORD}", f"source_title={WORD}", f"label={WORD}"):
            assert leaks(client, world["editor_b"], f"{url}?{query}") is None, (url, query)
