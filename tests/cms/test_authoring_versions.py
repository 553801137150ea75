"""Issue 20, finding 15 on the server: versions say what changed from the one before and how many
learners' attempts are still on each; after an upload the page opens at its message; the diagram fits
its panel without scripts (zoom and fit in the browser test, tests/browser/test_authoring.py)."""
import copy

import pytest
from django.urls import reverse

from accounts.models import AcademyMembership
from assessments.models import Exercise
from assessments.services import attempt_submit, exercise_import
from assessments.version_diff import version_diff

from ..conftest import signed_in
from ..factories import PASSING_PATH, SPEC_SCENARIO, import_exercise, make_staff, make_user

pytestmark = pytest.mark.django_db


def _url(name, *args):
    return reverse(Exercise.snippet_viewset.get_url_name(name), args=args)


def test_a_diff_names_nodes_added_removed_and_changed():
    before = copy.deepcopy(SPEC_SCENARIO)
    after = copy.deepcopy(SPEC_SCENARIO)
    after["nodes"][0]["text"] = "The minister opens, tired."
    after["nodes"] = [n for n in after["nodes"] if n["id"] != "end_bad"] + [
        {"id": "end_late", "type": "outcome", "outcome": "walkout", "text": "Too late."}]
    assert version_diff(before, after) == {"added": ["end_late"], "removed": ["end_bad"], "changed": ["open"],
                                           "other": False}
    after["pass_threshold"] = 70
    assert version_diff(before, after)["other"] is True


def test_the_versions_table_shows_changes_and_attempts_still_on_each(academy, django_capture_on_commit_callbacks):
    exercise = import_exercise(academy, visibility="practice")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            attempt_submit(exercise=exercise, learner=make_user(), answers={"steps": PASSING_PATH})
    changed = copy.deepcopy(SPEC_SCENARIO)
    changed["nodes"][0]["text"] = "The minister opens, tired."
    exercise_import(academy=academy, document=changed, visibility="practice")
    editor = make_staff(academy, AcademyMembership.StaffRole.EDITOR)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(exercise=exercise, learner=editor, answers={"steps": PASSING_PATH})  # a preview
    page = signed_in(editor).get(_url("authoring", exercise.pk)).content.decode()
    rows = page.split('<tr class="parley-version">')[1:]
    assert len(rows) == 2
    newest, first = rows
    assert "changed open" in newest and '<td class="parley-attempts">0</td>' in newest  # the preview is not counted
    assert "first version" in first and '<td class="parley-attempts">2 <span class="help">(keep this version)' in first


def test_after_an_upload_the_page_opens_at_its_message(academy):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    exercise = import_exercise(academy)
    editor = make_staff(academy, AcademyMembership.StaffRole.EDITOR)
    changed = copy.deepcopy(SPEC_SCENARIO)
    changed["pass_threshold"] = 55
    response = signed_in(editor).post(_url("authoring", exercise.pk), {"document": SimpleUploadedFile(
        "exercise.json", json.dumps(changed).encode(), content_type="application/json")})
    assert response.status_code == 302
    assert response["Location"] == _url("authoring", exercise.pk) + "#main"
