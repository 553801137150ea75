"""The statistics pages (issue 16, item 4; scenario spec, "Statistics"): an exercise's numbers per version
for its academy's staff (`/academy/exercises/{id}/statistics/`), and the same over one class's attempts
for the class's teacher (`/teach/classes/{id}/statistics/{exercise}/`), each with its CSV.

The numbers are the API's: `api.views.exercises.statistics_read` reads the exercise, the class and the
version, asks courses.access.may_read_statistics, and builds the report from assessments.statistics.
This module only words, formats and draws them: a heat overlay on the scenario's diagram, with every
number of the picture in the tables beside it."""
import csv
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import NotFound, ValidationError

from api.views.exercises import statistics_read
from assessments.diagram import render_svg
from assessments.errors import Conflict
from assessments.grading.statistics import FLAT_DISCRIMINATION, MIN_FOR_DISCRIMINATION, STOP_MIN_COUNT
from assessments.models import ExerciseVersion
from courses import selectors as course_selectors

from . import labels
from .access import staff_required, teacher_required
from .teach import _class, heat_level


def _read(request, exercise_id, school_class=None):
    """(exercise, version, report) or the page's refusal: 404 for what the caller may not read (as the
    API), 400 for a version the exercise does not have."""
    params = {"version": request.GET["version"]} if request.GET.get("version") else {}
    if school_class is not None:
        params["class"] = school_class.pk
    try:
        return statistics_read(request.user, exercise_id, params)
    except (NotFound, Conflict):  # Conflict: a negotiation, which keeps no statistics yet
        raise Http404 from None
    except ValidationError:
        return None


def _bad_version(request, exercise_id, school_class, base_url):
    return render(request, "frontend/statistics_bad_version.html", {
        "section": "teach" if school_class else "academy", "school_class": school_class, "base_url": base_url,
    }, status=400)


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _signed(value) -> str:
    # A minus sign, not a hyphen: read as "minus" by screen readers.
    return "—" if value is None else (f"{value:+.2f}".replace("-", "−"))


def _flag_text(flag: dict, choice_texts: dict) -> str:
    node, choice = flag["node"], flag.get("choice", "")
    words = {"node": node, "choice": choice_texts.get((node, choice), choice)}
    if flag["kind"] == "untaken":
        return _("Nobody took “%(choice)s” at %(node)s. It may read as plainly wrong, or be easy to miss: "
                 "check its wording.") % words
    if flag["kind"] == "flat":
        return _("“%(choice)s” at %(node)s does not separate strong attempts from weak ones: both take it "
                 "about as often (|D| under %(limit)s). It adds little to the score's meaning.") % {
            **words, "limit": FLAT_DISCRIMINATION}
    if flag["kind"] == "reversed":
        return _("“%(choice)s” at %(node)s is taken more by weaker attempts than by stronger ones (D under 0). "
                 "That is expected of a mistake; if it is meant as a good move, check its weights.") % words
    return ngettext("%(n)s attempt in progress stopped at %(node)s: learners may be stuck or leave there.",
                    "%(n)s attempts in progress stopped at %(node)s: learners may be stuck or leave there.",
                    flag["count"]) % {"n": flag["count"], "node": node}


def _flag_name(kind: str) -> str:
    return {"untaken": _("Nobody takes it"), "flat": _("Does not discriminate"),
            "reversed": _("Discriminates the wrong way"), "stops": _("Many stop here")}[kind]


