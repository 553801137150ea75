"""The debrief of a graded scenario path (scenario spec, "Debrief (after grading)").

Two halves. `debrief_plan` holds everything that depends on the version alone: the value of
every move in overall points, best(n) for every node, the choice that reaches it and the
strongest path. It is computed once per version (assessments.documents keeps one per process).
`attempt_debrief` and `decision_events` then read one attempt's stored path and current result
(which already reflects a teacher's overrides) against the plan: linear in the path's length.

Arithmetic is exact (fractions of the document's numbers), so ties between choices are real ties
and a loss of 0.05 is not 0.04999...; numbers are turned into floats only to be reported, rounded
by Scoring rule 7.

Reading of the spec where it leaves a choice: best(n) is the best non-critical continuation
when n has one and the best of all continuations otherwise. At a node with a non-critical
continuation the choice that reaches best(n) is the first non-critical choice (document order)
that does; at a node without one, the first choice of all. The strongest path realises
best(start): when every path from start is critical it stays with the best of all continuations
to the end, so its value is best(start) and the losses add up to its overall minus the learner's.
A step is flagged `critical` when it takes a critical choice, as the spec's step JSON reads. A
non-critical choice that leaves a node with a way free of critical choices for one where every way
takes one may also lose a negative amount: best() changes footing there (`leaves_safe_ground`); its
flag stays false, since the flag reports the document's choice, not the arithmetic.
"""
from dataclasses import dataclass
from fractions import Fraction

from .bounds import node_graph
from .documents import document_kind, normalise_document
from .graph import topological_order
from .rounding import round_half_up


@dataclass(frozen=True)
class DebriefPlan:
    """What a version's debrief needs, whatever the attempt. Shared: read it, never modify it."""

    move_weights: dict  # competency key -> W_c (assessed competencies only)
    offset: Fraction  # Σ_c W_c · worst_c: a path's overall is the sum of its values minus this
    choice_values: dict  # (node id, choice id) -> value
    reply_max: dict  # reply node id -> Σ_c W_c · (points of all its criteria)
    best: dict  # node id -> best(n)
    best_choice: dict  # choice node id -> choice id that reaches best(n)
    strongest_path: tuple  # ({"node", "choice"?}, ...) from start to an outcome
    strongest_value: Fraction  # best(start) - offset, the strongest path's overall
    safe: frozenset  # the nodes with a way to an outcome that takes no critical choice

    @property
    def strongest_overall(self) -> float:
        return float(self.strongest_value)


def _exact(number) -> Fraction:
    return Fraction(number) if isinstance(number, int) else Fraction(float(number))


def _exact_bounds(doc: dict, order: list[str], by_id: dict) -> dict[str, tuple[Fraction, Fraction]]:
    """{competency: (best_c, worst_c)} (Scoring rule 3), exactly, by DP in topological order."""
    bounds = {}
    for comp in doc["competencies"]:
        key = comp["key"]
        best, worst = {doc["start"]: Fraction(0)}, {doc["start"]: Fraction(0)}
        for node_id in order:
            node = by_id[node_id]
            if node["type"] == "choice":
                gains = [(c["next"], _exact(c["weights"].get(key, 0)), _exact(c["weights"].get(key, 0)))
                         for c in node["choices"]]
            elif node["type"] == "reply":
                rubric = node["rubric"]
                high = sum((_exact(i["points"]) for i in rubric["criteria"] if i["competency"] == key), Fraction(0))
                low = sum((_exact(i["points"]) for i in rubric["avoid"] if i["competency"] == key), Fraction(0))
                gains = [(node["next"], high, low)]
            else:
                gains = []
            for target, high, low in gains:
                up, down = best[node_id] + high, worst[node_id] + low
                if target not in best or up > best[target]:
                    best[target] = up
                if target not in worst or down < worst[target]:
                    worst[target] = down
        outcomes = [n for n in order if by_id[n]["type"] == "outcome"]
        bounds[key] = (max(best[o] for o in outcomes), min(worst[o] for o in outcomes))
    return bounds


def _items_value(weights: dict, items) -> Fraction:
    return sum((weights.get(item["competency"], Fraction(0)) * _exact(item["points"]) for item in items),
               Fraction(0))


