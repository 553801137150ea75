"""Scoring and the debrief (spec "Scoring", "Debrief"), and what each side may see before the end."""
import json

import pytest

from assessments import negotiation
from assessments.grading import InvalidAnswer

from .spec_example import negotiation_doc, spec_transcript


def play(doc, human, moves, seed=0):
    transcript = negotiation.begin(doc, human, seed).transcript
    for move in moves:
        transcript = negotiation.step(doc, human, transcript, move, seed).transcript
    return transcript


def offer(quota, inspection):
    return {"type": "offer", "package": {"quota": quota, "inspection": inspection}}


def test_the_worked_example_result():
    result = negotiation.score(negotiation_doc(), spec_transcript())
    assert result["outcome"] == "agreement" and result["deal"] == {"quota": "small", "inspection": "none"}
    assert result["utilities"] == {"coastal": 60.0, "fleet": 25.0}
    assert result["pareto_distance"] == 20.6  # to (80, 20): √(20² + 5²) = 20.62
    assert result["nash_distance"] == 22.4  # to (70, 45): √(10² + 20²) = 22.36
    assert result["pareto_optimal"] is False
    coastal = result["roles"]["coastal"]
    assert coastal["competencies"] == {"listening": 100.0, "packaging": 50.0, "patience": 57.1,
                                       "claiming": 42.9, "creating": 53.8}
    assert coastal["overall"] == 60.8 and coastal["passed"] is False
    assert coastal["surplus"] == 30.0


def test_an_unfinished_session_is_not_scored():
    with pytest.raises(InvalidAnswer) as caught:
        negotiation.score(negotiation_doc(), spec_transcript()[:3])
    assert caught.value.problems[0].code == "not_finished"


def test_interests_counts_the_questions_that_reveal_an_interest():
    doc = negotiation_doc()
    only_timing = play(doc, "coastal", [{"type": "ask", "question": "fleet-timing"}, {"type": "walk_away"}])
    assert negotiation.score(doc, only_timing)["roles"]["coastal"]["competencies"]["listening"] == 0.0
    asked = play(doc, "coastal", [{"type": "ask", "question": "fleet-needs"}, {"type": "walk_away"}])
    assert negotiation.score(doc, asked)["roles"]["coastal"]["competencies"]["listening"] == 100.0


def test_packaging_counts_moves_that_trade_one_issue_for_another():
    doc = negotiation_doc()
    doc["roles"][1]["counterpart"] = {"strategy": "tit_for_tat", "factor": 0.1}  # slow to give way
    # (small, coastal) -> (medium, shared): both issues fall for coastal, a plain concession, not a trade.
    # (medium, shared) -> (small, none): quota rises, inspection falls, a trade.
    transcript = play(doc, "coastal", [offer("small", "coastal"), offer("medium", "shared"), offer("small", "none")])
    assert negotiation.score(doc, transcript)["roles"]["coastal"]["competencies"]["packaging"] == 50.0


def test_packaging_is_not_assessed_without_a_second_offer():
    doc = negotiation_doc()
    transcript = play(doc, "coastal", [offer("small", "coastal"), {"type": "walk_away"}])
    assert "packaging" not in negotiation.score(doc, transcript)["roles"]["coastal"]["competencies"]


def test_patience_measures_the_concession_made_in_the_first_half_of_the_rounds():
    doc = negotiation_doc()
    doc["roles"][1]["counterpart"] = {"strategy": "tit_for_tat", "factor": 0.1}
    # rounds 1 and 2 are the first half of 3 (⌈3/2⌉ = 2); the lowest offer there is worth 50 to coastal.
    transcript = play(doc, "coastal", [offer("small", "coastal"), offer("medium", "shared"), offer("large", "none")])
    # 100 · (1 − (100 − 50) / (100 − 30))
    assert negotiation.score(doc, transcript)["roles"]["coastal"]["competencies"]["patience"] == 28.6


def test_the_reservation_rule_fails_an_offer_below_the_batna():
    doc = negotiation_doc()
    doc["competencies"].append({"key": "batna", "label": "BATNA", "rule": "reservation"})
    doc["roles"][0]["competencies"].append("batna")
    doc["roles"][1]["counterpart"] = {"strategy": "tit_for_tat"}
    above = play(doc, "coastal", [offer("small", "coastal"), {"type": "walk_away"}])
    lower = play(doc, "coastal", [offer("large", "coastal"), {"type": "walk_away"}])  # 40, still above 30
    below = play(doc, "coastal", [offer("large", "shared"), {"type": "walk_away"}])  # 20 < 30
    assert negotiation.score(doc, above)["roles"]["coastal"]["competencies"]["batna"] == 100.0
    assert negotiation.score(doc, lower)["roles"]["coastal"]["competencies"]["batna"] == 100.0
    assert negotiation.score(doc, below)["roles"]["coastal"]["competencies"]["batna"] == 0.0


def test_walking_away_claims_and_creates_nothing():
    doc = negotiation_doc()
    result = negotiation.score(doc, play(doc, "coastal", [{"type": "walk_away"}]))
    assert result["outcome"] == "walkaway" and result["agreement"] is False
    assert result["utilities"] == {"coastal": 30.0, "fleet": 20.0}
    competencies = result["roles"]["coastal"]["competencies"]
    assert competencies["claiming"] == 0.0 and competencies["creating"] == 0.0
    assert "patience" not in competencies  # nothing offered or accepted


