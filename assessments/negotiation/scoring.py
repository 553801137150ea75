"""Scoring a finished session (spec "Scoring"): the deal, value claimed and created, competencies."""
import math
from fractions import Fraction

from assessments.grading import InvalidAnswer, Problem
from assessments.grading.rounding import round_half_up

from .learner_views import annotated
from .model import Negotiation, prepare
from .outcomes import distance, distance_to_frontier, max_joint_gain, nash_point, pareto_frontier
from .protocol import replay, round_of
from .versions import ENGINE_VERSION, NEGOTIATION_FORMAT

HUNDRED = Fraction(100)


def _number(value) -> float:
    return round_half_up(float(value), 1)


def _clip(value: Fraction) -> Fraction:
    return min(Fraction(1), max(Fraction(0), value))


def outcome_point(neg: Negotiation, state) -> tuple:
    """The session's utility pair: the deal's, or each role's reservation value without a deal."""
    if state.deal is not None:
        return tuple(neg.utility(r.id, state.deal) for r in neg.roles)
    return tuple(r.reservation for r in neg.roles)


def _rule_scores(neg: Negotiation, role_id: str, entries: list, point: tuple) -> dict[str, Fraction | None]:
    """Each rule's score in [0, 100] for one role, or None when the transcript does not assess it."""
    role = neg.role(role_id)
    position = neg.position(role_id)
    mine = [(e, before) for e, before, _ in entries if e["role"] == role_id]
    human = [(e, before) for e, before in mine if e["by"] == "human"]
    scores: dict[str, Fraction | None] = {}

    interest = [q["id"] for q in role.questions if q["reveals"]]
    asked = {e["question"] for e, _ in human if e["type"] == "ask"}
    scores["interests"] = HUNDRED * Fraction(len(asked & set(interest)), len(interest)) if human and interest else None

    # packaging: each offer after the role's first, made by the human, against the role's previous offer.
    moves = trades = 0
    previous = None
    for e, _ in mine:
        if e["type"] != "offer":
            continue
        options = neg.package_options(e["package"])
        if previous is not None and e["by"] == "human":
            moves += 1
            deltas = [role.points[i][b] - role.points[i][a]
                      for i, a, b in zip(neg.issue_ids, previous, options, strict=True)]
            if any(d > 0 for d in deltas) and any(d < 0 for d in deltas):
                trades += 1
        previous = options
    scores["packaging"] = HUNDRED * Fraction(trades, moves) if moves else None

    # patience and reservation: the packages the human offered or accepted.
    committed = []  # (round, utility)
    for e, before in human:
        if e["type"] == "offer":
            committed.append((round_of(before.turns), neg.utility(role_id, e["package"])))
        elif e["type"] == "accept":
            committed.append((round_of(before.turns), neg.utility(role_id, before.standing)))
    half = math.ceil(neg.deadline / 2)
    if committed:
        early = [u for rnd, u in committed if rnd <= half]
        conceded = HUNDRED - min(early) if early else Fraction(0)
        scores["patience"] = HUNDRED * _clip(1 - conceded / (HUNDRED - role.reservation))
        scores["reservation"] = HUNDRED if all(u >= role.reservation for _, u in committed) else Fraction(0)
    else:
        scores["patience"] = scores["reservation"] = None

    scores["claiming"] = HUNDRED * _clip((point[position] - role.reservation) / (HUNDRED - role.reservation))
    gains = sum(point) - sum(r.reservation for r in neg.roles)
    scores["creating"] = HUNDRED * _clip(gains / max_joint_gain(neg))
    return scores


def role_result(neg: Negotiation, role_id: str, entries: list, point: tuple) -> dict:
    rules = _rule_scores(neg, role_id, entries, point)
    role = neg.role(role_id)
    competencies = {}
    total = weights = Fraction(0)
    for key in role.competencies:
        comp = neg.competencies[key]
        value = rules[comp["rule"]]
        if value is None:
            continue  # not assessed by this transcript: left out, as in the scenario spec
        competencies[key] = value
        total += comp["weight"] * value
        weights += comp["weight"]
    overall = total / weights if weights else Fraction(0)
    position = neg.position(role_id)
    return {
        "utility": _number(point[position]),
        "reservation": _number(role.reservation),
        "surplus": _number(point[position] - role.reservation),
        "competencies": {k: _number(v) for k, v in competencies.items()},
        "overall": _number(overall),
        "passed": overall >= neg.pass_threshold,
        "human_moves": sum(1 for e, _, _ in entries if e["role"] == role_id and e["by"] == "human"),
        "machine_moves": sum(1 for e, _, _ in entries if e["role"] == role_id and e["by"] == "machine"),
    }


def score(doc, transcript: list) -> dict:
    """The result of a finished session, for both roles. InvalidAnswer if the transcript is invalid or open."""
    neg = prepare(doc)
    state = replay(neg, transcript)
    if state.open:
        raise InvalidAnswer([Problem("transcript", "not_finished", "the negotiation has not ended")])
    entries = annotated(neg, transcript)
    point = outcome_point(neg, state)
    nash = nash_point(neg)
    frontier_distance = distance_to_frontier(neg, point)
    ids = [r.id for r in neg.roles]
    return {
        "engine": NEGOTIATION_FORMAT,
        "engine_version": ENGINE_VERSION,
        "outcome": state.status,
        "agreement": state.deal is not None,
        "deal": neg.as_package(state.deal) if state.deal is not None else None,
        "ended_by": state.ended_by,
        "rounds": min(round_of(state.turns - 1), neg.deadline),
        "utilities": {rid: _number(u) for rid, u in zip(ids, point, strict=True)},
        "pareto_distance": _number(frontier_distance),
        "pareto_optimal": state.deal is not None and any(o.options == state.deal for o in pareto_frontier(neg)),
        "nash": {"package": neg.as_package(nash.options),
                 "utilities": {rid: _number(u) for rid, u in zip(ids, nash.utilities, strict=True)}},
        "nash_distance": _number(distance(point, nash.utilities)),
        "roles": {rid: role_result(neg, rid, entries, point) for rid in ids},
    }
