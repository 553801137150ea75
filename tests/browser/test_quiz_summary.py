"""The quiz's summary before submitting, with JavaScript (issue 20, finding 3): questions left
unanswered are listed inline, nothing is sent until "Submit anyway", and an ordering question's
error appears beside it. Scanned with axe-core."""
import pytest

from accounts.models import Role
from assessments.models import Attempt

from ..factories import import_exercise, make_academy, make_user
from ..frontend.test_quiz import QUIZ
from .conftest import DESKTOP, check_accessibility
from .test_journeys import PASSWORD, expect, no_dialogs, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def quiz_page(browser, live_server):
    quiz = import_exercise(make_academy(), QUIZ, visibility="practice")
    learner = make_user(Role.STUDENT, username="lina", password=PASSWORD)
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    no_dialogs(page)
    sign_in(page, live_server.url, "lina", PASSWORD)
    page.goto(f"{live_server.url}/exercises/{quiz.pk}/")
    yield page, quiz, learner
    context.close()


def test_unanswered_questions_are_listed_inline_before_anything_is_sent(quiz_page):
    page, quiz, learner = quiz_page
    summary = page.locator("#quiz-summary")
    expect()(summary).to_be_hidden()
    page.check("#q-q1-b")
    page.click("#quiz-submit")
    expect()(summary).to_be_visible()
    expect()(summary).to_be_focused()
    assert page.locator("#quiz-unanswered li a").all_inner_texts() == ["Question 2", "Question 3", "Question 4"]
    check_accessibility(page, "quiz summary")
    assert not Attempt.objects.filter(learner=learner, exercise=quiz).exists()

    page.click("#quiz-confirm")
    page.wait_for_url("**/attempts/*/")
    assert Attempt.objects.get(learner=learner, exercise=quiz).answers == {"answers": {"q1": ["b"]}}


def test_an_ordering_error_appears_beside_its_question(quiz_page):
    page, quiz, learner = quiz_page
    page.select_option("#q-q3-s1", "1")
    page.select_option("#q-q3-s2", "1")
    page.select_option("#q-q3-s3", "2")
    page.click("#quiz-submit")
    error = page.locator("#question-q3 .errorlist")
    expect()(error).to_be_visible()
    expect()(error).to_have_text("Give each step a different position.")
    expect()(page.locator("#question-q3")).to_have_attribute("aria-describedby", "q-q3-error")
    expect()(page.locator("#q-q3-s1")).to_be_focused()
    assert not Attempt.objects.filter(learner=learner, exercise=quiz).exists()
