"""Reflections are the learner's own words: in their export, gone with their account."""
from accounts.privacy import account_delete, user_export
from courses.models import ReflectionAnswer
from courses.services import enrol, reflection_save

from ..factories import course_lessons, make_course, make_user, publish

PASSWORD = "pw-Secret-123"


def written(academy, username):
    course = make_course(academy, modules=1, lessons=1)
    lesson = course_lessons(course)[0]
    lesson.body = [{"type": "reflection", "value": {"prompt": "What did you notice?"}}]
    publish(lesson)
    block_id = lesson.body[0].id
    learner = make_user(username=username, password=PASSWORD)
    enrol(learner=learner, course=course)
    reflection_save(learner=learner, lesson_id=lesson.pk, block_id=block_id, text=f"{username}'s thoughts.")
    return learner, lesson, block_id


def test_the_export_holds_the_learners_reflections_and_no_one_elses(academy):
    learner, lesson, block_id = written(academy, "amal")
    written(academy, "bruno")

    exported = user_export(user=learner)["reflections"]

    assert [(r["lesson"], r["title"], r["block"], r["text"]) for r in exported] == [
        (lesson.pk, lesson.title, block_id, "amal's thoughts.")]


def test_deleting_the_account_deletes_its_reflections_only(academy):
    learner, _, _ = written(academy, "amal")
    other, _, _ = written(academy, "bruno")

    account_delete(user=learner, password=PASSWORD)

    assert list(ReflectionAnswer.objects.values_list("learner_id", flat=True)) == [other.pk]
