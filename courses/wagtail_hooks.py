"""Admin hooks that need learners' records (Wagtail loads each app's wagtail_hooks; cms/ sits below
courses/ and cannot read progress).

Publishing a lesson that lowers learners' percentages (a new lesson: one more to complete; a new
exercise in a lesson some have completed) asks first, at the moment of publishing: Wagtail's edit and
create views save the draft as a revision, then call `before_publish_page`; when the draft would lower
someone's percentage, that hook sends the editor to a confirmation page instead of publishing. There
"Publish anyway" publishes that revision, and "Keep it as a draft" goes back to the editor with nothing
published and nothing lost. An editor who may not publish submits the lesson for review instead;
the submission says what its publication will do (a warning after "Submit for review"). Opening the
editor warns of nothing.

A reviewer's approval publishes too, when it is the review's last step (on the dashboard, with a
comment, or from the editor with edits): cms calls the `parley_before_approval_publishes` hooks first
(cms/approvals.py), and the one here sends the reviewer to a confirmation page saying how many
learners' percentages drop. Its "Approve and publish anyway" posts to Wagtail's own approval view (with
the comment given, and a flag that it was confirmed), so Wagtail's checks decide as always; "Back without
approving" leaves the lesson in review, edits made in the editor kept as a draft.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.models import TaskState

from cms.admin_tenancy import path_in_scope
from cms.approvals import APPROVAL_CONFIRMED, BEFORE_APPROVAL_PUBLISHES
from cms.models import LessonPage

from . import progress

CONFIRM_URL_NAME = "parley_confirm_lesson_publish"
APPROVAL_URL_NAME = "parley_confirm_lesson_approval"
COMMENT_MAX = 2000  # a reviewer's comment carried to the confirmation page in its address


def lowering_message(count: int) -> str:
    return ngettext(
        "Publishing this lesson lowers the course percentage of %(n)s learner: they have one more "
        "lesson or exercise to complete.",
        "Publishing this lesson lowers the course percentage of %(n)s learners: they have one more "
        "lesson or exercise to complete.", count) % {"n": count}


@hooks.register("before_publish_page")
def confirm_a_publish_that_lowers_percentages(request, page):
    """The draft is saved by now (a revision); publishing it would lower percentages: ask first."""
    if not isinstance(page, LessonPage):
        return None
    if progress.learners_losing_percent(lesson=page, exercise_ids=page.exercise_ids()):
        return redirect(CONFIRM_URL_NAME, page_id=page.pk)
    return None


@hooks.register("after_edit_page")
def warn_a_submission_that_will_lower_percentages(request, page):
    """Submitted for review, the lesson is published by a reviewer's approval: the editor hears now."""
    if not (isinstance(page, LessonPage) and request.POST.get("action-submit")):
        return None
    count = progress.learners_losing_percent(lesson=page, exercise_ids=page.exercise_ids())
    if count:
        messages.warning(request, lowering_message(count))
    return None


def confirm_lesson_publish(request, page_id):
    """GET: how many learners' percentages drop, with "Publish anyway" and "Keep it as a draft".
    POST: publish the lesson's latest revision. Another academy's lesson is a 404, as everywhere in the
    admin; a lesson the user may not publish, a 403."""
    page = get_object_or_404(LessonPage, pk=page_id)
    if not path_in_scope(request.user, page.path):
        raise Http404
    if not page.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    revision = page.get_latest_revision()
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    if revision is None:
        return redirect(edit_url)
    if request.method == "POST":
        PublishPageRevisionAction(revision, user=request.user).execute()
        messages.success(request, _("Lesson “%(title)s” published.") % {"title": page.title})
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    draft = revision.as_object()
    count = progress.learners_losing_percent(lesson=draft, exercise_ids=draft.exercise_ids())
    return TemplateResponse(request, "courses/admin/confirm_lesson_publish.html", {
        "page": page, "header_title": _("Publish “%(title)s”?") % {"title": draft.title},
        "header_icon": "upload", "message": lowering_message(count) if count else "", "edit_url": edit_url,
    })


@hooks.register(BEFORE_APPROVAL_PUBLISHES)
def confirm_an_approval_that_lowers_percentages(request, page, task_state, comment):
    """The approval would publish `page` (the draft under review): ask first when it lowers percentages."""
    if not isinstance(page, LessonPage):
        return None
    if not progress.learners_losing_percent(lesson=page, exercise_ids=page.exercise_ids()):
        return None
    query = {"comment": comment[:COMMENT_MAX], "next": request.POST.get("next", "")}
    query = urlencode({key: value for key, value in query.items() if value})
    return redirect(reverse(APPROVAL_URL_NAME, args=[page.pk, task_state.pk]) + (f"?{query}" if query else ""))


def _task_state_of(page, task_state_id: int):
    """The lesson's review step in progress, when it is `task_state_id`; else None."""
    workflow_state = page.current_workflow_state
    task_state = workflow_state.current_task_state if workflow_state is not None else None
    if task_state is None or task_state.pk != task_state_id or task_state.status != TaskState.STATUS_IN_PROGRESS:
        return None
    return task_state


def confirm_lesson_approval(request, page_id, task_state_id):
    """How many learners' percentages drop when approving publishes the lesson, with "Approve and publish
    anyway" (a form to Wagtail's approval view) and "Back without approving". Another academy's lesson is a
    404; a review step that is over sends back to the editor; one the user may not approve is refused
    (PermissionDenied, which Wagtail's admin answers with its dashboard and a message)."""
    page = get_object_or_404(LessonPage, pk=page_id)
    if not path_in_scope(request.user, page.path):
        raise Http404
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    task_state = _task_state_of(page, task_state_id)
    if task_state is None:
        return redirect(edit_url)
    task = task_state.task.specific
    if "approve" not in {name for name, _label, _modal in task.get_actions(page, request.user)}:
        raise PermissionDenied
    draft = page.get_latest_revision_as_object()
    count = progress.learners_losing_percent(lesson=draft, exercise_ids=draft.exercise_ids())
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return TemplateResponse(request, "courses/admin/confirm_lesson_approval.html", {
        "page": page, "header_title": _("Approve and publish “%(title)s”?") % {"title": draft.title},
        "header_icon": "upload", "message": lowering_message(count) if count else "", "edit_url": edit_url,
        "action_url": reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        "confirmed_field": APPROVAL_CONFIRMED, "comment": request.GET.get("comment", "")[:COMMENT_MAX],
        "next_url": next_url,
    })


@hooks.register("register_admin_urls")
def lesson_publish_confirmation():
    return [path("pages/<int:page_id>/confirm-lesson-publish/", confirm_lesson_publish, name=CONFIRM_URL_NAME),
            path("pages/<int:page_id>/confirm-lesson-approval/<int:task_state_id>/", confirm_lesson_approval,
                 name=APPROVAL_URL_NAME)]
