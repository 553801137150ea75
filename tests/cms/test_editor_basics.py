"""Issue 20, finding 16 in the admin: the exercise chooser tells exercises apart (kind, where each is
used, its version), and opening a lesson whose draft would lower learners' percentages says how many."""
import pytest
from django.urls import reverse

from accounts.models import AcademyMembership
from assessments.models import Exercise
from cms.models import LessonPage
from courses import services as course_services

from ..conftest import signed_in
from ..factories import QUIZ, course_lessons, course_modules, import_exercise, make_course, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(academy):
    return make_staff(academy, AcademyMembership.StaffRole.EDITOR)


def test_the_exercise_chooser_shows_kind_place_and_version(academy, editor):
    scenario = import_exercise(academy)
    quiz = import_exercise(academy, QUIZ)
    course = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [scenario.pk]}, title="Water talks")
    chooser = Exercise.snippet_viewset.chooser_viewset
    page = signed_in(editor).get(reverse(chooser.get_url_name("choose"))).json()["html"]  # a modal's HTML
    assert "Kind" in page and "Used in" in page and "Version" in page
    assert f"{course.title} › {course_modules(course)[0].title}" in page
    assert "Quiz" in page and "Scenario" in page
    assert "not in a lesson yet" in page  # the quiz
    assert f"v{quiz.current_version.number} ·" in page


def _enrolled_with_a_read_lesson(course):
    learner = make_user()
    course_services.enrol(learner=learner, course=course)
    course_services.lesson_mark_read(learner=learner, lesson_id=course_lessons(course)[0].pk)
    return learner


def test_a_new_lesson_warns_how_many_learners_drop(academy, editor):
    course = make_course(academy, modules=1, lessons=1)
    for _ in range(2):
        _enrolled_with_a_read_lesson(course)
    course_services.enrol(learner=make_user(), course=course)  # nothing completed: 0% stays 0%
    draft = course_modules(course)[0].add_child(instance=LessonPage(title="New", slug="new", live=False))
    draft.save_revision()
    page = signed_in(editor).get(f"/cms/pages/{draft.pk}/edit/").content.decode()
    assert "lowers the course percentage of 2 learners" in page


def test_an_exercise_added_to_a_completed_lesson_warns(academy, editor):
    course = make_course(academy, modules=1, lessons=1)
    _enrolled_with_a_read_lesson(course)
    lesson = course_lessons(course)[0]
    lesson.body = [*lesson.body.raw_data, {"type": "exercise", "value": {"exercise": import_exercise(academy).pk}}]
    lesson.save_revision()  # the draft, not published
    page = signed_in(editor).get(f"/cms/pages/{lesson.pk}/edit/").content.decode()
    assert "lowers the course percentage of 1 learner" in page


def test_an_unchanged_lesson_warns_nobody(academy, editor):
    course = make_course(academy, modules=1, lessons=1)
    _enrolled_with_a_read_lesson(course)
    page = signed_in(editor).get(f"/cms/pages/{course_lessons(course)[0].pk}/edit/").content.decode()
    assert "lowers the course percentage" not in page
