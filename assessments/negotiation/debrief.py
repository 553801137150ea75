"""The debrief of a finished session (spec "Debrief"): the deal against what was possible.

Everything is revealed here: both roles' utilities of every package on the
frontier and of every move, the Nash point, and the package that would have
given both sides more than the deal, with the trade it makes issue by issue.
"""
from fractions import Fraction

from assessments.grading import InvalidAnswer, Problem
from assessments.grading.rounding import round_half_up

from .learner_views import annotated
from .model import Negotiation, Outcome, prepare
from .outcomes import feasible, nash_point, pareto_frontier
from .protocol import replay, round_of
from .scoring import outcome_point


def _number(value) -> float:
    return round_half_up(float(value), 1)


def _utilities(neg: Negotiation, pair: tuple) -> dict:
    return {r.id: _number(u) for r, u in zip(neg.roles, pair, strict=True)}


def _point(neg: Negotiation, outcome: Outcome) -> dict:
    return {"package": neg.as_package(outcome.options), "utilities": _utilities(neg, outcome.utilities)}


def better_for_both(neg: Negotiation, point: tuple) -> Outcome | None:
    """The outcome that raises the smaller of the two gains over `point` the most (spec "Debrief").

    Among the outcomes at least as good as `point` for both roles and better
    for one: the largest smaller gain, then the largest sum of gains, then the
    earliest in enumeration order. None when no outcome dominates `point`.
    """
    best, best_key = None, None
    for outcome in neg.outcomes:
        gains = [u - p for u, p in zip(outcome.utilities, point, strict=True)]
        if min(gains) < 0 or max(gains) == 0:
            continue
        key = (min(gains), sum(gains))
        if best_key is None or key > best_key:
            best, best_key = outcome, key
    return best


def _points(role, issue_id: str, option_id: str | None) -> Fraction:
    return role.points[issue_id][option_id] if option_id is not None else Fraction(0)


def trade(neg: Negotiation, deal: tuple | None, outcome: Outcome) -> list[dict]:
    """The issues where `outcome` differs from the deal, with each role's points won or lost on each."""
    changes = []
    for n, issue_id in enumerate(neg.issue_ids):
        before = deal[n] if deal is not None else None
        after = outcome.options[n]
        if before == after:
            continue
        changes.append({
            "issue": issue_id, "from": before, "to": after,
            "points": {r.id: _number(r.points[issue_id][after] - _points(r, issue_id, before)) for r in neg.roles},
        })
    return changes


def debrief(doc, transcript: list) -> dict:
    """The debrief of a finished session, the same for both roles (each sees the other's numbers now)."""
    neg = prepare(doc)
    state = replay(neg, transcript)
    if state.open:
        raise InvalidAnswer([Problem("transcript", "not_finished", "the negotiation has not ended")])
    point = outcome_point(neg, state)
    nash = nash_point(neg)
    frontier = pareto_frontier(neg)
    better = better_for_both(neg, point)
    moves = []
    for index, (entry, before, said) in enumerate(annotated(neg, transcript)):
        item = {"index": index, "role": entry["role"], "by": entry["by"], "type": entry["type"],
                "round": round_of(before.turns)}
        options = None
        if entry["type"] == "offer":
            options = neg.package_options(entry["package"])
        elif entry["type"] == "accept":
            options = before.standing
        if options is not None:
            item["package"] = neg.as_package(options)
            item["utilities"] = _utilities(neg, tuple(neg.utility(r.id, options) for r in neg.roles))
        if entry["type"] == "ask":
            item["question"] = entry["question"]
        item.update(said)
        moves.append(item)
    return {
        "roles": [{"id": r.id, "label": r.label, "reservation": _number(r.reservation)} for r in neg.roles],
        "outcome": state.status,
        "deal": neg.as_package(state.deal) if state.deal is not None else None,
        "point": _utilities(neg, point),
        "on_frontier": state.deal is not None and any(o.options == state.deal for o in frontier),
        "frontier": [{**_point(neg, o), "rational": feasible(neg, o)} for o in frontier],
        "nash": _point(neg, nash),
        "better_for_both": None if better is None else {
            **_point(neg, better),
            "gains": _utilities(neg, tuple(u - p for u, p in zip(better.utilities, point, strict=True))),
            "changes": trade(neg, state.deal, better),
        },
        "moves": moves,
        "debrief": neg.document["debrief"],
    }
