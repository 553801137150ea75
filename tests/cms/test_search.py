"""Search finds what people type (issue 20, finding 4; cms/search.py): case and accents folded,
words stemmed in the page's language, words being typed matched by their start, in titles,
summaries and body text; only what is published; the same on SQLite and PostgreSQL."""
import pytest
from django.test import Client

from cms.models import LessonPage
from cms.search import build_index, fold, search_pages
from cms.selectors import catalogue_courses

from ..factories import course_lessons, make_course, publish
from .test_translation import translate_course

pytestmark = pytest.mark.django_db


def titles(query: str, **kwargs) -> list[str]:
    return [hit["title"] for hit in search_pages(query, **kwargs)]


def set_lesson(lesson: LessonPage, **fields) -> LessonPage:
    for name, value in fields.items():
        setattr(lesson, name, value)
    return publish(lesson)


@pytest.fixture
def course(academy):
    course = make_course(academy, modules=1, lessons=3, title="Negotiation under pressure")
    first, second, third = course_lessons(course)
    set_lesson(first, title="Écoute et reformulation", summary="Entendre les besoins.")
    set_lesson(second, title="Sharing a river", summary="Upstream and downstream.",
               body=[{"type": "text", "value": "<p>Both towns draw <strong>water</strong> from it.</p>"},
                     {"type": "glossary_term", "value": {"term": "Watershed", "definition": "The land that drains "
                                                         "into a river, discussed on social media."}}])
    set_lesson(third, title="Mediators at work")
    return course


def test_folding_drops_case_accents_and_ligatures():
    assert fold("Écoute") == fold("écoute") == fold("ECOUTE") == "ecoute"
    assert fold("Œuvre") == "oeuvre"


def test_case_and_accents_do_not_change_what_is_found(course):
    assert titles("écoute") == titles("Écoute") == titles("ecoute") == ["Écoute et reformulation"]


def test_an_english_word_finds_its_other_forms(course):
    assert "Negotiation under pressure" in titles("negotiating")
    assert titles("mediator") == ["Mediators at work"]


def test_a_word_being_typed_finds_the_words_it_begins(course):
    assert "Negotiation under pressure" in titles("negot")


def test_body_text_is_searched_without_its_markup(course):
    assert titles("water") == ["Sharing a river"]
    assert titles("strong") == []


def test_text_inside_structured_blocks_is_searched(course):
    assert titles("watershed") == ["Sharing a river"]
    assert titles("social media") == ["Sharing a river"]


def test_every_word_of_the_query_must_be_found_but_stop_words(course):
    assert titles("the river") == ["Sharing a river"]
    assert titles("river zebra") == []


def test_titles_come_before_body_text(course):
    other = course_lessons(course)[2]
    set_lesson(other, title="Water rights", summary="")
    assert titles("water") == ["Water rights", "Sharing a river"]


def test_unpublished_lessons_are_not_found(course):
    lesson = course_lessons(course)[1]
    lesson.unpublish()
    assert titles("water") == []


def test_a_publish_is_found_at_once(course):
    lesson = course_lessons(course)[2]
    assert titles("ceasefire") == []
    set_lesson(lesson, summary="A ceasefire that holds.")
    assert titles("ceasefire") == ["Mediators at work"]


def test_the_catalogue_finds_a_course_through_its_lessons_text(course):
    assert list(catalogue_courses(ui_language="en", q="WATER")) == [course]
    assert list(catalogue_courses(ui_language="en", q="zebra")) == []


def test_the_api_search_answers_in_its_shape(course):
    body = Client().get("/api/v1/search/", {"q": "Écoute"}).json()
    assert body["count"] == 1
    assert body["results"][0]["type"] == "lesson" and body["results"][0]["title"] == "Écoute et reformulation"


def test_any_language_on_the_site_lists_the_courses_of_every_language(academy, locales):
    english = make_course(academy, modules=1, lessons=1, title="Listening well")
    translate_course(english, locales["fr"], "FR")
    page = Client().get("/courses/", {"language": ""}).content.decode()
    assert "Listening well" in page and "FR Listening well" in page


def test_the_language_filter_keeps_to_its_language(academy, locales):
    english = make_course(academy, modules=1, lessons=1, title="Listening well")
    translate_course(english, locales["fr"], "FR")
    page = Client().get("/courses/", {"language": "fr"}).content.decode()
    assert "FR Listening well" in page and ">Listening well<" not in page


@pytest.mark.parametrize("lessons", [1, 6])
def test_building_the_index_takes_six_queries_whatever_the_number_of_pages(academy, lessons,
                                                                          django_assert_num_queries):
    make_course(academy, modules=2, lessons=lessons)
    # Courses, then lessons: each the unpublished pages that have children (live() leaves out what is
    # below them), the view restrictions (public()) and the pages themselves.
    with django_assert_num_queries(6):
        index = build_index()
    assert len(index) == 1 + 2 * lessons
