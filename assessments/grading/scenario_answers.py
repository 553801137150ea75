"""A learner's moves through a scenario: one at a time (`advance`) or a whole path.

The graph stays hidden until grading (scenario spec, "Answers"). A refusal
points at the first step that is not a valid move and says nothing about a
node the path has not validly reached: a step naming an unknown id, a node
elsewhere in the graph or an outcome that is not next gets one code and one
message, and checking stops there, since whatever came after would tell
whether the step was right. A node the path did reach the learner would have
seen when playing step by step, so its type, choices and word limits may be
named.
"""
from .problems import InvalidAnswer, Problem, index_path, key_path
from .text import word_count

MOVE_KEYS = ("choice", "reply")
STEP_KEYS = ("node", *MOVE_KEYS)
# The same cap for a reply however it is sent (a step, a whole path, a quiz's text answer):
# word limits alone would let a reply of one 2 MB "word" be stored and matched.
MAX_REPLY_CHARS = 20_000

INVALID_MOVE = "invalid_move"
_NOT_A_MOVE = "this step is not a move from the previous one"
_NOT_THE_START = "the path must begin at the start node"


def check_move(node: dict, move: dict, parent: str = "") -> tuple[list[Problem], str | None]:
    """Check one move (a dict with "choice" or "reply") made at `node`, a normalised node.

    Returns (problems, id of the node the move leads to). The next id is None
    at an outcome, or when the move names no usable choice. Paths are
    relative to `parent` ("steps[2]" gives "steps[2].reply"). The problems
    name only what the learner sees of `node` itself.
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
        return [Problem(path, "unknown_choice", "is not one of this node's choices")], None
    if isinstance(value, str):
        problems += _word_limit_problems(node["rubric"], value, path)
    return problems, node["next"]


def _reply_length_problems(reply: str, path: str) -> list[Problem]:
    if len(reply) > MAX_REPLY_CHARS:
        return [Problem(path, "max_length", f"a reply has at most {MAX_REPLY_CHARS} characters")]
    return []


def _word_limit_problems(rubric: dict, reply: str, path: str) -> list[Problem]:
    words, low, high = word_count(reply), rubric["min_words"], rubric["max_words"]
    if words < low:
        return [Problem(path, "too_short", f"the reply has {words} words; at least {low} are needed")]
    if words > high:
        return [Problem(path, "too_long", f"the reply has {words} words; at most {high} are allowed")]
    return []


def _steps_of(answers) -> tuple[list | None, list[Problem]]:
    if not isinstance(answers, dict):
        return None, [Problem("", "wrong_type", 'the answers must be an object with "steps"')]
    steps = answers.get("steps")
    if steps is None:
        return None, [Problem("steps", "required", "is required")]
    if not isinstance(steps, list):
        return None, [Problem("steps", "wrong_type", "must be an array")]
    if not steps:
        return None, [Problem("steps", "required", "must not be empty")]
    return steps, []


def walk_path(doc: dict, answers) -> tuple[list[tuple[dict, dict]], list[Problem]]:
    """Follow a path through a normalised scenario, as far as it makes valid moves.

    Returns ([(node, step), ...] for the steps followed, the problems). The
    path is valid when there are none: it starts at `start`, each step is
    where the previous one leads, every move fits its node, and it ends at an
    outcome. The walk stops at the first step that is not a valid move, and
    that step's problems are the only ones. Other fields of a step and the
    length cap of replies are not checked here but only on what is
    submitted (check_scenario_answers, advance_node), so attempts stored
    before those rules still grade.
    """
    steps, problems = _steps_of(answers)
    if problems:
        return [], problems
    by_id = {node["id"]: node for node in doc["nodes"]}
    taken = []
    expected = doc["start"]
    for i, step in enumerate(steps):
        path = index_path("steps", i)
        if expected is None:
            return taken, [Problem(path, "not_allowed", "the path goes on after its outcome")]
        step_problem = _step_node_problem(step, path, expected, first=i == 0)
        if step_problem:
            return taken, [step_problem]
        node = by_id[expected]
        move_problems, expected = check_move(node, step, path)
        if move_problems:
            return taken, move_problems
        taken.append((node, step))
    if expected is not None:
        return taken, [Problem("steps", "incomplete", "the path must end at an outcome node")]
    return taken, []


def _step_node_problem(step, path: str, expected: str, first: bool) -> Problem | None:
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
    # Whatever the id names (nothing, a node elsewhere, an outcome further on), the answer is the same.
    return Problem(node_path, INVALID_MOVE, _NOT_THE_START if first else _NOT_A_MOVE)


def step_shape_problems(answers) -> list[Problem]:
    """What is wrong with the submitted steps whatever the graph: every step of the path.

    A step is an object of "node" and at most one of "choice" and "reply",
    strings, a reply within MAX_REPLY_CHARS; any other key is refused at its
    path, so nothing a learner adds to a step is stored.
    """
    steps, problems = _steps_of(answers)
    if problems:
        return problems
    for i, step in enumerate(steps):
        path = index_path("steps", i)
        if not isinstance(step, dict):
            problems.append(Problem(path, "wrong_type", "a step must be an object"))
            continue
        problems += unknown_key_problems(step, STEP_KEYS, path)
        for key in STEP_KEYS:
            value = step.get(key)
            if value is not None and not isinstance(value, str):
                problems.append(Problem(key_path(path, key), "wrong_type", "must be a string"))
        if isinstance(step.get("reply"), str):
            problems += _reply_length_problems(step["reply"], key_path(path, "reply"))
    return problems


def unknown_key_problems(obj: dict, allowed, parent: str = "") -> list[Problem]:
    return [Problem(key_path(parent, key), "unknown_field", "is not a field here")
            for key in obj if key not in allowed]


def check_scenario_answers(doc: dict, answers) -> None:
    """Raise InvalidAnswer unless `answers` is a whole path a learner may submit (normalised doc).

    The shape of every step is checked first, as it tells nothing of the
    graph; then the path is walked to its first invalid move.
    """
    problems = step_shape_problems(answers)
    if not problems:
        _, problems = walk_path(doc, answers)
    if problems:
        raise InvalidAnswer(problems)


def advance_node(doc: dict, node_id, move) -> str:
    """The id of the node that `move` at `node_id` leads to, in a normalised scenario.

    Raises InvalidAnswer at path "choice" or "reply" when the move does not
    fit the node, at the key for a key that is neither (and at "node" for an
    unknown node, "" for a move that is not an object or names neither).
    """
    node = next((n for n in doc["nodes"] if n["id"] == node_id), None)
    if node is None:
        raise InvalidAnswer([Problem("node", "unknown_node", f'unknown node "{node_id}"')])
    if not isinstance(move, dict):
        raise InvalidAnswer([Problem("", "wrong_type", 'a move must be an object with "choice" or "reply"')])
    early = unknown_key_problems(move, MOVE_KEYS)
    if isinstance(move.get("reply"), str):
        early += _reply_length_problems(move["reply"], "reply")
    if early:
        raise InvalidAnswer(early)
    if node["type"] == "outcome" and not any(key in move for key in MOVE_KEYS):
        raise InvalidAnswer([Problem("", "not_allowed", "the scenario has ended: an outcome takes no move")])
    problems, target = check_move(node, move)
    if problems:
        raise InvalidAnswer(problems)
    return target
