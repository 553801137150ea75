"""Exercise authoring in the CMS admin, through the real views: upload a JSON document
(every problem listed by its path, nothing stored when refused), the authoring screen
(diagram beside the validation state, versions, download, replace), and who may see it."""
import copy
import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags

from accounts.models import AcademyMembership
from accounts.services import academy_add_staff
from assessments import grading
from assessments.models import Exercise, ExerciseVersion

from ..conftest import signed_in
from ..factories import QUIZ, SPEC_SCENARIO, course_lessons, import_exercise, make_course

SVG = "{http://www.w3.org/2000/svg}"


def url(name, *args):
    return reverse(Exercise.snippet_viewset.get_url_name(name), args=args)


def json_file(document, name="exercise.json") -> SimpleUploadedFile:
    body = document if isinstance(document, bytes) else json.dumps(document, indent=2).encode()
    return SimpleUploadedFile(name, body, content_type="application/json")


def upload(client, document, **fields):
    return client.post(url("upload"), {"document": json_file(document), **fields})


def page_text(response) -> str:
    """The page as a reader sees it: no tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def table_rows(response, row_class) -> list[list[str]]:
    """The cells, as text, of the table rows with that class."""
    rows = re.findall(rf'<tr class="{row_class}">(.*?)</tr>', response.content.decode(), re.S)
    return [[" ".join(html.unescape(strip_tags(cell)).split())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def stored() -> tuple[int, int]:
    return Exercise.objects.count(), ExerciseVersion.objects.count()


def broken_scenario() -> dict:
    doc = copy.deepcopy(SPEC_SCENARIO)
    doc["nodes"][0]["choices"][1]["next"] = "x"
    doc["competencies"][0]["weight"] = "heavy"
    doc["nodes"][1]["rubric"]["criteria"][0]["competency"] = "charm"
    return doc


# --- upload ------------------------------------------------------------------------------------


def test_a_valid_upload_creates_the_exercise_and_opens_its_authoring_screen(editor_a, academy_a):
    client = signed_in(editor_a)
    response = upload(client, SPEC_SCENARIO, visibility="practice")

    exercise = Exercise.objects.get()
    # "#main": the page opens at its top, where the message is (issue 20, finding 15)
    assert response.status_code == 302 and response["Location"] == url("authoring", exercise.pk) + "#main"
    assert (exercise.academy, exercise.slug, exercise.kind, exercise.visibility) == (
        academy_a, "shared-river", "scenario", "practice")
    version = exercise.current_version
    assert (version.number, version.created_by, version.document) == (1, editor_a, SPEC_SCENARIO)
    assert "imported as version 1" in page_text(client.get(response["Location"]))


def test_without_a_chosen_visibility_the_documents_own_field_decides(editor_a):
    client = signed_in(editor_a)
    upload(client, {**SPEC_SCENARIO, "visibility": "practice"}, visibility="")
    exercise = Exercise.objects.get()
    assert exercise.visibility == "practice" and "visibility" not in exercise.current_version.document
    upload(client, {**SPEC_SCENARIO, "visibility": "practice"}, visibility="course")  # the form's choice wins
    exercise.refresh_from_db()
    assert (exercise.visibility, exercise.versions.count()) == ("course", 1)


def test_the_upload_form_is_a_native_admin_page_with_file_and_visibility(editor_a):
    response = signed_in(editor_a).get(url("upload"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in content and 'type="file"' in content
    assert 'name="visibility"' in content and 'name="academy"' not in content  # one academy: no choice
    assert "<title>Upload exercise" in content and "w-breadcrumbs" in content  # Wagtail's own header


def test_an_invalid_document_lists_every_problem_by_path_and_stores_nothing(editor_a):
    doc = broken_scenario()
    expected = [p.as_dict()["detail"] for p in grading.validate_document(doc)]
    assert len(expected) >= 3

    response = upload(signed_in(editor_a), doc)

    assert response.status_code == 200
    text = page_text(response)
    assert 'nodes[0].choices[1].next: unknown node "x"' in text
    for detail in expected:
        assert detail in text
    assert f"{len(expected)} problems" in text and "Nothing was stored" in text
    assert stored() == (0, 0)


@pytest.mark.parametrize("body, message", [
    (b'{"format": "scenario/1", "slug": ', "not valid JSON"),
    (b"[1, 2, 3]", "must be a JSON object ({...}), not an array"),
    (b'"a string"', "must be a JSON object ({...}), not a string"),
    (b'{"pass_threshold": NaN}', "NaN is not JSON"),
    ("{\"title\": \"caf\u00e9\"}".encode("latin-1"), "not UTF-8 text"),
    (b"", "The submitted file is empty"),
])
def test_unreadable_files_are_refused_with_a_clear_message(editor_a, body, message):
    response = upload(signed_in(editor_a), body)
    assert response.status_code == 200
    assert message in page_text(response)
    assert stored() == (0, 0)


def test_a_file_over_the_size_limit_is_refused_unread(editor_a, settings):
    settings.EXERCISE_UPLOAD_MAX_BYTES = 1000
    body = json.dumps({**SPEC_SCENARIO, "summary": "x" * 2000}).encode()
    response = upload(signed_in(editor_a), body)
    assert "the limit is 1000" in page_text(response)
    assert stored() == (0, 0)


def test_a_document_of_an_unknown_format_gets_its_problem_at_the_format_path(editor_a):
    response = upload(signed_in(editor_a), {**SPEC_SCENARIO, "format": "scenario/9"})
    assert 'format: must be "scenario/1" or "quiz/1"' in page_text(response)
    assert stored() == (0, 0)


def test_uploading_the_same_document_again_makes_no_version_and_a_change_makes_one(editor_a):
    client = signed_in(editor_a)
    upload(client, SPEC_SCENARIO)
    exercise = Exercise.objects.get()

    response = upload(client, SPEC_SCENARIO)
    assert response["Location"] == url("authoring", exercise.pk) + "#main"
    assert stored() == (1, 1)
    assert "unchanged" in page_text(client.get(response["Location"]))

    changed = {**SPEC_SCENARIO, "title": "A river in a very dry year"}
    upload(client, changed)
    exercise.refresh_from_db()
    assert stored() == (1, 2)
    assert (exercise.current_version.number, exercise.title) == (2, "A river in a very dry year")
    assert ExerciseVersion.objects.get(number=1).document == SPEC_SCENARIO  # the old version stays as it was


def test_a_document_that_changes_the_kind_of_an_exercise_is_refused(editor_a):
    client = signed_in(editor_a)
    upload(client, SPEC_SCENARIO)
    response = upload(client, {**QUIZ, "slug": SPEC_SCENARIO["slug"]})
    assert "format: Exercise shared-river is a scenario." in page_text(response)
    assert stored() == (1, 1)


def test_staff_of_two_academies_choose_the_academy_and_only_their_own(editor_a, academy_a, academy_b, academy):
    academy_add_staff(academy=academy_b, user=editor_a, staff_role=AcademyMembership.StaffRole.EDITOR)
    client = signed_in(editor_a)
    form = client.get(url("upload")).content.decode()
    assert 'name="academy"' in form and academy_b.name in form and academy.name not in form

    upload(client, SPEC_SCENARIO, academy=academy.pk)  # not theirs: the form refuses the choice
    assert stored() == (0, 0)
    upload(client, SPEC_SCENARIO, academy=academy_b.pk)
    assert Exercise.objects.get().academy == academy_b


def test_a_single_academy_editor_cannot_upload_into_another_academy(editor_a, academy_a, academy_b):
    upload(signed_in(editor_a), SPEC_SCENARIO, academy=academy_b.pk)
    assert Exercise.objects.get().academy == academy_a


# --- authoring screen ----------------------------------------------------------------------------


ALPHA = {**SPEC_SCENARIO, "title": "Alpha river"}


@pytest.fixture
def scenario_a(academy_a, editor_a):
    return import_exercise(academy_a, ALPHA)


def svg_of(response):
    match = re.search(r'<svg [^>]*class="diagram".*?</svg>', response.content.decode(), re.S)
    assert match, "no diagram in the page"
    return ET.fromstring(match.group(0))


def test_the_authoring_screen_draws_every_node_beside_the_validation_state(scenario_a, editor_a):
    response = signed_in(editor_a).get(url("authoring", scenario_a.pk))
    assert response.status_code == 200

    svg = svg_of(response)
    nodes = [g for g in svg.iter(f"{SVG}g") if "node" in (g.get("class") or "").split()]
    assert len(nodes) == len(SPEC_SCENARIO["nodes"])
    drawn = {t.text for g in nodes for t in g.iter(f"{SVG}text")}
    assert {n["id"] for n in SPEC_SCENARIO["nodes"]} <= drawn
    assert len([p for p in svg.iter(f"{SVG}path") if "edge" in (p.get("class") or "")]) == 3

    assert "Valid Version 1 passes every rule of scenario/1" in page_text(response)
    # Competencies: weight, then the bounds (best and worst raw score) the version stores.
    assert table_rows(response, "parley-competency") == [
        ["Active listening listening", "1", "5", "-2"], ["Judgement judgement", "2", "0", "-3"]]
    version = scenario_a.current_version
    assert table_rows(response, "parley-version") == [
        ["1 (current)", f"{version.created_at:%Y-%m-%d %H:%M}", "—", "first version", "0", "JSON"]]
    assert "Download JSON" in response.content.decode() and url("download", scenario_a.pk) in response.content.decode()


def test_the_versions_are_listed_newest_first_with_their_dates(scenario_a, editor_a):
    client = signed_in(editor_a)
    client.post(url("authoring", scenario_a.pk),
                {"document": json_file({**ALPHA, "summary": "Second take."})})
    first, second = ExerciseVersion.objects.filter(exercise=scenario_a).order_by("number")
    assert table_rows(client.get(url("authoring", scenario_a.pk)), "parley-version") == [
        ["2 (current)", f"{second.created_at:%Y-%m-%d %H:%M}", editor_a.username, "other settings changed", "0",
         "JSON"],
        ["1", f"{first.created_at:%Y-%m-%d %H:%M}", "—", "first version", "0", "JSON"],
    ]


def test_a_stored_version_that_breaks_todays_rules_shows_its_problems(scenario_a, editor_a):
    # Versions are checked when imported; rules can tighten later, and the screen re-checks.
    version = scenario_a.current_version
    version.document = broken_scenario()
    version.save()
    text = page_text(signed_in(editor_a).get(url("authoring", scenario_a.pk)))
    assert "Not valid under the current rules" in text
    assert 'nodes[0].choices[1].next: unknown node "x"' in text


def test_a_quiz_shows_its_questions_instead_of_a_diagram(academy_a, editor_a):
    quiz = import_exercise(academy_a, QUIZ)
    response = signed_in(editor_a).get(url("authoring", quiz.pk))
    assert 'class="diagram"' not in response.content.decode()
    assert "2 questions, 2 points in all; pass at 70%" in page_text(response)
    assert table_rows(response, "parley-question") == [
        ["q1", "single", "Which is an open question?", "1", "2", "1"],
        ["q2", "text", "Name the walk-away option.", "1", "—", "2"],
    ]


def test_document_text_in_the_diagram_is_escaped(academy_a, editor_a):
    doc = copy.deepcopy(SPEC_SCENARIO)
    doc["nodes"][0]["text"] = "<script>alert(1)</script> opens"
    exercise = import_exercise(academy_a, doc)
    content = signed_in(editor_a).get(url("authoring", exercise.pk)).content.decode()
    assert "<script>alert(1)" not in content and "&lt;script&gt;alert(1)" in content


def test_the_download_is_the_documents_json_for_any_version(scenario_a, editor_a):
    client = signed_in(editor_a)
    client.post(url("authoring", scenario_a.pk), {"document": json_file({**ALPHA, "summary": "v2"})})

    current = client.get(url("download", scenario_a.pk))
    assert current["Content-Disposition"] == 'attachment; filename="shared-river-v2.json"'
    assert json.loads(current.content)["summary"] == "v2"
    first = client.get(url("download", scenario_a.pk) + "?version=1")
    assert json.loads(first.content) == ALPHA
    assert client.get(url("download", scenario_a.pk) + "?version=9").status_code == 404

    # The current document, downloaded and uploaded again, is no new version; an older one is.
    upload(client, current.content)
    assert ExerciseVersion.objects.filter(exercise=scenario_a).count() == 2
    upload(client, first.content)
    scenario_a.refresh_from_db()
    assert (scenario_a.current_version.number, scenario_a.current_version.document) == (3, ALPHA)


def test_replacing_makes_a_new_version_or_nothing_and_lists_problems_on_the_screen(scenario_a, editor_a):
    client = signed_in(editor_a)
    target = url("authoring", scenario_a.pk)

    response = client.post(target, {"document": json_file(ALPHA)})
    assert response.status_code == 302 and ExerciseVersion.objects.count() == 1

    response = client.post(target, {"document": json_file(broken_scenario())})
    assert response.status_code == 200
    text = page_text(response)
    assert 'nodes[0].choices[1].next: unknown node "x"' in text and "Nothing was stored" in text
    assert svg_of(response) is not None  # still the authoring screen, diagram of the current version
    assert ExerciseVersion.objects.count() == 1

    response = client.post(target, {"visibility": "practice"})  # no file
    assert response.status_code == 200 and "This field is required" in page_text(response)

    response = client.post(target, {"document": json_file({**SPEC_SCENARIO, "slug": "another-river"})})
    assert 'slug: must be "shared-river" to replace this exercise' in page_text(response)
    assert stored() == (1, 1)

    response = client.post(target, {"document": json_file({**SPEC_SCENARIO, "pass_threshold": 75}),
                                    "visibility": "practice"})
    assert response.status_code == 302 and response["Location"] == target + "#main"
    scenario_a.refresh_from_db()
    assert (scenario_a.current_version.number, scenario_a.current_version.pass_threshold) == (2, 75)
    assert scenario_a.visibility == "practice"


# --- who may ---------------------------------------------------------------------------------------


@pytest.fixture
def scenario_b(academy_b):
    return import_exercise(academy_b, title="Beta river")


@pytest.mark.parametrize("view", ["authoring", "download"])
def test_another_academys_editor_gets_404(scenario_b, editor_a, view):
    client = signed_in(editor_a)
    assert client.get(url(view, scenario_b.pk)).status_code == 404


def test_another_academys_editor_cannot_replace_its_document(scenario_b, editor_a):
    response = signed_in(editor_a).post(
        url("authoring", scenario_b.pk), {"document": json_file({**SPEC_SCENARIO, "title": "Hijacked"})})
    assert response.status_code == 404
    scenario_b.refresh_from_db()
    assert (scenario_b.title, scenario_b.versions.count()) == ("Beta river", 1)


@pytest.mark.parametrize("who", ["student", "teacher"])
def test_students_and_teachers_are_refused_everywhere(request, who, scenario_a):
    client = signed_in(request.getfixturevalue(who))
    for response in (client.get(url("upload")), client.get(url("authoring", scenario_a.pk)),
                     client.get(url("download", scenario_a.pk)),
                     upload(client, {**SPEC_SCENARIO, "slug": "intruder"}),
                     client.post(url("authoring", scenario_a.pk), {"document": json_file(
                         {**SPEC_SCENARIO, "title": "Intruder"})})):
        assert response.status_code in (302, 403)
        assert response.status_code == 403 or "/login/" in response["Location"]
        assert "Alpha river" not in response.content.decode()
    assert stored() == (1, 1)


def test_staff_without_the_change_permission_can_look_but_not_upload(scenario_a, editor_a):
    from django.contrib.auth.models import Permission

    for group in editor_a.groups.all():
        group.permissions.remove(Permission.objects.get(codename="change_exercise"))
    client = signed_in(editor_a)
    assert client.get(url("authoring", scenario_a.pk)).status_code == 200
    assert 'name="document"' not in client.get(url("authoring", scenario_a.pk)).content.decode()
    assert upload(client, {**SPEC_SCENARIO, "slug": "new"}).status_code in (302, 403)
    assert client.post(url("authoring", scenario_a.pk), {"document": json_file(
        {**SPEC_SCENARIO, "title": "Changed"})}).status_code in (302, 403)
    assert stored() == (1, 1)


# --- ways in ---------------------------------------------------------------------------------------


def test_the_listing_and_the_menu_lead_to_the_upload_and_authoring_screens(scenario_a, scenario_b, editor_a):
    client = signed_in(editor_a)
    listing = client.get(url("list")).content.decode()
    assert url("upload") in listing and url("authoring", scenario_a.pk) in listing
    assert url("authoring", scenario_b.pk) not in listing
    assert "Upload exercise" in client.get("/cms/").content.decode()  # the sidebar menu item
    assert url("authoring", scenario_a.pk) in client.get(url("edit", scenario_a.pk)).content.decode()


def test_the_lesson_chooser_offers_only_the_editors_academy(scenario_a, scenario_b, editor_a, academy_a):
    """Extends test_tenancy_admin's chooser test: the chooser a lesson's exercise block opens,
    including its search results, and the embedded lesson shows on the authoring screen."""
    lesson = course_lessons(make_course(academy_a, modules=1, lessons=1, exercises_in={(0, 0): [scenario_a.pk]}))[0]
    client = signed_in(editor_a)
    chooser = Exercise.snippet_viewset.chooser_viewset
    assert reverse(chooser.get_url_name("choose")) in client.get(f"/cms/pages/{lesson.pk}/edit/").content.decode()

    results = client.get(reverse(chooser.get_url_name("choose_results")), {"q": "river"}).content.decode()
    assert "Alpha river" in results and "Beta river" not in results

    text = page_text(client.get(url("authoring", scenario_a.pk)))
    assert f"Embedded in {lesson.get_parent().get_parent().title}: {lesson.title}" in text
