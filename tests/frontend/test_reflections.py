"""A text area under each reflection block of a lesson: the learner's own answer, kept per learner and
block, shown back only to them; a plain form post without scripts, JSON for reflection.js."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import ReflectionAnswer
from courses.services import enrol, reflection_save

from ..conftest import signed_in
from ..factories import course_lessons, make_course, make_user, publish

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def lesson(academy):
    course = make_course(academy, modules=1, lessons=1)
    page = course_lessons(course)[0]
    page.body = [{"type": "text", "value": "<p>Read this.</p>"},
                 {"type": "reflection", "value": {"prompt": "When did you last feel heard?"}},
                 {"type": "reflection", "value": {"prompt": "What would you ask next time?"}}]
    publish(page)
    page.refresh_from_db()
    page.course = course
    return page


@pytest.fixture
def blocks(lesson):
    return [block.id for block in lesson.body if block.block_type == "reflection"]


@pytest.fixture
def learner(lesson):
    user = make_user(username="nadia")
    enrol(learner=user, course=lesson.course)
    return user


def url(lesson, block_id):
    return f"/lessons/{lesson.pk}/reflections/{block_id}/"


def test_a_form_post_saves_the_answer_and_goes_back_to_its_block(lesson, blocks, learner):
    response = signed_in(learner).post(url(lesson, blocks[0]), {"text": "  At the water office.  "})

    assert response.status_code == 302
    assert response["Location"] == f"/lessons/{lesson.pk}/#r-{blocks[0]}"
    assert ReflectionAnswer.objects.get(learner=learner, block_id=blocks[0]).text == "At the water office."


def test_the_learner_finds_their_answer_in_its_text_area_when_they_return(lesson, blocks, learner):
    reflection_save(learner=learner, lesson_id=lesson.pk, block_id=blocks[1], text="Why the night hours?")

    html = signed_in(learner).get(f"/lessons/{lesson.pk}/").content.decode()

    assert f'<textarea id="t-{blocks[1]}" name="text"' in html
    assert ">Why the night hours?</textarea>" in html
    assert html.count('<form method="post" action="/lessons/') >= 2
    assert "frontend/reflection.js" in html


def test_a_script_save_answers_json_with_the_text_and_when(lesson, blocks, learner):
    response = signed_in(learner).post(url(lesson, blocks[0]), {"text": "Listening first."}, **JSON)

    assert response.status_code == 200
    assert response.json()["text"] == "Listening first."
    assert response.json()["saved"].startswith("Saved ")


def test_saving_again_replaces_the_answer(lesson, blocks, learner):
    reflection_save(learner=learner, lesson_id=lesson.pk, block_id=blocks[0], text="First thoughts.")
    reflection_save(learner=learner, lesson_id=lesson.pk, block_id=blocks[0], text="Second thoughts.")

    assert list(ReflectionAnswer.objects.filter(learner=learner).values_list("text", flat=True)) == [
        "Second thoughts."]


def test_each_block_keeps_its_own_answer(lesson, blocks, learner):
    for block_id, text in zip(blocks, ("One.", "Two."), strict=True):
        reflection_save(learner=learner, lesson_id=lesson.pk, block_id=block_id, text=text)

    assert dict(ReflectionAnswer.objects.values_list("block_id", "text")) == dict(zip(blocks, ("One.", "Two."),
                                                                                     strict=True))


def test_an_empty_answer_removes_the_saved_one(lesson, blocks, learner):
    reflection_save(learner=learner, lesson_id=lesson.pk, block_id=blocks[0], text="Something.")

    response = signed_in(learner).post(url(lesson, blocks[0]), {"text": "   "}, **JSON)

    assert response.status_code == 200
    assert response.json() == {"text": "", "saved": "Your reflection was cleared."}
    assert not ReflectionAnswer.objects.exists()


def test_a_too_long_answer_is_refused_at_the_field_and_keeps_the_saved_one(lesson, blocks, learner):
    reflection_save(learner=learner, lesson_id=lesson.pk, block_id=blocks[0], text="Kept.")

    response = signed_in(learner).post(url(lesson, blocks[0]), {"text": "x" * 5001}, **JSON)

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert [(e["code"], e["attr"]) for e in response.json()["errors"]] == [("too_long", "text")]
    assert ReflectionAnswer.objects.get().text == "Kept."


def test_a_too_long_answer_without_scripts_goes_back_with_the_reason(lesson, blocks, learner):
    client = signed_in(learner)

    response = client.post(url(lesson, blocks[0]), {"text": "x" * 5001}, follow=True)

    assert "Keep your reflection under 5,000 characters." in response.content.decode()
    assert not ReflectionAnswer.objects.exists()


def test_a_block_that_is_not_a_reflection_of_the_lesson_is_a_404(lesson, blocks, learner):
    text_block = next(block.id for block in lesson.body if block.block_type == "text")

    for block_id in (text_block, "00000000-0000-0000-0000-000000000000"):
        assert signed_in(learner).post(url(lesson, block_id), {"text": "Hello."}).status_code == 404
    assert not ReflectionAnswer.objects.exists()


def test_someone_not_enrolled_is_refused_and_nothing_is_kept(lesson, blocks):
    stranger = make_user(username="passer-by")

    response = signed_in(stranger).post(url(lesson, blocks[0]), {"text": "Hello."}, **JSON)

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "not_enrolled"
    assert not ReflectionAnswer.objects.exists()


def test_another_student_never_sees_the_learners_answer(lesson, blocks, learner):
    reflection_save(learner=learner, lesson_id=lesson.pk, block_id=blocks[0], text="My private worry.")
    classmate = make_user(username="classmate")
    enrol(learner=classmate, course=lesson.course)

    html = signed_in(classmate).get(f"/lessons/{lesson.pk}/").content.decode()
    signed_in(classmate).post(url(lesson, blocks[0]), {"text": "Mine."})

    assert "My private worry." not in html
    assert ReflectionAnswer.objects.get(learner=learner).text == "My private worry."
    assert ReflectionAnswer.objects.get(learner=classmate).text == "Mine."


def test_visitors_are_told_how_to_write_one(lesson, blocks, client):
    html = client.get(f"/lessons/{lesson.pk}/").content.decode()

    assert "Sign in to write your reflection here." in html
    assert "<textarea" not in html


def test_a_signed_out_post_is_sent_to_sign_in(lesson, blocks, client):
    response = client.post(url(lesson, blocks[0]), {"text": "Hello."})

    assert response.status_code == 302 and response["Location"].startswith("/sign-in/?next=")


def test_the_lesson_page_with_two_reflections_is_four_queries(lesson, blocks, learner):
    """The user, the lesson's row, the UNION ALL of enrolment and read mark (as in
    tests/frontend/test_page_queries.py; no exercise block here, so no exercises query), and one for
    the learner's answers to all the lesson's reflection blocks together."""
    for block_id in blocks:
        reflection_save(learner=learner, lesson_id=lesson.pk, block_id=block_id, text="An answer.")
    client = signed_in(learner)
    assert client.get(f"/lessons/{lesson.pk}/").status_code == 200  # fills the page-tree cache

    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/lessons/{lesson.pk}/").status_code == 200

    sql = [q["sql"] for q in captured.captured_queries]
    assert len(sql) == 4, sql
    assert sum("courses_reflectionanswer" in q for q in sql) == 1
