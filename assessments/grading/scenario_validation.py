"""Validity of a scenario document: every numbered rule of the scenario spec.

Rule 8 (size) is shared with quizzes and lives in `documents`; the format
itself (rule 1's first half) is checked before this module is reached.
"""
from .fields import Checker
from .graph import back_edges, reachable
from .problems import Problem, index_path, key_path

NODE_TYPES = ("choice", "reply", "outcome")

# Spec rule 7: choice weights and rubric points live in [-10, 10].
POINTS_LOW, POINTS_HIGH = -10, 10
# Not in the spec: a competency's weight in the overall mean. Zero leaves a
# competency out of the overall; the ceiling only keeps sums finite.
COMPETENCY_WEIGHT_HIGH = 100

DEFAULT_MIN_WORDS = 1
DEFAULT_MAX_WORDS = 500

# The debrief's unlock rule (spec "The document", "Debrief"): after a pass (or every attempt used), or after
# any graded attempt.
DEBRIEF_AFTER = ("passed", "graded")
DEFAULT_DEBRIEF_AFTER = "passed"


def scenario_problems(doc: dict) -> list[Problem]:
    """Every problem of a scenario document (already known to be a dict with format scenario/1)."""
    check = Checker()
    check.string(doc, "slug", "", non_empty=True)
    check.string(doc, "title", "", non_empty=True)
    check.string(doc, "language", "", required=False, non_empty=True)
    check.string(doc, "summary", "", required=False)
    check.number(doc, "pass_threshold", "", 0, 100)
    check.string(doc, "debrief", "", required=False)
    after = check.string(doc, "debrief_after", "", required=False)
    if after is not None and after not in DEBRIEF_AFTER:
        check.report("debrief_after", "bad_format", 'must be "passed" or "graded"')
    declared = _competencies(check, doc)
    start = check.string(doc, "start", "", non_empty=True)
    nodes = check.array(doc, "nodes", "", non_empty=True)

    # id -> [(target id, path of the link)], for the nodes whose id is usable;
    # a duplicate id keeps its first node, the later one is reported.
    links: dict[str, list[tuple[str, str]]] = {}
    position: dict[str, int] = {}
    for i, node in enumerate(nodes or []):
        path = index_path("nodes", i)
        node_id, node_links = _node(check, node, path, declared)
        if node_id is None:
            continue
        if node_id in links:
            check.report(key_path(path, "id"), "duplicate_id", f'duplicate node id "{node_id}"')
            continue
        links[node_id] = node_links
        position[node_id] = i

    if nodes is not None:
        # Without usable nodes, "start names no node" would only repeat that.
        _graph_problems(check, links, position, start)
    return check.problems


def _competencies(check: Checker, doc: dict) -> set[str]:
    """Check the competency list; returns the usable keys (rule 7 checks names against them)."""
    declared: set[str] = set()
    for i, comp in enumerate(check.array(doc, "competencies", "") or []):
        path = index_path("competencies", i)
        if check.object_value(comp, path) is None:
            continue
        key = check.string(comp, "key", path, non_empty=True)
        check.unique(declared, key, key_path(path, "key"), "competency key")
        check.string(comp, "label", path)
        check.number(comp, "weight", path, 0, COMPETENCY_WEIGHT_HIGH, required=False)
    return declared


def _node(check: Checker, node, path: str, declared: set[str]):
    """Check one node; returns (its id or None, its links as (target, path))."""
    if check.object_value(node, path) is None:
        return None, []
    node_id = check.string(node, "id", path, non_empty=True)
    node_type = check.string(node, "type", path)
    check.string(node, "text", path)
    check.string(node, "debrief", path, required=False)
    links: list[tuple[str, str]] = []
    if node_type is None:
        pass
    elif node_type not in NODE_TYPES:
        check.report(key_path(path, "type"), "bad_format",
                     f'unknown node type "{node_type}" (expected choice, reply or outcome)')
    elif node_type == "choice":
        links = _choices(check, node, path, node_id, declared)
    elif node_type == "reply":
        target = check.string(node, "next", path, non_empty=True)
        if target is not None:
            links = [(target, key_path(path, "next"))]
        # Optional, and ours rather than the spec's: shown with the reply's result.
        check.string(node, "feedback", path, required=False)
        rubric = check.mapping(node, "rubric", path)
        if rubric is not None:
            _rubric(check, rubric, key_path(path, "rubric"), declared)
    else:
        check.string(node, "outcome", path, non_empty=True)
        # Rule 6: an outcome ends the path, so links out of it are a contradiction.
        for key in ("next", "choices"):
            if node.get(key) is not None:
                check.report(key_path(path, key), "not_allowed", f'an outcome node cannot have "{key}"')
    return node_id, links


