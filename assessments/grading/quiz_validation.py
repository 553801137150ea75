"""Validity of a quiz document: the quiz spec's validation list, plus required fields and types.

Beyond the spec's list, a question needs what its scoring rule divides by:
`multiple` at least one correct option, `order` at least two options, `text`
at least one accepted answer with a word in it (a blank accepted answer would
make a blank answer right).
"""
from .fields import Checker
from .problems import Problem, index_path, key_path
from .text import word_tokens

CHOICE_TYPES = ("single", "multiple", "order")
QUESTION_TYPES = (*CHOICE_TYPES, "text")
POINTS_HIGH = 100


def quiz_problems(doc: dict) -> list[Problem]:
    """Every problem of a quiz document (already known to be a dict with format quiz/1)."""
    check = Checker()
    check.string(doc, "slug", "", non_empty=True)
    check.string(doc, "title", "", non_empty=True)
    check.string(doc, "language", "", required=False, non_empty=True)
    check.number(doc, "pass_threshold", "", 0, 100)
    seen: set[str] = set()
    for i, question in enumerate(check.array(doc, "questions", "", non_empty=True) or []):
        path = index_path("questions", i)
        if check.object_value(question, path) is None:
            continue
        question_id = check.string(question, "id", path, non_empty=True)
        check.unique(seen, question_id, key_path(path, "id"), "question id")
        _question(check, question, path)
    return check.problems


def _question(check: Checker, question: dict, path: str) -> None:
    kind = check.string(question, "type", path)
    check.string(question, "text", path)
    # Points default to 1; (0, 100] keeps every question worth something.
    check.number(question, "points", path, 0, POINTS_HIGH, required=False, low_open=True)
    check.string(question, "feedback", path, required=False)
    if kind is None:
        return
    if kind not in QUESTION_TYPES:
        check.report(key_path(path, "type"), "bad_format",
                     f'unknown question type "{kind}" (expected single, multiple, order or text)')
    elif kind == "text":
        _accepted(check, question, path)
    else:
        _options_and_key(check, question, path, kind)


def _accepted(check: Checker, question: dict, path: str) -> None:
    for k, answer in enumerate(check.array(question, "accept", path, non_empty=True) or []):
        apath = index_path(key_path(path, "accept"), k)
        if not isinstance(answer, str):
            check.report(apath, "wrong_type", "must be a string")
        elif not word_tokens(answer):
            check.report(apath, "bad_format", "an accepted answer needs at least one word")


def _options_and_key(check: Checker, question: dict, path: str, kind: str) -> None:
    options = check.array(question, "options", path, non_empty=True)
    option_ids: list[str] = []
    seen: set[str] = set()
    for j, option in enumerate(options or []):
        opath = index_path(key_path(path, "options"), j)
        if check.object_value(option, opath) is None:
            continue
        option_id = check.string(option, "id", opath, non_empty=True)
        check.unique(seen, option_id, key_path(opath, "id"), "option id")
        if option_id is not None:
            option_ids.append(option_id)
        check.string(option, "text", opath)
    if kind == "order" and options is not None and len(options) < 2:
        check.report(key_path(path, "options"), "out_of_range", "an order question needs at least two options")

    correct = check.array(question, "correct", path)
    if correct is None:
        return
    cpath = key_path(path, "correct")
    named: set[str] = set()
    usable = True
    for k, option_id in enumerate(correct):
        kpath = index_path(cpath, k)
        if not isinstance(option_id, str):
            check.report(kpath, "wrong_type", "must be an option id")
            usable = False
            continue
        if options is not None and option_id not in seen:
            check.report(kpath, "unknown_option", f'unknown option "{option_id}"')
            usable = False
        check.unique(named, option_id, kpath, "option")
    if kind == "single" and len(correct) != 1:
        check.report(cpath, "out_of_range", "a single-choice question needs exactly one correct option")
    elif kind == "multiple" and not correct:
        check.report(cpath, "required", "a multiple-choice question needs at least one correct option")
    elif kind == "order" and usable and options is not None and (
        len(correct) != len(option_ids) or set(correct) != set(option_ids)
    ):
        check.report(cpath, "bad_format", "must list every option exactly once")
