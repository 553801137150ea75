"""Academies are tenants of the admin: staff of academy A cannot see, edit, move or publish
academy B's pages, media or exercises, through the real Wagtail admin views."""
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.models import AcademyMembership
from assessments.models import Exercise
from cms.models import AcademyPage, CoursePage, CurriculumPage, ModulePage

from ..conftest import signed_in
from ..factories import course_lessons, course_modules, import_exercise, make_course, make_staff
from .conftest import make_image, png_bytes
from .helpers import draft_course, lesson_form, module_form

REFUSED = (302, 403, 404)
SECRETS = ("Beta pending rewrite", "Beta unpublished course")


@pytest.fixture
def world(academy_a, academy_b, editor_a, editor_b):
    """A course in each academy; B also has a never-published course and a module whose draft
    is waiting for review."""
    course_a = make_course(academy_a, modules=1, lessons=2, title="Alpha course")
    course_b = make_course(academy_b, modules=1, lessons=2, title="Beta course")
    module_b = course_modules(course_b)[0]
    module_b.title = "Beta pending rewrite"
    module_b.save_revision(user=editor_b)
    module_b.get_workflow().start(module_b, editor_b)  # B's submission sits in B's review queue
    curriculum_b = CurriculumPage.objects.child_of(AcademyPage.of(academy_b)).get()
    return {
        "course_a": course_a, "course_b": course_b, "module_b": ModulePage.objects.get(pk=module_b.pk),
        "draft_b": draft_course(curriculum_b, "Beta unpublished course"), "curriculum_b": curriculum_b,
        "curriculum_a": course_a.get_parent(), "academy_page_b": AcademyPage.of(academy_b),
    }


def assert_refused(response, page=None, client=None):
    """Refused: 403/404, or a redirect that does not end on a view of that page."""
    assert response.status_code in REFUSED, response.status_code
    for secret in SECRETS:
        assert secret not in response.content.decode()
    if response.status_code == 302 and page is not None and f"/pages/{page.pk}/" in response["Location"]:
        assert client is not None, response["Location"]
        assert_refused(client.get(response["Location"]), page, client)


PAGE_VIEWS = ["pages/{id}/", "pages/{id}/edit/", "pages/{id}/view_draft/", "pages/{id}/revisions/",
              "pages/{id}/history/", "pages/{id}/move/", "pages/{id}/copy/", "pages/{id}/delete/",
              "pages/{id}/unpublish/", "pages/{id}/workflow_history/", "pages/{id}/usage/",
              "pages/{id}/add_subpage/", "pages/{id}/privacy/"]


@pytest.mark.parametrize("view", PAGE_VIEWS)
@pytest.mark.parametrize("target", ["academy_page_b", "course_b", "module_b", "draft_b"])
def test_every_page_view_of_another_academy_is_refused(world, editor_a, view, target):
    page = world[target]
    client = signed_in(editor_a)
    assert_refused(client.get("/cms/" + view.format(id=page.pk)), page, client)


def test_the_same_views_work_on_the_editors_own_pages(world, editor_a):
    client = signed_in(editor_a)
    module_a = course_modules(world["course_a"])[0]
    for view in ("pages/{id}/", "pages/{id}/edit/", "pages/{id}/history/", "pages/{id}/view_draft/"):
        assert client.get("/cms/" + view.format(id=module_a.pk)).status_code == 200, view
    assert client.get("/cms/").status_code == 200


def test_an_editor_cannot_edit_or_publish_another_academys_page(world, editor_a, academy_a):
    module_b = world["module_b"]
    revisions = Revision.page_revisions.filter(object_id=str(module_b.pk)).count()
    reviewer_a = make_staff(academy_a, AcademyMembership.StaffRole.REVIEWER)  # may publish in A, not in B
    for user in (editor_a, reviewer_a):
        client = signed_in(user)
        for action in ("action-publish", "action-submit", None):
            data = module_form(module_b, title="Taken over")
            if action:
                data[action] = "1"
            assert_refused(client.post(f"/cms/pages/{module_b.pk}/edit/", data), module_b)
    module_b.refresh_from_db()
    assert module_b.title == "Module 1"  # the live title, untouched
    assert Revision.page_revisions.filter(object_id=str(module_b.pk)).count() == revisions
    assert not world["draft_b"].__class__.objects.get(pk=world["draft_b"].pk).live


