"""The authoring screen edits a scenario's debrief texts (scenario spec, "The document": `debrief` on the
document and any node, `debrief_after`): saving makes a new version through the import, an untouched form
makes none, and the texts are kept on export."""
import pytest
from django.urls import reverse

from accounts.models import AcademyMembership
from assessments.models import Exercise
from assessments.services import exercise_export

from ..conftest import signed_in
from ..factories import import_exercise, make_academy, make_staff

pytestmark = pytest.mark.django_db


def _url(exercise):
    return reverse(Exercise.snippet_viewset.get_url_name("authoring"), args=[exercise.pk])


def _form(exercise, **changes):
    nodes = exercise.current_version.document["nodes"]
    data = {"action": "debrief", "debrief": "", "debrief_after": "passed",
            **{f"node_{i}": "" for i in range(len(nodes))}}
    data.update(changes)
    return data


def test_the_authoring_screen_shows_the_debrief_form(academy):
    exercise = import_exercise(academy)
    editor = make_staff(academy, AcademyMembership.StaffRole.EDITOR)
    page = signed_in(editor).get(_url(exercise)).content.decode()
    assert 'name="action" value="debrief"' in page and 'name="node_1"' in page and 'name="debrief_after"' in page


def test_saving_debrief_texts_makes_a_version_that_export_keeps(academy):
    exercise = import_exercise(academy)
    editor = make_staff(academy, AcademyMembership.StaffRole.EDITOR)
    response = signed_in(editor).post(_url(exercise), _form(
        exercise, debrief="Interests first.", debrief_after="graded", node_1="Name the harvest."))
    assert response.status_code == 302
    exercise.refresh_from_db()
    assert exercise.current_version.number == 2
    exported = exercise_export(exercise=exercise)
    assert (exported["debrief"], exported["debrief_after"], exported["nodes"][1]["debrief"]) == (
        "Interests first.", "graded", "Name the harvest.")
    assert "debrief" not in exported["nodes"][0]  # left empty, never written


def test_an_untouched_debrief_form_makes_no_version(academy):
    exercise = import_exercise(academy)
    editor = make_staff(academy, AcademyMembership.StaffRole.EDITOR)
    signed_in(editor).post(_url(exercise), _form(exercise))
    exercise.refresh_from_db()
    assert exercise.current_version.number == 1


def test_another_academys_editor_cannot_save_debrief_texts(academy):
    exercise = import_exercise(academy)
    stranger = make_staff(make_academy(), AcademyMembership.StaffRole.EDITOR)
    response = signed_in(stranger).post(_url(exercise), _form(exercise, debrief="Mine."))
    exercise.refresh_from_db()
    assert (response.status_code, exercise.current_version.number) == (404, 1)
