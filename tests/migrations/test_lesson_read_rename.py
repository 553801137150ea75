"""courses 0003: the read mark's model is renamed (LessonCompletion to LessonRead) and its rows stay."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from courses.models import LessonRead

from ..factories import course_lessons, make_academy, make_course, make_user
from ..integration.conftest import restore_wagtail_base_rows

BEFORE = [("courses", "0002_invitations_verifications")]


def _migrate(targets=None):
    """Migrate to `targets`, or to the latest of every app; the models as they were there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_read_mark_made_before_the_rename_is_a_lesson_read_after_it():
    restore_wagtail_base_rows()
    learner, lesson = make_user(), course_lessons(make_course(make_academy()))[0]
    old_apps = _migrate(BEFORE)
    try:
        old = old_apps.get_model("courses", "LessonCompletion").objects.create(
            learner_id=learner.pk, lesson_id=lesson.pk)
    finally:
        new_apps = _migrate()

    row = new_apps.get_model("courses", "LessonRead").objects.get()
    assert (row.pk, row.learner_id, row.lesson_id, row.read_at) == (old.pk, learner.pk, lesson.pk, old.read_at)
    assert LessonRead._meta.db_table == "courses_lessonread"
