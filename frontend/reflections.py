"""The text area under each reflection block of a lesson: what the learner wrote, for them alone.

A plain form post (saved, then back to the block) that works without scripts; `reflection.js` sends
the same form with `Accept: application/json` and gets the answer, or the refusal in the API's error
shape, without leaving the page.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import ServiceError
from courses import services
from courses.errors import NotFound
from courses.models import ReflectionAnswer
from courses.reflections import learner_reflections

from .access import error_text


def _int(value) -> int:
    return int(value) if str(value).isdigit() and 0 < int(value) < 2**63 else 0


def _saved_label(row: ReflectionAnswer) -> str:
    return _("Saved %(when)s") % {"when": date_format(localtime(row.updated_at), "DATETIME_FORMAT")}


def attach(blocks: list[dict], *, user, lesson_id: int) -> None:
    """Give each reflection block of the rendered lesson the visitor's answer and its form's names."""
    reflections = [b for b in blocks if b["type"] == "reflection"]
    answers = learner_reflections(learner=user, lesson_id=lesson_id, block_ids=[b["id"] for b in reflections])
    for block in reflections:
        row = answers.get(block["id"])
        block["value"].update({
            "answer": row.text if row else "", "saved": _saved_label(row) if row else "",
            "max_length": ReflectionAnswer.TEXT_MAX,
        })


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@login_required
def reflection_save(request, lesson_id, block_id):
    lesson_id = _int(lesson_id)
    back = reverse("frontend:lesson", kwargs={"lesson_id": lesson_id}) + f"#r-{block_id}"
    try:
        row = services.reflection_save(learner=request.user, lesson_id=lesson_id, block_id=block_id,
                                       text=request.POST.get("text", ""))
    except ServiceError as exc:
        if _wants_json(request):
            return JsonResponse({"type": exc.type, "errors": exc.errors}, status=exc.status)
        if isinstance(exc, NotFound):
            raise Http404 from None
        messages.error(request, error_text(exc))
        return redirect(back)
    saved = _saved_label(row) if row else _("Your reflection was cleared.")
    if _wants_json(request):
        return JsonResponse({"text": row.text if row else "", "saved": saved})
    messages.success(request, saved)
    return redirect(back)
