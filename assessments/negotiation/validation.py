"""Validity of a negotiation/1 document: every numbered rule of the spec's "Validity".

One pass lists every problem, each at its JSON path (`roles[1].values.volume.high`).
A rule that depends on values found broken earlier is not checked on them, so a
problem is reported once, where it is, and not again as its consequences.
"""
import json
import re
from fractions import Fraction
from itertools import product

from assessments.grading import Problem
from assessments.grading.fields import Checker, is_number
from assessments.grading.problems import index_path, key_path

from . import limits
from .points import role_points
from .versions import NEGOTIATION_FORMAT

ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def validate(doc) -> list[Problem]:
    """Every problem of a negotiation document; an empty list means valid. Never raises."""
    if not isinstance(doc, dict):
        return [Problem("format", "wrong_type", "the document must be a JSON object")]
    if doc.get("format") is None:
        return [Problem("format", "required", "is required")]
    if doc["format"] != NEGOTIATION_FORMAT:
        return [Problem("format", "bad_format", f'must be "{NEGOTIATION_FORMAT}"')]
    check = Checker()
    _header(check, doc)
    rules = _competencies(check, doc)
    issues = _issues(check, doc)
    roles = _roles(check, doc, issues, rules)
    _deadline_and_opening(check, doc, roles)
    _question_ids(check, doc)
    count = _outcome_count(issues)
    if count is not None and count > limits.MAX_OUTCOMES:
        check.report("issues", "too_large", f"{count} outcomes; the limit is {limits.MAX_OUTCOMES}")
    elif not check.problems and len(issues) <= limits.MAX_ISSUES:
        _zopa(check, doc)
    return check.problems + _size(doc)


def _id(check: Checker, obj: dict, key: str, parent: str):
    value = check.string(obj, key, parent, non_empty=True)
    if value is not None and not ID_PATTERN.match(value):
        check.report(key_path(parent, key), "bad_id", "must be 1 to 64 letters, digits, '_' or '-'")
        return None
    return value


def _header(check: Checker, doc: dict) -> None:
    check.string(doc, "slug", "", non_empty=True)
    check.string(doc, "title", "", non_empty=True)
    check.string(doc, "language", "", required=False, non_empty=True)
    check.string(doc, "summary", "", required=False)
    check.string(doc, "debrief", "", required=False)
    check.number(doc, "pass_threshold", "", 0, 100)


def _competencies(check: Checker, doc: dict) -> dict[str, str]:
    """Rule 7's declarations: key -> rule (None when broken), for the usable keys."""
    declared: dict[str, str] = {}
    seen: set = set()
    for i, comp in enumerate(check.array(doc, "competencies", "", non_empty=True) or []):
        path = index_path("competencies", i)
        if check.object_value(comp, path) is None:
            continue
        key = _id(check, comp, "key", path)
        check.unique(seen, key, key_path(path, "key"), "competency key")
        check.string(comp, "label", path, non_empty=True)
        check.number(comp, "weight", path, 0, limits.COMPETENCY_WEIGHT_HIGH, required=False)
        rule = check.string(comp, "rule", path, non_empty=True)
        if rule is not None and rule not in limits.RULES:
            check.report(key_path(path, "rule"), "unknown_rule", "must be one of " + ", ".join(limits.RULES))
            rule = None
        if key is not None and key not in declared:
            declared[key] = rule  # None when the rule is broken: reported above, once
    return declared


class Issues(dict):
    """Issue id -> its option ids (None when the options are broken), for the issues with a usable id.

    `complete` is false when some issue is broken; then a name that is not
    here may be the broken issue's, so references by name are not reported.
    """

    complete = True

    def unknown(self, issue_id) -> bool:
        """The name surely names no issue."""
        return self.complete and issue_id not in self

    def options_of(self, issue_id):
        """The option ids of a usable issue, or None when they cannot be checked against."""
        return self.get(issue_id)