def test_an_editor_cannot_move_pages_across_academies(world, editor_a):
    client = signed_in(editor_a)
    course_a, course_b = world["course_a"], world["course_b"]
    # B's course into A's curriculum, and A's course into B's curriculum.
    for page, destination in ((course_b, world["curriculum_a"]), (course_a, world["curriculum_b"])):
        response = client.post(f"/cms/pages/{page.pk}/move/{destination.pk}/confirm/")
        assert response.status_code in REFUSED
    assert Page.objects.get(pk=course_b.pk).get_parent().pk == world["curriculum_b"].pk
    assert Page.objects.get(pk=course_a.pk).get_parent().pk == world["curriculum_a"].pk


def test_bulk_publish_of_another_academys_draft_does_nothing(world, academy_a):
    reviewer_a = make_staff(academy_a, AcademyMembership.StaffRole.REVIEWER)
    draft = world["draft_b"]
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish")) + f"?id={draft.pk}"
    signed_in(reviewer_a).post(url, {})
    assert not Page.objects.get(pk=draft.pk).live


@pytest.mark.parametrize("url", [
    "/cms/", "/cms/pages/", "/cms/pages/search/?q=Beta", "/cms/pages/search/?q=Beta&search_all=1",
    "/cms/reports/workflow/", "/cms/reports/workflow_tasks/", "/cms/reports/site-history/", "/cms/reports/locked/",
    "/cms/reports/aging-pages/", "/cms/choose-page/search/?q=Beta", "/cms/pages/usage/cms/coursepage/",
    "/cms/pages/usage/cms/modulepage/", "/cms/pages/create/cms/coursepage", "/cms/api/main/pages/?search=Beta"])
def test_listings_and_reports_never_show_another_academys_drafts(world, editor_a, url):
    response = signed_in(editor_a).get(url, follow=True)
    body = response.content.decode()
    for secret in SECRETS:
        assert secret not in body, url


def test_the_page_chooser_offers_only_the_users_own_academys_pages(world, editor_a):
    client = signed_in(editor_a)
    home = world["academy_page_b"].get_parent()
    at_home = client.get(f"/cms/choose-page/{home.pk}/").content.decode()
    assert "Academy Alpha" in at_home
    assert "Academy Beta" not in at_home  # not even B's live academy page
    # Browsing from inside B's tree, even a live page, is refused: the chooser would name it.
    for page in ("curriculum_b", "course_b", "draft_b"):
        assert client.get(f"/cms/choose-page/{world[page].pk}/").status_code == 404
    search = client.get("/cms/choose-page/search/?q=course").content.decode()
    assert "Alpha course" in search and "Beta course" not in search
    chosen = client.get(f"/cms/choose-page/chosen-multiple/?id={world['course_b'].pk}"
                        f"&id={world['course_a'].pk}").content.decode()
    assert "Alpha course" in chosen and "Beta course" not in chosen


def test_translation_submission_is_refused_for_another_academys_page(world, editor_a, locales):
    response = signed_in(editor_a).post(f"/cms/localize/submit/page/{world['course_b'].pk}/",
                                           {"locales": [locales["fr"].pk]})
    assert response.status_code in REFUSED
    assert world["course_b"].get_translation_or_none(locales["fr"]) is None


# --- images and documents ------------------------------------------------------------------


