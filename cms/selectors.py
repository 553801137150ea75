"""Reads of published course content, each a fixed number of queries."""
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from wagtail.models import Page

from .models import CoursePage, LessonExercise, LessonPage, ModulePage

# The published course and its structure are read by every course, lesson
# and progress request and change only when pages are saved, published,
# unpublished, moved or deleted (or a view restriction changes), so they are
# cached, each entry tagged with the tree's generation, which any such change
# replaces (structure_changed, wired in cms/signals.py). One generation, not a
# key per course: a move or an unpublished ancestor changes courses other than
# the page's own, and changes are rare next to reads. An entry and the current
# generation come back in one round trip (get_many).
GENERATION_KEY = "cms:tree:generation"
# Bounds how long a missed invalidation (the cache unreachable during a publish) can serve an old tree.
CACHE_TIMEOUT = 600

log = logging.getLogger(__name__)


def _tree_cache_enabled() -> bool:
    """settings.PAGE_TREE_CACHE; every default cache the settings choose (Redis, or files under
    var/) is shared by all processes, so a publish in one (the worker publishes scheduled pages)
    reaches the entries that the others read."""
    return settings.PAGE_TREE_CACHE


def _cached(key: str, compute):
    """compute() as cached under the current generation; a None result is not cached."""
    if not _tree_cache_enabled():
        return compute()
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:  # first use, or evicted: a fresh one matches no older entry
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            generation = cache.get(GENERATION_KEY)
    except Exception as exc:  # noqa: BLE001 - without the cache, read the database: slower, never stale
        log.warning("page tree cache unavailable (%s)", exc)
        return compute()
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = compute()
    if value is not None:
        try:
            cache.set(key, (generation, value), CACHE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001
            log.warning("page tree cache not written (%s)", exc)
    return value


def structure_changed(**kwargs) -> None:
    """Signal receiver: the page tree changed, so every cached course and structure is out of date.

    Now, for this process and the tests' transactions, and again on commit:
    a request that read the tree before the change committed may have cached
    the old state under the generation set now.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, None)
    except Exception as exc:  # noqa: BLE001 - a publish must not fail on the cache; entries expire anyway
        log.error("page tree cache not invalidated (%s); entries expire within %s s", exc, CACHE_TIMEOUT)


def published_courses():
    """Live, public courses whose ancestors are all live, in tree order.

    Building it costs two queries (the unpublished pages' paths for live(), the view restrictions for
    public()); filtering it costs none. A request that reads courses more than once builds it once and
    passes it down as `published` to the selectors below."""
    return CoursePage.objects.live().public().select_related("locale").order_by("path")


def published_course(course_id: int) -> CoursePage | None:
    """The course if it is published (live, reachable and public), else None. Cached (see above)."""
    return _cached(f"cms:course:{course_id}", lambda: published_courses().filter(pk=course_id).first())


def course_structure(course: CoursePage) -> list[dict]:
    """Live modules with their live lessons and embedded exercise ids, in tree order.

    Cached (see above); on a miss five queries whatever the size: the modules and the lessons (two
    each: live() reads the unpublished pages' paths first), the lesson-exercise links. Each call returns its own copy.
    """
    return _cached(f"cms:structure:{course.pk}", lambda: _course_structure(course))


def _course_structure(course: CoursePage) -> list[dict]:
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


def course_page(course_id: int) -> dict | None:
    """What the course page shows of a published course, or None: {"course", "modules" (as
    course_structure), "academy" (its academy's name)}. Cached as one entry (see above), so a warm
    read is one cache round trip; each call returns its own copy."""
    return _cached(f"cms:course-page:{course_id}", lambda: _course_page(course_id))


def _course_page(course_id: int) -> dict | None:
    course = published_courses().filter(pk=course_id).first()
    if course is None:
        return None
    return {"course": course, "modules": _course_structure(course),
            "academy": _academy_names().get(course.path[: Page.steplen * 3])}


def published_lesson(lesson_id: int) -> tuple[LessonPage, dict] | None:
    """The published lesson and its course's page data (as course_page), or None. Which course a
    published lesson is in and that course's structure are cached as one entry (see above), so a
    warm read is one cache round trip and the lesson's row: its body is read fresh."""
    page = _cached(f"cms:lesson-page:{lesson_id}", lambda: _lesson_page(lesson_id))
    if page is None:
        return None
    lesson = LessonPage.objects.select_related("locale").filter(pk=lesson_id, live=True).first()
    return (lesson, page) if lesson is not None else None


def _lesson_page(lesson_id: int) -> dict | None:
    lesson = live_lesson(lesson_id)
    course = lesson_course(lesson) if lesson is not None else None
    return _course_page(course.pk) if course is not None else None


def _academy_names() -> dict[str, str]:
    """Academy page path -> its title (cached with the course page: an academy page's rename is a save)."""
    from .models import AcademyPage

    return dict(AcademyPage.objects.values_list("path", "title"))


def published_lessons():
    """Live, public lessons whose module, course and curriculum are live too."""
    return LessonPage.objects.live().public()


def search_published(query: str, limit: int = 20, language: str = "") -> list[dict]:
    """Published courses then published lessons matching `query`, each best first: case and accents
    folded, words stemmed, in titles, summaries and body text (cms/search.py)."""
    from .search import search_pages

    return search_pages(query, language=language, limit=limit)


def catalogue(*, ui_language: str, q: str = "", language: str = "", level: str = "", competency: str = "",
              published=None) -> list:
    """Published courses for the site's catalogue page, filtered as GET /api/v1/courses/ filters them,
    each with its academy's name (`academy_name`). Four queries: published_courses()'s two (the unpublished
    pages' paths, the view restrictions; none when `published` is given), the courses with their covers,
    the academies."""
    # "Any" language on the site is every content language (the API's default stays the interface's).
    qs = catalogue_courses(ui_language=ui_language, language=language, level=level, competency=competency, q=q,
                           every_language=True, published=published)
    courses = list(qs.select_related("cover_image"))
    academies = academies_by_path()
    for course in courses:
        course.academy_name = academies.get(course.path[: Page.steplen * 3], {}).get("name")
    return courses


def catalogue_facets(*, published=None) -> dict:
    """The levels and competencies that published courses use, for the catalogue's filter selects: one
    query, and published_courses()'s two unless `published` is given."""
    competencies: set[str] = set()
    levels: set[str] = set()
    for level, keys in (published if published is not None else published_courses()).values_list(
            "level", "competencies"):
        levels.add(level)
        competencies.update(k for k in (keys or []) if isinstance(k, str))
    return {"levels": sorted(levels), "competencies": sorted(competencies)}


def exercise_lesson(*, exercise) -> int | None:
    """A live lesson that embeds the exercise (to link back to), if any. One query."""
    return (LessonExercise.objects.filter(exercise=exercise, lesson__live=True).order_by("lesson__path")
            .values_list("lesson_id", flat=True).first())


def catalogue_courses(*, ui_language: str | None, language: str = "", level: str = "", competency: str = "",
                      q: str = "", every_language: bool = False, published=None):
    """The catalogue's courses, for the site's page and GET /api/v1/courses/ alike.

    Without a language filter, the courses in the interface language (falling
    back to the original of a course with no translation), or with
    `every_language` (the site's "Any") the courses of every content language;
    with one, the courses in that language. `level`, `competency` and `q`
    narrow it; `q` as search finds it (cms/search.py: the course's title,
    summary or any of its lessons' text, accents and case folded, stemmed).
    `published`: published_courses() as the caller already built it.
    """
    if language:
        qs = courses_for_language(language, published=published).filter(locale__language_code=language)
    elif every_language:
        qs = published if published is not None else published_courses()
    else:
        qs = courses_for_language(ui_language, published=published)
    if level:
        qs = qs.filter(level=level)
    if competency:
        qs = qs.filter(competencies__icontains=f'"{competency}"')
    if q:
        from .search import matching_course_ids

        qs = qs.filter(pk__in=matching_course_ids(q, language=language))
    return qs


def courses_for_language(language: str | None, *, published=None):
    """Live courses in `language`, falling back to the default locale's version
    of a course that has no live translation in that language (from `published`, if given)."""
    from django.conf import settings
    from django.db.models import Q

    default = settings.LANGUAGE_CODE
    qs = published if published is not None else published_courses()
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


def course_translations(courses, *, published=None) -> dict:
    """translation_key -> live language codes, in three queries: published_courses()'s two (the
    unpublished pages' paths, the view restrictions; none when `published` is given), then the
    translations."""
    keys = {c.translation_key for c in courses}
    out: dict = {}
    base = published if published is not None else published_courses()
    for key, code in base.filter(translation_key__in=keys).values_list(
        "translation_key", "locale__language_code"
    ):
        out.setdefault(key, []).append(code)
    return out


def exercise_places(*, exercise_ids) -> dict[int, list[str]]:
    """exercise id -> "Course › Module" for each lesson that embeds it (live or draft link rows), for the
    editors' exercise chooser. Two queries whatever the number: the links with their lessons and courses,
    and the lessons' modules."""
    links = list(LessonExercise.objects.filter(exercise_id__in=list(exercise_ids))
                 .values_list("exercise_id", "course__title", "lesson__path"))
    module_paths = {path[:-Page.steplen] for _, _, path in links}
    modules = dict(ModulePage.objects.filter(path__in=module_paths).values_list("path", "title"))
    places: dict[int, list[str]] = {}
    for exercise_id, course_title, path in links:
        place = f"{course_title} › {modules.get(path[:-Page.steplen], '?')}"
        if place not in places.setdefault(exercise_id, []):
            places[exercise_id].append(place)
    return places
