"""What kind a document is, whether it is valid, and its normalised form."""
import json

from .problems import InvalidDocument, Problem
from .quiz_validation import quiz_problems
from .scenario_validation import DEFAULT_DEBRIEF_AFTER, DEFAULT_MAX_WORDS, DEFAULT_MIN_WORDS, scenario_problems
from .versions import KIND_BY_FORMAT

# Scenario spec rule 8, applied to quizzes too (the size part).
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_NODES = 500
# The columns that keep them (Exercise.title, Exercise.slug): longer would fail in the database.
MAX_TITLE_CHARS, MAX_SLUG_CHARS = 255, 120


def document_kind(doc) -> str:
    """"scenario" or "quiz", from doc["format"]; InvalidDocument (at path "format") otherwise."""
    if not isinstance(doc, dict):
        raise InvalidDocument([Problem("format", "wrong_type", "the document must be a JSON object")])
    if doc.get("format") is None:
        raise InvalidDocument([Problem("format", "required", "is required")])
    kind = KIND_BY_FORMAT.get(doc["format"]) if isinstance(doc["format"], str) else None
    if kind is None:
        known = " or ".join(f'"{name}"' for name in KIND_BY_FORMAT)
        raise InvalidDocument([Problem("format", "bad_format", f"must be {known}")])
    return kind


def validate_document(doc) -> list[Problem]:
    """Every problem of a scenario or quiz document; an empty list means valid.

    Never raises, whatever `doc` holds: garbage gives problems. When the
    format is unknown that is the only problem, since the rules depend on it.
    """
    try:
        kind = document_kind(doc)
    except InvalidDocument as exc:
        return exc.problems
    problems = scenario_problems(doc) if kind == "scenario" else quiz_problems(doc)
    return problems + _size_problems(doc, kind)


def _size_problems(doc: dict, kind: str) -> list[Problem]:
    problems = []
    try:
        size = len(json.dumps(doc).encode())
    except (TypeError, ValueError, RecursionError) as exc:
        # Only reachable from Python callers: anything parsed from JSON dumps back.
        return [Problem("", "wrong_type", f"the document is not plain JSON ({type(exc).__name__})")]
    if size > MAX_DOCUMENT_BYTES:
        problems.append(Problem("", "too_large", f"the document is {size} bytes; the limit is 1 MiB"))
    for field, limit in (("title", MAX_TITLE_CHARS), ("slug", MAX_SLUG_CHARS)):
        value = doc.get(field)
        if isinstance(value, str) and len(value) > limit:
            problems.append(Problem(field, "too_long", f"{len(value)} characters; the limit is {limit}"))
    nodes = doc.get("nodes")
    if kind == "scenario" and isinstance(nodes, list) and len(nodes) > MAX_NODES:
        problems.append(Problem("nodes", "too_large", f"{len(nodes)} nodes; the limit is {MAX_NODES}"))
    return problems


class NormalisedDocument(dict):
    """What normalise_document() returns: a validated document with its defaults set.

    Every entry point of the engine takes one as it is, without validating it
    again, so a caller that keeps the normalised form of a stored version
    (one per process, shared) pays the validation once, not on every step or
    grading. Shared copies are read, never modified.
    """

    __slots__ = ()


def normalise_document(doc) -> NormalisedDocument:
    """A validated copy of `doc` with every optional field set to its default.

    Scenario defaults: language "en", summary "", competency weight 1, choice
    weights {}, critical false, feedback "", rubric criteria and avoid [],
    min_words 1, max_words 500, debrief "" (the document's and every node's),
    debrief_after "passed". Quiz defaults: language "en", question points
    1 and feedback "". Unknown fields are kept. The argument is not modified.
    Raises InvalidDocument with every problem. A document this function
    returned is returned as it is.
    """
    if isinstance(doc, NormalisedDocument):
        return doc
    problems = validate_document(doc)
    if problems:
        raise InvalidDocument(problems)
    # A JSON round trip is a deep copy that cannot hit the recursion limit on
    # a document json.dumps just accepted.
    copy = json.loads(json.dumps(doc))
    if document_kind(copy) == "scenario":
        _scenario_defaults(copy)
    else:
        _quiz_defaults(copy)
    return NormalisedDocument(copy)


def _default(obj: dict, key: str, value) -> None:
    # A null counts as absent, as the validators read it.
    if obj.get(key) is None:
        obj[key] = value


def _scenario_defaults(doc: dict) -> None:
    _default(doc, "language", "en")
    _default(doc, "summary", "")
    _default(doc, "debrief", "")
    _default(doc, "debrief_after", DEFAULT_DEBRIEF_AFTER)
    for comp in doc["competencies"]:
        _default(comp, "weight", 1)
    for node in doc["nodes"]:
        _default(node, "debrief", "")
        if node["type"] == "choice":
            for choice in node["choices"]:
                _default(choice, "weights", {})
                _default(choice, "critical", False)
                _default(choice, "feedback", "")
        elif node["type"] == "reply":
            rubric = node["rubric"]
            _default(rubric, "criteria", [])
            _default(rubric, "avoid", [])
            _default(rubric, "min_words", DEFAULT_MIN_WORDS)
            _default(rubric, "max_words", DEFAULT_MAX_WORDS)


def _quiz_defaults(doc: dict) -> None:
    _default(doc, "language", "en")
    for question in doc["questions"]:
        _default(question, "points", 1)
        _default(question, "feedback", "")
