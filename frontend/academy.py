"""Pages for academy staff: a way into the CMS and their exercises, each scenario drawn as a diagram."""
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from assessments.diagram import edges_of, render_svg
from courses import dashboards

from . import labels
from .access import staff_required


@staff_required
def academy_home(request):
    rows = []
    for row in dashboards.academy_exercises(user=request.user):
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
        else:
            item["questions"] = len(document["questions"])
        rows.append(item)
    return render(request, "frontend/academy.html", {"section": "academy", "rows": rows})
