"""Scenario validity, rule by rule (scenario-format.md, "Validity").

Each test breaks the valid worked example in one way and checks the problem
lands at the right JSON path, so a failure cannot pass for the wrong reason.
"""
import json
import re

import pytest

from assessments.grading import InvalidDocument, normalise_document, validate_document

from .spec_example import problem_at, scenario_doc


def only_problem(doc):
    problems = validate_document(doc)
    assert len(problems) == 1, problems
    return problems[0]


def outcome(node_id):
    return {"id": node_id, "type": "outcome", "outcome": node_id, "text": "The end."}


def test_the_worked_example_is_valid():
    assert validate_document(scenario_doc()) == []


# --- rule 1: format, required fields, types ---------------------------------------------

def test_a_format_other_than_scenario_1_is_the_only_problem_reported():
    doc = scenario_doc()
    doc["format"] = "scenario/2"
    doc["nodes"] = "not even a list"
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("format", "bad_format")


def test_a_document_that_is_not_an_object_is_a_format_problem():
    assert [p.path for p in validate_document(["format", "scenario/1"])] == ["format"]


@pytest.mark.parametrize("field", ["slug", "title", "pass_threshold", "competencies", "start", "nodes"])
def test_a_missing_top_level_field_is_required(field):
    doc = scenario_doc()
    del doc[field]
    assert problem_at(validate_document(doc), field, "required")


@pytest.mark.parametrize("field", ["id", "type", "text"])
def test_a_missing_node_field_is_required(field):
    doc = scenario_doc()
    del doc["nodes"][2][field]
    assert problem_at(validate_document(doc), f"nodes[2].{field}", "required")


@pytest.mark.parametrize("field", ["id", "text", "next"])
def test_a_missing_choice_field_is_required(field):
    doc = scenario_doc()
    del doc["nodes"][0]["choices"][1][field]
    assert problem_at(validate_document(doc), f"nodes[0].choices[1].{field}", "required")


@pytest.mark.parametrize("field", ["next", "rubric"])
def test_a_reply_node_needs_next_and_rubric(field):
    doc = scenario_doc()
    del doc["nodes"][1][field]
    assert problem_at(validate_document(doc), f"nodes[1].{field}", "required")


def test_an_outcome_node_needs_its_outcome():
    doc = scenario_doc()
    del doc["nodes"][3]["outcome"]
    assert only_problem(doc).path == "nodes[3].outcome"


@pytest.mark.parametrize("field", ["id", "label", "competency", "points", "terms"])
def test_a_missing_rubric_item_field_is_required(field):
    doc = scenario_doc()
    del doc["nodes"][1]["rubric"]["avoid"][0][field]
    assert problem_at(validate_document(doc), f"nodes[1].rubric.avoid[0].{field}", "required")


def test_a_rubric_item_needs_at_least_one_term():
    doc = scenario_doc()
    doc["nodes"][1]["rubric"]["criteria"][0]["terms"] = []
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes[1].rubric.criteria[0].terms", "required")


@pytest.mark.parametrize("field", ["key", "label"])
def test_a_competency_needs_key_and_label(field):
    doc = scenario_doc()
    del doc["competencies"][0][field]
    assert problem_at(validate_document(doc), f"competencies[0].{field}", "required")


@pytest.mark.parametrize(("path", "value"), [
    ("title", 5),
    ("pass_threshold", "60"),
    ("summary", ["a"]),
    ("nodes[0].choices[0].critical", "yes"),
    ("nodes[0].choices[0].weights", [3]),
    ("nodes[0].choices[0].feedback", 1),
    ("nodes[0].text", {"not": "text"}),
    ("nodes[1].rubric.min_words", 2.5),
    ("nodes[1].rubric.criteria", {"id": "x"}),
    ("nodes[1].rubric.criteria[0].terms[0]", 7),
    ("competencies[1].weight", "2"),
])
def test_a_value_of_the_wrong_type_is_reported_at_its_path(path, value):
    doc = scenario_doc()
    container, key = _locate(doc, path)
    container[key] = value
    problem = only_problem(doc)
    assert (problem.path, problem.code) == (path, "wrong_type")


def test_a_boolean_is_not_a_number_for_a_weight():
    doc = scenario_doc()
    doc["nodes"][0]["choices"][0]["weights"]["listening"] = True
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes[0].choices[0].weights.listening", "wrong_type")


def test_a_boolean_is_not_a_number_for_rubric_points():
    doc = scenario_doc()
    doc["nodes"][1]["rubric"]["criteria"][0]["points"] = True
    assert only_problem(doc).path == "nodes[1].rubric.criteria[0].points"


def test_an_unknown_node_type_is_reported():
    doc = scenario_doc()
    doc["nodes"][2]["type"] = "ending"
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes[2].type", "bad_format")


# --- rule 2: unique ids -------------------------------------------------------------------

def test_duplicate_node_ids_are_reported_at_the_later_node():
    doc = scenario_doc()
    doc["nodes"][3]["id"] = "end_good"
    doc["nodes"][0]["choices"][1]["next"] = "end_good"
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes[3].id", "duplicate_id")


