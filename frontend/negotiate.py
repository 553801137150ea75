"""The negotiation pages: the brief and a start button, then the table (the session as the learner's side
sees it, with a form for each move), then the result. Server-rendered forms, no script needed: every write
goes through the services the API calls (assessments.services.attempt_start and attempt_move), which the
engine checks; a refused move comes back as a message and changes nothing."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.errors import ServiceError
from api.throttles import AttemptThrottle, refusal_wait
from assessments import selectors as assessment_selectors
from assessments import services as assessment_services
from assessments.models import Exercise

from .access import attemptable_exercise_or_404, error_text
from .views import TOO_MANY, too_many

MOVES = ("offer", "accept", "reject", "ask", "walk_away")


def _outcome_label(status: str) -> str:
    return {"agreement": _("An agreement"), "walkaway": _("No agreement: a side walked away"),
            "deadline": _("No agreement: the deadline passed"), "open": _("Under way")}.get(status, status)


def _issue_rows(brief: dict, package: dict | None) -> list[dict]:
    """The issues with the learner's own points per option, the package's option marked."""
    return [{"id": issue["id"], "label": issue["label"], "weight": issue["weight"],
             "options": [{**o, "chosen": bool(package) and package.get(issue["id"]) == o["id"]}
                         for o in issue["options"]]} for issue in brief["issues"]]


def _labelled(brief: dict, package: dict | None) -> list[dict]:
    if not package:
        return []
    labels = {i["id"]: (i["label"], {o["id"]: o["label"] for o in i["options"]}) for i in brief["issues"]}
    return [{"issue": labels[i][0], "option": labels[i][1].get(o, o)} for i, o in package.items() if i in labels]


def play_context(*, exercise: Exercise, summary: dict, attempt) -> dict:
    """What the negotiation page shows: the brief of the learner's role, and the session when one is open."""
    if attempt is None:
        brief = summary["negotiation"]
        return {"brief": brief, "issues": _issue_rows(brief, None), "attempt": None, "roles": summary["roles"]}
    view = assessment_selectors.negotiation_session(attempt=attempt)
    brief, session = view["brief"], view["session"]
    labels = {brief["role"]["id"]: brief["role"]["label"], brief["counterpart"]["id"]: brief["counterpart"]["label"]}
    questions = {q["id"]: q["text"] for q in brief["questions"]}
    moves = [{**m, "who": labels.get(m["role"], m["role"]), "mine": m["role"] == brief["role"]["id"],
              "items": _labelled(brief, m.get("package")),
              "question_text": questions.get(m.get("question"), m.get("text", ""))}
             for m in session["moves"]]
    standing = session["standing_offer"]
    return {"brief": brief, "issues": _issue_rows(brief, standing["package"] if standing else None),
            "attempt": attempt, "session": session, "moves": moves,
            "standing_items": _labelled(brief, standing["package"]) if standing else [],
            "status_label": _outcome_label(session["status"])}


@require_POST
@login_required
def negotiate(request, exercise_id):
    """Start a negotiation (`move=start`, with an optional `role`) or make a move in the learner's open one."""

    exercise = attemptable_exercise_or_404(request.user, exercise_id)
    if exercise.kind != Exercise.Kind.NEGOTIATION:
        raise Http404
    back = redirect("frontend:exercise", exercise_id=exercise.pk)
    kind = request.POST.get("move", "")
    try:
        if kind == "start":
            if (wait := refusal_wait(request, (AttemptThrottle(),))) is not None:
                return too_many(render(request, "frontend/too_many.html", {"message": TOO_MANY, "back": back.url}),
                                wait)
            role = request.POST.get("role") or None
            assessment_services.attempt_start(exercise=exercise, learner=request.user, role=role)
            return back
        attempt = assessment_selectors.open_attempt(learner=request.user, exercise=exercise)
        if attempt is None or kind not in MOVES:
            messages.error(request, _("There is no negotiation under way to make that move in."))
            return back
        move = {"type": kind}
        if kind == "offer":
            move["package"] = {key[len("issue-"):]: value for key, value in request.POST.items()
                               if key.startswith("issue-") and value}
        if kind == "ask":
            move["question"] = request.POST.get("question", "")
        note = request.POST.get("note", "").strip()
        if note:
            move["note"] = note[:1000]
        attempt, _replies = assessment_services.attempt_move(attempt_id=attempt.pk, learner=request.user, move=move)
    except ServiceError as exc:
        messages.error(request, error_text(exc))
        return back
    if attempt.status != attempt.Status.IN_PROGRESS:
        return redirect("frontend:attempt", attempt_id=attempt.pk)
    return back


def result_context(attempt) -> dict:
    """A graded negotiation attempt: the outcome, the deal, the learner's utility against their reservation,
    the competencies with their labels, and how far the deal was from the frontier and the Nash point."""
    view = assessment_selectors.negotiation_session(attempt=attempt)
    brief = view["brief"]
    result = attempt.result or {}
    mine = result.get("roles", {}).get(view["role"], {})
    labels = {c["key"]: c["label"] for c in brief["competencies"]}
    return {"brief": brief, "outcome_label": _outcome_label(result.get("outcome", "")),
            "deal_items": _labelled(brief, result.get("deal")), "mine": mine,
            "competencies": [{"key": k, "label": labels.get(k, k), "score": v}
                             for k, v in result.get("competencies", {}).items()],
            "overall": result.get("overall"), "passed": result.get("passed"),
            "pareto_distance": result.get("pareto_distance"), "nash_distance": result.get("nash_distance"),
            "nash_items": _labelled(brief, (result.get("nash") or {}).get("package"))}
