"""Writes on course content that are not Wagtail's own."""
import json

from django.db import transaction
from django.db.models import Q
from wagtail.models import Page

from .models import CoursePage, LessonExercise, LessonPage


def _exercise_ids(raw_body) -> set[int]:
    """Exercise ids embedded in a lesson body, read from its raw JSON (no query per lesson)."""
    ids = set()
    for block in raw_body or []:
        value = block.get("value") if isinstance(block, dict) else None
        if block.get("type") == "exercise" and isinstance(value, dict) and str(value.get("exercise", "")).isdigit():
            ids.add(int(value["exercise"]))
    return ids


def lesson_index_sync_under(*, page: Page) -> None:
    """Make LessonExercise match the published content of every lesson at or under `page`.

    A lesson is indexed while it is published *and reachable* (`LessonPage.objects.live()`),
    so unpublishing a module or course drops its lessons' exercises from the index and
    republishing brings them back. Idempotent; a fixed number of queries whatever the size.
    """
    from assessments.models import Exercise

    lessons = list(
        LessonPage.objects.filter(Q(path__startswith=page.path) | Q(pk=page.pk)).values_list("id", "path", "body")
    )
    if not lessons:
        return
    reachable = set(LessonPage.objects.live().filter(pk__in=[lid for lid, _, _ in lessons])
                    .values_list("id", flat=True))
    ancestor_paths = {page.path[:n] for n in range(Page.steplen, len(page.path) + 1, Page.steplen)}
    courses = dict(CoursePage.objects.filter(Q(path__startswith=page.path) | Q(path__in=ancestor_paths))
                   .values_list("path", "id"))
    wanted: dict[tuple[int, int], int] = {}
    for lesson_id, path, body in lessons:
        if lesson_id not in reachable:
            continue
        course_id = next((cid for cpath, cid in courses.items() if path.startswith(cpath)), None)
        if course_id is None:
            continue
        raw = body.raw_data if hasattr(body, "raw_data") else (json.loads(body) if isinstance(body, str) else body)
        for exercise_id in _exercise_ids(raw):
            wanted[(lesson_id, exercise_id)] = course_id
    existing_exercises = set(Exercise.objects.filter(pk__in={e for _, e in wanted}).values_list("id", flat=True))
    wanted = {key: course for key, course in wanted.items() if key[1] in existing_exercises}
    with transaction.atomic():
        rows = LessonExercise.objects.filter(lesson_id__in=[lid for lid, _, _ in lessons])
        have = {(r.lesson_id, r.exercise_id): r for r in rows}
        stale = [r.pk for key, r in have.items() if key not in wanted or r.course_id != wanted[key]]
        LessonExercise.objects.filter(pk__in=stale).delete()
        kept = {key for key, r in have.items() if r.pk not in stale}
        LessonExercise.objects.bulk_create([
            LessonExercise(lesson_id=lesson_id, exercise_id=exercise_id, course_id=course_id)
            for (lesson_id, exercise_id), course_id in wanted.items() if (lesson_id, exercise_id) not in kept
        ])


def lesson_index_sync(*, lesson: LessonPage) -> None:
    """Make LessonExercise match one lesson's live content. Idempotent."""
    lesson_index_sync_under(page=Page.objects.get(pk=lesson.pk))
