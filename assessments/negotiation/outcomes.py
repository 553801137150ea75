"""The outcome space (spec "Outcomes"): the Pareto frontier, the Nash point, distances.

All comparisons are on exact fractions; only distances, which need a square
root, are floats.
"""
import math
from fractions import Fraction

from .model import Negotiation, Outcome, prepare


def enumerate_outcomes(doc) -> tuple[Outcome, ...]:
    """Every package, in enumeration order, with its utility to each role (roles in document order)."""
    return prepare(doc).outcomes


def dominates(a: tuple, b: tuple) -> bool:
    """Utility pair a dominates b: at least as good for both roles, better for one."""
    return a[0] >= b[0] and a[1] >= b[1] and a != b


def _memo(neg: Negotiation, name: str, compute):
    """Keep a per-version result on its Negotiation (read-only once computed)."""
    cache = neg.__dict__.setdefault("_memo", {})
    if name not in cache:
        cache[name] = compute(neg)
    return cache[name]


def pareto_frontier(doc, *, rational: bool = False) -> tuple[Outcome, ...]:
    """The Pareto frontier (see _frontier); with `rational`, only its outcomes both roles prefer to no deal.

    The rational frontier (utility at least the reservation value for both)
    is the frontier of the feasible outcomes too: whatever dominates a
    feasible outcome is feasible. It is what NegMAS's `pareto_frontier` gives.
    """
    neg = prepare(doc)
    frontier = _memo(neg, "frontier", _frontier)
    if rational:
        return tuple(o for o in frontier if feasible(neg, o))
    return frontier


def _frontier(neg: Negotiation) -> tuple[Outcome, ...]:
    """The outcomes no outcome dominates, by the first role's utility descending, then enumeration order.

    Outcomes with equal utility pairs are all on it when one is (none dominates another).
    One sweep after sorting: an outcome is non-dominated when its second
    utility is the highest among those with its first utility and above every
    second utility of the outcomes with a higher first utility.
    """
    outcomes = sorted(neg.outcomes, key=lambda o: (-o.utilities[0], -o.utilities[1], o.index))
    frontier: list[Outcome] = []
    best_second = None  # the highest second utility among strictly higher first utilities
    group_first, group_best = None, None
    for outcome in outcomes:
        first, second = outcome.utilities
        if first != group_first:
            if group_best is not None and (best_second is None or group_best > best_second):
                best_second = group_best
            group_first, group_best = first, second  # sorted: the group's first is its highest second
        if second == group_best and (best_second is None or second > best_second):
            frontier.append(outcome)
    return tuple(frontier)


def feasible(neg: Negotiation, outcome: Outcome) -> bool:
    """At least the reservation value for both roles."""
    return all(u >= r.reservation for u, r in zip(outcome.utilities, neg.roles, strict=True))


def nash_product(neg: Negotiation, utilities: tuple) -> Fraction:
    return (utilities[0] - neg.roles[0].reservation) * (utilities[1] - neg.roles[1].reservation)


def nash_point(doc) -> Outcome:
    """The feasible outcome with the largest product of gains over the reservation values.

    Ties go to the earlier outcome in enumeration order. Validity rule 8 makes
    the feasible set non-empty and the product positive.
    """
    return _memo(prepare(doc), "nash", _nash)


def _nash(neg: Negotiation) -> Outcome:
    best = None
    for outcome in neg.outcomes:
        if not feasible(neg, outcome):
            continue
        if best is None or nash_product(neg, outcome.utilities) > nash_product(neg, best.utilities):
            best = outcome
    return best


def max_joint_gain(doc) -> Fraction:
    """The largest sum of gains over the reservation values among feasible outcomes (rule `creating`)."""
    return _memo(prepare(doc), "joint", _joint)


def _joint(neg: Negotiation) -> Fraction:
    reservations = sum(r.reservation for r in neg.roles)
    return max(sum(o.utilities) - reservations for o in neg.outcomes if feasible(neg, o))


def distance(a: tuple, b: tuple) -> float:
    """Euclidean distance between two utility pairs."""
    return math.hypot(float(a[0] - b[0]), float(a[1] - b[1]))


def distance_to_frontier(doc, point: tuple) -> float:
    """The distance from a utility pair to the nearest outcome of the rational frontier (never empty: rule 8)."""
    return min(distance(point, o.utilities) for o in pareto_frontier(doc, rational=True))