def _issues(check: Checker, doc: dict) -> Issues:
    """Rule 2's issues and options."""
    issues = Issues()
    raw = check.array(doc, "issues", "", non_empty=True)
    if raw is None:
        issues.complete = False
    for i, issue in enumerate(raw or []):
        path = index_path("issues", i)
        if check.object_value(issue, path) is None:
            issues.complete = False
            continue
        issue_id = _id(check, issue, "id", path)
        check.string(issue, "label", path, non_empty=True)
        options = check.array(issue, "options", path, non_empty=True)
        option_ids: list[str] | None = [] if options is not None else None
        seen: set = set()
        for j, option in enumerate(options or []):
            opath = index_path(key_path(path, "options"), j)
            if check.object_value(option, opath) is None:
                option_ids = None
                continue
            option_id = _id(check, option, "id", opath)
            check.string(option, "label", opath, non_empty=True)
            if option_id is None:
                option_ids = None
            elif option_id in seen:
                check.report(key_path(opath, "id"), "duplicate_id", f'duplicate option id "{option_id}"')
            elif option_ids is not None:
                seen.add(option_id)
                option_ids.append(option_id)
        if options is not None and len(options) > limits.MAX_OPTIONS:
            check.report(key_path(path, "options"), "too_large",
                         f"{len(options)} options; the limit is {limits.MAX_OPTIONS}")
        if issue_id is None:
            issues.complete = False
            continue
        if issue_id in issues:
            check.report(key_path(path, "id"), "duplicate_id", f'duplicate issue id "{issue_id}"')
            continue
        issues[issue_id] = option_ids
    return issues


def _roles(check: Checker, doc: dict, issues: Issues, rules: dict) -> list[str]:
    roles = check.array(doc, "roles", "")
    if roles is None:
        return []
    if len(roles) != 2:
        check.report("roles", "wrong_count", "must list exactly two roles")
    role_ids: list[str] = []
    for k, role in enumerate(roles):
        path = index_path("roles", k)
        if check.object_value(role, path) is None:
            continue
        role_id = _id(check, role, "id", path)
        if role_id is not None and role_id in role_ids:
            check.report(key_path(path, "id"), "duplicate_id", f'duplicate role id "{role_id}"')
        elif role_id is not None:
            role_ids.append(role_id)
        check.string(role, "label", path, non_empty=True)
        check.string(role, "brief", path, non_empty=True)
        _utilities(check, role, path, issues)
        _reservation(check, role, path)
        _trains(check, role, path, rules)
        _counterpart(check, role, path)
        _messages(check, role, path, issues)
        _questions(check, role, path, issues)
    return role_ids


def _utilities(check: Checker, role: dict, path: str, issues: Issues) -> None:
    """Rule 3: a weight per issue, a value per option of each issue, numbers in [0, 100]."""
    weights = check.mapping(role, "weights", path)
    values = check.mapping(role, "values", path)
    wpath, vpath = key_path(path, "weights"), key_path(path, "values")
    usable_weights: dict[str, float] = {}
    if weights is not None:
        for issue_id, weight in weights.items():
            if issues.unknown(issue_id):
                check.report(key_path(wpath, issue_id), "unknown_issue", f'names no issue "{issue_id}"')
            elif check.number_value(weight, key_path(wpath, issue_id), limits.VALUE_LOW, limits.VALUE_HIGH) is not None:
                usable_weights[issue_id] = weight
        for issue_id in issues:
            if issue_id not in weights:
                check.report(wpath, "missing_issue", f'has no weight for issue "{issue_id}"')
        every = issues.complete and len(usable_weights) == len(weights) == len(issues)
        if every and issues and not any(w > 0 for w in usable_weights.values()):
            check.report(wpath, "no_weight", "at least one issue must have a positive weight")
    if values is None:
        return
    for issue_id, table in values.items():
        ipath = key_path(vpath, issue_id)
        if issues.unknown(issue_id):
            check.report(ipath, "unknown_issue", f'names no issue "{issue_id}"')
            continue
        if check.object_value(table, ipath) is None:
            continue
        options = issues.options_of(issue_id)
        usable = []
        for option_id, value in table.items():
            opath = key_path(ipath, option_id)
            if options is not None and option_id not in options:
                check.report(opath, "unknown_option", f'names no option "{option_id}" of issue "{issue_id}"')
            elif check.number_value(value, opath, limits.VALUE_LOW, limits.VALUE_HIGH) is not None:
                usable.append(value)
        if options is None:
            continue
        for option_id in options:
            if option_id not in table:
                check.report(ipath, "missing_option", f'has no value for option "{option_id}"')
        complete = bool(options) and len(usable) == len(options) == len(table)
        if complete and usable_weights.get(issue_id, 0) > 0 and max(usable) <= 0:
            check.report(ipath, "no_value", "an issue with a positive weight needs an option valued above 0")
    for issue_id in issues:
        if issue_id not in values:
            check.report(vpath, "missing_issue", f'has no values for issue "{issue_id}"')