def test_a_deal_at_the_nash_point_creates_all_the_value_there_was():
    doc = negotiation_doc()
    at_nash = offer("medium", "coastal")
    transcript = play(doc, "coastal", [offer("small", "coastal"), at_nash, at_nash])
    result = negotiation.score(doc, transcript)
    assert result["deal"] == {"quota": "medium", "inspection": "coastal"}
    assert result["nash_distance"] == 0.0 and result["pareto_distance"] == 0.0 and result["pareto_optimal"]
    assert result["roles"]["coastal"]["competencies"]["creating"] == 100.0  # 40 + 25 = 65 = the most


def test_the_debrief_shows_the_trade_that_would_have_given_both_more():
    debrief = negotiation.debrief(negotiation_doc(), spec_transcript())
    better = debrief["better_for_both"]
    assert better["package"] == {"quota": "medium", "inspection": "coastal"}
    assert better["gains"] == {"coastal": 10.0, "fleet": 20.0}
    assert better["changes"] == [
        {"issue": "quota", "from": "small", "to": "medium", "points": {"coastal": -30.0, "fleet": 45.0}},
        {"issue": "inspection", "from": "none", "to": "coastal", "points": {"coastal": 40.0, "fleet": -25.0}},
    ]
    assert debrief["on_frontier"] is False
    assert len(debrief["frontier"]) == 7
    assert debrief["moves"][2]["message"] == "Our boats cannot sail for less than a large quota."
    assert debrief["moves"][6]["utilities"] == {"coastal": 60.0, "fleet": 25.0}


def test_a_deal_on_the_frontier_has_no_better_package():
    doc = negotiation_doc()
    at_nash = offer("medium", "coastal")
    transcript = play(doc, "coastal", [offer("small", "coastal"), at_nash, at_nash])
    assert negotiation.debrief(doc, transcript)["better_for_both"] is None


def test_without_a_deal_the_debrief_compares_with_the_reservation_values():
    doc = negotiation_doc()
    debrief = negotiation.debrief(doc, play(doc, "coastal", [{"type": "walk_away"}]))
    # from (30, 20): the largest smaller gain is at (70, 45), gains 40 and 25.
    assert debrief["better_for_both"]["package"] == {"quota": "medium", "inspection": "coastal"}
    assert debrief["better_for_both"]["changes"][0]["from"] is None


def _other_side_secrets(doc, role_index):
    role = doc["roles"][role_index]
    secrets = [role["brief"], *(m["text"] for m in role.get("messages", []))]
    secrets += [q["answer"] for other in doc["roles"] if other is not role for q in other.get("questions", [])]
    return secrets


def test_the_learner_view_holds_the_own_brief_and_nothing_of_the_other_side():
    doc = negotiation_doc()
    view = negotiation.learner_view(doc, "coastal")
    assert view["role"]["brief"] == doc["roles"][0]["brief"]
    assert view["role"]["reservation"] == 30.0
    assert [o["points"] for o in view["issues"][0]["options"]] == [60.0, 30.0, 0.0]
    assert view["counterpart"] == {"id": "fleet", "label": "Fleet state"}
    text = json.dumps(view)
    for secret in _other_side_secrets(doc, 1):
        assert secret not in text
    for word in ("strategy", "tit_for_tat", "\"e\"", "answer", "weights", "values", "messages"):
        assert word not in text
    assert text.count('"reservation"') == 1  # its own; the fleet's is nowhere


def test_the_state_view_shows_own_utilities_only_and_answers_only_once_asked():
    doc = negotiation_doc()
    transcript = spec_transcript()[:5]
    view = negotiation.state_view(doc, "coastal", transcript)
    text = json.dumps(view)
    assert "utilities" not in text and "fleet_utility" not in text
    assert view["moves"][2]["your_utility"] == 0.0
    assert view["moves"][0]["answer"].startswith("Catch.")
    assert "Before the season opens." not in text  # not asked
    assert doc["roles"][1]["brief"] not in text
    assert view["standing_offer"]["your_utility"] == 20.0


def test_the_fleets_view_of_the_same_session_shows_its_own_numbers():
    view = negotiation.state_view(negotiation_doc(), "fleet", spec_transcript()[:5])
    assert view["moves"][1]["your_utility"] == 0.0  # coastal's (small, coastal) is worth 0 to the fleet
    assert view["your_turn"] is False and view["standing_offer"] is None


def test_the_frontier_picture_draws_every_outcome_the_frontier_the_nash_point_and_the_deal():
    import xml.etree.ElementTree as ET

    doc = negotiation_doc()
    doc["roles"][0]["label"] = "Coastal <state>"
    svg = negotiation.frontier_svg(doc, debrief=negotiation.debrief(doc, spec_transcript()), title="Deal & frontier")
    root = ET.fromstring(svg)  # well-formed, the labels escaped
    ns = "{http://www.w3.org/2000/svg}"
    classes = [e.get("class") for e in root.iter()]
    assert classes.count("outcome") == 9 and classes.count("frontier-point") == 7
    assert classes.count("nash") == 1 and classes.count("deal") == 1 and classes.count("better") == 1
    assert root.find(f"{ns}title").text == "Deal & frontier"
    assert "Coastal <state>" in [e.text for e in root.iter(f"{ns}text")]
    deal = next(e for e in root.iter() if e.get("class") == "deal")
    # (60, 25) on a 300-unit plot with a 44-unit margin: x = 44 + 180, y = 44 + 300 − 75
    assert (float(deal.get("cx")), float(deal.get("cy"))) == (224.0, 269.0)
    rational = [e for e in root.iter() if e.get("class") == "frontier-point" and e.get("fill") != "#fff"]
    assert len(rational) == 4


def test_the_authors_picture_has_no_deal():
    svg = negotiation.frontier_svg(negotiation_doc())
    assert 'class="deal"' not in svg and 'class="nash"' in svg
