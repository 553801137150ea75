"""The debrief (scenario spec, "Debrief (after grading)"): hand-worked cases, then properties
against brute-force enumeration of every path of random scenarios, scored by the engine itself.

Tolerances: the engine reports overall rounded to 0.1, so a number the debrief computes exactly
lies within 0.05 of the engine's report for the same path.
"""
import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.grading import (
    DebriefPlan,
    attempt_debrief,
    compute_bounds,
    debrief_plan,
    decision_events,
    grade,
    leaves_safe_ground,
    normalise_document,
    path_losses,
    validate_document,
)

from .spec_example import critical_answers, quiz_doc, scenario_doc, spec_answers
from .test_grading_properties import FAST, FILLER, answers_for, best_reply, complete_paths, scenarios

REPORTED = 0.05 + 1e-9  # the most a rounded overall can differ from the number it rounds


# --- the document's new fields -----------------------------------------------------------------


def test_normalise_fills_debrief_texts_and_debrief_after():
    doc = normalise_document(scenario_doc())
    assert (doc["debrief"], doc["debrief_after"]) == ("", "passed")
    assert all(node["debrief"] == "" for node in doc["nodes"])


def test_normalise_keeps_the_authors_debrief_fields():
    raw = scenario_doc()
    raw.update(debrief="Listen first.", debrief_after="graded")
    raw["nodes"][0]["debrief"] = "Asking opens the room."
    doc = normalise_document(raw)
    assert (doc["debrief"], doc["debrief_after"], doc["nodes"][0]["debrief"]) == (
        "Listen first.", "graded", "Asking opens the room.")


@pytest.mark.parametrize(("edit", "path", "code"), [
    (lambda d: d.update(debrief=3), "debrief", "wrong_type"),
    (lambda d: d.update(debrief_after="never"), "debrief_after", "bad_format"),
    (lambda d: d.update(debrief_after=True), "debrief_after", "wrong_type"),
    (lambda d: d["nodes"][1].update(debrief=["no"]), "nodes[1].debrief", "wrong_type"),
    (lambda d: d["nodes"][3].update(debrief={}), "nodes[3].debrief", "wrong_type"),
])
def test_the_validator_points_at_a_debrief_field_of_the_wrong_kind(edit, path, code):
    doc = scenario_doc()
    edit(doc)
    assert [(p.path, p.code) for p in validate_document(doc)] == [(path, code)]


def test_a_quiz_has_no_debrief():
    with pytest.raises(ValueError):
        debrief_plan(quiz_doc())


# --- the spec's example, by hand ---------------------------------------------------------------
# listening: best 5, worst -2 (range 7); judgement: best 0, worst -3 (range 3); weights 1 and 2.
# W_listening = 100·1/(7·3) = 100/21, W_judgement = 100·2/(3·3) = 200/9.
# "ask" is worth 3·100/21 = 14.29; the reply at most 2·100/21 = 9.52, and earned 9.52 - 44.44.


def _debrief(doc, answers):
    return attempt_debrief(doc, debrief_plan(doc), answers, grade(doc, answers))


def test_the_spec_example_debrief():
    doc = scenario_doc()
    doc["debrief"] = "Interests before positions."
    doc["nodes"][1]["debrief"] = "Name their farmers' harvest; leave blame out."
    assert _debrief(doc, spec_answers()) == {
        "overall": 55.6, "strongest_overall": 100.0, "debrief": "Interests before positions.",
        "steps": [
            {"node": "open", "choice": "ask", "lost": 0.0,
             "best_choice": {"id": "ask", "text": "Ask what the dry season costs their farmers."},
             "critical": False, "debrief": ""},
            {"node": "reply1", "reply": spec_answers()["steps"][1]["reply"], "lost": 44.4, "best_choice": None,
             "critical": False, "debrief": "Name their farmers' harvest; leave blame out."},
        ],
        "strongest_path": [{"node": "open", "choice": "ask"}, {"node": "reply1"}, {"node": "end_good"}],
    }


def test_the_spec_examples_move_values_are_exact_fractions_of_overall():
    plan = debrief_plan(scenario_doc())
    assert plan.choice_values[("open", "ask")] * 21 == 300
    assert plan.reply_max["reply1"] * 21 == 200
    # Σ W_c·worst_c = (100/21)(-2) + (200/9)(-3): the strongest path 300/21 + 200/21 minus it is 100.
    assert plan.strongest_value == 100


def test_the_critical_walkout_loses_everything_and_is_flagged():
    steps = _debrief(scenario_doc(), critical_answers())["steps"]
    assert steps == [{"node": "open", "choice": "threaten", "lost": 100.0,
                      "best_choice": {"id": "ask", "text": "Ask what the dry season costs their farmers."},
                      "critical": True, "debrief": ""}]


