"""Negotiation documents in the CMS admin: the same upload as scenarios and quizzes (problems by path,
nothing stored when refused), and the authoring screen's outcome space with its text version."""
import copy
import xml.etree.ElementTree as ET

from assessments import negotiation
from assessments.models import Exercise, ExerciseVersion
from cms.demo import load_negotiations

from ..conftest import signed_in
from .test_exercise_authoring import page_text, upload, url

RIVER = next(doc for doc in load_negotiations() if doc["slug"] == "river-releases")


def test_a_negotiation_upload_makes_the_exercise_and_its_screen_shows_the_outcome_space(editor_a, academy_a):
    client = signed_in(editor_a)
    response = upload(client, RIVER, visibility="practice")
    exercise = Exercise.objects.get()
    assert response.status_code == 302 and response["Location"] == url("authoring", exercise.pk) + "#main"
    assert (exercise.academy, exercise.kind, exercise.current_version.document) == (academy_a, "negotiation", RIVER)
    screen = client.get(url("authoring", exercise.pk))
    assert screen.status_code == 200
    body = screen.content.decode()
    svg = body[body.index("<svg"):body.index("</svg>") + len("</svg>")]
    ET.fromstring(svg)  # well-formed markup
    text = page_text(screen)
    assert "Outcome space" in text and "Pareto frontier" in text
    nash = negotiation.nash_point(RIVER)
    assert f"{round(float(nash.utilities[0]), 1)} / {round(float(nash.utilities[1]), 1)}" in text
    assert "Not valid" not in text


def test_an_invalid_negotiation_upload_lists_its_problems_by_path_and_stores_nothing(editor_a):
    broken = copy.deepcopy(RIVER)
    broken["roles"][1]["reservation"] = -5
    response = upload(signed_in(editor_a), broken)
    assert response.status_code == 200
    assert "roles[1].reservation" in page_text(response)
    assert (Exercise.objects.count(), ExerciseVersion.objects.count()) == (0, 0)
