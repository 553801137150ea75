"""Reads on exercises and attempts, shaped for their callers (the API's views and the site's pages alike).

Every read of a version's document goes through `documents.normalised_document`, the per-process
cache: a document is validated and normalised once per process, not once per request.
"""
import re

from django.conf import settings
from django.db.models import Count, Max

from accounts.privacy import display_name
from accounts.selectors import academy_ids_of

from . import grading, negotiation
from .documents import debrief_plan, normalised_document, prepared_negotiation
from .models import Attempt, Exercise, ExerciseVersion, RefusedPath


def exercise_learner_view(*, exercise: Exercise, learner) -> dict:
    """What a learner may see before playing: never the graph, weights or keys.

    `path_refusals_left` (scenarios; None for quizzes) is how many more
    refused whole-path submissions the learner may make at it before whole
    paths are refused outright (assessments.services._check_path).

    A negotiation's view holds `negotiation`, the brief of the role a learner plays unless the start
    names another (its first), through the engine's learner_view: never the other role's brief,
    values, reservation, strategy or answers; and `roles` (id and label of each) to choose from.
    """
    if exercise.kind == Exercise.Kind.NEGOTIATION:
        neg = prepared_negotiation(exercise.current_version)
        brief = negotiation.learner_view(neg, neg.roles[0].id)
        summary = {"format": brief["format"], "slug": brief["slug"], "title": brief["title"],
                   "language": brief["language"], "summary": brief["summary"],
                   "pass_threshold": float(neg.document["pass_threshold"]),
                   "competencies": [{"key": c["key"], "label": c["label"], "weight": float(c["weight"])}
                                    for c in neg.document["competencies"] if c["key"] in neg.roles[0].competencies],
                   "roles": [{"id": r.id, "label": r.label} for r in neg.roles], "negotiation": brief}
    else:
        summary = grading.learner_summary(normalised_document(exercise.current_version))
    signed_in = learner.is_authenticated
    used = Attempt.objects.counted().filter(exercise=exercise, learner=learner).count() if signed_in else 0
    left = None if exercise.attempt_limit is None else max(exercise.attempt_limit - used, 0)
    refusals_left = None
    if exercise.kind == Exercise.Kind.SCENARIO:
        refused = RefusedPath.objects.filter(exercise=exercise, learner=learner).count() if signed_in else 0
        refusals_left = max(settings.PATH_REFUSALS_PER_EXERCISE - refused, 0)
    return {
        "id": exercise.pk,
        "kind": exercise.kind,
        "version": exercise.current_version.number,
        "visibility": exercise.visibility,
        "attempt_limit": exercise.attempt_limit,
        "attempts_left": left,
        "path_refusals_left": refusals_left,
        **summary,
    }


def exercise_download_filename(*, exercise: Exercise, version: ExerciseVersion) -> str:
    """`<slug>-v<number>.json`, from the slug's safe characters only: a slug stored before slugs
    were checked on import may hold a quote or a line break, which must not reach a header."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", exercise.slug).strip("-") or "exercise"
    return f"{slug}-v{version.number}.json"


def attempt_view(*, attempt: Attempt) -> dict:
    """The attempt as its learner (and their teachers) see it.

    The current node is given in the learner's view only; the result only
    once graded, so nothing of the key shows before grading. A negotiation attempt also holds
    `negotiation`: its learner's role, that role's brief and the session as that role sees it
    (negotiation_session), whatever its status.
    """
    node = None
    extra = {}
    if attempt.exercise.kind == Exercise.Kind.NEGOTIATION:
        extra["negotiation"] = negotiation_session(attempt=attempt)
    elif attempt.exercise.kind == Exercise.Kind.SCENARIO and attempt.current_node:
        node = grading.learner_node(normalised_document(attempt.version), attempt.current_node)
    return {
        "id": attempt.pk,
        "exercise": attempt.exercise_id,
        "version": attempt.version.number,
        "status": attempt.status,
        "node": node,
        "path": [public_step(s) for s in attempt.answers.get("steps", [])],
        "result": attempt.result if attempt.status == Attempt.Status.GRADED else None,
        "score": attempt.score if attempt.status == Attempt.Status.GRADED else None,
        "passed": attempt.passed if attempt.status == Attempt.Status.GRADED else None,
        "practice": attempt.practice,
        "replay_of": attempt.replay_of_id,
        "replay_from": attempt.replay_from or None,
        "created_at": attempt.created_at,
        "submitted_at": attempt.submitted_at,
        "graded_at": attempt.graded_at,
        **extra,
    }


def negotiation_session(*, attempt: Attempt) -> dict:
    """A negotiation attempt as its learner's side sees it (spec "What each side sees"): the role, its
    brief (learner_view) and the session (state_view: every move with this side's utility only, the
    standing offer, the questions left). The seed and the other side's numbers are never in it. No query."""
    neg = prepared_negotiation(attempt.version)
    role = attempt.answers["role"]
    return {"role": role, "brief": negotiation.learner_view(neg, role),
            "session": negotiation.state_view(neg, role, attempt.answers["transcript"])}


