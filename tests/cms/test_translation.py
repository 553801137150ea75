"""Translations: locales in every database, a translated course as a linked tree, learners
served their language with a fallback to the original, and wagtail-localize in the admin."""
import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from wagtail.models import Locale, Page

from cms.models import AcademyPage, CoursePage, LessonPage, ModulePage

from ..conftest import signed_in
from ..factories import course_lessons, course_modules, make_course
from .conftest import LANGUAGES


def translate(page, locale, **fields):
    """A published translation of `page` (its ancestors translated and published first)."""
    for ancestor in page.get_ancestors().filter(depth__gt=1).specific():
        copy = ancestor.get_translation_or_none(locale)
        if copy is None:
            copy = ancestor.copy_for_translation(locale)
        if not copy.live:
            copy.specific.save_revision().publish()
    copy = (page.get_translation_or_none(locale) or page.copy_for_translation(locale)).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return type(copy).objects.get(pk=copy.pk)


def translate_course(course, locale, prefix):
    """The whole course tree in `locale`, titles prefixed."""
    fr_course = translate(course, locale, title=f"{prefix} {course.title}")
    for module in course_modules(course):
        translate(module, locale, title=f"{prefix} {module.title}")
        for lesson in LessonPage.objects.child_of(module):
            translate(lesson, locale, title=f"{prefix} {lesson.title}")
    return fr_course


def test_the_four_locales_come_with_the_migrations_and_arabic_is_right_to_left(db):
    codes = set(Locale.objects.values_list("language_code", flat=True))
    assert set(LANGUAGES) <= codes
    assert Locale.objects.get(language_code="ar").is_bidi
    assert not Locale.objects.get(language_code="fr").is_bidi
    assert {code for code, _ in settings.WAGTAIL_CONTENT_LANGUAGES} == set(LANGUAGES)
    migration = importlib.import_module("cms.migrations.0002_locales")
    migration.create_locales(django_apps, None)  # idempotent
    assert Locale.objects.filter(language_code__in=LANGUAGES).count() == 4


def test_wagtail_localize_is_installed():
    assert "wagtail_localize" in settings.INSTALLED_APPS
    assert "wagtail_localize.locales" in settings.INSTALLED_APPS
    assert settings.WAGTAIL_I18N_ENABLED


def test_a_translated_course_is_a_linked_tree(academy, locales):
    course = make_course(academy, modules=2, lessons=2)
    fr_course = translate_course(course, locales["fr"], "FR")
    assert fr_course.translation_key == course.translation_key and fr_course.locale == locales["fr"]
    assert fr_course.get_translation(locales["en"]).pk == course.pk
    for module in course_modules(course):
        fr_module = ModulePage.objects.get(translation_key=module.translation_key, locale=locales["fr"])
        assert fr_module.get_parent().pk == fr_course.pk
        for lesson in LessonPage.objects.child_of(module):
            fr_lesson = LessonPage.objects.get(translation_key=lesson.translation_key, locale=locales["fr"])
            assert fr_lesson.get_parent().pk == fr_module.pk
            assert fr_lesson.title == f"FR {lesson.title}"
    # The French academy page belongs to the same academy.
    fr_academy = AcademyPage.objects.get(locale=locales["fr"], academy=academy)
    assert fr_course.get_ancestors().filter(pk=fr_academy.pk).exists()


def catalogue(api, **params):
    headers = params.pop("headers", {})
    return {c["id"]: c for c in api.get("/api/v1/courses/", params, headers=headers).json()["results"]}


def test_learners_get_their_language_with_a_fallback(api, academy, locales):
    translated = make_course(academy, modules=1, lessons=1, title="Listening")
    untranslated = make_course(academy, modules=1, lessons=1, title="Negotiation")
    fr_course = translate_course(translated, locales["fr"], "FR")

    english = catalogue(api)
    assert set(english) == {translated.pk, untranslated.pk}
    assert english[translated.pk]["translations"] == ["en", "fr"]

    french = catalogue(api, lang="fr")
    assert set(french) == {fr_course.pk, untranslated.pk}
    assert french[fr_course.pk]["language"] == "fr" and french[fr_course.pk]["title"] == "FR Listening"
    assert french[untranslated.pk]["language"] == "en"

    # No Spanish translation at all: everything in English.
    assert set(catalogue(api, lang="es")) == {translated.pk, untranslated.pk}