def _choices(check: Checker, node: dict, path: str, node_id, declared: set[str]):
    choices = check.array(node, "choices", path)
    if choices is None:
        return []
    if not choices:
        # Rule 6: a choice node with nothing to choose is a dead end.
        name = f' "{node_id}"' if node_id else ""
        check.report(key_path(path, "choices"), "dead_end", f"choice node{name} has no choices")
        return []
    links = []
    seen: set[str] = set()
    for j, choice in enumerate(choices):
        cpath = index_path(key_path(path, "choices"), j)
        if check.object_value(choice, cpath) is None:
            continue
        choice_id = check.string(choice, "id", cpath, non_empty=True)
        check.unique(seen, choice_id, key_path(cpath, "id"), "choice id")
        check.string(choice, "text", cpath)
        target = check.string(choice, "next", cpath, non_empty=True)
        if target is not None:
            links.append((target, key_path(cpath, "next")))
        weights = check.mapping(choice, "weights", cpath, required=False)
        for key, value in (weights or {}).items():
            wpath = key_path(key_path(cpath, "weights"), key)
            if key not in declared:
                check.report(wpath, "undeclared_competency", f'undeclared competency "{key}"')
            check.number_value(value, wpath, POINTS_LOW, POINTS_HIGH)
        check.boolean(choice, "critical", cpath, required=False)
        check.string(choice, "feedback", cpath, required=False)
    return links


def _rubric(check: Checker, rubric: dict, path: str, declared: set[str]) -> None:
    for key, sign in (("criteria", 1), ("avoid", -1)):
        seen: set[str] = set()
        for j, item in enumerate(check.array(rubric, key, path, required=False) or []):
            ipath = index_path(key_path(path, key), j)
            if check.object_value(item, ipath) is None:
                continue
            item_id = check.string(item, "id", ipath, non_empty=True)
            what = "criterion id" if sign > 0 else "avoid item id"
            check.unique(seen, item_id, key_path(ipath, "id"), what)
            _rubric_item(check, item, ipath, declared, sign)
    low = check.integer(rubric, "min_words", path, 0, required=False)
    high = check.integer(rubric, "max_words", path, 1, required=False)
    if low is not None or high is not None:
        low = DEFAULT_MIN_WORDS if low is None else low
        high = DEFAULT_MAX_WORDS if high is None else high
        if low > high:
            check.report(key_path(path, "min_words"), "out_of_range",
                         f"must not exceed max_words ({high})")


def _rubric_item(check: Checker, item: dict, path: str, declared: set[str], sign: int) -> None:
    check.string(item, "label", path)
    competency = check.string(item, "competency", path, non_empty=True)
    if competency is not None and competency not in declared:
        check.report(key_path(path, "competency"), "undeclared_competency",
                     f'undeclared competency "{competency}"')
    points = check.number(item, "points", path, POINTS_LOW, POINTS_HIGH)
    if points is not None and points * sign < 0:
        # Rule 7: criteria reward, avoid items penalise; the sign says which.
        rule = "criterion points must not be negative" if sign > 0 else "avoid points must not be positive"
        check.report(key_path(path, "points"), "out_of_range", rule)
    terms = check.array(item, "terms", path, non_empty=True) or []
    for k, term in enumerate(terms):
        if not isinstance(term, str):
            check.report(index_path(key_path(path, "terms"), k), "wrong_type", "must be a string")
    check.string(item, "feedback", path, required=False)


def _graph_problems(check: Checker, links: dict, position: dict, start) -> None:
    """Rules 3, 4 and 5 over the nodes whose ids are usable."""
    if start is not None and start not in links:
        check.report("start", "unknown_node", f'unknown node "{start}"')
    for node_links in links.values():
        for target, path in node_links:
            if target not in links:
                check.report(path, "unknown_node", f'unknown node "{target}"')

    graph = {node_id: [target for target, _ in node_links] for node_id, node_links in links.items()}
    if start in graph:
        # Without a usable start every node would be "unreachable": one problem is enough.
        seen = reachable(graph, start)
        for node_id, i in position.items():
            if node_id not in seen:
                check.report(index_path("nodes", i), "unreachable",
                             f'node "{node_id}" cannot be reached from start')

    for node_id, link, cycle in back_edges(graph):
        loop = " -> ".join(f'"{n}"' for n in cycle)
        check.report(links[node_id][link][1], "cycle", f"cycle: {loop}")