def _reservation(check: Checker, role: dict, path: str) -> None:
    """Rule 4: a reservation value (the BATNA) in [0, 100): 100 would refuse every deal."""
    rpath = key_path(path, "reservation")
    if role.get("reservation") is None:
        check.report(rpath, "required", "is required")
    elif not is_number(role["reservation"]):
        check.report(rpath, "wrong_type", "must be a number")
    elif not limits.VALUE_LOW <= role["reservation"] < limits.VALUE_HIGH:
        check.report(rpath, "out_of_range", "must be at least 0 and below 100")


def _trains(check: Checker, role: dict, path: str, rules: dict) -> None:
    trains = check.array(role, "competencies", path, non_empty=True)
    seen: set = set()
    for i, key in enumerate(trains or []):
        kpath = index_path(key_path(path, "competencies"), i)
        if not isinstance(key, str):
            check.report(kpath, "wrong_type", "must be a string")
            continue
        if key in seen:
            check.report(kpath, "duplicate_id", f'duplicate competency "{key}"')
        seen.add(key)
        if key not in rules:
            check.report(kpath, "unknown_competency", f'names no declared competency "{key}"')


def _counterpart(check: Checker, role: dict, path: str) -> None:
    """Rule 5: how the machine plays this role."""
    cpath = key_path(path, "counterpart")
    spec = check.mapping(role, "counterpart", path)
    if spec is None:
        return
    strategy = check.string(spec, "strategy", cpath, non_empty=True)
    if strategy is not None and strategy not in limits.STRATEGIES:
        check.report(key_path(cpath, "strategy"), "unknown_strategy",
                     "must be one of " + ", ".join(limits.STRATEGIES))
        return
    allowed = {"strategy"}
    if strategy in ("time", "tradeoff"):
        allowed.add("e")
        check.number(spec, "e", cpath, limits.E_LOW, limits.E_HIGH)
    if strategy == "tit_for_tat":
        allowed.add("factor")
        check.number(spec, "factor", cpath, limits.FACTOR_LOW, limits.FACTOR_HIGH, required=False, low_open=True)
    if strategy is not None:
        for key in spec:
            if key not in allowed:
                check.report(key_path(cpath, key), "unknown_parameter", f'is not a parameter of "{strategy}"')


def _package(check: Checker, package, path: str, issues: Issues) -> None:
    """A partial package (a message's condition): each named issue with one of its options."""
    if check.object_value(package, path) is None:
        return
    for issue_id, option_id in package.items():
        ipath = key_path(path, issue_id)
        if issues.unknown(issue_id):
            check.report(ipath, "unknown_issue", f'names no issue "{issue_id}"')
        elif not isinstance(option_id, str):
            check.report(ipath, "wrong_type", "must be an option id")
        elif issues.options_of(issue_id) is not None and option_id not in issues.options_of(issue_id):
            check.report(ipath, "unknown_option", f'names no option of issue "{issue_id}"')


def _messages(check: Checker, role: dict, path: str, issues: Issues) -> None:
    """Rule 6: messages the machine says with its moves."""
    seen: set = set()
    messages = check.array(role, "messages", path, required=False) or []
    if len(messages) > limits.MAX_MESSAGES:
        check.report(key_path(path, "messages"), "too_large",
                     f"{len(messages)} messages; the limit is {limits.MAX_MESSAGES}")
    for i, message in enumerate(messages):
        mpath = index_path(key_path(path, "messages"), i)
        if check.object_value(message, mpath) is None:
            continue
        check.unique(seen, _id(check, message, "id", mpath), key_path(mpath, "id"), "message id")
        on = check.string(message, "on", mpath, non_empty=True)
        if on is not None and on not in limits.MESSAGE_ON:
            check.report(key_path(mpath, "on"), "bad_format", "must be one of " + ", ".join(limits.MESSAGE_ON))
        check.string(message, "text", mpath, non_empty=True)
        if message.get("package") is not None:
            _package(check, message["package"], key_path(mpath, "package"), issues)


