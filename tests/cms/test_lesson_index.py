"""The lesson-exercise index (which published lessons embed which exercises, in which
course) follows publishing of lessons and of the pages above them, and moves."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import LessonExercise
from cms.services import lesson_index_sync_under

from ..factories import course_lessons, course_modules, import_exercise, make_course


def index():
    return set(LessonExercise.objects.values_list("lesson_id", "exercise_id", "course_id"))


def test_unpublishing_a_module_or_course_drops_its_lessons_and_republishing_restores_them(academy):
    exercise = import_exercise(academy)
    course = make_course(academy, modules=2, lessons=1, exercises_in={(0, 0): [exercise.pk], (1, 0): [exercise.pk]})
    first, second = course_lessons(course)
    full = {(first.pk, exercise.pk, course.pk), (second.pk, exercise.pk, course.pk)}
    assert index() == full

    module = course_modules(course)[0]
    module.unpublish()
    assert index() == {(second.pk, exercise.pk, course.pk)}
    module.save_revision().publish()
    assert index() == full

    course.unpublish()
    assert index() == set()
    course.save_revision().publish()
    assert index() == full


def test_a_moved_lesson_is_indexed_under_its_new_course(academy):
    exercise = import_exercise(academy)
    source = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    target = make_course(academy, modules=1, lessons=0)
    lesson = course_lessons(source)[0]
    lesson.move(course_modules(target)[0], pos="last-child")
    assert index() == {(lesson.pk, exercise.pk, target.pk)}


def test_syncing_a_course_takes_the_same_queries_whatever_its_size(academy):
    exercise = import_exercise(academy)
    small = make_course(academy, modules=1, lessons=3, exercises_in={(0, 0): [exercise.pk]})
    large = make_course(academy, modules=3, lessons=6,
                        exercises_in={(m, n): [exercise.pk] for m in range(3) for n in range(6)})
    LessonExercise.objects.all().delete()
    counts = []
    for course in (small, large):
        with CaptureQueriesContext(connection) as captured:
            lesson_index_sync_under(page=course)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert LessonExercise.objects.filter(course=large).count() == 18
