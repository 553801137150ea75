"""The engine's public surface: kinds, problems as API errors, normalised documents, bounds at scale."""
import ast
import pathlib
import time

import pytest

import assessments.grading as grading
from assessments.grading import (
    InvalidDocument,
    Problem,
    compute_bounds,
    document_kind,
    grade,
    normalise_document,
)

from .spec_example import quiz_doc, scenario_doc, spec_answers


def test_the_package_exports_exactly_the_documented_api():
    assert sorted(grading.__all__) == sorted([
        "ENGINE_VERSION", "Problem", "InvalidDocument", "InvalidAnswer", "NormalisedDocument", "document_kind",
        "validate_document", "normalise_document", "compute_bounds", "check_answers", "grade",
        "grade_normalised", "learner_node", "advance", "learner_summary", "word_count",
        "DebriefPlan", "debrief_plan", "attempt_debrief", "decision_events", "path_losses",
        "leaves_safe_ground"])
    assert all(hasattr(grading, name) for name in grading.__all__)


def test_the_engine_imports_no_django():
    imported = set()
    for source in pathlib.Path(grading.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module)
    assert imported and not [name for name in imported if name.split(".")[0] == "django"]


def test_a_problem_becomes_an_api_error_item_led_by_its_path():
    assert Problem("start", "unknown_node", 'unknown node "x"').as_dict() == {
        "attr": "start", "code": "unknown_node", "detail": 'start: unknown node "x"'}


def test_a_problem_at_the_root_has_a_bare_detail():
    assert Problem("", "too_large", "too big").as_dict() == {"attr": "", "code": "too_large", "detail": "too big"}


def test_document_kind_reads_the_format():
    assert (document_kind(scenario_doc()), document_kind(quiz_doc())) == ("scenario", "quiz")


@pytest.mark.parametrize("doc", [{"format": "scenario/2"}, {"title": "no format"}, {"format": 1}, "scenario/1"])
def test_document_kind_refuses_other_formats_at_format(doc):
    with pytest.raises(InvalidDocument) as caught:
        document_kind(doc)
    assert [p.path for p in caught.value.problems] == ["format"]


def test_normalise_fills_every_scenario_default_and_keeps_unknown_fields():
    doc = scenario_doc()
    for key in ("language", "summary"):
        del doc[key]
    del doc["competencies"][0]["weight"]
    doc["nodes"][0]["choices"][0] = {"id": "ask", "text": "Ask.", "next": "reply1", "x-note": "kept"}
    doc["nodes"][1]["rubric"] = {"criteria": [dict(doc["nodes"][1]["rubric"]["criteria"][0])]}
    normal = normalise_document(doc)
    assert (normal["language"], normal["summary"], normal["competencies"][0]["weight"]) == ("en", "", 1)
    assert normal["nodes"][0]["choices"][0] == {
        "id": "ask", "text": "Ask.", "next": "reply1", "x-note": "kept",
        "weights": {}, "critical": False, "feedback": ""}
    rubric = normal["nodes"][1]["rubric"]
    assert (rubric["avoid"], rubric["min_words"], rubric["max_words"]) == ([], 1, 500)


def test_normalise_fills_the_quiz_defaults():
    doc = quiz_doc()
    del doc["language"], doc["questions"][0]["points"]
    normal = normalise_document(doc)
    assert normal["language"] == "en"
    assert (normal["questions"][0]["points"], normal["questions"][1]["feedback"]) == (1, "")


def test_normalise_leaves_its_argument_alone():
    doc = scenario_doc()
    normalise_document(doc)
    assert doc == scenario_doc()


def test_a_normalised_document_is_taken_as_it_is_by_every_entry_point(monkeypatch):
    normal = normalise_document(scenario_doc())
    validations = []
    real = grading.documents.validate_document
    monkeypatch.setattr(grading.documents, "validate_document", lambda doc: validations.append(1) or real(doc))
    assert normalise_document(normal) is normal
    grading.check_answers(normal, spec_answers())
    assert grade(normal, spec_answers()) == grade(scenario_doc(), spec_answers())
    grading.advance(normal, "open", {"choice": "ask"})
    grading.learner_node(normal, "open")
    grading.learner_summary(normal)
    grading.compute_bounds(normal)
    assert len(validations) == 1  # the plain dict graded above, never the normalised one


def test_a_plain_copy_of_a_normalised_document_is_validated_again(monkeypatch):
    normal = normalise_document(scenario_doc())
    validations = []
    real = grading.documents.validate_document
    monkeypatch.setattr(grading.documents, "validate_document", lambda doc: validations.append(1) or real(doc))
    copy = normalise_document(dict(normal))
    assert copy is not normal and copy == normal and validations == [1]


def test_grading_leaves_the_document_and_answers_alone():
    doc, answers = scenario_doc(), spec_answers()
    grade(doc, answers)
    assert (doc, answers) == (scenario_doc(), spec_answers())


def ladder(rungs):
    """A valid scenario of `rungs` pairs of choice nodes, each linking to both of the next pair:
    2 ** rungs complete paths, so only a DP can bound it in time."""
    nodes = []
    for r in range(rungs):
        for side in ("l", "r"):
            targets = [f"{r + 1}l", f"{r + 1}r"] if r + 1 < rungs else ["end", "end"]
            nodes.append({"id": f"{r}{side}", "type": "choice", "text": "?", "choices": [
                {"id": "up", "text": "up", "next": targets[0], "weights": {"a": 1}},
                {"id": "down", "text": "down", "next": targets[1], "weights": {"a": -1}}]})
    nodes.append({"id": "end", "type": "outcome", "outcome": "done", "text": "Done."})
    entry = {"id": "entry", "type": "choice", "text": "Go", "choices": [
        {"id": "l", "text": "l", "next": "0l"}, {"id": "r", "text": "r", "next": "0r"}]}
    return {"format": "scenario/1", "slug": "ladder", "title": "Ladder", "pass_threshold": 50,
            "competencies": [{"key": "a", "label": "A"}], "start": "entry", "nodes": [entry, *nodes]}


def test_bounds_of_a_graph_with_2_to_the_249_paths_take_no_time():
    doc = ladder(249)  # 499 nodes
    began = time.perf_counter()
    bounds = compute_bounds(doc)
    assert time.perf_counter() - began < 2
    # All the way up, or all the way down.
    assert bounds == {"a": {"best": 249.0, "worst": -249.0}}


def test_a_500_node_chain_is_bounded_and_graded_without_recursion_limits():
    rubric = {"criteria": [{"id": "k", "label": "K", "competency": "a", "points": 1, "terms": ["yes"]}]}
    nodes = [{"id": f"n{i}", "type": "reply", "text": "?", "next": f"n{i + 1}", "rubric": rubric}
             for i in range(499)]
    nodes.append({"id": "n499", "type": "outcome", "outcome": "done", "text": "Done."})
    doc = {"format": "scenario/1", "slug": "chain", "title": "Chain", "pass_threshold": 50,
           "competencies": [{"key": "a", "label": "A"}], "start": "n0", "nodes": nodes}
    assert compute_bounds(doc) == {"a": {"best": 499.0, "worst": 0.0}}
    steps = [{"node": f"n{i}", "reply": "yes" if i % 2 else "no"} for i in range(499)] + [{"node": "n499"}]
    assert grade(doc, {"steps": steps})["competencies"] == {"a": 49.9}