def test_a_teachers_override_is_read_from_the_current_result():
    doc, answers = scenario_doc(), spec_answers()
    overridden = grade(doc, answers, overrides={"reply1": {"met": ["interest"], "avoided": []}})
    debrief = attempt_debrief(doc, debrief_plan(doc), answers, overridden)
    assert (debrief["overall"], [s["lost"] for s in debrief["steps"]]) == (100.0, [0.0, 0.0])


def test_a_tie_goes_to_the_earlier_choice():
    doc = scenario_doc()
    twin = dict(doc["nodes"][0]["choices"][0], id="ask_again", text="Ask again.")
    doc["nodes"][0]["choices"].insert(0, twin)
    plan = debrief_plan(doc)
    assert plan.strongest_path[0] == {"node": "open", "choice": "ask_again"}
    assert _debrief(doc, spec_answers())["steps"][0]["best_choice"]["id"] == "ask_again"


def _all_critical_doc():
    # Both choices are critical: best(open) is over every path, and the walkout is worth more.
    doc = scenario_doc()
    doc["nodes"][0]["choices"][0]["critical"] = True
    doc["nodes"][0]["choices"][1]["weights"] = {"listening": 4, "judgement": 1}
    return doc


def test_when_every_path_is_critical_the_strongest_path_is_the_best_of_them():
    # threaten: listening (4-3)/(5-3) = 50, judgement (1+2)/(1+2) = 100, overall (50 + 2·100)/3 = 83.3;
    # ask at its best: listening 100, judgement 66.7, overall 77.8.
    plan = debrief_plan(_all_critical_doc())
    assert list(plan.strongest_path) == [{"node": "open", "choice": "threaten"}, {"node": "end_bad"}]
    assert round(plan.strongest_overall, 1) == 83.3


def test_a_loss_is_negative_only_at_a_flagged_critical_choice():
    doc = scenario_doc()
    # "threaten" becomes worth more than "ask" plus the best reply, but stays critical.
    doc["nodes"][0]["choices"][1]["weights"] = {"listening": 10, "judgement": 0}
    steps = _debrief(doc, critical_answers())["steps"]
    assert steps[0]["lost"] < 0 and steps[0]["critical"] is True


def test_decision_events_give_each_decision_its_value_in_overall_points():
    doc, answers = scenario_doc(), spec_answers()
    events = decision_events(doc, debrief_plan(doc), answers, grade(doc, answers))
    assert events == [
        {"index": 0, "node": "open", "type": "choice", "choice": "ask", "critical": False, "value": 14.3},
        {"index": 1, "node": "reply1", "type": "reply", "met": ["interest"], "avoided": ["blame"],
         "critical": False, "value": -34.9},
    ]


def test_a_plan_is_computed_from_the_version_alone():
    plan = debrief_plan(scenario_doc())
    assert isinstance(plan, DebriefPlan)
    assert debrief_plan(scenario_doc()) == plan  # same document, same plan: fit to be kept per version


# --- properties against brute force ------------------------------------------------------------


@st.composite
def critical_scenarios(draw):
    """scenarios() with some choices marked critical (about one in three).

    Whole numbers: with floats such as 5e-324 the engine's float arithmetic underflows where the
    debrief's exact arithmetic does not, and the comparison would be of that noise.
    """
    doc = draw(scenarios(integers_only=True))
    for node in doc["nodes"]:
        for choice in node.get("choices", []):
            if draw(st.integers(0, 2)) == 0:
                choice["critical"] = True
    return doc


def _is_critical(path):
    return any(choice is not None and choice.get("critical") for _, choice in path)


def _candidates(paths):
    safe = [p for p in paths if not _is_critical(p)]
    return safe or paths


def _some_reply(rng):
    def reply(node):
        items = node["rubric"]["criteria"] + node["rubric"]["avoid"]
        return " ".join([FILLER] + [item["terms"][0] for item in items if rng.random() < 0.5])
    return reply


@FAST
@given(critical_scenarios())
def test_the_strongest_overall_is_the_best_engine_overall_over_the_eligible_paths(doc):
    bounds = compute_bounds(doc)
    reference = max(grade(doc, answers_for(p, best_reply), bounds=bounds)["overall"]
                    for p in _candidates(complete_paths(doc)))
    assert abs(debrief_plan(doc).strongest_overall - reference) <= REPORTED


@FAST
@given(critical_scenarios())
def test_the_strongest_path_is_eligible_and_scores_the_strongest_overall(doc):
    plan = debrief_plan(doc)
    paths = complete_paths(doc)
    steps = [{k: v for k, v in s.items() if k != "reply"} for s in plan.strongest_path]
    matching = [p for p in paths if [{k: v for k, v in s.items() if k != "reply"}
                                     for s in answers_for(p, best_reply)["steps"]] == steps]
    assert len(matching) == 1
    if any(not _is_critical(p) for p in paths):
        assert not _is_critical(matching[0])
    overall = grade(doc, answers_for(matching[0], best_reply))["overall"]
    assert abs(plan.strongest_overall - overall) <= REPORTED