def test_another_academys_images_are_invisible_and_read_only(world, editor_a, academy_a, academy_b):
    Image = get_image_model()
    image_b = make_image(academy_b, title="beta-map")
    client = signed_in(editor_a)
    assert "beta-map" not in client.get("/cms/images/").content.decode()
    assert "beta-map" not in client.get("/cms/images/chooser/").content.decode()
    assert client.get(f"/cms/images/{image_b.pk}/").status_code in REFUSED
    client.post(f"/cms/images/{image_b.pk}/", {"title": "stolen", "collection": image_b.collection_id})
    client.post(f"/cms/images/{image_b.pk}/delete/")
    assert Image.objects.get(pk=image_b.pk).title == "beta-map"

    # Asking for B's collection lands the upload in A's own, the only one A may add to.
    b_collection = Collection.objects.get(name=academy_b.name)
    a_collection = Collection.objects.get(name=academy_a.name)
    client.post("/cms/images/add/", {
        "title": "into-b", "collection": b_collection.pk, "file": ContentFile(png_bytes(), name="into-b.png")})
    assert not Image.objects.filter(collection=b_collection).exclude(pk=image_b.pk).exists()
    assert set(Image.objects.filter(title="into-b").values_list("collection_id", flat=True)) <= {a_collection.pk}
    response = client.post("/cms/images/add/", {
        "title": "alpha-map", "collection": a_collection.pk, "file": ContentFile(png_bytes(), name="alpha.png")})
    assert response.status_code == 302
    assert Image.objects.get(title="alpha-map").collection_id == a_collection.pk


def test_another_academys_documents_are_invisible_and_read_only(world, editor_a, academy_a, academy_b):
    Document = get_document_model()
    doc_b = Document(title="beta-brief", collection=Collection.objects.get(name=academy_b.name))
    doc_b.file.save("brief.txt", ContentFile(b"A briefing."), save=True)
    client = signed_in(editor_a)
    assert "beta-brief" not in client.get("/cms/documents/").content.decode()
    assert client.get(f"/cms/documents/edit/{doc_b.pk}/").status_code in REFUSED
    client.post(f"/cms/documents/edit/{doc_b.pk}/", {"title": "stolen", "collection": doc_b.collection_id})
    client.post(f"/cms/documents/delete/{doc_b.pk}/")
    assert Document.objects.get(pk=doc_b.pk).title == "beta-brief"
    client.post("/cms/documents/add/", {
        "title": "into-b", "collection": doc_b.collection_id, "file": ContentFile(b"text", name="x.txt")})
    assert not Document.objects.filter(collection_id=doc_b.collection_id).exclude(pk=doc_b.pk).exists()
    a_collection = Collection.objects.get(name=academy_a.name)
    assert set(Document.objects.filter(title="into-b").values_list("collection_id", flat=True)) <= {a_collection.pk}


def test_editors_cannot_manage_collections(world, editor_a, academy_b):
    client = signed_in(editor_a)
    collection_b = Collection.objects.get(name=academy_b.name)
    assert client.get("/cms/collections/").status_code in REFUSED
    client.post(f"/cms/collections/{collection_b.pk}/", {"name": "renamed", "parent": collection_b.get_parent().pk})
    client.post(f"/cms/collections/{collection_b.pk}/delete/")
    assert Collection.objects.get(pk=collection_b.pk).name == academy_b.name


# --- exercises ---------------------------------------------------------------------------


@pytest.fixture
def exercises(academy_a, academy_b):
    return import_exercise(academy_a, title="Alpha river"), import_exercise(academy_b, title="Beta river")


def snippet_url(name, *args):
    return reverse(Exercise.snippet_viewset.get_url_name(name), args=args)


def test_the_exercise_listing_and_chooser_show_only_the_users_academy(exercises, editor_a):
    client = signed_in(editor_a)
    listing = client.get(snippet_url("list")).content.decode()
    assert "Alpha river" in listing and "Beta river" not in listing
    chooser_ns = Exercise.snippet_viewset.chooser_viewset.get_url_name
    choose = client.get(reverse(chooser_ns("choose"))).content.decode()
    assert "Alpha river" in choose and "Beta river" not in choose
    assert client.get(reverse(chooser_ns("chosen"), args=(exercises[1].pk,))).status_code == 404
    assert client.get(reverse(chooser_ns("chosen"), args=(exercises[0].pk,))).status_code == 200


