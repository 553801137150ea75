"""Approvals that publish ask first, as a direct publish can.

An approval that ends a page's review workflow publishes it (Wagtail's publish_workflow_state publishes
the latest revision), without the `before_publish_page` hook a direct publish runs. So the approval
views (Wagtail's, for every page type, through cms.wagtail_hooks.AcademyScopedPageViewSet) call the
hooks registered as `BEFORE_APPROVAL_PUBLISHES` with (request, draft, task_state, comment) first: one
that answers a response (a confirmation page, say) stops the approval, which goes through when its form
carries `APPROVAL_CONFIRMED`. The flag only skips the question: Wagtail's own checks still decide who may
approve. cms knows nothing of learners; the apps above it (courses) register the hooks.
"""
import json

from wagtail import hooks
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import WorkflowActionView

BEFORE_APPROVAL_PUBLISHES = "parley_before_approval_publishes"
APPROVAL_CONFIRMED = "parley-approval-confirmed"


def approval_asks_first(request, draft, task_state, comment: str):
    """A hook's response when approving `task_state` would publish `draft` and a hook asks first, else None."""
    if request.POST.get(APPROVAL_CONFIRMED) or task_state is None:
        return None
    if task_state.status != task_state.STATUS_IN_PROGRESS or not task_state.workflow_state.is_at_final_task:
        return None  # not the review's last step: approving publishes nothing yet
    for hook in hooks.get_hooks(BEFORE_APPROVAL_PUBLISHES):
        response = hook(request, draft, task_state, comment)
        if response is not None:
            return response
    return None


class ApprovalAsksFirstActionView(WorkflowActionView):
    """Approve on the dashboard (a plain POST) or with a comment (the modal's XHR POST)."""

    def post(self, request, *args, **kwargs):
        if self.action_name == "approve":
            form = self.form_class(request.POST) if self.form_class else None
            comment = form.cleaned_data.get("comment", "") if form is not None and form.is_valid() else ""
            draft = self.object.get_latest_revision_as_object()
            response = approval_asks_first(request, draft, self.task_state, comment)
            if response is not None:
                if request.headers.get("x-requested-with") == "XMLHttpRequest":  # the modal follows "redirect"
                    return self.render_modal_json(request, {"step": "success", "redirect": response["Location"]})
                return response
        return super().post(request, *args, **kwargs)


class ApprovalAsksFirstEditView(EditView):
    """Approve from the page editor, with the edits made there: when a hook asks first, the edits are
    kept as a draft (Wagtail's "Save draft") and nothing is approved yet."""

    def perform_workflow_action(self):
        if self.workflow_action == "approve":
            try:
                extra = json.loads(self.request.POST.get("workflow-action-extra-data") or "{}")
            except ValueError:
                extra = {}
            comment = str(extra.get("comment") or "") if isinstance(extra, dict) else ""
            response = approval_asks_first(self.request, self.page, self.page.current_workflow_task_state, comment)
            if response is not None:
                self.save_action()
                return response
        return super().perform_workflow_action()
