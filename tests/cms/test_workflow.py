"""Each academy's review workflow: an editor submits, a reviewer rejects with a comment or
approves (which publishes); reviewers can schedule publishing. All through the real admin views,
and scheduled publishing through Wagtail's `publish_scheduled` command."""
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Page, Revision, TaskState, WorkflowState

from cms.models import LessonExercise, ModulePage
from cms.tenancy import group_name

from ..conftest import signed_in
from ..factories import course_lessons, course_modules, import_exercise, make_course
from .helpers import draft_course, module_form


def action_url(page, action, task_state):
    return f"/cms/pages/workflow/action/{page.pk}/{action}/{task_state.pk}/"


def make_due(revision) -> None:
    """Travel past a scheduled revision's time: its go-live moves a minute into the past."""
    past = timezone.now() - timedelta(minutes=1)
    revision.refresh_from_db()
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])


def live_title(page) -> str:
    return Page.objects.get(pk=page.pk).title


def test_each_academy_has_its_own_review_workflow_for_its_reviewers(academy_a, academy_b):
    for academy in (academy_a, academy_b):
        course = make_course(academy, modules=1, lessons=1)
        workflow = course_lessons(course)[0].get_workflow()
        assert workflow.name == f"{academy.name} review"
        task = workflow.tasks.get().specific
        assert isinstance(task, GroupApprovalTask)
        assert list(task.groups.values_list("name", flat=True)) == [group_name(academy, "reviewer")]


def test_submit_reject_resubmit_approve(academy_a, editor_a, reviewer_a):
    module = course_modules(make_course(academy_a, modules=1, lessons=1))[0]
    editor, reviewer = signed_in(editor_a), signed_in(reviewer_a)
    edit_url = f"/cms/pages/{module.pk}/edit/"

    # An editor cannot publish: the publish button only saves a draft.
    editor.post(edit_url, module_form(module, title="Listening, first try", **{"action-publish": "1"}))
    assert live_title(module) == "Module 1"

    # Submit for review.
    response = editor.post(edit_url, module_form(module, title="Listening, revised", **{"action-submit": "1"}))
    assert response.status_code == 302
    state = WorkflowState.objects.get(object_id=str(module.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.requested_by == editor_a
    task_state = state.current_task_state
    assert task_state.status == TaskState.STATUS_IN_PROGRESS

    # The editor cannot approve their own submission.
    editor.post(action_url(module, "approve", task_state), {"comment": ""})
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS

    # The reviewer requests changes, with a comment.
    response = reviewer.post(action_url(module, "reject", task_state), {"comment": "Name the source of the quote."})
    assert response.status_code == 302
    task_state.refresh_from_db()
    state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert task_state.get_comment() == "Name the source of the quote."
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert live_title(module) == "Module 1"

    # The editor fixes it and resubmits: the same workflow resumes with a new task state.
    editor.post(edit_url, module_form(module, title="Listening, sourced", **{"action-submit": "1"}))
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    second = state.current_task_state
    assert second.pk != task_state.pk and second.status == TaskState.STATUS_IN_PROGRESS

    # The reviewer approves: the submitted revision goes live.
    response = reviewer.post(action_url(module, "approve", second), {"comment": "Good."})
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    module = ModulePage.objects.get(pk=module.pk)
    assert module.title == "Listening, sourced" and module.live and not module.has_unpublished_changes


def test_a_reviewer_of_another_academy_cannot_act_on_the_submission(academy_a, academy_b, editor_a):
    from accounts.models import AcademyMembership

    from ..factories import make_staff

    reviewer_b = make_staff(academy_b, AcademyMembership.StaffRole.REVIEWER)
    module = course_modules(make_course(academy_a, modules=1, lessons=1))[0]
    signed_in(editor_a).post(f"/cms/pages/{module.pk}/edit/",
                                module_form(module, title="Submitted", **{"action-submit": "1"}))
    task_state = WorkflowState.objects.get(object_id=str(module.pk)).current_task_state
    response = signed_in(reviewer_b).post(action_url(module, "approve", task_state), {"comment": ""})
    assert response.status_code in (302, 403, 404)
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_IN_PROGRESS
    assert live_title(module) == "Module 1"


def test_approving_a_lesson_publishes_it_and_indexes_its_exercise(academy_a, editor_a, reviewer_a):
    exercise = import_exercise(academy_a)
    lesson = course_lessons(make_course(academy_a, modules=1, lessons=1))[0]
    lesson.body = [{"type": "exercise", "value": {"exercise": exercise.pk}}]
    lesson.save_revision(user=editor_a)
    state = lesson.get_workflow().start(lesson, editor_a)
    assert not LessonExercise.objects.filter(lesson=lesson).exists()  # the draft is not live yet
    state.current_task_state.task.specific.on_action(state.current_task_state, reviewer_a, "approve")
    assert list(LessonExercise.objects.filter(lesson=lesson).values_list("exercise_id", flat=True)) == [exercise.pk]


def test_a_reviewer_schedules_a_change_through_the_admin(academy_a, reviewer_a):
    module = course_modules(make_course(academy_a, modules=1, lessons=1))[0]
    go_live = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    response = signed_in(reviewer_a).post(f"/cms/pages/{module.pk}/edit/", module_form(
        module, title="Scheduled rewrite", go_live_at=go_live, **{"action-publish": "1"}))
    assert response.status_code == 302
    revision = Revision.page_revisions.filter(object_id=str(module.pk)).latest("created_at")
    assert revision.approved_go_live_at is not None
    call_command("publish_scheduled")
    assert live_title(module) == "Module 1"  # not before its time

    make_due(revision)
    call_command("publish_scheduled")
    assert live_title(module) == "Scheduled rewrite"


def test_a_new_course_scheduled_for_later_stays_out_of_the_catalogue_until_then(academy_a, api):
    curriculum = make_course(academy_a, modules=1, lessons=1).get_parent()
    course = draft_course(curriculum, "Launching next week")
    course.go_live_at = timezone.now() + timedelta(days=7)
    revision = course.save_revision()
    revision.publish()
    assert not Page.objects.get(pk=course.pk).live
    titles = lambda: [c["title"] for c in api.get("/api/v1/courses/").json()["results"]]  # noqa: E731
    assert "Launching next week" not in titles()
    assert api.get(f"/api/v1/courses/{course.pk}/").status_code == 404

    call_command("publish_scheduled")
    assert "Launching next week" not in titles()
    make_due(revision)
    call_command("publish_scheduled")
    assert Page.objects.get(pk=course.pk).live
    assert "Launching next week" in titles()


@pytest.mark.parametrize("command", ["publish_scheduled", "publish_scheduled_pages"])
def test_both_wagtail_command_names_exist(db, command):
    call_command(command, "--dryrun")


def test_the_beat_task_publishes_due_revisions(academy_a):
    from cms.tasks import publish_scheduled

    module = course_modules(make_course(academy_a, modules=1, lessons=1))[0]
    module.title, module.go_live_at = "Due now", timezone.now() + timedelta(hours=1)
    revision = module.save_revision()
    revision.publish()
    make_due(revision)
    publish_scheduled.delay()  # eager in tests
    assert live_title(module) == "Due now"