def test_duplicate_choice_ids_within_a_node_are_reported():
    doc = scenario_doc()
    doc["nodes"][0]["choices"][1]["id"] = "ask"
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes[0].choices[1].id", "duplicate_id")


def test_duplicate_criterion_ids_within_a_rubric_are_reported():
    doc = scenario_doc()
    criteria = doc["nodes"][1]["rubric"]["criteria"]
    criteria.append(dict(criteria[0], terms=["water"]))
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes[1].rubric.criteria[1].id", "duplicate_id")


def test_duplicate_competency_keys_are_reported():
    doc = scenario_doc()
    doc["competencies"][1]["key"] = "listening"
    # judgement is no longer declared, so the items naming it are reported too.
    problem = problem_at(validate_document(doc), "competencies[1].key")
    assert problem.code == "duplicate_id"


# --- rule 3: links name nodes -------------------------------------------------------------

def test_a_start_naming_no_node_is_reported():
    doc = scenario_doc()
    doc["start"] = "opening"
    problem = problem_at(validate_document(doc), "start")
    assert problem.code == "unknown_node" and '"opening"' in problem.message


def test_a_choice_next_naming_no_node_is_reported():
    doc = scenario_doc()
    doc["nodes"][0]["choices"][1]["next"] = "n7"
    problems = validate_document(doc)
    assert problem_at(problems, "nodes[0].choices[1].next").as_dict()["detail"] == (
        'nodes[0].choices[1].next: unknown node "n7"')


def test_a_reply_next_naming_no_node_is_reported():
    doc = scenario_doc()
    doc["nodes"][1]["next"] = "nowhere"
    assert problem_at(validate_document(doc), "nodes[1].next", "unknown_node")


# --- rule 4: reachability -----------------------------------------------------------------

def test_a_node_not_reachable_from_start_is_reported_at_its_index_by_id():
    doc = scenario_doc()
    doc["nodes"].append(outcome("stalemate"))
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes[4]", "unreachable")
    assert problem.message == 'node "stalemate" cannot be reached from start'


# --- rule 5: acyclic ----------------------------------------------------------------------

def test_a_cycle_is_reported_at_the_link_that_closes_it():
    doc = scenario_doc()
    doc["nodes"][1]["next"] = "open"  # reply1 -> open -> reply1
    problems = validate_document(doc)
    cycle = problem_at(problems, "nodes[1].next", "cycle")
    assert cycle and '"open"' in cycle.message and '"reply1"' in cycle.message
    # end_good is now unreachable: every problem is listed, not just the first.
    assert problem_at(problems, "nodes[2]", "unreachable")


def test_a_node_linking_to_itself_is_a_cycle():
    doc = scenario_doc()
    doc["nodes"][1]["next"] = "reply1"
    assert problem_at(validate_document(doc), "nodes[1].next", "cycle")


# --- rule 6: every path ends at an outcome ------------------------------------------------

def test_a_choice_node_without_choices_is_a_dead_end():
    doc = scenario_doc()
    doc["nodes"][0]["choices"] = []
    problems = validate_document(doc)
    assert problem_at(problems, "nodes[0].choices", "dead_end")


@pytest.mark.parametrize(("field", "value"), [
    ("next", "end_bad"),
    ("choices", [{"id": "again", "text": "Again", "next": "end_bad"}]),
])
def test_an_outcome_node_with_links_is_reported(field, value):
    doc = scenario_doc()
    doc["nodes"][2][field] = value
    problem = only_problem(doc)
    assert (problem.path, problem.code) == (f"nodes[2].{field}", "not_allowed")


# --- rule 7: competencies, weights, points, threshold -------------------------------------

def test_a_weight_naming_an_undeclared_competency_is_reported():
    doc = scenario_doc()
    doc["nodes"][0]["choices"][0]["weights"]["zzz"] = 1
    problem = only_problem(doc)
    assert problem.as_dict() == {
        "attr": "nodes[0].choices[0].weights.zzz",
        "code": "undeclared_competency",
        "detail": 'nodes[0].choices[0].weights.zzz: undeclared competency "zzz"',
    }


def test_a_rubric_item_naming_an_undeclared_competency_is_reported():
    doc = scenario_doc()
    doc["nodes"][1]["rubric"]["avoid"][0]["competency"] = "rhetoric"
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes[1].rubric.avoid[0].competency", "undeclared_competency")


@pytest.mark.parametrize("weight", [10.5, -11, float("inf"), float("nan")])
def test_a_weight_outside_minus_10_to_10_is_reported(weight):
    doc = scenario_doc()
    doc["nodes"][0]["choices"][1]["weights"]["judgement"] = weight
    assert only_problem(doc).path == "nodes[0].choices[1].weights.judgement"


def test_weights_of_exactly_minus_10_and_10_are_valid():
    doc = scenario_doc()
    doc["nodes"][0]["choices"][0]["weights"]["listening"] = 10
    doc["nodes"][0]["choices"][1]["weights"]["listening"] = -10.0
    assert validate_document(doc) == []


