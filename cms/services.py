"""Writes on course content that are not Wagtail's own."""
from django.db import transaction

from .models import CoursePage, LessonExercise, LessonPage


def lesson_index_sync(*, lesson: LessonPage) -> None:
    """Make LessonExercise match the lesson's live content. Idempotent."""
    lesson = LessonPage.objects.get(pk=lesson.pk)  # the live row, not a revision in memory
    course = CoursePage.objects.ancestor_of(lesson).first()
    wanted = set(lesson.exercise_ids()) if lesson.live else set()
    with transaction.atomic():
        LessonExercise.objects.filter(lesson=lesson).exclude(exercise_id__in=wanted).delete()
        have = set(LessonExercise.objects.filter(lesson=lesson).values_list("exercise_id", flat=True))
        LessonExercise.objects.bulk_create(
            [LessonExercise(lesson=lesson, course=course, exercise_id=e) for e in wanted - have]
        )