def debrief_plan(doc: dict) -> DebriefPlan:
    """The version half of the debrief of a scenario: O(nodes + links).

    Takes the document as stored or normalised (InvalidDocument otherwise, ValueError for a quiz).
    """
    doc = normalise_document(doc)
    if document_kind(doc) != "scenario":
        raise ValueError("only scenarios have a debrief")
    by_id = {node["id"]: node for node in doc["nodes"]}
    order = topological_order(node_graph(doc), doc["start"])
    bounds = _exact_bounds(doc, order, by_id)
    assessed = [c for c in doc["competencies"] if bounds[c["key"]][0] > bounds[c["key"]][1]]
    total_weight = sum((_exact(c["weight"]) for c in assessed), Fraction(0))
    weights = {}
    if total_weight:
        for comp in assessed:
            best, worst = bounds[comp["key"]]
            weights[comp["key"]] = 100 * _exact(comp["weight"]) / ((best - worst) * total_weight)
    offset = sum((w * bounds[key][1] for key, w in weights.items()), Fraction(0))

    choice_values, reply_max = {}, {}
    # Per node: the best non-critical continuation (None when there is none) and the best of all.
    best_safe: dict[str, Fraction | None] = {}
    best_any: dict[str, Fraction] = {}
    safe_choice: dict[str, str] = {}
    any_choice: dict[str, str] = {}
    for node_id in reversed(order):
        node = by_id[node_id]
        if node["type"] == "outcome":
            best_safe[node_id] = best_any[node_id] = Fraction(0)
        elif node["type"] == "reply":
            top = _items_value(weights, node["rubric"]["criteria"])
            reply_max[node_id] = top
            after = best_safe[node["next"]]
            best_safe[node_id] = None if after is None else top + after
            best_any[node_id] = top + best_any[node["next"]]
        else:
            safe, anything = None, None
            for choice in node["choices"]:
                value = sum((w * _exact(choice["weights"].get(key, 0)) for key, w in weights.items()), Fraction(0))
                choice_values[(node_id, choice["id"])] = value
                whole = value + best_any[choice["next"]]
                if anything is None or whole > anything:  # strictly more: ties keep the earlier choice
                    anything, any_choice[node_id] = whole, choice["id"]
                after = best_safe[choice["next"]]
                if not choice["critical"] and after is not None and (safe is None or value + after > safe):
                    safe, safe_choice[node_id] = value + after, choice["id"]
            best_safe[node_id], best_any[node_id] = safe, anything

    best = {n: best_any[n] if best_safe[n] is None else best_safe[n] for n in order}
    best_choice = {n: safe_choice[n] if best_safe[n] is not None else any_choice[n]
                   for n in order if by_id[n]["type"] == "choice"}

    path, node_id = [], doc["start"]
    safe_mode = best_safe[node_id] is not None
    while True:
        node = by_id[node_id]
        if node["type"] == "choice":
            choice_id = safe_choice[node_id] if safe_mode else any_choice[node_id]
            path.append({"node": node_id, "choice": choice_id})
            node_id = next(c["next"] for c in node["choices"] if c["id"] == choice_id)
        elif node["type"] == "reply":
            path.append({"node": node_id})
            node_id = node["next"]
        else:
            path.append({"node": node_id})
            break

    return DebriefPlan(
        move_weights=weights, offset=offset, choice_values=choice_values, reply_max=reply_max, best=best,
        best_choice=best_choice, strongest_path=tuple(path), strongest_value=best[doc["start"]] - offset,
        safe=frozenset(n for n in order if best_safe[n] is not None),
    )


def _moves(doc: dict, plan: DebriefPlan, answers: dict, result: dict):
    """The decisions of a graded path, in order, as (node, step, result step, exact value)."""
    by_id = {node["id"]: node for node in doc["nodes"]}
    graded = iter(result.get("steps", []))
    for step in answers.get("steps", []):
        node = by_id[step["node"]]
        if node["type"] == "outcome":
            return
        scored = next(graded, {})
        if node["type"] == "choice":
            yield node, step, scored, plan.choice_values[(node["id"], step["choice"])]
        else:
            rubric = node["rubric"]
            met, avoided = set(scored.get("met", ())), set(scored.get("avoided", ()))
            value = (_items_value(plan.move_weights, [i for i in rubric["criteria"] if i["id"] in met])
                     + _items_value(plan.move_weights, [i for i in rubric["avoid"] if i["id"] in avoided]))
            yield node, step, scored, value


