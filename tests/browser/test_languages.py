"""The site in its four interface languages: each main journey (home, catalogue, a course, a lesson, a
scenario being played, its result, the teacher's class page) is in the interface language, with no sentence
of the English interface left in French, Spanish or Arabic, and passes axe at desktop (1280 px) and phone
(390 px) widths without scrolling sideways; Arabic is laid out right to left, with English content kept left
to right inside it; the French header stays on one line at 1280 px.

Learners and the teacher are signed in by session cookie and pick their language by the language cookie,
so these tests need no sign-in page (other tests walk those)."""
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from assessments.models import Attempt, Exercise
from assessments.services import attempt_submit
from cms.models import CoursePage, LessonPage
from courses import services as course_services
from courses.models import SchoolClass

from .conftest import DESKTOP, check_accessibility, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE_390 = {"width": 390, "height": 800}
WIDE = {"width": 1440, "height": 900}  # past 68rem the header stops growing: the widest it gets
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"

# Per interface language: the demo course written in it (or translated into it), its scenario with a path that
# reaches an outcome, and a few of the interface's words the pages must show.
CASES = {
    "en": {"course": ("active-listening", "en"), "scenario": "youth-coalition-model-un",
           "steps": [{"node": "caucus", "choice": "ask_felix"}, {"node": "felix_interests", "choice": "summarise"},
                     {"node": "felix_summary", "reply": "Your factories and workers need a gradual phase out "
                                                        "timetable, and you want to be seen leading; we need "
                                                        "funding for coastal clean up."},
                     {"node": "merge_offer", "choice": "joint_with_amara"},
                     {"node": "floor_debate", "choice": "yield_to_amara"}, {"node": "end_agreement"}],
           "nav": "My progress", "play": "Start the scenario", "result": "Passed"},
    "fr": {"course": ("active-listening", "fr"), "scenario": "coalition-ecoute-fr",
           "steps": [{"node": "couloir", "choice": "questionner"},
                     {"node": "interets", "reply": "Votre groupe a besoin d’une sortie progressive pour protéger "
                                                   "les usines et les emplois ; notre texte a besoin d’un fonds."},
                     {"node": "offre", "choice": "avec_amina"}, {"node": "fin_accord"}],
           "nav": "Ma progression", "play": "Commencer le scénario", "result": "Réussi"},
    "es": {"course": ("mediacion-vecinal", "es"), "scenario": "pozo-compartido-es",
           "steps": [{"node": "llegada", "choice": "reglas"},
                     {"node": "rosa_habla", "reply": "Si lo he entendido bien, teme perder la cosecha del huerto "
                                                     "que cavaron juntos sus abuelos. ¿Es así?"},
                     {"node": "propuestas", "choice": "preguntar"}, {"node": "acuerdo"}],
           "nav": "Mi progreso", "play": "Empezar el escenario", "result": "Aprobado"},
    # The Arabic demo course has a quiz; its learners also play the English scenario, English inside Arabic.
    "ar": {"course": ("tahaqquq-qabl-al-nashr", "ar"), "scenario": "youth-coalition-model-un",
           "steps": [{"node": "caucus", "choice": "ask_felix"}, {"node": "felix_interests", "choice": "summarise"},
                     {"node": "felix_summary", "reply": "Your factories and workers need a gradual phase out "
                                                        "timetable, and you want to be seen leading; we need "
                                                        "funding for coastal clean up."},
                     {"node": "merge_offer", "choice": "joint_with_amara"},
                     {"node": "floor_debate", "choice": "yield_to_amara"}, {"node": "end_agreement"}],
           "nav": "تقدّمي", "play": "ابدأ السيناريو", "result": "ناجح"},
}


def expect():
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def english_sentences(code: str) -> list[str]:
    """The interface's English sentences of three words or more that the catalogue translates: none may
    be on a page in `code` (placeholders cut, so each piece is text a page would show as it is)."""
    pieces = set()
    for entry in polib.pofile(str(LOCALE_DIR / code / "LC_MESSAGES" / "django.po")):
        if entry.obsolete or not entry.translated() or entry.msgstr == entry.msgid or "<" in entry.msgid:
            continue
        for piece in re.split(r"%\(\w+\)s|%%|\n", entry.msgid):
            piece = piece.strip(" .,:;()“”\"")
            if len(piece.split()) >= 3:
                pieces.add(piece)
    return sorted(pieces)