@pytest.mark.parametrize("view", ["edit", "inspect", "history", "usage", "delete"])
def test_another_academys_exercise_views_are_404(exercises, editor_a, view):
    exercise_b = exercises[1]
    client = signed_in(editor_a)
    assert client.get(snippet_url(view, exercise_b.pk)).status_code == 404
    client.post(snippet_url(view, exercise_b.pk), {"visibility": "practice", "attempt_limit": "1"})
    exercise_b.refresh_from_db()
    assert (exercise_b.visibility, exercise_b.attempt_limit) == ("course", None)


def test_only_visibility_and_attempt_limit_are_editable_and_nothing_is_added_or_deleted(exercises, editor_a):
    exercise_a = exercises[0]
    version = exercise_a.current_version_id
    client = signed_in(editor_a)
    response = client.post(snippet_url("edit", exercise_a.pk), {
        "visibility": "practice", "attempt_limit": "3", "title": "Renamed", "slug": "renamed", "kind": "quiz"})
    assert response.status_code == 302
    exercise_a.refresh_from_db()
    assert (exercise_a.visibility, exercise_a.attempt_limit) == ("practice", 3)
    assert (exercise_a.title, exercise_a.slug, exercise_a.kind) == ("Alpha river", "shared-river", "scenario")
    assert exercise_a.current_version_id == version

    assert client.get(snippet_url("add")).status_code in REFUSED
    client.post(snippet_url("delete", exercise_a.pk))
    assert Exercise.objects.filter(pk=exercise_a.pk).exists()


def test_a_lesson_cannot_embed_another_academys_exercise(world, exercises, editor_a):
    lesson = course_lessons(world["course_a"])[0]
    client = signed_in(editor_a)
    revisions = Revision.page_revisions.filter(object_id=str(lesson.pk)).count()
    response = client.post(f"/cms/pages/{lesson.pk}/edit/",
                           lesson_form(lesson, [("exercise", {"exercise": exercises[1].pk})]))
    assert response.status_code == 200  # the form again, with the error
    assert "only their own academy" in response.content.decode()
    assert "Beta river" not in response.content.decode()  # the refused exercise is not named
    assert Revision.page_revisions.filter(object_id=str(lesson.pk)).count() == revisions

    response = client.post(f"/cms/pages/{lesson.pk}/edit/",
                           lesson_form(lesson, [("exercise", {"exercise": exercises[0].pk})]))
    assert response.status_code == 302
    assert Revision.page_revisions.filter(object_id=str(lesson.pk)).count() == revisions + 1


def test_staff_groups_follow_memberships(academy_a, academy_b):
    from cms.tenancy import group_name

    user = make_staff(academy_a, AcademyMembership.StaffRole.EDITOR)
    assert set(user.groups.values_list("name", flat=True)) == {group_name(academy_a, "editor")}
    membership = AcademyMembership.objects.get(user=user, academy=academy_a)
    membership.staff_role = AcademyMembership.StaffRole.REVIEWER
    membership.save()
    assert set(user.groups.values_list("name", flat=True)) == {group_name(academy_a, "reviewer")}
    membership.delete()
    assert not user.groups.exists()
    assert user.has_perm("wagtailadmin.access_admin") is False


def illustration(image) -> dict:
    return {"image": image.pk, "alt": "A map.", "caption": ""}