def _questions(check: Checker, role: dict, path: str, issues: Issues) -> None:
    """Rule 6: the questions this role may ask, with the other side's scripted answers."""
    for i, question in enumerate(check.array(role, "questions", path, required=False) or []):
        qpath = index_path(key_path(path, "questions"), i)
        if check.object_value(question, qpath) is None:
            continue
        _id(check, question, "id", qpath)
        check.string(question, "text", qpath, non_empty=True)
        check.string(question, "answer", qpath, non_empty=True)
        for j, issue_id in enumerate(check.array(question, "reveals", qpath, required=False) or []):
            rpath = index_path(key_path(qpath, "reveals"), j)
            if not isinstance(issue_id, str):
                check.report(rpath, "wrong_type", "must be an issue id")
            elif issues.unknown(issue_id):
                check.report(rpath, "unknown_issue", "names no issue")


def _question_ids(check: Checker, doc: dict) -> None:
    """Rule 2: question ids are unique across the document (a transcript names them alone)."""
    seen: set = set()
    total = 0
    roles = doc.get("roles") if isinstance(doc.get("roles"), list) else []
    for k, role in enumerate(roles):
        questions = role.get("questions") if isinstance(role, dict) else None
        if not isinstance(questions, list):
            continue
        total += len(questions)
        for i, question in enumerate(questions):
            if isinstance(question, dict) and isinstance(question.get("id"), str):
                qpath = key_path(index_path(key_path(index_path("roles", k), "questions"), i), "id")
                check.unique(seen, question["id"], qpath, "question id")
    if total > limits.MAX_QUESTIONS:
        check.report("roles", "too_large", f"{total} questions; the limit is {limits.MAX_QUESTIONS}")


def _deadline_and_opening(check: Checker, doc: dict, role_ids: list[str]) -> None:
    deadline = check.integer(doc, "deadline", "", 1)
    if deadline is not None and deadline > limits.MAX_DEADLINE:
        check.report("deadline", "out_of_range", f"must be at most {limits.MAX_DEADLINE} rounds")
    opens = check.string(doc, "opens", "", required=False, non_empty=True)
    if opens is not None and len(role_ids) == 2 and opens not in role_ids:
        check.report("opens", "unknown_role", f'names no role "{opens}"')


def _outcome_count(issues: Issues) -> int | None:
    """How many packages there are, when every issue is usable."""
    if not issues.complete or not issues or any(options is None for options in issues.values()):
        return None
    count = 1
    for options in issues.values():
        count *= len(options)
    return count


def _zopa(check: Checker, doc: dict) -> None:
    """Rule 8, on an otherwise valid document of a size rule 9 allows: an outcome both prefer to no deal."""
    issues = doc["issues"]
    tables = [role_points(issues, role["weights"], role["values"]) for role in doc["roles"]]
    tables = [[t[i["id"]] for i in issues] for t in tables]
    reservations = [Fraction(role["reservation"]) for role in doc["roles"]]
    for package in product(*[[o["id"] for o in i["options"]] for i in issues]):
        if all(sum(t[n][opt] for n, opt in enumerate(package)) > r for t, r in zip(tables, reservations, strict=True)):
            return
    check.report("roles", "no_agreement", "no package gives both roles more than their reservation value")


def _size(doc: dict) -> list[Problem]:
    problems = []
    try:
        size = len(json.dumps(doc).encode())
    except (TypeError, ValueError, RecursionError) as exc:
        return [Problem("", "wrong_type", f"the document is not plain JSON ({type(exc).__name__})")]
    if size > limits.MAX_DOCUMENT_BYTES:
        problems.append(Problem("", "too_large", f"the document is {size} bytes; the limit is 1 MiB"))
    for field, limit in (("title", limits.MAX_TITLE_CHARS), ("slug", limits.MAX_SLUG_CHARS)):
        value = doc.get(field)
        if isinstance(value, str) and len(value) > limit:
            problems.append(Problem(field, "too_long", f"{len(value)} characters; the limit is {limit}"))
    issues = doc.get("issues")
    if isinstance(issues, list) and len(issues) > limits.MAX_ISSUES:
        problems.append(Problem("issues", "too_large", f"{len(issues)} issues; the limit is {limits.MAX_ISSUES}"))
    return problems