# The page's text without the content written in another language (elements with their own lang) and
# without the language picker, whose options are named in their own languages.
INTERFACE_TEXT = """(code) => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll(`[lang]:not([lang="${code}"]), #lang-select, script`).forEach((el) => el.remove());
  return copy.innerText;
}"""


def assert_interface_in(page, code: str, sentences: list[str], name: str):
    assert page.evaluate("document.documentElement.lang") == code, name
    text = page.evaluate(INTERFACE_TEXT, code)
    left = [s for s in sentences if s in text]
    assert not left, f"{name} in {code} still shows English: {left[:5]}"


def test_the_check_finds_the_english_interface(live_server, signed_in_page):
    """The detector the tests below rely on: the English home page shows the English sentences."""
    page = signed_in_page("demo-student", "en")
    page.goto(live_server.url + "/")
    with pytest.raises(AssertionError, match="still shows English"):
        assert_interface_in(page, "en", english_sentences("fr"), "home")


def header_on_one_line(page) -> bool:
    """Brand, navigation and language form share one row, and the navigation's items one line."""
    return page.evaluate("""() => {
      const parts = [...document.querySelectorAll('.header-inner > *')].map((el) => el.getBoundingClientRect());
      const items = [...document.querySelectorAll('.site-header nav li')].map((el) => el.getBoundingClientRect());
      const oneRow = (boxes) => boxes.every((b) => b.top < boxes[0].bottom && b.bottom > boxes[0].top);
      return oneRow(parts) && oneRow(items);
    }""")