def attempt_debrief(doc: dict, plan: DebriefPlan, answers: dict, result: dict) -> dict:
    """The spec's debrief JSON for one graded attempt: its stored path and current result.

    `overall` is the result's (reflecting any override); each step's `lost` is exact before it is
    rounded, so the unrounded losses add up to the strongest overall minus the learner's.
    """
    doc = normalise_document(doc)
    steps = []
    for node, step, _scored, value in _moves(doc, plan, answers, result):
        node_id = node["id"]
        if node["type"] == "choice":
            choice = next(c for c in node["choices"] if c["id"] == step["choice"])
            lost = plan.best[node_id] - (value + plan.best[choice["next"]])
            best = next(c for c in node["choices"] if c["id"] == plan.best_choice[node_id])
            steps.append({"node": node_id, "choice": choice["id"], "lost": round_half_up(float(lost)),
                          "best_choice": {"id": best["id"], "text": best["text"]},
                          "critical": _commits_to_critical(plan, node_id, choice), "debrief": node["debrief"]})
        else:
            lost = plan.reply_max[node_id] - value
            steps.append({"node": node_id, "reply": step.get("reply", ""), "lost": round_half_up(float(lost)),
                          "best_choice": None, "critical": False, "debrief": node["debrief"]})
    return {
        "overall": result["overall"],
        "strongest_overall": round_half_up(plan.strongest_overall),
        "debrief": doc["debrief"],
        "steps": steps,
        "strongest_path": [dict(step) for step in plan.strongest_path],
    }


def _commits_to_critical(plan: DebriefPlan, node_id: str, choice: dict) -> bool:
    """A step's `critical` flag: the choice taken is critical, as the spec's step JSON reads. A loss can
    also be negative at a non-critical choice that leaves a node with a non-critical way out for one
    without (`leaves_safe_ground`): best() changes footing there; the flag stays the document's."""
    return bool(choice["critical"])


def leaves_safe_ground(plan: DebriefPlan, node_id: str, choice: dict) -> bool:
    return node_id in plan.safe and choice["next"] not in plan.safe


def path_losses(doc: dict, plan: DebriefPlan, answers: dict, result: dict) -> list[Fraction]:
    """Each decision's exact `lost`, in path order (what attempt_debrief rounds)."""
    doc = normalise_document(doc)
    losses = []
    for node, step, _scored, value in _moves(doc, plan, answers, result):
        if node["type"] == "choice":
            target = next(c["next"] for c in node["choices"] if c["id"] == step["choice"])
            losses.append(plan.best[node["id"]] - (value + plan.best[target]))
        else:
            losses.append(plan.reply_max[node["id"]] - value)
    return losses


def decision_events(doc: dict, plan: DebriefPlan, answers: dict, result: dict) -> list[dict]:
    """One record per decision of a graded path, ready for a later xAPI statement per decision.

    Derived from the stored path and result each time, never stored: {"index" (0-based position
    in the path), "node", "type" ("choice" or "reply"), "choice" (id) or "met" and "avoided" (ids),
    "critical", "value" (the move's worth in overall points, rounded by rule 7)}. A path's
    overall is the sum of its unrounded values minus a constant of the version.
    """
    doc = normalise_document(doc)
    events = []
    for index, (node, step, scored, value) in enumerate(_moves(doc, plan, answers, result)):
        event = {"index": index, "node": node["id"], "type": node["type"]}
        if node["type"] == "choice":
            choice = next(c for c in node["choices"] if c["id"] == step["choice"])
            event.update(choice=choice["id"], critical=bool(choice["critical"]))
        else:
            event.update(met=list(scored.get("met", [])), avoided=list(scored.get("avoided", [])), critical=False)
        event["value"] = round_half_up(float(value))
        events.append(event)
    return events
