"""Issue 20, finding 16: "Preview as a learner" by academy staff makes attempts that are graded and
shown to them, and count nowhere: not in progress, competency profiles, attempt counts or teachers'
views."""
import pytest

from accounts.models import AcademyMembership, Role
from assessments import selectors as assessment_selectors
from assessments.services import attempt_submit
from courses import access, progress
from courses import services as course_services

from ..conftest import signed_in
from ..factories import PASSING_PATH, course_lessons, import_exercise, later, make_course, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(academy):
    return import_exercise(academy)


@pytest.fixture
def course(academy, scenario):
    return make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [scenario.pk]})


def _play(learner, exercise, capture):
    with capture(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    attempt.refresh_from_db()
    return attempt


def test_an_editors_attempt_is_a_preview_and_a_learners_is_not(academy, scenario, course,
                                                                 django_capture_on_commit_callbacks):
    editor = make_staff(academy, AcademyMembership.StaffRole.EDITOR)
    learner = make_user()
    course_services.enrol(learner=learner, course=course)
    assert _play(editor, scenario, django_capture_on_commit_callbacks).preview is True
    assert _play(learner, scenario, django_capture_on_commit_callbacks).preview is False


def test_staff_of_another_academy_are_not_previewing(scenario, course, django_capture_on_commit_callbacks):
    from ..factories import make_academy

    other_staff = make_staff(make_academy(), AcademyMembership.StaffRole.EDITOR)
    course_services.enrol(learner=other_staff, course=course)
    assert _play(other_staff, scenario, django_capture_on_commit_callbacks).preview is False


def test_a_preview_counts_in_no_total(academy, scenario, course, django_capture_on_commit_callbacks):
    editor = make_staff(academy, AcademyMembership.StaffRole.EDITOR)
    course_services.enrol(learner=editor, course=course)
    lesson = course_lessons(course)[0]
    attempt = _play(editor, scenario, django_capture_on_commit_callbacks)
    assert attempt.status == "graded" and attempt.passed  # graded and shown like any attempt
    assert assessment_selectors.exercise_attempt_counts(exercise_ids=[scenario.pk]).get(scenario.pk, 0) == 0
    assert progress.completed_pairs(learner_ids=[editor.pk], lesson_ids=[lesson.pk]) == set()
    assert progress.course_progress(learner=editor, course=course)["percent"] == 0.0
    assert assessment_selectors.competency_profile(learner=editor) == []


def test_a_teacher_never_sees_a_preview(academy, scenario, course, django_capture_on_commit_callbacks):
    teacher = make_user(Role.TEACHER)
    klass = course_services.class_create(teacher=teacher, name="8A")
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=course.get_children().first().pk,
                                      due_at=later(5))
    learner = make_user()
    course_services.class_join(student=learner, join_code=klass.join_code)
    counted = _play(learner, scenario, django_capture_on_commit_callbacks)
    preview = _play(make_user(Role.ADMIN), scenario, django_capture_on_commit_callbacks)
    assert preview.preview is True  # an admin is staff of every academy
    assert list(access.class_attempts(klass).values_list("id", flat=True)) == [counted.pk]


def test_the_player_tells_staff_they_are_previewing(academy, scenario, course):
    editor = make_staff(academy, AcademyMembership.StaffRole.EDITOR)
    assert "Preview:" in signed_in(editor).get(f"/exercises/{scenario.pk}/").content.decode()
    learner = make_user()
    course_services.enrol(learner=learner, course=course)
    assert "Preview:" not in signed_in(learner).get(f"/exercises/{scenario.pk}/").content.decode()


def test_previews_use_up_no_attempt_of_a_limited_exercise(academy, scenario, course,
                                                          django_capture_on_commit_callbacks):
    scenario.attempt_limit = 1
    scenario.save(update_fields=["attempt_limit"])
    editor = make_staff(academy, AcademyMembership.StaffRole.EDITOR)
    _play(editor, scenario, django_capture_on_commit_callbacks)
    second = _play(editor, scenario, django_capture_on_commit_callbacks)  # a limit of 1 would refuse this
    assert second.preview is True and second.status == "graded"
    assert assessment_selectors.exercise_learner_view(exercise=scenario, learner=editor)["attempts_left"] == 1


def test_a_practice_replay_counts_in_no_total(scenario, course, django_capture_on_commit_callbacks):
    learner = make_user()
    course_services.enrol(learner=learner, course=course)
    lesson = course_lessons(course)[0]
    attempt = _play(learner, scenario, django_capture_on_commit_callbacks)
    type(attempt).objects.filter(pk=attempt.pk).update(practice=True)
    assert assessment_selectors.exercise_attempt_counts(exercise_ids=[scenario.pk]).get(scenario.pk, 0) == 0
    assert progress.completed_pairs(learner_ids=[learner.pk], lesson_ids=[lesson.pk]) == set()
    assert assessment_selectors.competency_profile(learner=learner) == []
