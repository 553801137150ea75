"""The quiz form and its result (issue 20, finding 3): unanswered questions are listed for a
confirmation before anything is submitted, an ordering question's error sits beside it, option
letters show when feedback can name them, and correct answers read as lists, not as a sequence."""
import re

import pytest

from assessments.models import Attempt

from ..conftest import signed_in
from ..factories import import_exercise

pytestmark = pytest.mark.django_db

QUIZ = {
    "format": "quiz/1",
    "slug": "mixed-check",
    "title": "Check: the mixed kinds",
    "pass_threshold": 70,
    "questions": [
        {"id": "q1", "type": "single", "text": "Which is an open question?", "points": 1,
         "options": [{"id": "a", "text": "Do you agree?"}, {"id": "b", "text": "What matters most to you?"}],
         "correct": ["b"], "feedback": "Option b invites a story; a asks for a yes."},
        {"id": "q2", "type": "multiple", "text": "Which help a summary?", "points": 1,
         "options": [{"id": "a", "text": "The speaker's words"}, {"id": "b", "text": "Your verdict"},
                     {"id": "c", "text": "A check at the end"}],
         "correct": ["a", "c"]},
        {"id": "q3", "type": "order", "text": "Put the steps in order", "points": 1,
         "options": [{"id": "s1", "text": "Explore"}, {"id": "s2", "text": "Listen"},
                     {"id": "s3", "text": "Summarise"}],
         "correct": ["s2", "s1", "s3"]},
        {"id": "q4", "type": "text", "text": "Name the walk-away option.", "points": 1, "accept": ["batna"]},
    ],
}
ALL_ANSWERED = {"q-q1": "b", "q-q2": ["a", "c"], "q-q3-s1": "2", "q-q3-s2": "1", "q-q3-s3": "3", "q-q4": "BATNA"}


@pytest.fixture
def quiz(academy):
    return import_exercise(academy, QUIZ, visibility="practice")


@pytest.fixture
def client(student):
    return signed_in(student)


def submit(client, quiz, answers, **extra):
    return client.post(f"/exercises/{quiz.pk}/submit/", {**answers, "idempotency_key": "k-1", **extra})


def test_unanswered_questions_are_listed_for_confirmation_and_nothing_is_submitted(client, quiz, student):
    response = submit(client, quiz, {"q-q1": "b"})
    page = response.content.decode()
    assert response.status_code == 200
    summary = page.split('id="quiz-summary"', 1)[1].split("</section>", 1)[0]
    assert "hidden" not in summary.split(">", 1)[0]
    assert re.findall(r'href="#question-(q\d)"', summary.split('id="quiz-unanswered"', 1)[1].split("</ul>")[0]) == \
        ["q2", "q3", "q4"]
    assert 'name="confirm" value="1"' in summary
    assert not Attempt.objects.filter(learner=student, exercise=quiz).exists()


def test_the_summary_keeps_what_was_answered(client, quiz):
    page = submit(client, quiz, {"q-q1": "b", "q-q3-s1": "2"}).content.decode()
    assert 'id="q-q1-b" value="b" checked' in page
    assert '<option value="2" selected>2</option>' in page.split('id="q-q3-s1"', 1)[1].split("</select>")[0]


def test_submit_anyway_submits_and_unanswered_questions_score_0(client, quiz, student,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, quiz, {"q-q1": "b"}, confirm="1")
    attempt = Attempt.objects.get(learner=student, exercise=quiz)
    assert response["Location"] == f"/attempts/{attempt.pk}/"
    assert attempt.answers == {"answers": {"q1": ["b"]}}
    assert attempt.score == 25.0


def test_a_quiz_answered_in_full_is_submitted_without_a_summary(client, quiz, student):
    response = submit(client, quiz, ALL_ANSWERED)
    assert response.status_code == 302
    assert Attempt.objects.filter(learner=student, exercise=quiz).count() == 1


def test_an_ordering_error_sits_beside_its_question_styled_as_a_field_error(client, quiz, student):
    response = submit(client, quiz, {**ALL_ANSWERED, "q-q3-s3": "1"}, confirm="1")
    page = response.content.decode()
    assert response.status_code == 400
    question = page.split('id="question-q3"', 1)[1].split("</fieldset>", 1)[0]
    assert 'aria-describedby="q-q3-error"' in question.split(">", 1)[0]
    error = question.split('<ul class="errorlist" id="q-q3-error"', 1)[1].split("</ul>", 1)[0]
    assert "hidden" not in error.split(">", 1)[0] and "Give each step a different position, from 1 to 3." in error
    assert "has-error" in page.split('id="question-q3"', 1)[0].rsplit("<fieldset", 1)[1]
    assert not Attempt.objects.filter(learner=student, exercise=quiz).exists()


def test_options_show_their_letters_when_their_ids_are_letters(client, quiz):
    page = client.get(f"/exercises/{quiz.pk}/").content.decode()
    assert '<label for="q-q1-b"><span class="option-letter">b</span> What matters most to you?</label>' in page
    assert '<label for="q-q3-s1">Explore</label>' in page


def test_the_result_lists_an_order_as_numbered_steps_and_several_options_as_a_list(
        client, quiz, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, quiz, ALL_ANSWERED)
    page = client.get(response["Location"]).content.decode()
    assert "→" not in page
    order = page.split("Put the steps in order", 1)[1].split("</li>\n", 1)[0]
    assert re.search(r'<ol class="answer-list"><li><bdi>Listen</bdi></li><li><bdi>Explore</bdi></li>'
                     r'<li><bdi>Summarise</bdi></li></ol>', order)
    several = page.split("Which help a summary?", 1)[1]
    assert '<ul class="answer-list"><li><span class="option-letter">a</span> <bdi>The speaker&#x27;s words</bdi></li>' \
        in several
    single = page.split("Which is an open question?", 1)[1]
    assert '<span class="option-letter">b</span> <bdi>What matters most to you?</bdi>' in single