def _scenario_context(exercise, version, report) -> dict:
    document = version.document
    attempts = report["attempts"]
    stopped = {s["node"]: s["count"] for s in report["stopped"]}
    flags_at: dict = {}
    for flag in report["flags"]:
        flags_at.setdefault((flag["node"], flag.get("choice", "")), []).append(_flag_name(flag["kind"]))
    by_id = {n["id"]: n for n in document["nodes"]}
    choice_texts = {(n["id"], c["id"]): c.get("text", "") for n in document["nodes"] for c in n.get("choices", [])}
    nodes, choices, criteria, heat = [], [], [], {}
    for entry in report["nodes"]:
        node = by_id.get(entry["id"], {})
        share = entry["reached"] / attempts if attempts else None
        level = heat_level(share * 100) if share is not None else 0
        heat[entry["id"]] = {"level": level, "note": f"{entry['reached']} · {_percent(share)}"}
        kind = node.get("type", "")
        nodes.append({"id": entry["id"], "type": kind, "text": node.get("text", ""), "reached": entry["reached"],
                      "share": _percent(share), "heat": level, "stopped": stopped.get(entry["id"], 0),
                      "outcome": labels.outcome(node["outcome"]) if kind == "outcome" else "",
                      "few": ("choices" in entry or "criteria" in entry) and entry["reached"] < MIN_FOR_DISCRIMINATION,
                      "flags": flags_at.get((entry["id"], ""), [])})
        for item in entry.get("choices", []):
            choices.append({"node": entry["id"], "id": item["id"],
                            "text": choice_texts.get((entry["id"], item["id"]), ""),
                            "count": item["count"], "reached": entry["reached"], "share": _percent(item["share"]),
                            "discrimination": _signed(item["discrimination"]),
                            "flags": flags_at.get((entry["id"], item["id"]), [])})
        rubric = node.get("rubric") or {}
        labels_of = {c["id"]: c.get("label", "") for c in rubric.get("criteria") or []}
        for item in entry.get("criteria", []):
            criteria.append({"node": entry["id"], "id": item["id"], "label": labels_of.get(item["id"], ""),
                             "count": item["count"], "reached": entry["reached"], "share": _percent(item["share"]),
                             "discrimination": _signed(item["discrimination"])})
    svg = mark_safe(render_svg(  # noqa: S308 - render_svg escapes every text of the document and the labels
        document, title=_("How far attempts got: %(title)s") % {"title": exercise.title},
        svg_id=f"stats-{exercise.pk}", heat=heat,
        heat_label=_("Each node is coloured by the share of graded attempts that reached it, darker for more; "
                     "under its id, how many reached it and that share. The table “Reach per node” gives the "
                     "same numbers.")))
    return {"svg": svg, "nodes": nodes, "choices": choices, "criteria": criteria,
            "stopped": [{"node": s["node"], "count": s["count"]} for s in report["stopped"]],
            "stopped_total": sum(stopped.values()),
            "flags": [{"kind": f["kind"], "name": _flag_name(f["kind"]), "text": _flag_text(f, choice_texts)}
                      for f in report["flags"]]}


def _quiz_context(version, report) -> dict:
    texts = {q["id"]: q.get("text", "") for q in version.document.get("questions", [])}
    return {"questions": [{"id": q["id"], "text": texts.get(q["id"], ""), "facility": _percent(q["facility"]),
                           "discrimination": _signed(q["discrimination"])} for q in report["questions"]]}


def _page(request, *, exercise, version, report, school_class, base_url, csv_url):
    rows = ExerciseVersion.objects.filter(exercise=exercise).order_by("-number").values_list("id", "number",
                                                                                             "created_at")
    versions = [{"number": number, "created_at": created, "current": pk == exercise.current_version_id}
                for pk, number, created in rows]
    attempts = report["attempts"]
    context = {
        "section": "teach" if school_class else "academy", "tab": "statistics", "school_class": school_class,
        "exercise": exercise, "version": version, "report": report, "versions": versions,
        "is_current": version.pk == exercise.current_version_id, "base_url": base_url,
        "csv_url": csv_url + (f"?version={version.number}" if version.pk != exercise.current_version_id else ""),
        "few": attempts < MIN_FOR_DISCRIMINATION, "minimum": MIN_FOR_DISCRIMINATION, "stop_min": STOP_MIN_COUNT,
        "flat_limit": FLAT_DISCRIMINATION,
    }
    if report["kind"] == "scenario":
        context.update(_scenario_context(exercise, version, report))
    else:
        context.update(_quiz_context(version, report))
    return render(request, "frontend/statistics.html", context)


def _number(value) -> str:
    """A number in the CSV as the API's JSON writes it: the shortest form that reads back the same."""
    return "" if value is None else repr(value)