@FAST
@given(critical_scenarios(), st.randoms(use_true_random=False))
def test_the_losses_add_up_to_the_strongest_overall_minus_the_learners(doc, rng):
    plan = debrief_plan(doc)
    bounds = compute_bounds(doc)
    for path in complete_paths(doc):
        answers = answers_for(path, _some_reply(rng))
        result = grade(doc, answers, bounds=bounds)
        losses = path_losses(doc, plan, answers, result)
        assert abs(float(sum(losses)) - (plan.strongest_overall - result["overall"])) <= REPORTED


@FAST
@given(critical_scenarios(), st.randoms(use_true_random=False))
def test_a_loss_is_never_negative_except_at_a_critical_choice_or_where_safe_ground_ends(doc, rng):
    plan = debrief_plan(doc)
    by_id = {n["id"]: n for n in doc["nodes"]}
    for path in complete_paths(doc):
        answers = answers_for(path, _some_reply(rng))
        result = grade(doc, answers)
        debrief = attempt_debrief(doc, plan, answers, result)
        for step, lost in zip(debrief["steps"], path_losses(doc, plan, answers, result), strict=True):
            if lost >= 0:
                continue
            choice = next(c for c in by_id[step["node"]]["choices"] if c["id"] == step["choice"])
            assert step["critical"] is bool(choice["critical"])
            assert choice["critical"] or leaves_safe_ground(plan, step["node"], choice)


@FAST
@given(critical_scenarios())
def test_the_learner_who_takes_the_strongest_path_at_its_best_loses_nothing_when_it_is_safe(doc):
    paths = complete_paths(doc)
    assume_safe = any(not _is_critical(p) for p in paths)
    plan = debrief_plan(doc)
    answers = {"steps": [dict(s) for s in plan.strongest_path]}
    by_id = {n["id"]: n for n in doc["nodes"]}
    for step in answers["steps"]:
        if by_id[step["node"]]["type"] == "reply":
            step["reply"] = best_reply(by_id[step["node"]])
    debrief = attempt_debrief(doc, plan, answers, grade(doc, answers))
    if assume_safe:
        assert all(step["lost"] == 0.0 for step in debrief["steps"])
    assert abs(debrief["overall"] - debrief["strongest_overall"]) <= 0.1 + 1e-9


@FAST
@given(critical_scenarios(), st.randoms(use_true_random=False))
def test_the_debrief_lists_each_decision_of_the_path_with_its_best_choice(doc, rng):
    plan = debrief_plan(doc)
    by_id = {n["id"]: n for n in doc["nodes"]}
    for path in complete_paths(doc):
        answers = answers_for(path, _some_reply(rng))
        debrief = attempt_debrief(doc, plan, answers, grade(doc, answers))
        decisions = [s for s in answers["steps"] if by_id[s["node"]]["type"] != "outcome"]
        assert [s["node"] for s in debrief["steps"]] == [s["node"] for s in decisions]
        for step in debrief["steps"]:
            node = by_id[step["node"]]
            if node["type"] == "choice":
                assert step["best_choice"]["id"] in {c["id"] for c in node["choices"]}
            else:
                assert step["best_choice"] is None


def test_the_engine_leaves_the_document_alone():
    doc = scenario_doc()
    before = copy.deepcopy(doc)
    _debrief(doc, spec_answers())
    assert doc == before


def test_a_step_into_a_node_where_every_way_is_critical_keeps_the_flag_of_its_choice():
    # open: "safe" ends at once (worth 0); "into" is not critical, but leads to "trap", whose only choice is.
    doc = {"format": "scenario/1", "slug": "trap", "title": "Trap", "pass_threshold": 50,
           "competencies": [{"key": "a", "label": "A"}], "start": "open", "nodes": [
               {"id": "open", "type": "choice", "text": "?", "choices": [
                   {"id": "safe", "text": "Safe", "next": "end"},
                   {"id": "into", "text": "Into", "next": "trap"}]},
               {"id": "trap", "type": "choice", "text": "?", "choices": [
                   {"id": "grab", "text": "Grab", "next": "end", "weights": {"a": 10}, "critical": True}]},
               {"id": "end", "type": "outcome", "outcome": "done", "text": "."}]}
    answers = {"steps": [{"node": "open", "choice": "into"}, {"node": "trap", "choice": "grab"}, {"node": "end"}]}
    debrief = _debrief(doc, answers)
    # best(open) = 0 (the safe way), best(trap) = 100: the first step loses -100, the second 0. The flag is
    # the document's: "into" is not critical; its negative loss is where safe ground ends.
    assert [(s["lost"], s["critical"]) for s in debrief["steps"]] == [(-100.0, False), (0.0, True)]
    plan = debrief_plan(doc)
    assert leaves_safe_ground(plan, "open", doc["nodes"][0]["choices"][1])
    assert (debrief["strongest_overall"], debrief["overall"]) == (0.0, 100.0)
    assert debrief["strongest_path"] == [{"node": "open", "choice": "safe"}, {"node": "end"}]
