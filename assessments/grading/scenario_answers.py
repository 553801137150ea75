"""A learner's moves through a scenario: one at a time (`advance`) or a whole path.

Refusals name the step and field at fault but never the node that should
have come next: the learner is not meant to see the graph before grading.
"""
from .problems import InvalidAnswer, Problem, index_path, key_path
from .text import word_count

MOVE_KEYS = ("choice", "reply")


def check_move(node: dict, move: dict, parent: str = "") -> tuple[list[Problem], str | None]:
    """Check one move (a dict with "choice" or "reply") made at `node`, a normalised node.

    Returns (problems, id of the node the move leads to). The next id is None
    at an outcome, or when the move names no usable choice. Paths are
    relative to `parent` ("steps[2]" gives "steps[2].reply").
    """
    problems = []
    kind = node["type"]
    if kind == "outcome":
        for key in MOVE_KEYS:
            if key in move:
                problems.append(Problem(key_path(parent, key), "not_allowed",
                                        "the scenario has ended: an outcome takes no move"))
        return problems, None
    wanted = "choice" if kind == "choice" else "reply"
    for key in MOVE_KEYS:
        if key != wanted and key in move:
            problems.append(Problem(key_path(parent, key), "not_allowed",
                                    f"this is a {kind} node: send a {wanted}, not a {key}"))
    path = key_path(parent, wanted)
    value = move.get(wanted)
    if value is None:
        problems.append(Problem(path, "required", "is required"))
    elif not isinstance(value, str):
        problems.append(Problem(path, "wrong_type", "must be a string"))
    if kind == "choice":
        if problems:
            return problems, None
        for choice in node["choices"]:
            if choice["id"] == value:
                return problems, choice["next"]
        return [Problem(path, "unknown_choice", f'unknown choice "{value}"')], None
    if isinstance(value, str):
        problems += _word_limit_problems(node["rubric"], value, path)
    # A bad reply does not hide where the path goes next, so checking can go on.
    return problems, node["next"]


def _word_limit_problems(rubric: dict, reply: str, path: str) -> list[Problem]:
    words, low, high = word_count(reply), rubric["min_words"], rubric["max_words"]
    if words < low:
        return [Problem(path, "too_short", f"the reply has {words} words; at least {low} are needed")]
    if words > high:
        return [Problem(path, "too_long", f"the reply has {words} words; at most {high} are allowed")]
    return []


def walk_path(doc: dict, answers) -> tuple[list[tuple[dict, dict]], list[Problem]]:
    """Follow a submitted path through a normalised scenario.

    Returns ([(node, step), ...] for the steps that could be followed, every
    problem found). The path is valid when there are no problems: it starts
    at `start`, each step is where the previous one leads, every move fits its
    node, and it ends at an outcome. Other fields of a step are ignored.
    """
    if not isinstance(answers, dict):
        return [], [Problem("", "wrong_type", 'the answers must be an object with "steps"')]
    steps = answers.get("steps")
    if steps is None:
        return [], [Problem("steps", "required", "is required")]
    if not isinstance(steps, list):
        return [], [Problem("steps", "wrong_type", "must be an array")]
    if not steps:
        return [], [Problem("steps", "required", "must not be empty")]
    by_id = {node["id"]: node for node in doc["nodes"]}
    taken, problems = [], []
    expected = doc["start"]
    for i, step in enumerate(steps):
        path = index_path("steps", i)
        if expected is None:
            problems.append(Problem(path, "not_allowed", "the path goes on after its outcome"))
            break
        step_problem = _step_node_problem(step, path, expected, by_id, first=i == 0)
        if step_problem:
            problems.append(step_problem)
            break
        node = by_id[expected]
        move_problems, expected = check_move(node, step, path)
        problems += move_problems
        taken.append((node, step))
        if expected is None and node["type"] != "outcome":
            break  # no usable choice: where the path should go is unknown
    else:
        if expected is not None:
            problems.append(Problem("steps", "incomplete", "the path must end at an outcome node"))
    return taken, problems


def _step_node_problem(step, path: str, expected: str, by_id: dict, first: bool) -> Problem | None:
    if not isinstance(step, dict):
        return Problem(path, "wrong_type", "a step must be an object")
    node_path = key_path(path, "node")
    node_id = step.get("node")
    if node_id is None:
        return Problem(node_path, "required", "is required")
    if not isinstance(node_id, str):
        return Problem(node_path, "wrong_type", "must be a string")
    if node_id == expected:
        return None
    if node_id not in by_id:
        return Problem(node_path, "unknown_node", f'unknown node "{node_id}"')
    if first:
        return Problem(node_path, "wrong_node", "the path must begin at the start node")
    return Problem(node_path, "wrong_node", "this node does not follow from the previous step")


def check_scenario_answers(doc: dict, answers) -> None:
    """Raise InvalidAnswer with every problem of a whole submitted path (normalised doc)."""
    _, problems = walk_path(doc, answers)
    if problems:
        raise InvalidAnswer(problems)


def advance_node(doc: dict, node_id, move) -> str:
    """The id of the node that `move` at `node_id` leads to, in a normalised scenario.

    Raises InvalidAnswer at path "choice" or "reply" when the move does not
    fit the node (and at "node" for an unknown node, "" for a move that is
    not an object or names neither).
    """
    node = next((n for n in doc["nodes"] if n["id"] == node_id), None)
    if node is None:
        raise InvalidAnswer([Problem("node", "unknown_node", f'unknown node "{node_id}"')])
    if not isinstance(move, dict):
        raise InvalidAnswer([Problem("", "wrong_type", 'a move must be an object with "choice" or "reply"')])
    if node["type"] == "outcome" and not any(key in move for key in MOVE_KEYS):
        raise InvalidAnswer([Problem("", "not_allowed", "the scenario has ended: an outcome takes no move")])
    problems, target = check_move(node, move)
    if problems:
        raise InvalidAnswer(problems)
    return target
