"""Pages for academy staff: a way into the CMS and their exercises, each scenario drawn as a diagram;
teachers' verification requests to decide."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.diagram import edges_of, render_svg
from assessments.selectors import academy_exercises
from courses import selectors, services
from courses.errors import NotFound, ServiceError

from . import labels
from .access import error_text, staff_required
from .forms import DecisionForm


@staff_required
def academy_home(request):
    rows = []
    for row in academy_exercises(user=request.user):
        exercise, document = row["exercise"], row["document"]
        item = {"exercise": exercise, "version": row["version"], "document": document,
                "export_url": reverse("api:exercise-export", args=[exercise.pk])}
        if exercise.kind == "scenario":
            # render_svg escapes every text of the document, so its output is markup we wrote.
            item["svg"] = mark_safe(render_svg(document, title=exercise.title, svg_id=f"graph-{exercise.pk}"))  # noqa: S308
            nodes = {n["id"]: n for n in document["nodes"]}
            item["nodes"] = [{"id": n["id"], "type": n["type"], "text": n["text"],
                              "outcome": labels.outcome(n["outcome"]) if n["type"] == "outcome" else ""}
                             for n in document["nodes"]]
            item["edges"] = [e for e in edges_of(document) if e["target"] in nodes]
            item["competencies"] = document["competencies"]
        elif exercise.kind == "negotiation":
            item["issues"] = len(document["issues"])
        else:
            item["questions"] = len(document["questions"])
        rows.append(item)
    return render(request, "frontend/academy.html", {"section": "academy", "rows": rows})


@staff_required
def verifications(request):
    """Pending teacher verification requests: the same read as GET /api/v1/teacher-verifications/."""
    rows = [selectors.verification_json(v) for v in selectors.verification_requests(user=request.user)[:200]]
    return render(request, "frontend/verifications.html", {"section": "academy", "requests": rows,
                                                          "form": DecisionForm()})


@require_POST
@staff_required
def decide(request, verification_id, decision):
    if decision not in ("approve", "reject"):
        raise Http404
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        row = services.verification_decide(actor=request.user, verification_id=verification_id,
                                           approve=decision == "approve", note=note)
    except NotFound:
        raise Http404 from None
    except ServiceError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, (_("%(teacher)s is verified.") if decision == "approve"
                                   else _("The request of %(teacher)s was rejected.")) %
                         {"teacher": row.teacher.display_name})
    return redirect("frontend:verifications")
