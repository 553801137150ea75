"""Reads of published course content, each a fixed number of queries."""
from wagtail.models import Page

from .models import CoursePage, LessonExercise, LessonPage, ModulePage


def published_courses():
    """Live, public courses whose ancestors are all live, in tree order."""
    return CoursePage.objects.live().public().select_related("locale").order_by("path")


def course_structure(course: CoursePage) -> list[dict]:
    """Live modules with their live lessons and embedded exercise ids, in tree order.

    Three queries whatever the size: modules, lessons, lesson-exercise links.
    """
    modules = list(ModulePage.objects.live().child_of(course).order_by("path").values("id", "title", "path"))
    lessons = list(
        LessonPage.objects.live().descendant_of(course).order_by("path").values("id", "title", "path")
    )
    links: dict[int, list[int]] = {}
    for lesson_id, exercise_id in LessonExercise.objects.filter(course=course, lesson__live=True).values_list(
        "lesson_id", "exercise_id"
    ):
        links.setdefault(lesson_id, []).append(exercise_id)
    by_path = {m["path"]: {"id": m["id"], "title": m["title"], "lessons": []} for m in modules}
    step = Page.steplen
    for lesson in lessons:
        module = by_path.get(lesson["path"][:-step])
        if module is not None:  # a live lesson under an unpublished module is not published
            module["lessons"].append(
                {"id": lesson["id"], "title": lesson["title"], "exercises": sorted(links.get(lesson["id"], []))}
            )
    return list(by_path.values())


def live_lesson(lesson_id: int) -> LessonPage | None:
    """The published lesson, or None. `live()` already refuses a lesson under an
    unpublished module, course or curriculum (see ContentPageQuerySet)."""
    return LessonPage.objects.live().public().select_related("locale").filter(pk=lesson_id).first()


def lesson_course(lesson: LessonPage) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(lesson).first()


def published_lessons():
    """Live, public lessons whose module, course and curriculum are live too."""
    return LessonPage.objects.live().public()


def search_published(query: str, limit: int = 20) -> list[dict]:
    """Published courses then published lessons matching `query` (Wagtail's search backend:
    the database backend by default, PostgreSQL full text on PostgreSQL)."""
    courses = [{"type": "course", "id": c.pk, "title": c.title, "summary": c.summary}
               for c in published_courses().search(query)[:limit]]
    lessons = [{"type": "lesson", "id": p.pk, "title": p.title, "summary": p.summary}
               for p in published_lessons().search(query)[:limit]]
    return courses + lessons


def courses_for_language(language: str | None):
    """Live courses in `language`, falling back to the default locale's version
    of a course that has no live translation in that language."""
    from django.conf import settings
    from django.db.models import Q

    default = settings.LANGUAGE_CODE
    qs = published_courses()
    if not language or language == default:
        return qs.filter(locale__language_code=default)
    translated = qs.filter(locale__language_code=language).values("translation_key")
    return qs.filter(
        Q(locale__language_code=language)
        | (Q(locale__language_code=default) & ~Q(translation_key__in=translated))
    )


def academies_by_path() -> dict[str, dict]:
    """Academy pages keyed by tree path, to name a course's academy without a query per row."""
    from .models import AcademyPage

    return {
        path: {"id": academy_id, "slug": slug, "name": title}
        for path, academy_id, slug, title in AcademyPage.objects.values_list(
            "path", "academy_id", "academy__slug", "title"
        )
    }


def course_translations(courses) -> dict:
    """translation_key -> live language codes, in one query."""
    keys = {c.translation_key for c in courses}
    out: dict = {}
    for key, code in published_courses().filter(translation_key__in=keys).values_list(
        "translation_key", "locale__language_code"
    ):
        out.setdefault(key, []).append(code)
    return out
