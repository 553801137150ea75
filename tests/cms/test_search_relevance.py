"""What search finds on the demo curriculum (issue 20, finding 4): queries as people type them, each
with the pages a reader would expect, checked for recall (every expected page is found). The figures
per query are in docs/search.md; `PARLEY_SEARCH_FIGURES=1 pytest -s` prints them again.

The expected pages are named by their slugs (course, or course/lesson) and language, so that a demo
text rewritten without changing its subject keeps the set true."""
import io
import os

import pytest
from django.core.management import call_command

from cms.models import CoursePage, LessonPage
from cms.search import search_pages

pytestmark = pytest.mark.django_db

# query -> pages expected among the results: "course" or "course/lesson", with the language after "@".
RELEVANCE = {
    "negotiating": {"negotiation@en", "negotiation/preparing-to-negotiate@en"},
    "negot": {"negotiation@en", "negotiation/preparing-to-negotiate@en"},
    "water": {"negotiation/river-scenario@en"},
    "social media": {"mediation-for-peace/early-warning@en"},
    "écoute": {"active-listening@fr"},
    "Écoute": {"active-listening@fr"},
    "ecoute": {"active-listening@fr"},
    "listening": {"active-listening@en", "active-listening/listening-across-cultures@en",
                  "active-listening/summarising-fairly@en", "active-listening/coalition-scenario@en"},
    "open questions": {"active-listening/open-questions@en"},
    "filter bubble": {"digital-diplomacy/filter-bubbles@en"},
    "best alternative": {"negotiation/knowing-your-alternatives@en"},
    "escalation": {"mediation-for-peace/how-conflicts-escalate@en"},
    "early warning": {"mediation-for-peace/early-warning@en"},
    "women": {"mediation-for-peace/inclusion-women-youth@en"},
    "mayor": {"mediation-for-peace/local-actors@en"},
    "packages": {"negotiation@en", "negotiation/packaging-trade-offs@en"},
    "privacy": {"digital-diplomacy/data-responsibly@en"},
    "bots": {"digital-diplomacy/bots-and-campaigns@en"},
    "interets": {"active-listening/positions-and-interests@fr"},
    "résumer": {"active-listening/summarising-fairly@fr"},
    "mediar": {"mediacion-vecinal@es"},
    "agua": {"mediacion-vecinal/practica-el-pozo-compartido@es"},
    "الشائعة": {"tahaqquq-qabl-al-nashr/hin-tantashir-al-shaia@ar"},
}


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch):
    settings.DEMO_MODE = True
    monkeypatch.setattr("courses.management.commands.load_demo.VAR_DIR", tmp_path)
    call_command("load_demo", stdout=io.StringIO())


def names() -> dict[tuple[str, int], str]:
    """(type, page id) -> "course[/lesson]@language" for every course and lesson."""
    found = {}
    courses = {c.path: c for c in CoursePage.objects.select_related("locale")}
    for course in courses.values():
        found[("course", course.pk)] = f"{course.slug}@{course.locale.language_code}"
    for lesson in LessonPage.objects.select_related("locale"):
        course = next(c for path, c in courses.items() if lesson.path.startswith(path))
        found[("lesson", lesson.pk)] = f"{course.slug}/{lesson.slug}@{lesson.locale.language_code}"
    return found


def results(query: str, pages: dict) -> set[str]:
    return {pages[(hit["type"], hit["id"])] for hit in search_pages(query)}


def test_every_expected_page_is_found_for_every_query(demo):
    pages = names()
    missed = {query: sorted(expected - results(query, pages)) for query, expected in RELEVANCE.items()}
    figures = {query: (len(expected) - len(missed[query]), len(expected), len(results(query, pages)))
               for query, expected in RELEVANCE.items()}
    if os.environ.get("PARLEY_SEARCH_FIGURES"):
        print("\n| query | expected found | results |\n|---|---|---|")
        for query, (hit, expected, total) in figures.items():
            print(f"| {query} | {hit}/{expected} | {total} |")
    assert {query: pages for query, pages in missed.items() if pages} == {}


def test_the_catalogues_examples_find_courses_and_any_language_lists_every_course(demo):
    from django.test import Client

    client = Client()
    placeholder = client.get("/courses/").content.decode().split('placeholder="', 1)[1].split('"', 1)[0]
    examples = [word.strip(" …") for word in placeholder.split(",")]
    assert examples == ["negotiation", "water", "social media"]
    for example in examples:
        page = client.get("/courses/", {"q": example}).content.decode()
        assert 'class="cards"' in page, f"the placeholder's example {example!r} finds no course"
    everything = client.get("/courses/", {"language": ""}).content.decode()
    for course in CoursePage.objects.live():
        assert f"/courses/{course.pk}/" in everything, f"{course.title} is missing under Any language"
