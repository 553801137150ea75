"""Scoring a scenario path (scenario-format.md, "Scoring" and "Result")."""
import pytest

from assessments.grading import ENGINE_VERSION, InvalidAnswer, compute_bounds, grade

from .spec_example import critical_answers, scenario_doc, spec_answers


def one_choice(weights_by_choice, competencies=None, threshold=50):
    """A scenario with one choice node whose choices (id -> weights) each lead to an outcome."""
    competencies = competencies or [{"key": "a", "label": "A"}]
    return {
        "format": "scenario/1", "slug": "s", "title": "S", "pass_threshold": threshold,
        "competencies": competencies, "start": "pick",
        "nodes": [
            {"id": "pick", "type": "choice", "text": "Pick one.",
             "choices": [{"id": cid, "text": cid, "next": "end", "weights": weights}
                         for cid, weights in weights_by_choice.items()]},
            {"id": "end", "type": "outcome", "outcome": "done", "text": "Done."},
        ],
    }


def picked(choice):
    return {"steps": [{"node": "pick", "choice": choice}, {"node": "end"}]}


# --- the worked example -----------------------------------------------------------------

def test_the_worked_example_grades_to_the_decimal():
    result = grade(scenario_doc(), spec_answers())
    assert result == {
        "engine": "scenario/1",
        "engine_version": ENGINE_VERSION,
        "overall": 55.6,
        "passed": False,
        "outcome": "agreement",
        "competencies": {"listening": 100.0, "judgement": 33.3},
        "critical": [],
        "steps": [
            {"node": "open", "choice": "ask", "feedback": "..."},
            {"node": "reply1", "met": ["interest"], "missed": [], "avoided": ["blame"], "feedback": ""},
        ],
    }


def test_the_worked_example_bounds_match_the_spec():
    assert compute_bounds(scenario_doc()) == {
        "listening": {"best": 5.0, "worst": -2.0},
        "judgement": {"best": 0.0, "worst": -3.0},
    }


def test_the_critical_path_scores_zero_and_lists_the_critical_choice():
    result = grade(scenario_doc(), critical_answers())
    assert (result["overall"], result["passed"], result["outcome"]) == (0.0, False, "walkout")
    assert result["competencies"] == {"listening": 0.0, "judgement": 0.0}
    assert result["critical"] == ["open/threaten"]
    assert result["steps"] == [{"node": "open", "choice": "threaten", "feedback": "..."}]


def test_a_critical_choice_fails_the_attempt_whatever_the_score():
    doc = one_choice({"bold": {"a": 10}, "meek": {"a": -10}}, threshold=0)
    doc["nodes"][0]["choices"][0]["critical"] = True
    result = grade(doc, picked("bold"))
    assert result["overall"] == 100.0 and result["passed"] is False
    assert grade(doc, picked("meek"))["passed"] is True


def test_precomputed_bounds_give_the_same_result():
    doc = scenario_doc()
    assert grade(doc, spec_answers(), bounds=compute_bounds(doc)) == grade(doc, spec_answers())


# --- rules 4, 5 and 7 ---------------------------------------------------------------------

def test_scores_round_half_up_from_the_shortest_decimal():
    # a: best 8, worst -8, taken -7: 100 * 1 / 16 = 6.25, which Python's round() makes 6.2.
    doc = one_choice({"best": {"a": 8}, "worst": {"a": -8}, "near": {"a": -7}})
    result = grade(doc, picked("near"))
    assert result["competencies"] == {"a": 6.3}
    assert result["overall"] == 6.3


def test_the_pass_threshold_is_compared_with_the_unrounded_overall():
    doc = one_choice({"best": {"a": 8}, "worst": {"a": -8}, "near": {"a": -7}}, threshold=6.3)
    result = grade(doc, picked("near"))
    assert result["overall"] == 6.3 and result["passed"] is False


def test_an_overall_equal_to_the_threshold_passes():
    doc = one_choice({"best": {"a": 4}, "worst": {"a": -4}, "middle": {}}, threshold=50)
    assert grade(doc, picked("middle"))["passed"] is True


def test_a_competency_no_path_can_change_is_left_out():
    competencies = [{"key": "a", "label": "A"}, {"key": "same", "label": "Same"},
                    {"key": "unused", "label": "Unused"}]
    doc = one_choice({"x": {"a": 1, "same": 2}, "y": {"a": -1, "same": 2}}, competencies)
    result = grade(doc, picked("x"))
    assert result["competencies"] == {"a": 100.0}
    assert result["overall"] == 100.0