def test_rubric_points_outside_minus_10_to_10_are_reported():
    doc = scenario_doc()
    doc["nodes"][1]["rubric"]["criteria"][0]["points"] = 12
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes[1].rubric.criteria[0].points", "out_of_range")


def test_negative_criterion_points_are_reported():
    doc = scenario_doc()
    doc["nodes"][1]["rubric"]["criteria"][0]["points"] = -1
    assert only_problem(doc).path == "nodes[1].rubric.criteria[0].points"


def test_positive_avoid_points_are_reported():
    doc = scenario_doc()
    doc["nodes"][1]["rubric"]["avoid"][0]["points"] = 0.5
    assert only_problem(doc).path == "nodes[1].rubric.avoid[0].points"


@pytest.mark.parametrize("threshold", [-0.1, 100.5, 150])
def test_a_pass_threshold_outside_0_to_100_is_reported(threshold):
    doc = scenario_doc()
    doc["pass_threshold"] = threshold
    problem = only_problem(doc)
    assert problem.as_dict()["detail"] == "pass_threshold: must be between 0 and 100"


@pytest.mark.parametrize("threshold", [0, 100])
def test_pass_thresholds_of_0_and_100_are_valid(threshold):
    doc = scenario_doc()
    doc["pass_threshold"] = threshold
    assert validate_document(doc) == []


def test_min_words_above_max_words_is_reported():
    doc = scenario_doc()
    doc["nodes"][1]["rubric"]["min_words"] = 200
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes[1].rubric.min_words", "out_of_range")


# --- rule 8: size -------------------------------------------------------------------------

def chain(length):
    """A valid scenario that is one long line of reply nodes ending in an outcome."""
    doc = scenario_doc()
    rubric = {"criteria": [], "avoid": []}
    doc["nodes"] = [{"id": f"n{i}", "type": "reply", "text": "Go on.", "next": f"n{i + 1}", "rubric": rubric}
                    for i in range(length - 1)]
    doc["nodes"].append(outcome(f"n{length - 1}"))
    doc["start"] = "n0"
    return doc


def test_500_nodes_are_allowed():
    assert validate_document(chain(500)) == []


def test_over_500_nodes_are_reported():
    problem = only_problem(chain(501))
    assert (problem.path, problem.code) == ("nodes", "too_large")


def test_a_document_over_1_mib_of_json_is_reported():
    doc = scenario_doc()
    doc["summary"] = "x" * (1024 * 1024)
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("", "too_large")


def test_a_document_of_exactly_1_mib_is_allowed():
    doc = scenario_doc()
    doc["summary"] = ""
    doc["summary"] = "x" * (1024 * 1024 - len(json.dumps(doc).encode()))
    assert validate_document(doc) == []


# --- all problems, any input --------------------------------------------------------------

def test_every_problem_is_listed_at_once():
    doc = {"format": "scenario/1", "slug": "bad", "title": "x", "language": "en",
           "pass_threshold": 150, "competencies": [{"key": "a", "label": "A"}], "start": "n1",
           "nodes": [{"id": "n1", "type": "choice", "text": "x",
                      "choices": [{"id": "c", "text": "x", "next": "nowhere", "weights": {"zzz": 1}}]},
                     outcome("n2")]}
    details = {p.as_dict()["detail"] for p in validate_document(doc)}
    assert details == {
        "pass_threshold: must be between 0 and 100",
        'nodes[0].choices[0].weights.zzz: undeclared competency "zzz"',
        'nodes[0].choices[0].next: unknown node "nowhere"',
        'nodes[1]: node "n2" cannot be reached from start',
    }


@pytest.mark.parametrize("garbage", [
    None, 3, "scenario/1", {"format": "scenario/1"},
    {"format": "scenario/1", "competencies": [1, None, {"key": []}], "nodes": [None, 1, "x", []]},
    {"format": "scenario/1", "nodes": [{"type": "choice", "choices": [None, {"weights": {"a": "b"}}]}]},
    {"format": "scenario/1", "nodes": [{"id": "a", "type": "reply", "rubric": {"criteria": [1], "avoid": "x"}}]},
    {"format": "scenario/1", "nodes": [{"id": ["a"], "type": 5}], "start": {"a": 1}},
])
def test_garbage_gives_problems_not_exceptions(garbage):
    assert validate_document(garbage)


def test_nodes_of_the_wrong_type_are_reported_once_not_again_through_start():
    doc = scenario_doc()
    doc["nodes"] = {"open": {}}
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("nodes", "wrong_type")


def test_normalise_refuses_an_invalid_document_with_every_problem():
    doc = scenario_doc()
    doc["pass_threshold"] = 150
    doc["start"] = "nowhere"
    with pytest.raises(InvalidDocument) as caught:
        normalise_document(doc)
    assert {p.path for p in caught.value.problems} == {"pass_threshold", "start"}


def _locate(doc, path):
    """(container, key) of a path like nodes[0].choices[1].next."""
    parts = [int(i) if i else k for k, i in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)]
    container = doc
    for part in parts[:-1]:
        container = container[part]
    return container, parts[-1]
