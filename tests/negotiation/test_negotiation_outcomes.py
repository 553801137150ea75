"""The outcome space (spec "Utilities", "Outcomes"): utilities, the frontier, the Nash point.

The frontier and the Nash point are checked against brute force on random
small domains: every pair of outcomes for domination, every feasible outcome
for the Nash product.
"""
from fractions import Fraction

from hypothesis import assume, given, settings

from assessments import negotiation
from assessments.negotiation.outcomes import dominates, feasible, nash_product

from .domains import documents, valid
from .spec_example import negotiation_doc

FAST = settings(max_examples=200, deadline=None)


def test_utilities_are_the_weighted_values_scaled_so_the_best_package_is_100():
    doc = negotiation_doc()
    # coastal: 100 · (60 · 50 + 40 · 100) / (60 · 100 + 40 · 100) = 70
    assert negotiation.utility(doc, "coastal", {"quota": "medium", "inspection": "coastal"}) == 70
    assert negotiation.utility(doc, "fleet", {"quota": "medium", "inspection": "coastal"}) == 45
    assert max(o.utilities[0] for o in negotiation.enumerate_outcomes(doc)) == 100


def test_utilities_are_exact_fractions_for_decimal_inputs():
    doc = negotiation_doc()
    doc["roles"][0]["weights"] = {"quota": 1, "inspection": 2}
    value = negotiation.utility(doc, "coastal", {"quota": "small", "inspection": "none"})
    assert value == Fraction(100, 3)


def test_outcomes_are_enumerated_with_the_first_issue_varying_slowest():
    options = [o.options for o in negotiation.enumerate_outcomes(negotiation_doc())]
    assert options[:4] == [("small", "none"), ("small", "shared"), ("small", "coastal"), ("medium", "none")]
    assert len(options) == 9


def test_the_worked_example_frontier_and_nash_point():
    doc = negotiation_doc()
    frontier = [(o.options, o.utilities) for o in negotiation.pareto_frontier(doc)]
    assert frontier == [
        (("small", "coastal"), (100, 0)), (("small", "shared"), (80, 20)), (("medium", "coastal"), (70, 45)),
        (("medium", "shared"), (50, 65)), (("large", "coastal"), (40, 75)), (("large", "shared"), (20, 95)),
        (("large", "none"), (0, 100)),
    ]
    nash = negotiation.nash_point(doc)
    assert nash.options == ("medium", "coastal")  # (70 − 30) · (45 − 20) = 1000, the largest product
    assert negotiation.max_joint_gain(doc) == 65


def test_outcomes_with_equal_utilities_are_all_on_the_frontier_when_one_is():
    doc = negotiation_doc()
    doc["issues"][1]["options"].append({"id": "twin", "label": "Twin of coastal"})
    for role in doc["roles"]:
        role["values"]["inspection"]["twin"] = role["values"]["inspection"]["coastal"]
    frontier = {o.options for o in negotiation.pareto_frontier(doc)}
    assert {("medium", "coastal"), ("medium", "twin")} <= frontier


def test_nash_ties_go_to_the_earlier_outcome():
    doc = negotiation_doc()
    doc["roles"][1]["reservation"] = 25  # (50−30)(65−25) = (70−30)(45−25) = 800
    assert negotiation.nash_point(doc).options == ("medium", "shared")


@FAST
@given(documents())
def test_the_frontier_is_exactly_the_non_dominated_set(doc):
    assume(valid(doc))
    outcomes = negotiation.enumerate_outcomes(doc)
    brute = {o.index for o in outcomes if not any(dominates(p.utilities, o.utilities) for p in outcomes)}
    frontier = negotiation.pareto_frontier(doc)
    assert {o.index for o in frontier} == brute
    assert len(frontier) == len(brute)  # each once
    firsts = [o.utilities[0] for o in frontier]
    assert firsts == sorted(firsts, reverse=True)


@FAST
@given(documents())
def test_the_nash_point_maximises_the_product_of_gains_among_feasible_outcomes(doc):
    assume(valid(doc))
    neg = negotiation.prepare(doc)
    nash = negotiation.nash_point(neg)
    assert feasible(neg, nash)
    feasible_products = [nash_product(neg, o.utilities) for o in neg.outcomes if feasible(neg, o)]
    assert nash_product(neg, nash.utilities) == max(feasible_products) > 0
    best = max(feasible_products)
    first_best = next(o for o in neg.outcomes if feasible(neg, o) and nash_product(neg, o.utilities) == best)
    assert nash.index == first_best.index
    # the Nash point is Pareto-optimal
    assert nash.index in {o.index for o in negotiation.pareto_frontier(neg)}


@FAST
@given(documents())
def test_every_role_values_its_best_package_at_exactly_100(doc):
    assume(valid(doc))
    outcomes = negotiation.enumerate_outcomes(doc)
    for position in (0, 1):
        assert max(o.utilities[position] for o in outcomes) == 100
        assert min(o.utilities[position] for o in outcomes) >= 0


def test_the_rational_frontier_keeps_the_frontier_outcomes_both_prefer_to_no_deal():
    doc = negotiation_doc()
    rational = [o.utilities for o in negotiation.pareto_frontier(doc, rational=True)]
    assert rational == [(80, 20), (70, 45), (50, 65), (40, 75)]


@FAST
@given(documents())
def test_the_rational_frontier_is_the_non_dominated_set_of_the_feasible_outcomes(doc):
    assume(valid(doc))
    neg = negotiation.prepare(doc)
    fine = [o for o in neg.outcomes if feasible(neg, o)]
    brute = {o.index for o in fine if not any(dominates(p.utilities, o.utilities) for p in fine)}
    assert {o.index for o in negotiation.pareto_frontier(neg, rational=True)} == brute
