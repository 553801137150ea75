"""The two demo negotiations (cms/demo/negotiations/): valid, and their outcome spaces as the spec's notes say.

The numbers are the ones docs/specs/negotiation-format.md ("The demo
negotiations") gives, worked out the way its worked example is.
"""
import pytest

from assessments import negotiation
from cms.demo import load_negotiations

DEMOS = {doc["slug"]: doc for doc in load_negotiations()}


def _pair(outcome):
    return tuple(float(u) for u in outcome.utilities)


def test_there_are_the_two_demo_negotiations():
    assert sorted(DEMOS) == ["river-releases", "twin-cities"]


@pytest.mark.parametrize("slug", ["river-releases", "twin-cities"])
def test_each_demo_is_valid(slug):
    assert negotiation.validate(DEMOS[slug]) == []


def test_river_releases_outcome_space():
    doc = DEMOS["river-releases"]
    assert len(negotiation.enumerate_outcomes(doc)) == 81
    frontier = negotiation.pareto_frontier(doc)
    assert len(frontier) == 24
    assert _pair(frontier[0]) == (100.0, 8.0) and _pair(frontier[-1]) == (2.5, 100.0)
    nash = negotiation.nash_point(doc)
    assert negotiation.prepare(doc).as_package(nash.options) == {
        "volume": "medium", "timing": "summer", "data": "live", "payment": "cash"}
    assert _pair(nash) == (69.0, 73.0)  # (69 − 35) · (73 − 40) = 1122
    middle = {"volume": "medium", "timing": "spread", "data": "monthly", "payment": "power"}
    assert (negotiation.utility(doc, "downstream", middle), negotiation.utility(doc, "upstream", middle)) == (
        59.5, 69)


def test_twin_cities_outcome_space():
    doc = DEMOS["twin-cities"]
    frontier = negotiation.pareto_frontier(doc)
    assert [_pair(o) for o in frontier] == [
        (100.0, 25.0), (95.5, 52.0), (91.0, 70.0), (85.0, 85.0), (75.0, 92.5), (60.0, 97.0), (20.0, 100.0)]
    nash = negotiation.nash_point(doc)
    assert negotiation.prepare(doc).as_package(nash.options) == {
        "places": "p100", "funding": "host", "focus": "climate", "office": "port"}
    assert negotiation.max_joint_gain(doc) == 115


@pytest.mark.parametrize("slug", ["river-releases", "twin-cities"])
@pytest.mark.parametrize("human", [0, 1])
def test_each_demo_plays_to_an_end_from_either_side(slug, human):
    """A human who plays the machine's own strategy for their role reaches an end within the deadline."""
    doc = negotiation.prepare(DEMOS[slug])
    role = doc.roles[human].id
    step = negotiation.begin(doc, role, 1)
    while step.state["status"] == "open":
        move = negotiation.counterpart_move(doc, step.transcript, 2)
        step = negotiation.step(doc, role, step.transcript, move, 1)
    assert len(step.transcript) <= 2 * doc.deadline
    result = negotiation.score(doc, step.transcript)
    assert result["agreement"]
    assert all(result["utilities"][r.id] >= float(r.reservation) for r in doc.roles)


@pytest.mark.parametrize("slug", ["river-releases", "twin-cities"])
def test_every_question_of_the_demos_reveals_what_it_says(slug):
    doc = DEMOS[slug]
    for role in doc["roles"]:
        assert any(q.get("reveals") for q in role["questions"])
