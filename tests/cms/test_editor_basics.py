"""Issue 20, finding 16 in the admin: the exercise chooser tells exercises apart (kind, where each is
used, its version), and publishing a lesson that would lower learners' percentages asks first, saying how
many (courses/wagtail_hooks.py); opening the editor warns of nothing."""
import pytest
from django.urls import reverse
from wagtail.models import TaskState, WorkflowState

from accounts.models import AcademyMembership
from assessments.models import Exercise
from cms.models import LessonPage
from courses import services as course_services

from ..conftest import signed_in
from ..factories import (
    QUIZ,
    course_lessons,
    course_modules,
    import_exercise,
    make_academy,
    make_course,
    make_staff,
    make_user,
)
from .helpers import lesson_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(academy):
    return make_staff(academy, AcademyMembership.StaffRole.EDITOR)


@pytest.fixture
def reviewer(academy):
    """Reviewers publish; editors submit for review."""
    return make_staff(academy, AcademyMembership.StaffRole.REVIEWER)


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


def test_a_new_lesson_asks_at_publish_how_many_learners_drop(academy, reviewer):
    course = make_course(academy, modules=1, lessons=1)
    for _ in range(2):
        _enrolled_with_a_read_lesson(course)
    course_services.enrol(learner=make_user(), course=course)  # nothing completed: 0% stays 0%
    draft = course_modules(course)[0].add_child(instance=LessonPage(title="New", slug="new", live=False))
    draft.save_revision()
    client = signed_in(reviewer)
    response = client.post(f"/cms/pages/{draft.pk}/edit/", _publish(draft, "New, written"))
    assert response.status_code == 302 and response["Location"] == _confirm_url(draft)
    draft.refresh_from_db()
    assert not draft.live and draft.get_latest_revision().as_object().title == "New, written"  # kept, not live
    page = client.get(_confirm_url(draft)).content.decode()
    assert "lowers the course percentage of 2 learners" in page
    assert "Publish anyway" in page and f"/cms/pages/{draft.pk}/edit/" in page  # or keep it as a draft


def test_publishing_anyway_publishes_the_saved_draft(academy, reviewer):
    course = make_course(academy, modules=1, lessons=1)
    _enrolled_with_a_read_lesson(course)
    draft = course_modules(course)[0].add_child(instance=LessonPage(title="New", slug="new", live=False))
    draft.save_revision()
    client = signed_in(reviewer)
    client.post(f"/cms/pages/{draft.pk}/edit/", _publish(draft, "New, written"))
    assert client.post(_confirm_url(draft)).status_code == 302
    draft.refresh_from_db()
    assert draft.live and draft.title == "New, written"


def test_an_exercise_added_to_a_completed_lesson_asks_at_publish(academy, reviewer):
    course = make_course(academy, modules=1, lessons=1)
    _enrolled_with_a_read_lesson(course)
    lesson = course_lessons(course)[0]
    exercise = import_exercise(academy)
    client = signed_in(reviewer)
    response = client.post(f"/cms/pages/{lesson.pk}/edit/", lesson_form(
        lesson, [("exercise", {"exercise": exercise.pk})], **{"action-publish": "action-publish"}))
    assert response["Location"] == _confirm_url(lesson)
    lesson.refresh_from_db()
    assert exercise.pk not in lesson.exercise_ids()  # the live lesson is as it was
    assert "lowers the course percentage of 1 learner" in client.get(_confirm_url(lesson)).content.decode()


def test_opening_the_editor_warns_of_nothing(academy, reviewer):
    course = make_course(academy, modules=1, lessons=1)
    _enrolled_with_a_read_lesson(course)
    draft = course_modules(course)[0].add_child(instance=LessonPage(title="New", slug="new", live=False))
    draft.save_revision()
    page = signed_in(reviewer).get(f"/cms/pages/{draft.pk}/edit/").content.decode()
    assert "lowers the course percentage" not in page


def test_a_lesson_that_lowers_nobodys_percentage_publishes_without_asking(academy, reviewer):
    course = make_course(academy, modules=1, lessons=1)
    course_services.enrol(learner=make_user(), course=course)  # nothing completed: 0% stays 0%
    draft = course_modules(course)[0].add_child(instance=LessonPage(title="New", slug="new", live=False))
    draft.save_revision()
    response = signed_in(reviewer).post(f"/cms/pages/{draft.pk}/edit/", _publish(draft, "New, written"))
    assert response.status_code == 302 and "confirm-lesson-publish" not in response["Location"]
    draft.refresh_from_db()
    assert draft.live


def test_another_academys_confirmation_is_a_404(academy, reviewer):
    other = make_course(make_academy("Elsewhere"), modules=1, lessons=1)
    lesson = course_lessons(other)[0]
    assert signed_in(reviewer).get(_confirm_url(lesson)).status_code == 404
    assert signed_in(reviewer).post(_confirm_url(lesson)).status_code == 404


def test_a_submission_for_review_says_what_its_publication_will_do(academy, editor):
    course = make_course(academy, modules=1, lessons=1)
    _enrolled_with_a_read_lesson(course)
    draft = course_modules(course)[0].add_child(instance=LessonPage(title="New", slug="new", live=False))
    draft.save_revision()
    page = signed_in(editor).post(f"/cms/pages/{draft.pk}/edit/", lesson_form(
        draft, [], **{"action-submit": "action-submit"}), follow=True).content.decode()
    assert "lowers the course percentage of 1 learner" in page


def _publish(page, title):
    return lesson_form(page, [], title=title, **{"action-publish": "action-publish"})


def _confirm_url(page):
    return reverse("parley_confirm_lesson_publish", args=[page.pk])


# --- a reviewer's approval publishes too: it asks first as well (cms/approvals.py, courses/wagtail_hooks.py) ---