def _cell(text: str) -> str:
    # An id is the author's text: one starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _csv(exercise, version, report, school_class) -> HttpResponse:
    """The page's tables as one CSV: for a scenario a row per node (its reach and stops) and per choice
    and criterion (count, share, discrimination, flags); for a quiz a row per question. Shares and
    discriminations are the API's numbers unrounded."""
    out = io.StringIO()
    writer = csv.writer(out)
    if report["kind"] == "scenario":
        stopped = {s["node"]: s["count"] for s in report["stopped"]}
        flags: dict = {}
        for flag in report["flags"]:
            flags.setdefault((flag["node"], flag.get("choice", "")), []).append(flag["kind"])
        writer.writerow(["version", "attempts", "node", "item_kind", "item", "reached", "count", "share",
                         "discrimination", "stopped", "flags"])
        for node in report["nodes"]:
            writer.writerow([version.number, report["attempts"], _cell(node["id"]), "node", "", node["reached"], "", "",
                             "", stopped.get(node["id"], 0), ";".join(flags.get((node["id"], ""), []))])
            for key, kind in (("choices", "choice"), ("criteria", "criterion")):
                for item in node.get(key, []):
                    writer.writerow([version.number, report["attempts"], _cell(node["id"]), kind, _cell(item["id"]),
                                     node["reached"],
                                     item["count"], _number(item["share"]), _number(item["discrimination"]), "",
                                     ";".join(flags.get((node["id"], item["id"]), [])) if kind == "choice" else ""])
    else:
        writer.writerow(["version", "attempts", "question", "facility", "discrimination"])
        for q in report["questions"]:
            writer.writerow([version.number, report["attempts"], _cell(q["id"]), _number(q["facility"]),
                             _number(q["discrimination"])])
    name = f"exercise-{exercise.pk}-v{version.number}" + (f"-class-{school_class.pk}" if school_class else "")
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-statistics.csv"'
    return response


@staff_required
def exercise_statistics(request, exercise_id):
    read = _read(request, exercise_id)
    base_url = reverse("frontend:exercise-statistics", args=[exercise_id])
    if read is None:
        return _bad_version(request, exercise_id, None, base_url)
    exercise, version, report = read
    return _page(request, exercise=exercise, version=version, report=report, school_class=None, base_url=base_url,
                 csv_url=reverse("frontend:exercise-statistics-csv", args=[exercise.pk]))


@staff_required
def exercise_statistics_csv(request, exercise_id):
    read = _read(request, exercise_id)
    if read is None:
        return _bad_version(request, exercise_id, None, reverse("frontend:exercise-statistics", args=[exercise_id]))
    return _csv(*read, None)


@teacher_required
def class_statistics(request, class_id):
    """The class's exercises (those of its assigned modules), each a link to its statistics."""
    school_class = _class(request, class_id)
    return render(request, "frontend/class_statistics.html", {
        "section": "teach", "tab": "statistics", "school_class": school_class,
        "exercises": course_selectors.class_exercises(school_class=school_class)})


@teacher_required
def class_exercise_statistics(request, class_id, exercise_id):
    school_class = _class(request, class_id)
    read = _read(request, exercise_id, school_class)
    base_url = reverse("frontend:class-exercise-statistics", args=[school_class.pk, exercise_id])
    if read is None:
        return _bad_version(request, exercise_id, school_class, base_url)
    exercise, version, report = read
    return _page(request, exercise=exercise, version=version, report=report, school_class=school_class,
                 base_url=base_url,
                 csv_url=reverse("frontend:class-exercise-statistics-csv", args=[school_class.pk, exercise.pk]))


@teacher_required
def class_exercise_statistics_csv(request, class_id, exercise_id):
    school_class = _class(request, class_id)
    read = _read(request, exercise_id, school_class)
    if read is None:
        return _bad_version(request, exercise_id, school_class,
                            reverse("frontend:class-exercise-statistics", args=[school_class.pk, exercise_id]))
    return _csv(*read, school_class)
