"""The content API shows published content only, lesson blocks as structured JSON with
hostile rich text made inert, and its query counts do not grow with the content."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import CoursePage, LessonPage, ModulePage

from ..conftest import signed_in
from ..factories import course_lessons, course_modules, import_exercise, make_course
from .conftest import make_image
from .helpers import draft_course, draft_module, lesson

SECRET = "zanzibarword"  # a word only drafts contain


def everything(api, course=None) -> str:
    """Every answer of the content API a learner can ask for, as one string."""
    parts = [api.get("/api/v1/courses/").content, api.get(f"/api/v1/search/?q={SECRET}").content]
    for code in ("en", "fr"):
        parts.append(api.get(f"/api/v1/courses/?lang={code}").content)
    if course is not None:
        parts.append(api.get(f"/api/v1/courses/{course.pk}/").content)
    return b" ".join(parts).decode()


def lesson_ids_in(api, course) -> set[int]:
    body = api.get(f"/api/v1/courses/{course.pk}/").json()
    return {lesson["id"] for module in body["modules"] for lesson in module["lessons"]}


def assert_hidden(api, pages, course=None):
    text = everything(api, course)
    assert SECRET not in text
    for page in pages:
        if isinstance(page, LessonPage):
            assert api.get(f"/api/v1/lessons/{page.pk}/").status_code == 404
        if isinstance(page, CoursePage):
            assert api.get(f"/api/v1/courses/{page.pk}/").status_code == 404
    if course is not None and api.get(f"/api/v1/courses/{course.pk}/").status_code == 200:
        assert not {p.pk for p in pages} & lesson_ids_in(api, course)


@pytest.fixture
def course(academy):
    return make_course(academy, modules=2, lessons=2, title="Published course")


def test_a_never_published_course_and_its_lessons_are_absent(api, course):
    draft = draft_course(course.get_parent(), f"Course {SECRET}")
    module = draft_module(draft)
    published_lesson = lesson(module, f"Lesson {SECRET}", "l1", publish=True)  # live, but under drafts
    assert api.get(f"/api/v1/search/?q={SECRET}").json()["count"] == 0
    assert_hidden(api, [draft, published_lesson])


def test_a_lesson_under_an_unpublished_module_is_absent(api, course):
    module = draft_module(course, f"Module {SECRET}")
    hidden = lesson(module, f"Lesson {SECRET}", "hidden", body=[{"type": "text", "value": f"<p>{SECRET}</p>"}])
    assert hidden.live  # Wagtail lets it be live; the API must not
    assert_hidden(api, [hidden], course)


def test_a_module_unpublished_later_takes_its_lessons_with_it(api, course):
    module = course_modules(course)[0]
    lessons = list(LessonPage.objects.child_of(module))
    module.unpublish()  # Wagtail leaves the lessons live
    assert all(LessonPage.objects.filter(pk=p.pk, live=True).exists() for p in lessons)
    assert_hidden(api, lessons, course)
    assert [m["id"] for m in api.get(f"/api/v1/courses/{course.pk}/").json()["modules"]] == \
        [course_modules(course)[1].pk]


def test_a_course_under_an_unpublished_curriculum_is_absent(api, course):
    course.get_parent().specific.unpublish()
    assert api.get("/api/v1/courses/").json()["count"] == 0
    assert api.get(f"/api/v1/courses/{course.pk}/").status_code == 404
    for page in course_lessons(course):
        assert api.get(f"/api/v1/lessons/{page.pk}/").status_code == 404


def test_draft_lessons_and_private_courses_are_absent(api, course, academy):
    module = course_modules(course)[0]
    draft = lesson(module, f"Lesson {SECRET}", "draft", publish=False)
    assert_hidden(api, [draft], course)
    private = make_course(academy, modules=1, lessons=1, title=f"Private {SECRET}")
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    assert_hidden(api, [private, *course_lessons(private)])


def test_unpublished_changes_never_show_only_the_live_content(api, course):
    first = course_lessons(course)[0]
    page = LessonPage.objects.get(pk=first.pk)
    page.title = f"Draft {SECRET}"
    page.body = [{"type": "text", "value": f"<p>Draft {SECRET}</p>"}]
    page.save_revision()
    course_draft = CoursePage.objects.get(pk=course.pk)
    course_draft.title, course_draft.summary = f"Title {SECRET}", f"Summary {SECRET}"
    course_draft.save_revision()
    module_draft = ModulePage.objects.get(pk=course_modules(course)[0].pk)
    module_draft.title = f"Module {SECRET}"
    module_draft.save_revision()

    assert CoursePage.objects.get(pk=course.pk).has_unpublished_changes
    assert SECRET not in everything(api, course)
    body = api.get(f"/api/v1/lessons/{first.pk}/").json()
    assert body["title"] == "Lesson 1.1"
    assert body["blocks"][0]["value"]["html"] == "<p>Read this.</p>"
    assert SECRET not in api.get(f"/api/v1/lessons/{first.pk}/").content.decode()
    assert api.get("/api/v1/courses/").json()["results"][0]["title"] == "Published course"


def test_search_finds_published_courses_and_lessons(api, course):
    page = course_lessons(course)[0]
    page.title = "Reading the room"
    page.save_revision().publish()
    results = api.get("/api/v1/search/?q=room").json()["results"]
    assert {"type": "lesson", "id": page.pk} in [{"type": r["type"], "id": r["id"]} for r in results]
    assert any(r["type"] == "course" for r in api.get("/api/v1/search/?q=Published").json()["results"])
    from cms.selectors import search_published

    assert search_published("room") == results  # the selector the view can delegate to


# --- lesson blocks ---------------------------------------------------------------------------

HOSTILE = ('<p>Hello <script>alert("x")</script><img src="x" onerror="alert(1)">'
           '<a href="javascript:alert(2)">click</a> <a href="https://example.org/" onclick="steal()">ok</a>'
           '<iframe src="https://evil.example"></iframe><span style="color:red" onmouseover="x()">styled</span></p>')


def assert_inert(html: str):
    lowered = html.lower()
    for needle in ("<script", "onerror", "onclick", "onmouseover", "javascript:", "<iframe", "<img", "style="):
        assert needle not in lowered, (needle, html)


def test_lesson_blocks_are_structured_json(api, academy, course):
    exercise = import_exercise(academy)
    image = make_image(academy, "negotiation-table", size=(1600, 900))
    page = course_lessons(course)[0]
    page.body = [
        {"type": "text", "value": "<h2>Interests</h2><p>Ask <strong>why</strong>.</p>"},
        {"type": "key_points", "value": ["Listen first", "Summarise fairly"]},
        {"type": "quotation", "value": {"text": "Diplomacy is listening.", "attribution": "A mediator"}},
        {"type": "case_study", "value": {"title": "The river", "body": "<p>Two states share a river.</p>"}},
        {"type": "glossary_term", "value": {"term": "BATNA", "definition": "Best alternative."}},
        {"type": "reflection", "value": {"prompt": "When did you last feel heard?"}},
        {"type": "image", "value": {"image": image.pk, "alt": "A round table", "caption": "Talks"}},
        {"type": "audio", "value": {"title": "A tense call", "url": "https://media.example/call.mp3",
                                    "transcript": "Minister: we need water."}},
        {"type": "video", "value": {"title": "Opening", "url": "https://media.example/v.mp4",
                                    "captions_url": "https://media.example/v.vtt", "transcript": "Welcome."}},
        {"type": "exercise", "value": {"exercise": exercise.pk}},
    ]
    page.save_revision().publish()
    body = api.get(f"/api/v1/lessons/{page.pk}/").json()
    blocks = {b["type"]: b for b in body["blocks"]}
    assert [b["type"] for b in body["blocks"]] == ["text", "key_points", "quotation", "case_study",
                                                   "glossary_term", "reflection", "image", "audio", "video",
                                                   "exercise"]
    assert all(b["id"] for b in body["blocks"])
    assert blocks["text"]["value"] == {"html": "<h2>Interests</h2><p>Ask <strong>why</strong>.</p>"}
    assert blocks["key_points"]["value"] == {"items": ["Listen first", "Summarise fairly"]}
    assert blocks["case_study"]["value"] == {"title": "The river", "html": "<p>Two states share a river.</p>"}
    picture = blocks["image"]["value"]
    assert (picture["id"], picture["alt"], picture["caption"]) == (image.pk, "A round table", "Talks")
    assert (picture["width"], picture["height"]) == (1600, 900)
    assert [r["width"] for r in picture["renditions"]] == [480, 1200]
    assert all(r["url"].endswith(".webp") and r["format"] == "webp" for r in picture["renditions"])
    assert blocks["audio"]["value"]["transcript"] == "Minister: we need water."
    assert blocks["video"]["value"]["captions_url"] == "https://media.example/v.vtt"
    assert blocks["exercise"]["value"] == {"exercise": exercise.pk, "kind": "scenario", "title": exercise.title}
    assert body["exercises"] == [exercise.pk]
    course_body = api.get(f"/api/v1/courses/{course.pk}/").json()
    assert course_body["modules"][0]["lessons"][0]["exercises"] == [exercise.pk]


def test_hostile_rich_text_is_inert_in_the_api_and_the_preview(api, academy, course, editor_a, academy_a):
    page = course_lessons(course)[0]
    page.body = [{"type": "text", "value": HOSTILE},
                 {"type": "case_study", "value": {"title": "Case", "body": HOSTILE}}]
    page.save_revision().publish()
    blocks = api.get(f"/api/v1/lessons/{page.pk}/").json()["blocks"]
    for html in (blocks[0]["value"]["html"], blocks[1]["value"]["html"]):
        assert_inert(html)
        assert '<a href="https://example.org/" rel="noopener noreferrer">ok</a>' in html
        assert "Hello" in html and "styled" in html

    # The admin preview renders the same sanitised HTML.
    own_course = make_course(academy_a, modules=1, lessons=1)
    own = course_lessons(own_course)[0]
    own.body = [{"type": "text", "value": HOSTILE}]
    own.save_revision()
    preview = signed_in(editor_a).get(f"/cms/pages/{own.pk}/view_draft/")
    assert preview.status_code == 200
    assert_inert(preview.content.decode().split("<main", 1)[1])


# --- query counts --------------------------------------------------------------------------------


def queries(api, url) -> int:
    assert api.get(url).status_code == 200  # warm up: renditions are made on first use
    with CaptureQueriesContext(connection) as captured:
        assert api.get(url).status_code == 200
    return len(captured.captured_queries)


def test_course_detail_queries_do_not_grow_with_modules_and_lessons(api, academy, django_assert_num_queries):
    exercise = import_exercise(academy)
    small = make_course(academy, modules=1, lessons=3, exercises_in={(0, 0): [exercise.pk]})
    large = make_course(academy, modules=3, lessons=6,
                        exercises_in={(m, n): [exercise.pk] for m in range(3) for n in range(6)})
    expected = queries(api, f"/api/v1/courses/{small.pk}/")
    queries(api, f"/api/v1/courses/{large.pk}/")
    with django_assert_num_queries(expected):
        body = api.get(f"/api/v1/courses/{large.pk}/").json()
    assert sum(len(m["lessons"]) for m in body["modules"]) == 18


def test_lesson_queries_do_not_grow_with_images(api, academy, course, django_assert_num_queries):
    exercise = import_exercise(academy)
    one, four = course_lessons(course)[:2]
    for page, count in ((one, 1), (four, 4)):
        page.body = [{"type": "image", "value": {"image": make_image(academy, f"p{page.pk}-{n}").pk,
                                                 "alt": "alt", "caption": ""}} for n in range(count)] + [
            {"type": "exercise", "value": {"exercise": exercise.pk}}]
        page.save_revision().publish()
    expected = queries(api, f"/api/v1/lessons/{one.pk}/")
    queries(api, f"/api/v1/lessons/{four.pk}/")
    with django_assert_num_queries(expected):
        body = api.get(f"/api/v1/lessons/{four.pk}/").json()
    assert len([b for b in body["blocks"] if b["type"] == "image"]) == 4


def test_course_list_queries_do_not_grow_with_courses(api, academy, django_assert_num_queries):
    def add_courses(count):
        for _ in range(count):
            course = make_course(academy, modules=1, lessons=1)
            course.cover_image = make_image(academy, f"cover-{course.pk}")
            course.save_revision().publish()

    add_courses(2)
    expected = queries(api, "/api/v1/courses/")
    add_courses(4)
    queries(api, "/api/v1/courses/")
    with django_assert_num_queries(expected):
        body = api.get("/api/v1/courses/").json()
    assert body["count"] == 6 and all(c["cover"]["renditions"] for c in body["results"])