def public_step(step: dict) -> dict:
    """A stored step as its learner sees it back (attempt views, the data export): node, choice, reply."""
    return {k: step[k] for k in ("node", "choice", "reply") if k in step}


def competency_profile(*, learner) -> list[dict]:
    """Per competency: mean of the learner's latest graded scenario or negotiation attempt per exercise
    (a negotiation's result carries its learner's role's competencies, services.negotiation_result).

    Two queries whatever the number of attempts: the latest graded attempt id
    per exercise, then those attempts' results.
    """
    latest = (
        Attempt.objects.counted().filter(learner=learner, status=Attempt.Status.GRADED,
                                         exercise__kind__in=(Exercise.Kind.SCENARIO, Exercise.Kind.NEGOTIATION))
        .values("exercise_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    sums: dict[str, list[float]] = {}
    labels: dict[str, str] = {}
    for attempt in Attempt.objects.filter(id__in=list(latest)).select_related("version").only(
            "result", "version", "version__content_hash", "version__document"):
        result = attempt.result
        for comp in _document(attempt.version)["competencies"]:
            labels.setdefault(comp["key"], comp.get("label", comp["key"]))
        for key, score in (result or {}).get("competencies", {}).items():
            sums.setdefault(key, []).append(score)
    return [
        {"key": key, "label": labels.get(key, key), "score": round(sum(v) / len(v), 1), "exercises": len(v)}
        for key, v in sorted(sums.items())
    ]


def exercise_attempt_counts(*, exercise_ids) -> dict[int, int]:
    return dict(
        Attempt.objects.counted().filter(exercise_id__in=exercise_ids)
        .values("exercise_id").annotate(n=Count("id")).values_list("exercise_id", "n")
    )


# --- a learner's attempts ----------------------------------------------------------------------


def learner_attempts(*, learner, exercise):
    """The learner's attempts at the exercise, newest first, ready for attempt_view (a queryset to page)."""
    return (Attempt.objects.filter(exercise=exercise, learner=learner).select_related("version", "exercise")
            .order_by("-created_at", "-id"))


def recent_attempts(*, learner, limit: int = 10) -> list[Attempt]:
    return list(Attempt.objects.filter(learner=learner).select_related("exercise").order_by("-created_at", "-id")
                [:limit])


def open_attempt(*, learner, exercise, replay_id: int | None = None) -> Attempt | None:
    """The learner's latest scenario attempt still being played, to resume: not a practice replay (one left
    unfinished must not stand in the way of a real attempt), unless `replay_id` names one of theirs."""
    playing = Attempt.objects.filter(learner=learner, exercise=exercise, status=Attempt.Status.IN_PROGRESS)
    if replay_id is not None:
        return playing.filter(pk=replay_id, practice=True).first()
    return playing.filter(practice=False).order_by("-created_at", "-id").first()


def replay_decisions(*, attempt: Attempt) -> list[dict]:
    """The decisions (choice and reply nodes) of a graded attempt's path that a "what if" replay may start
    from, in path order, with the situation's text. No query."""
    nodes = _nodes(normalised_document(attempt.version))
    return [{"node": step["node"], "text": nodes[step["node"]].get("text", "")}
            for step in attempt.answers.get("steps", [])
            if nodes.get(step.get("node"), {}).get("type") in ("choice", "reply")]


def debrief_unlocked(*, attempt: Attempt) -> bool:
    """The scenario spec's rule ("Debrief"): once the attempt is graded and, with `debrief_after` "passed"
    (the default), once its learner has passed the exercise or used every attempt allowed; with "graded",
    at once. Decides the debrief (API and site) and the "what if" replays that follow it. Practice
    replays and staff previews neither pass an exercise nor use up attempts (Attempt.objects.counted).
    At most two queries, none when the answer is in the attempt itself."""
    if attempt.status != Attempt.Status.GRADED or attempt.exercise.kind != Exercise.Kind.SCENARIO:
        return False
    if normalised_document(attempt.version).get("debrief_after", "passed") == "graded":
        return True
    if attempt.passed and not attempt.practice:
        return True
    counted = Attempt.objects.counted().filter(exercise_id=attempt.exercise_id, learner_id=attempt.learner_id)
    if counted.filter(status=Attempt.Status.GRADED, passed=True).exists():
        return True
    limit = attempt.exercise.attempt_limit
    return limit is not None and counted.count() >= limit


def attempt_debrief(*, attempt: Attempt) -> dict:
    """The scenario spec's debrief of a graded scenario attempt (the API's body), from its stored path
    and current result, which already reflects any override. The version's half comes from the
    per-process plan (documents.debrief_plan). Callers check debrief_unlocked first. No query."""
    return grading.attempt_debrief(normalised_document(attempt.version), debrief_plan(attempt.version),
                                   attempt.answers, attempt.result or {})


def attempt_decision_events(*, attempt: Attempt) -> list[dict]:
    """Each decision of a graded scenario attempt with its node, move and value in overall points,
    for a later xAPI statement per decision; derived from the stored path, never stored. No query."""
    return grading.decision_events(normalised_document(attempt.version), debrief_plan(attempt.version),
                                   attempt.answers, attempt.result or {})


def debrief_page(*, attempt: Attempt) -> dict:
    """The debrief with the texts the result page shows beside it: each step's prompt and the learner's
    choice, the best choice, and the strongest path's prompts and choices. No query."""
    document = normalised_document(attempt.version)
    nodes = _nodes(document)
    debrief = attempt_debrief(attempt=attempt)

    def choice_text(node: dict, choice_id: str) -> str:
        return next((c["text"] for c in node.get("choices", []) if c["id"] == choice_id), choice_id)

    steps = []
    for number, step in enumerate(debrief["steps"], start=1):
        node = nodes[step["node"]]
        row = {**step, "number": number, "text": node["text"], "type": node["type"]}
        if "choice" in step:
            row["choice_text"] = choice_text(node, step["choice"])
            row["kept"] = step["best_choice"]["id"] == step["choice"]
        steps.append(row)
    strongest = []
    for number, step in enumerate(debrief["strongest_path"], start=1):
        node = nodes[step["node"]]
        row = {**step, "number": number, "text": node["text"], "type": node["type"]}
        if "choice" in step:
            row["choice_text"] = choice_text(node, step["choice"])
        elif node["type"] == "outcome":
            row["outcome"] = node["outcome"]
        strongest.append(row)
    learner_path = [{"node": s["node"], **({"choice": s["choice"]} if "choice" in s else {})}
                    for s in attempt.answers.get("steps", [])]
    return {**debrief, "steps": steps, "strongest": strongest, "learner_path": learner_path,
            "lost_total": round(sum(s["lost"] for s in debrief["steps"]), 1)}


def attempt_history(*, attempt: Attempt) -> list[dict]:
    """Each grading of the attempt, oldest first: automatic, overrides, reversals, regrades. One query."""
    return [
        {"kind": g.kind, "created_at": g.created_at, "engine_version": g.engine_version,
         "actor": g.actor.display_name if g.actor else None, "reason": g.reason, "overrides": g.overrides,
         "overall": g.result.get("overall"), "passed": g.result.get("passed")}
        for g in attempt.gradings.select_related("actor").order_by("created_at", "id")
    ]


# --- attempts explained with the texts of their version ------------------------------------------


def _document(version: ExerciseVersion) -> dict:
    """The version's normalised document, whichever its engine (cached per process either way)."""
    if version.document.get("format") == negotiation.NEGOTIATION_FORMAT:
        return prepared_negotiation(version).document
    return normalised_document(version)


def _nodes(document: dict) -> dict:
    return {node["id"]: node for node in document.get("nodes", [])}


def attempt_path(attempt: Attempt) -> list[dict]:
    """The steps taken so far with the texts the learner saw (never weights, links or feedback)."""
    nodes = _nodes(normalised_document(attempt.version))
    out = []
    for step in attempt.answers.get("steps", []):
        node = nodes.get(step["node"], {})
        if node.get("type") == "outcome":
            continue
        row = {"node": step["node"], "text": node.get("text", "")}
        if "choice" in step:
            choice = next((c for c in node.get("choices", []) if c["id"] == step["choice"]), {})
            row["choice"] = choice.get("text", step["choice"])
        if "reply" in step:
            row["reply"] = step["reply"]
        out.append(row)
    return out


def scenario_result(attempt: Attempt) -> dict:
    """A graded scenario attempt with labels: competencies, steps, criteria met and missed.

    Only for graded attempts: the texts of criteria and feedback are part of the result.
    """
    document = normalised_document(attempt.version)
    result = attempt.result or {}
    nodes = _nodes(document)
    labels = {c["key"]: c["label"] for c in document["competencies"]}
    competencies = [{"key": key, "label": labels.get(key, key), "score": score}
                    for key, score in result.get("competencies", {}).items()]
    answers = {s["node"]: s for s in attempt.answers.get("steps", [])}
    steps = []
    for graded in result.get("steps", []):
        node = nodes.get(graded["node"], {})
        row = {"node": graded["node"], "text": node.get("text", ""), "feedback": graded.get("feedback", "")}
        if "choice" in graded:
            choice = next((c for c in node.get("choices", []) if c["id"] == graded["choice"]), {})
            row["choice"] = choice.get("text", graded["choice"])
            row["critical"] = f'{graded["node"]}/{graded["choice"]}' in result.get("critical", [])
        else:
            rubric = node.get("rubric", {"criteria": [], "avoid": []})
            criteria = {c["id"]: c["label"] for c in rubric["criteria"]}
            avoid = {c["id"]: c["label"] for c in rubric["avoid"]}
            row["reply"] = answers.get(graded["node"], {}).get("reply", "")
            row["met"] = [criteria.get(i, i) for i in graded.get("met", [])]
            row["missed"] = [criteria.get(i, i) for i in graded.get("missed", [])]
            row["avoided"] = [avoid.get(i, i) for i in graded.get("avoided", [])]
        steps.append(row)
    outcome_node = next((n for n in document["nodes"] if n["type"] == "outcome"
                         and n["id"] == (attempt.answers.get("steps") or [{}])[-1].get("node")), None)
    return {
        "overall": result.get("overall"),
        "passed": result.get("passed"),
        "outcome": result.get("outcome", ""),
        "outcome_text": outcome_node["text"] if outcome_node else "",
        "competencies": competencies,
        "critical": bool(result.get("critical")),
        "steps": steps,
        "pass_threshold": document["pass_threshold"],
        "title": document["title"],
    }


def quiz_result(attempt: Attempt) -> dict:
    """A graded quiz attempt: per question its text, the learner's answer, what was correct."""
    document = normalised_document(attempt.version)
    result = attempt.result or {}
    given = attempt.answers.get("answers", {})
    graded = {q["id"]: q for q in result.get("questions", [])}
    questions = []
    for q in document["questions"]:
        options = {o["id"]: o["text"] for o in q.get("options", [])}
        answer = given.get(q["id"])
        if isinstance(answer, list):
            answer_text = [options.get(a, a) for a in answer]
        else:
            answer_text = [answer] if answer else []
        row = graded.get(q["id"], {})
        correct = row.get("correct", [])
        questions.append({
            "id": q["id"], "text": q["text"], "type": q["type"], "points": q["points"],
            "earned": row.get("earned", 0), "earned_points": round(row.get("earned", 0) * q["points"], 2),
            "feedback": row.get("feedback", ""), "answer": answer_text,
            "correct": correct if q["type"] == "text" else [options.get(c, c) for c in correct],
        })
    return {"overall": result.get("overall"), "passed": result.get("passed"), "questions": questions,
            "pass_threshold": document["pass_threshold"], "title": document["title"]}


def attempt_replies(attempts, names: dict[int, str] | None = None) -> list[dict]:
    """The free-text replies of graded scenario attempts (their learner, exercise and version read with
    them), in the attempts' order, with what a reviewer needs: the prompt, the rubric's criteria with
    met/missed/avoided, score and when graded. The API's replies list and the teacher's replies page
    both show these rows (courses/selectors.py chooses the class's attempts and gives `names`, the
    learners' names as the class shows them); no query of its own."""
    names = names or {}
    rows = []
    for attempt in attempts:
        nodes = _nodes(normalised_document(attempt.version))
        graded = {st["node"]: st for st in (attempt.result or {}).get("steps", [])}
        for step in attempt.answers.get("steps", []):
            if "reply" not in step:
                continue
            node = nodes.get(step["node"], {})
            rubric = node.get("rubric", {"criteria": [], "avoid": []})
            result = graded.get(step["node"], {})
            rows.append({
                "attempt": attempt.pk,
                "student": names.get(attempt.learner_id) or display_name(attempt.learner.username),
                "exercise": attempt.exercise.title,
                "node": step["node"], "prompt": node.get("text", ""), "reply": step["reply"],
                "score": attempt.score, "passed": attempt.passed, "graded_at": attempt.graded_at,
                "met": result.get("met", []), "missed": result.get("missed", []),
                "avoided": result.get("avoided", []),
                "criteria": [{"id": c["id"], "label": c["label"], "met": c["id"] in result.get("met", [])}
                             for c in rubric["criteria"]],
                "avoid": [{"id": c["id"], "label": c["label"], "hit": c["id"] in result.get("avoided", [])}
                          for c in rubric["avoid"]],
            })
    return rows


# --- academy staff ---------------------------------------------------------------------------


def academy_exercises(*, user) -> list[dict]:
    """The exercises of the academies the user is staff of, with their current (normalised) documents."""
    exercises = (Exercise.objects.filter(academy_id__in=academy_ids_of(user), current_version__isnull=False)
                 .select_related("academy", "current_version").annotate(n_attempts=Count("attempts"))
                 .order_by("academy__name", "-kind", "title"))
    return [{"exercise": e, "version": e.current_version.number,
             "document": _document(e.current_version)} for e in exercises]