def _in_review(academy, editor, *, lowers=True):
    """A new lesson an editor submitted for review, in a course where one learner read a lesson (so
    publishing it lowers their percentage) or where nobody did (`lowers=False`)."""
    course = make_course(academy, modules=1, lessons=1)
    if lowers:
        _enrolled_with_a_read_lesson(course)
    else:
        course_services.enrol(learner=make_user(), course=course)
    draft = course_modules(course)[0].add_child(instance=LessonPage(title="New", slug="new", live=False))
    draft.save_revision()
    signed_in(editor).post(f"/cms/pages/{draft.pk}/edit/", lesson_form(draft, [], title="New, for review",
                                                                        **{"action-submit": "action-submit"}))
    state = WorkflowState.objects.get(object_id=str(draft.pk), status=WorkflowState.STATUS_IN_PROGRESS)
    return draft, state.current_task_state


def _approve_url(page, task_state):
    return reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])


def _approval_confirm_url(page, task_state):
    return reverse("parley_confirm_lesson_approval", args=[page.pk, task_state.pk])


def test_approving_on_the_dashboard_asks_first_and_publishes_nothing_yet(academy, editor, reviewer):
    draft, task_state = _in_review(academy, editor)
    client = signed_in(reviewer)
    response = client.post(_approve_url(draft, task_state), {"next": "/cms/"})  # the dashboard's button
    assert response.status_code == 302
    assert response["Location"] == _approval_confirm_url(draft, task_state) + "?next=%2Fcms%2F"
    draft.refresh_from_db()
    task_state.refresh_from_db()
    assert not draft.live and task_state.status == TaskState.STATUS_IN_PROGRESS
    page = client.get(response["Location"]).content.decode()
    assert "lowers the course percentage of 1 learner" in page
    assert "Approve and publish anyway" in page and "Back without approving" in page
    assert f'action="{_approve_url(draft, task_state)}"' in page and 'name="next" value="/cms/"' in page


def test_approving_anyway_publishes_the_lesson_with_the_comment(academy, editor, reviewer):
    draft, task_state = _in_review(academy, editor)
    client = signed_in(reviewer)
    response = client.post(_approve_url(draft, task_state), {"parley-approval-confirmed": "1",
                                                             "comment": "Clear and short."})
    assert response.status_code == 302 and "confirm-lesson-approval" not in response["Location"]
    draft.refresh_from_db()
    task_state.refresh_from_db()
    assert draft.live and draft.title == "New, for review"
    assert task_state.status == TaskState.STATUS_APPROVED and task_state.get_comment() == "Clear and short."


def test_approving_with_a_comment_in_the_modal_carries_the_comment_to_the_question(academy, editor, reviewer):
    draft, task_state = _in_review(academy, editor)
    client = signed_in(reviewer)
    response = client.post(_approve_url(draft, task_state), {"comment": "Clear and short."},
                           headers={"x-requested-with": "XMLHttpRequest"})
    answer = response.json()  # the modal goes where "redirect" says
    assert answer["step"] == "success"
    assert answer["redirect"] == _approval_confirm_url(draft, task_state) + "?comment=Clear+and+short."
    assert ">Clear and short.</textarea>" in client.get(answer["redirect"]).content.decode()
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS


def test_approving_from_the_editor_keeps_the_edits_as_a_draft_and_asks_first(academy, editor, reviewer):
    draft, task_state = _in_review(academy, editor)
    client = signed_in(reviewer)
    response = client.post(f"/cms/pages/{draft.pk}/edit/", lesson_form(
        draft, [], title="New, edited by the reviewer", **{
            "action-workflow-action": "true", "workflow-action-name": "approve",
            "workflow-action-extra-data": '{"comment": "Tightened the title."}'}))
    assert response.status_code == 302
    assert response["Location"] == _approval_confirm_url(draft, task_state) + "?comment=Tightened+the+title."
    draft.refresh_from_db()
    task_state.refresh_from_db()
    assert not draft.live and task_state.status == TaskState.STATUS_IN_PROGRESS
    assert draft.get_latest_revision().as_object().title == "New, edited by the reviewer"  # nothing lost
    client.post(_approve_url(draft, task_state), {"parley-approval-confirmed": "1"})
    draft.refresh_from_db()
    assert draft.live and draft.title == "New, edited by the reviewer"


def test_an_approval_that_lowers_nobodys_percentage_publishes_without_asking(academy, editor, reviewer):
    draft, task_state = _in_review(academy, editor, lowers=False)
    response = signed_in(reviewer).post(_approve_url(draft, task_state), {"next": "/cms/"})
    assert response.status_code == 302 and response["Location"] == "/cms/"
    draft.refresh_from_db()
    assert draft.live


def test_the_approval_question_is_for_the_lessons_reviewers_only(academy, editor, reviewer):
    draft, task_state = _in_review(academy, editor)
    url = _approval_confirm_url(draft, task_state)
    refused = signed_in(editor).get(url)  # editors submit, reviewers approve: Wagtail's refusal, back home
    assert refused.status_code == 302 and refused["Location"] == "/cms/"
    outsider = make_staff(make_academy("Elsewhere"), AcademyMembership.StaffRole.REVIEWER)
    assert signed_in(outsider).get(url).status_code == 404  # another academy's lesson, as everywhere
    stale = reverse("parley_confirm_lesson_approval", args=[draft.pk, task_state.pk + 1000])
    assert signed_in(reviewer).get(stale)["Location"] == f"/cms/pages/{draft.pk}/edit/"  # no such review step
    # Asking skips nothing: the confirmed flag does not let an editor approve.
    signed_in(editor).post(_approve_url(draft, task_state), {"parley-approval-confirmed": "1"})
    draft.refresh_from_db()
    assert not draft.live
