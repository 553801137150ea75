"""The specs' worked examples as Python data, shared by the grading tests.

Copied from scenario-format.md and quiz-format.md (the shared folder is not
part of the repository). Each helper returns a fresh deep copy, so a test can
edit its document without touching another test's.
"""
import copy

_SCENARIO = {
    "format": "scenario/1",
    "slug": "shared-river",
    "title": "A river in a dry year",
    "language": "en",
    "summary": "Negotiate water releases with an upstream neighbour.",
    "pass_threshold": 60,
    "competencies": [
        {"key": "listening", "label": "Active listening", "weight": 1},
        {"key": "judgement", "label": "Judgement", "weight": 2},
    ],
    "start": "open",
    "nodes": [
        {"id": "open", "type": "choice", "text": "The upstream minister opens ...",
         "choices": [
             {"id": "ask", "text": "Ask what the dry season costs their farmers.",
              "next": "reply1", "weights": {"listening": 3}, "feedback": "..."},
             {"id": "threaten", "text": "Warn of consequences.", "next": "end_bad",
              "weights": {"listening": -2, "judgement": -3}, "critical": True,
              "feedback": "..."},
         ]},
        {"id": "reply1", "type": "reply", "text": "Summarise their position ...",
         "next": "end_good",
         "rubric": {
             "criteria": [
                 {"id": "interest", "label": "Names their interest", "competency": "listening",
                  "points": 2, "terms": ["irrigation", "harvest", "farmers"]},
             ],
             "avoid": [
                 {"id": "blame", "label": "Assigns blame", "competency": "judgement",
                  "points": -2, "terms": ["your fault"]},
             ],
             "min_words": 5, "max_words": 120,
         }},
        {"id": "end_good", "type": "outcome", "outcome": "agreement", "text": "..."},
        {"id": "end_bad", "type": "outcome", "outcome": "walkout", "text": "..."},
    ],
}

SPEC_REPLY = "It is your fault, but your farmers need water before the harvest."

_SPEC_ANSWERS = {"steps": [
    {"node": "open", "choice": "ask"},
    {"node": "reply1", "reply": SPEC_REPLY},
    {"node": "end_good"},
]}

_CRITICAL_ANSWERS = {"steps": [
    {"node": "open", "choice": "threaten"},
    {"node": "end_bad"},
]}

_QUIZ = {
    "format": "quiz/1",
    "slug": "listening-basics-check",
    "title": "Check: listening basics",
    "language": "en",
    "pass_threshold": 70,
    "questions": [
        {"id": "q1", "type": "single", "text": "Which is a question?", "points": 1,
         "options": [{"id": "a", "text": "You must."}, {"id": "b", "text": "What do you need?"}],
         "correct": ["b"], "feedback": "Open questions invite the other side to talk."},
        {"id": "q2", "type": "multiple", "text": "Which show listening?", "points": 2,
         "options": [{"id": "a", "text": "Paraphrasing"}, {"id": "b", "text": "Interrupting"},
                     {"id": "c", "text": "Summarising"}],
         "correct": ["a", "c"]},
        {"id": "q3", "type": "order", "text": "Put the steps in order", "points": 1,
         "options": [{"id": "s1", "text": "Listen"}, {"id": "s2", "text": "Prepare"},
                     {"id": "s3", "text": "Propose"}],
         "correct": ["s2", "s1", "s3"]},
        {"id": "q4", "type": "text", "text": "What is your fallback called?", "points": 1,
         "accept": ["best alternative to a negotiated agreement", "batna"]},
    ],
}


def scenario_doc() -> dict:
    """The scenario spec's worked example (shared-river)."""
    return copy.deepcopy(_SCENARIO)


def spec_answers() -> dict:
    """The path in the scenario spec's Answers section: ask, a reply, agreement."""
    return copy.deepcopy(_SPEC_ANSWERS)


def critical_answers() -> dict:
    """The other path of the worked example: the critical threat, walkout."""
    return copy.deepcopy(_CRITICAL_ANSWERS)


def quiz_doc() -> dict:
    """The quiz spec's example, with texts filled in."""
    return copy.deepcopy(_QUIZ)


def all_keys(value) -> set:
    """Every object key anywhere inside a JSON value."""
    found, stack = set(), [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.update(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def problem_at(problems, path: str, code: str | None = None):
    """The first problem at `path` (with `code`, if given), or None."""
    return next((p for p in problems if p.path == path and (code is None or p.code == code)), None)