def test_accept_language_is_the_default_and_lang_wins(api, academy, locales):
    translated = make_course(academy, modules=1, lessons=1)
    fr_course = translate_course(translated, locales["fr"], "FR")
    assert set(catalogue(api, headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})) == {fr_course.pk}
    assert set(catalogue(api, lang="en", headers={"Accept-Language": "fr"})) == {translated.pk}
    assert set(catalogue(api, headers={"Accept-Language": "de"})) == {translated.pk}


def test_the_language_filter_lists_the_courses_in_that_language_whatever_the_interface_language(
        api, academy, locales):
    translated = make_course(academy, modules=1, lessons=1, title="Listening")
    make_course(academy, modules=1, lessons=1, title="Negotiation")
    fr_course = translate_course(translated, locales["fr"], "FR")
    assert set(catalogue(api, language="fr")) == {fr_course.pk}
    assert set(catalogue(api, language="fr", lang="en")) == {fr_course.pk}
    assert set(catalogue(api, language="en", lang="fr")) == set(catalogue(api, language="en"))


def test_an_unpublished_translation_falls_back_to_the_original(api, academy, locales):
    course = make_course(academy, modules=1, lessons=1)
    fr_course = translate_course(course, locales["fr"], "FR")
    fr_course.unpublish()
    assert set(catalogue(api, lang="fr")) == {course.pk}
    # A French tree whose French curriculum page is unpublished is not published either.
    fr_course.save_revision().publish()
    fr_course.get_parent().specific.unpublish()
    assert set(catalogue(api, lang="fr")) == {course.pk}


def test_the_french_course_and_lessons_are_served_by_their_own_ids(api, academy, locales):
    course = make_course(academy, modules=1, lessons=2)
    fr_course = translate_course(course, locales["fr"], "FR")
    detail = api.get(f"/api/v1/courses/{fr_course.pk}/").json()
    assert detail["language"] == "fr"
    fr_lessons = course_lessons(fr_course)
    assert [m["title"] for m in detail["modules"]] == ["FR Module 1"]
    assert [lesson["id"] for lesson in detail["modules"][0]["lessons"]] == [p.pk for p in fr_lessons]

    body = api.get(f"/api/v1/lessons/{fr_lessons[0].pk}/").json()
    assert body["language"] == "fr" and body["title"] == "FR Lesson 1.1"
    assert body["course"] == fr_course.pk and body["next"] == fr_lessons[1].pk
    assert body["module"] == course_modules(fr_course)[0].pk


def test_an_editor_translates_with_wagtail_localize_and_edits_the_translation(editor_a, academy_a, locales):
    course = make_course(academy_a, modules=1, lessons=1, title="Listening")
    client = signed_in(editor_a)
    response = client.post(f"/cms/localize/submit/page/{course.pk}/", {"locales": [locales["fr"].pk]})
    assert response.status_code == 302, response.content[:500]
    fr_course = CoursePage.objects.get(translation_key=course.translation_key, locale=locales["fr"])
    assert fr_course.get_parent().specific.translation_key == course.get_parent().translation_key
    # The translated tree is the same academy's: its editors work on it (the string editor).
    assert client.get(f"/cms/pages/{fr_course.pk}/edit/").status_code == 200
    fr_academy = AcademyPage.objects.get(locale=locales["fr"], academy=academy_a)
    assert fr_academy.get_workflow().name == f"{academy_a.name} review"


@pytest.mark.parametrize("code", ["fr", "es", "ar"])
def test_translated_academy_pages_get_the_academys_permissions(academy_a, editor_a, locales, code):
    page = AcademyPage.of(academy_a)
    copy = page.copy_for_translation(locales[code], copy_parents=True)
    assert copy.permissions_for_user(editor_a).can_edit()
    assert Page.objects.get(pk=copy.pk).get_workflow().name == f"{academy_a.name} review"