@pytest.fixture
def signed_in_page(browser, demo, live_server):
    """`make(username, code)`: a page of a new browser context signed in as `username`, in language `code`."""
    from .conftest import serve_media

    contexts = []

    def make(username, code, viewport=DESKTOP):
        client = Client()
        client.force_login(User.objects.get(username=username))
        context = browser.new_context(viewport=viewport, locale="en-GB")
        serve_media(context, demo["media"])
        context.set_default_timeout(15_000)
        context.add_cookies([
            {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
             "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "url": live_server.url},
        ])
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def journey(code: str, live_server):
    """The pages of each journey for `code`, with what the test needs to find them."""
    case = CASES[code]
    student = User.objects.get(username="demo-student")
    slug, course_locale = case["course"]
    course = CoursePage.objects.live().get(slug=slug, locale__language_code=course_locale)
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    scenario = Exercise.objects.get(slug=case["scenario"])
    scenario_lesson = next(p for p in LessonPage.objects.live().order_by("path")
                           if any(b.block_type == "exercise" and b.value["exercise"].pk == scenario.pk
                                  for b in p.body))
    for page in (course, CoursePage.objects.ancestor_of(scenario_lesson).get()):
        course_services.enrol(learner=student, course=page)
    return {"course": course, "lesson": lesson, "scenario": scenario, "case": case}


def visit_student_pages(page, base, data, check):
    """Home, catalogue, course, lesson, the scenario player started, and a graded result; `check(name)` runs
    on each page once it has loaded."""
    ex = expect()
    case, scenario = data["case"], data["scenario"]
    for name, url in (("home", "/"), ("catalogue", "/courses/"), ("course", f"/courses/{data['course'].pk}/"),
                      ("lesson", f"/lessons/{data['lesson'].pk}/")):
        page.goto(base + url)
        ex(page.locator("header nav")).to_contain_text(case["nav"])
        check(name)

    page.goto(f"{base}/exercises/{scenario.pk}/")
    ex(page.locator("#start-button")).to_contain_text(case["play"])
    page.wait_for_selector("#stage[data-ready=true]", state="attached")
    page.click("#start-button")
    page.wait_for_selector("#node .choice")
    check("scenario player")

    student = User.objects.get(username="demo-student")
    Attempt.objects.filter(learner=student, exercise=scenario).delete()  # the one just started
    attempt, _ = attempt_submit(exercise=scenario, learner=student, answers={"steps": case["steps"]})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED and attempt.result["passed"], attempt.result
    page.goto(f"{base}/attempts/{attempt.pk}/")
    ex(page.locator(".verdict")).to_contain_text(case["result"])
    check("result")
    return attempt


def visit_teacher_page(page, base, check):
    school_class = SchoolClass.objects.get(name="Demo class 9B")
    page.goto(f"{base}/teach/classes/{school_class.pk}/")
    expect()(page.locator("#the-code")).to_have_text(school_class.join_code)
    check("class page")


def fits_and_passes_axe(page, name: str, code: str):
    """At desktop and phone widths: axe finds nothing serious, and nothing scrolls sideways on the phone."""
    for viewport in (DESKTOP, PHONE_390):
        page.set_viewport_size(viewport)
        check_accessibility(page, f"{name} in {code} at {viewport['width']} px")
        if viewport is PHONE_390:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE_390["width"], f"{name} in {code} scrolls sideways at 390 px ({width} px)"
    page.set_viewport_size(DESKTOP)


@pytest.mark.parametrize("code", ["en", "fr", "es"])
def test_the_journeys_are_in_each_language_at_both_widths_and_the_french_header_fits(code, live_server,
                                                                                     signed_in_page):
    """The learner's and the teacher's main journeys (and the editor's academy page) in English, French and
    Spanish: each page in the interface language, passing axe at 1280 px and 390 px; Arabic has its own test
    below (right to left)."""
    base, sentences = live_server.url, english_sentences(code) if code != "en" else []
    data = journey(code, live_server)
    for username, visit in (("demo-student", lambda p, check: visit_student_pages(p, base, data, check)),
                            ("demo-teacher", lambda p, check: visit_teacher_page(p, base, check)),
                            ("demo-editor", lambda p, check: (p.goto(base + "/academy/"), check("academy")))):
        page = signed_in_page(username, code)

        def check(name, page=page):
            assert page.evaluate("document.documentElement.dir") in ("", "ltr"), name
            assert_interface_in(page, code, sentences, name)
            fits_and_passes_axe(page, name, code)
            if code == "fr":
                for viewport in (DESKTOP, WIDE):
                    page.set_viewport_size(viewport)
                    assert header_on_one_line(page), \
                        f"the French header wraps at {viewport['width']} px on the {name} page"
                page.set_viewport_size(DESKTOP)

        visit(page, check)
    if code == "fr":
        # French typography: a no-break space before the colon of the title, which no line break can separate.
        student_page = signed_in_page("demo-student", code)
        attempt = Attempt.objects.filter(learner__username="demo-student", exercise=data["scenario"]).latest("pk")
        student_page.goto(f"{base}/attempts/{attempt.pk}/")
        assert student_page.title().startswith("Votre résultat\u00a0: \u2068Huit coparrains avant la reprise\u2069")


def test_arabic_is_right_to_left_with_english_content_left_to_right_and_passes_axe(live_server, signed_in_page):
    base, sentences = live_server.url, english_sentences("ar")
    data = journey("ar", live_server)
    for username, visit in (("demo-student", lambda p, check: visit_student_pages(p, base, data, check)),
                            ("demo-teacher", lambda p, check: visit_teacher_page(p, base, check))):
        page = signed_in_page(username, "ar")

        def check(name, page=page):
            assert page.evaluate("document.documentElement.dir") == "rtl", name
            assert_interface_in(page, "ar", sentences, name)
            fits_and_passes_axe(page, name, "ar")
            if name in ("catalogue", "result"):  # README's pictures of the Arabic interface
                screenshot(page, f"{name}-arabic")

        visit(page, check)

    # English content inside the Arabic interface reads left to right, its full stops at its end.
    page = signed_in_page("demo-student", "ar")
    english = CoursePage.objects.live().get(slug="active-listening", locale__language_code="en")
    lesson = LessonPage.objects.live().descendant_of(english).order_by("path").first()
    page.goto(f"{base}/lessons/{lesson.pk}/")
    assert page.evaluate("getComputedStyle(document.querySelector('.blocks p')).direction") == "ltr"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    page.goto(f"{base}/courses/?language=en")
    summary = page.locator(".course-card p[lang=en]").first
    assert summary.evaluate("(el) => getComputedStyle(el).direction") == "ltr"
