"""The negotiation pages of the site: the brief, the start, moves through the form (the services the API
calls), the result after grading; someone else's page shows nothing of the learner's session."""
import copy

import pytest

from assessments.models import Attempt
from cms.demo import load_negotiations

from ..conftest import signed_in
from ..factories import import_exercise, make_user

TWIN = next(doc for doc in load_negotiations() if doc["slug"] == "twin-cities")
FIRST, SECOND = TWIN["roles"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def twin(academy):
    return import_exercise(academy, document=copy.deepcopy(TWIN), visibility="practice")


def test_the_page_shows_the_learners_brief_and_a_start_button_only(twin, student):
    page = signed_in(student).get(f"/exercises/{twin.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert FIRST["brief"] in text
    assert SECOND["brief"] not in text
    assert "Start the negotiation" in text


def test_a_learner_starts_offers_asks_and_walks_away_then_sees_the_result(twin, student,
                                                                         django_capture_on_commit_callbacks):
    client = signed_in(student)
    url = f"/exercises/{twin.pk}/"
    assert client.post(url + "negotiate/", {"move": "start"}).status_code == 302
    attempt = Attempt.objects.get(exercise=twin, learner=student)
    page = client.get(url).content.decode()
    assert "At the table" in page and "Offer this package" in page
    package = {f"issue-{i['id']}": i["options"][-1]["id"] for i in TWIN["issues"]}
    assert client.post(url + "negotiate/", {"move": "offer", **package}).status_code == 302
    question = FIRST["questions"][0]
    assert client.post(url + "negotiate/", {"move": "ask", "question": question["id"]}).status_code == 302
    attempt.refresh_from_db()
    assert [e["type"] for e in attempt.answers["transcript"] if e["by"] == "human"] == ["offer", "ask"]
    assert question["answer"] in client.get(url).content.decode()  # said at the table once asked
    with django_capture_on_commit_callbacks(execute=True):
        ended = client.post(url + "negotiate/", {"move": "walk_away"})
    assert ended.status_code == 302 and ended["Location"] == f"/attempts/{attempt.pk}/"
    result = client.get(ended["Location"])
    assert result.status_code == 200
    text = result.content.decode()
    assert "No agreement: a side walked away" in text
    assert "Competency scores for this attempt" in text


def test_a_refused_move_comes_back_as_a_message_and_changes_nothing(twin, student):
    client = signed_in(student)
    url = f"/exercises/{twin.pk}/"
    client.post(url + "negotiate/", {"move": "start"})
    attempt = Attempt.objects.get(exercise=twin, learner=student)
    before = attempt.answers
    response = client.post(url + "negotiate/", {"move": "accept"}, follow=True)  # nothing on the table yet
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
    attempt.refresh_from_db()
    assert attempt.answers == before


def test_a_move_without_a_negotiation_under_way_changes_nothing(twin):
    client = signed_in(make_user())
    response = client.post(f"/exercises/{twin.pk}/negotiate/", {"move": "walk_away"})
    assert response.status_code == 302
    assert not Attempt.objects.filter(exercise=twin).exists()


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_the_page_is_translated(twin, student, language):
    client = signed_in(student)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    page = client.get(f"/exercises/{twin.pk}/").content.decode()
    assert f'lang="{language}"' in page
    for english in ("Start the negotiation", "Your brief:", "Across the table:", "rounds at most"):
        assert english not in page