def test_a_lesson_cannot_embed_another_academys_image(world, editor_a, academy_a, academy_b):
    lesson = course_lessons(world["course_a"])[0]
    image_b, image_a = make_image(academy_b, title="beta-secret-map"), make_image(academy_a, title="alpha-map")
    client = signed_in(editor_a)
    revisions = Revision.page_revisions.filter(object_id=str(lesson.pk)).count()
    response = client.post(f"/cms/pages/{lesson.pk}/edit/", lesson_form(lesson, [("image", illustration(image_b))]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "only their own academy&#x27;s images" in body or "only their own academy's images" in body
    assert "beta-secret-map" not in body  # neither named nor shown in the chooser again
    assert Revision.page_revisions.filter(object_id=str(lesson.pk)).count() == revisions

    response = client.post(f"/cms/pages/{lesson.pk}/edit/", lesson_form(lesson, [("image", illustration(image_a))]))
    assert response.status_code == 302
    assert Revision.page_revisions.filter(object_id=str(lesson.pk)).count() == revisions + 1


def course_form(page, **changes) -> dict:
    data = {"title": page.title, "slug": page.slug, "summary": page.summary, "level": page.level,
            "language": page.language, "estimated_hours": page.estimated_hours, "cover_alt": "",
            "competencies": "[]", "comments": inline_formset([])}
    data.update(changes)
    return nested_form_data(data)


def test_a_course_cover_cannot_be_another_academys_image(world, editor_a, academy_a, academy_b):
    course = world["course_a"]
    image_b, image_a = make_image(academy_b, title="beta-secret-cover"), make_image(academy_a, title="alpha-cover")
    client = signed_in(editor_a)
    revisions = Revision.page_revisions.filter(object_id=str(course.pk)).count()
    response = client.post(f"/cms/pages/{course.pk}/edit/", course_form(course, cover_image=image_b.pk))
    assert response.status_code == 200
    assert "own academy" in response.content.decode()
    assert "beta-secret-cover" not in response.content.decode()
    assert Revision.page_revisions.filter(object_id=str(course.pk)).count() == revisions

    response = client.post(f"/cms/pages/{course.pk}/edit/", course_form(course, cover_image=image_a.pk))
    assert response.status_code == 302
    assert CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object().cover_image_id == image_a.pk


# --- staff whose membership ended ----------------------------------------------------------


@pytest.fixture
def demoted(academy_a, exercises):
    """An editor of A whose membership was deleted; `linger` puts their old group back, as a
    role change that forgot the groups would have left it."""
    from cms.tenancy import academy_group

    user = make_staff(academy_a, AcademyMembership.StaffRole.EDITOR)
    AcademyMembership.objects.filter(user=user).delete()

    def linger():
        user.groups.add(academy_group(academy_a, AcademyMembership.StaffRole.EDITOR))

    return user, linger


def former_staff_urls(exercise):
    return [snippet_url("authoring", exercise.pk), snippet_url("download", exercise.pk),
            snippet_url("download", exercise.pk) + "?version=1", snippet_url("edit", exercise.pk)]


def test_staff_whose_membership_ended_get_no_exercise_screens_or_downloads(demoted, exercises):
    user, _ = demoted
    assert not user.groups.exists()
    client = signed_in(user)
    for url in former_staff_urls(exercises[0]):
        assert client.get(url).status_code in REFUSED, url
    assert client.get("/cms/").status_code in REFUSED


def test_the_cms_decides_by_membership_even_if_a_group_lingers(demoted, exercises, world, academy_a):
    user, linger = demoted
    linger()
    assert user.has_perm("wagtailadmin.access_admin")  # the stale group still opens the admin
    client = signed_in(user)
    for url in former_staff_urls(exercises[0]):
        assert client.get(url).status_code in REFUSED, url
    image = make_image(academy_a, title="alpha-private-map")
    assert client.get(f"/cms/images/{image.pk}/").status_code in REFUSED
    assert "alpha-private-map" not in client.get("/cms/images/").content.decode()
    module = course_modules(world["course_a"])[0]
    assert client.get(f"/cms/pages/{module.pk}/edit/").status_code in REFUSED
