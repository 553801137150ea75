"""The engine's entry points for either kind of exercise.

Each takes the document as stored (validated or not), validates and
normalises it, then hands over to the scenario or quiz module. So an invalid
document always raises InvalidDocument here, never a KeyError deep inside.
A NormalisedDocument (normalise_document's output) is taken as it is.
"""
from .bounds import scenario_bounds
from .documents import document_kind, normalise_document
from .learner_views import quiz_learner_summary, scenario_learner_node, scenario_learner_summary
from .problems import InvalidAnswer, InvalidDocument, Problem
from .quiz_answers import check_quiz_answers
from .quiz_scoring import grade_quiz
from .scenario_answers import advance_node, check_scenario_answers
from .scenario_scoring import grade_scenario


def compute_bounds(doc) -> dict:
    """{competency key: {"best": float, "worst": float}} for a scenario (spec rule 3); {} for a quiz.

    Plain JSON, meant to be stored once per version and passed to grade().
    Linear in nodes + links per competency. Raises InvalidDocument.
    """
    doc = normalise_document(doc)
    if document_kind(doc) == "quiz":
        return {}
    return scenario_bounds(doc)


def check_answers(doc, answers) -> None:
    """Raise InvalidAnswer listing every problem unless `answers` fit `doc`.

    Scenario: {"steps": [...]}, a whole path (spec, "Answers"). Quiz:
    {"answers": {question id: answer}}. Raises InvalidDocument for a bad document.
    """
    doc = normalise_document(doc)
    if document_kind(doc) == "scenario":
        check_scenario_answers(doc, answers)
    else:
        check_quiz_answers(doc, answers)


def grade(doc, answers, bounds=None, overrides=None) -> dict:
    """The result document for `answers` to `doc` (the specs' Result shapes).

    Checks the answers first (InvalidAnswer). `bounds` is compute_bounds'
    stored output, recomputed when None. `overrides` (scenarios only) is a
    teacher's review: {reply node id: {"met": [criterion ids], "avoided":
    [avoid ids]}} replacing the automatic matching of that reply; scores are
    recomputed by the same rules. Deterministic: the same inputs give the
    same result, so a regrade of an unchanged version changes nothing.
    """
    return grade_normalised(normalise_document(doc), answers, bounds, overrides)


def grade_normalised(doc: dict, answers, bounds=None, overrides=None) -> dict:
    """grade() for a document that normalise_document() returned, even as a plain dict:
    it is not validated again.

    For callers that keep the normalised form of a stored version (validation
    is most of the engine's time per attempt, see docs/benchmarks.md, B5).
    `doc` is only read, so one copy can serve every attempt.
    """
    if document_kind(doc) == "scenario":
        return grade_scenario(doc, answers, bounds, overrides)
    if overrides:
        raise InvalidAnswer([Problem("overrides", "not_allowed", "quizzes take no overrides")])
    return grade_quiz(doc, answers)


def learner_node(doc, node_id) -> dict:
    """A scenario node as the learner may see it: id, type, text, and choices
    ({id, text}), word limits or outcome by type, plus image/media if set.

    Raises InvalidAnswer (path "node") for an unknown node, InvalidDocument
    for a bad or non-scenario document.
    """
    doc = _scenario(doc)
    try:
        return scenario_learner_node(doc, node_id)
    except KeyError:
        raise InvalidAnswer([Problem("node", "unknown_node", f'unknown node "{node_id}"')]) from None


def advance(doc, node_id, move) -> str:
    """The id of the node that `move` ({"choice": id} or {"reply": text}) at `node_id` leads to.

    Raises InvalidAnswer (path "choice" or "reply") when the move does not fit:
    an unknown choice, a reply to a choice node (or the reverse), a reply
    outside the word limits, any move at an outcome.
    """
    return advance_node(_scenario(doc), node_id, move)


def learner_summary(doc) -> dict:
    """The exercise as a learner sees it before playing (no key, no graph).

    Scenario: format, slug, title, summary, language, pass_threshold,
    competencies [{key, label, weight}] and start_node. Quiz: format, slug,
    title, language, pass_threshold and questions [{id, type, text, points,
    options [{id, text}]}].
    """
    doc = normalise_document(doc)
    if document_kind(doc) == "scenario":
        return scenario_learner_summary(doc)
    return quiz_learner_summary(doc)


def _scenario(doc) -> dict:
    doc = normalise_document(doc)
    if document_kind(doc) != "scenario":
        raise InvalidDocument([Problem("format", "bad_format", 'must be "scenario/1" here')])
    return doc