def test_overall_is_the_mean_weighted_by_competency_weight():
    competencies = [{"key": "a", "label": "A", "weight": 1}, {"key": "b", "label": "B", "weight": 3}]
    doc = one_choice({"x": {"a": 1, "b": -1}, "y": {"a": -1, "b": 1}}, competencies)
    result = grade(doc, picked("x"))
    assert result["competencies"] == {"a": 100.0, "b": 0.0}
    assert result["overall"] == 25.0


def test_a_competency_weight_defaults_to_1():
    competencies = [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}]
    doc = one_choice({"x": {"a": 1, "b": -1}, "y": {"a": -1, "b": 1}}, competencies)
    assert grade(doc, picked("x"))["overall"] == 50.0


def test_with_no_competency_assessed_overall_is_zero():
    doc = one_choice({"x": {}, "y": {}}, threshold=1)
    result = grade(doc, picked("x"))
    assert (result["competencies"], result["overall"], result["passed"]) == ({}, 0.0, False)


# --- replies ------------------------------------------------------------------------------

def with_reply(reply):
    answers = spec_answers()
    answers["steps"][1]["reply"] = reply
    return answers


def test_a_reply_earning_nothing_misses_its_criteria():
    result = grade(scenario_doc(), with_reply("We should share the water fairly now."))
    assert result["steps"][1] == {"node": "reply1", "met": [], "missed": ["interest"], "avoided": [],
                                  "feedback": ""}
    # listening 3 of [-2, 5]; judgement 0, its best.
    assert result["competencies"] == {"listening": 71.4, "judgement": 100.0}


def test_reply_feedback_joins_the_node_met_criteria_and_avoided_items():
    doc = scenario_doc()
    doc["nodes"][1]["feedback"] = "Summaries help."
    doc["nodes"][1]["rubric"]["criteria"][0]["feedback"] = "You named their interest."
    doc["nodes"][1]["rubric"]["avoid"][0]["feedback"] = "Blame closes doors."
    feedback = grade(doc, spec_answers())["steps"][1]["feedback"]
    assert feedback == "Summaries help.\nYou named their interest.\nBlame closes doors."


def test_feedback_of_a_missed_criterion_is_not_given():
    doc = scenario_doc()
    doc["nodes"][1]["rubric"]["criteria"][0]["feedback"] = "You named their interest."
    result = grade(doc, with_reply("We should share the water fairly now."))
    assert result["steps"][1]["feedback"] == ""


def test_met_criteria_are_listed_in_rubric_order():
    doc = scenario_doc()
    criteria = doc["nodes"][1]["rubric"]["criteria"]
    criteria.append({"id": "water", "label": "Water", "competency": "listening", "points": 1, "terms": ["water"]})
    criteria.append({"id": "dry", "label": "Dry", "competency": "listening", "points": 1, "terms": ["dry"]})
    result = grade(doc, with_reply("Dry water, farmers said; that was all."))
    assert result["steps"][1]["met"] == ["interest", "water", "dry"]


# --- teacher overrides --------------------------------------------------------------------

def test_an_override_replaces_the_matching_and_recomputes_scores():
    result = grade(scenario_doc(), spec_answers(), overrides={"reply1": {"met": [], "avoided": []}})
    assert result["steps"][1]["met"] == [] and result["steps"][1]["avoided"] == []
    assert result["steps"][1]["missed"] == ["interest"]
    assert result["competencies"] == {"listening": 71.4, "judgement": 100.0}
    assert (result["overall"], result["passed"]) == (90.5, True)


def test_an_override_of_met_alone_keeps_the_automatic_avoided_items():
    result = grade(scenario_doc(), spec_answers(), overrides={"reply1": {"met": []}})
    assert result["steps"][1]["avoided"] == ["blame"]
    assert result["competencies"]["judgement"] == 33.3


def test_an_override_can_award_a_criterion_the_reply_missed():
    answers = with_reply("We should share the water fairly now.")
    result = grade(scenario_doc(), answers, overrides={"reply1": {"met": ["interest"]}})
    assert result["competencies"] == {"listening": 100.0, "judgement": 100.0}


def test_an_override_naming_an_unknown_criterion_is_refused():
    with pytest.raises(InvalidAnswer) as caught:
        grade(scenario_doc(), spec_answers(), overrides={"reply1": {"met": ["empathy"], "avoided": ["interest"]}})
    assert [(p.path, p.code) for p in caught.value.problems] == [
        ("overrides.reply1.met[0]", "unknown_criterion"),
        ("overrides.reply1.avoided[0]", "unknown_criterion"),
    ]


def test_an_override_for_a_node_not_replied_to_on_the_path_is_refused():
    with pytest.raises(InvalidAnswer) as caught:
        grade(scenario_doc(), critical_answers(), overrides={"reply1": {"met": []}})
    assert [p.path for p in caught.value.problems] == ["overrides.reply1"]

