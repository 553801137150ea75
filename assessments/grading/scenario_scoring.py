"""Scoring a scenario path: scenario spec rules 2 to 7 and its Result shape."""
from .bounds import scenario_bounds
from .fields import is_number
from .problems import InvalidAnswer, Problem, index_path, key_path
from .rounding import round_half_up
from .rubric import earned_points, match_reply
from .scenario_answers import walk_path
from .versions import ENGINE_VERSION, SCENARIO_FORMAT

# Joins a reply's feedback pieces (the node's, then each met criterion's and
# avoided item's): one per line keeps them apart however each is punctuated.
FEEDBACK_SEPARATOR = "\n"


def grade_scenario(doc: dict, answers, bounds=None, overrides=None) -> dict:
    """The result document of a path through a normalised scenario.

    `bounds` is compute_bounds' output for this document (recomputed when
    None or when it lacks a competency). `overrides` maps a reply node on the
    path to {"met": [criterion ids], "avoided": [avoid ids]}; a list given
    replaces the automatic matching, a list left out keeps it. Raises
    InvalidAnswer for a path or override that does not fit.
    """
    taken, problems = walk_path(doc, answers)
    replies = {node["id"]: node for node, _ in taken if node["type"] == "reply"}
    problems += _override_problems(overrides, replies)
    if problems:
        raise InvalidAnswer(problems)
    overrides = overrides or {}
    keys = [comp["key"] for comp in doc["competencies"]]
    raw = dict.fromkeys(keys, 0.0)
    critical, steps, outcome = [], [], ""
    for node, step in taken:
        if node["type"] == "choice":
            choice = next(c for c in node["choices"] if c["id"] == step["choice"])
            for key in keys:
                raw[key] += float(choice["weights"].get(key, 0))
            if choice["critical"]:
                critical.append(f'{node["id"]}/{choice["id"]}')
            steps.append({"node": node["id"], "choice": choice["id"], "feedback": choice["feedback"]})
        elif node["type"] == "reply":
            rubric = node["rubric"]
            met, avoided = match_reply(rubric, step["reply"])
            override = overrides.get(node["id"], {})
            met = _in_rubric_order(rubric["criteria"], override.get("met", met))
            avoided = _in_rubric_order(rubric["avoid"], override.get("avoided", avoided))
            for key in keys:
                raw[key] += earned_points(rubric, met, avoided, key)
            steps.append({
                "node": node["id"],
                "met": met,
                "missed": [item["id"] for item in rubric["criteria"] if item["id"] not in met],
                "avoided": avoided,
                "feedback": _reply_feedback(node, met, avoided),
            })
        else:
            outcome = node["outcome"]

    scores, overall = _scores(doc, raw, _usable_bounds(doc, bounds))
    return {
        "engine": SCENARIO_FORMAT,
        "engine_version": ENGINE_VERSION,
        "overall": round_half_up(overall),
        # Rule 6: on the unrounded overall, so 59.96 does not pass a threshold of 60.
        "passed": not critical and overall >= doc["pass_threshold"],
        "outcome": outcome,
        "competencies": {key: round_half_up(score) for key, score in scores.items()},
        "critical": critical,
        "steps": steps,
    }


def _scores(doc: dict, raw: dict, bounds: dict) -> tuple[dict, float]:
    """(unrounded score per assessed competency, unrounded weighted overall); rules 4 and 5."""
    scores, weighted, total_weight = {}, 0.0, 0.0
    for comp in doc["competencies"]:
        key = comp["key"]
        best, worst = float(bounds[key]["best"]), float(bounds[key]["worst"])
        if best == worst:
            continue  # rule 4: not assessed by this scenario
        score = 100.0 * (raw[key] - worst) / (best - worst)
        # Mathematically in [0, 100]; the clamp only absorbs float noise from
        # bounds that were stored and read back.
        scores[key] = min(100.0, max(0.0, score))
        weighted += scores[key] * comp["weight"]
        total_weight += comp["weight"]
    if not scores or total_weight == 0:
        return scores, 0.0
    # A weighted mean lies between its smallest and largest term; clamping
    # keeps 100 and 100 from averaging to 99.99999999999999.
    overall = min(max(scores.values()), max(min(scores.values()), weighted / total_weight))
    return scores, overall


def _usable_bounds(doc: dict, bounds) -> dict:
    def usable(entry) -> bool:
        return isinstance(entry, dict) and is_number(entry.get("best")) and is_number(entry.get("worst"))

    if isinstance(bounds, dict) and all(usable(bounds.get(c["key"])) for c in doc["competencies"]):
        return bounds
    return scenario_bounds(doc)


def _in_rubric_order(items: list[dict], chosen) -> list[str]:
    chosen = set(chosen)
    return [item["id"] for item in items if item["id"] in chosen]


def _reply_feedback(node: dict, met: list[str], avoided: list[str]) -> str:
    rubric = node["rubric"]
    pieces = [node.get("feedback")]
    pieces += [item.get("feedback") for item in rubric["criteria"] if item["id"] in met]
    pieces += [item.get("feedback") for item in rubric["avoid"] if item["id"] in avoided]
    return FEEDBACK_SEPARATOR.join(p for p in pieces if isinstance(p, str) and p)


def _override_problems(overrides, replies: dict) -> list[Problem]:
    """Problems of a teacher's overrides against the reply nodes on the path."""
    if overrides is None:
        return []
    if not isinstance(overrides, dict):
        return [Problem("overrides", "wrong_type", "must be an object keyed by reply node id")]
    problems = []
    for node_id, override in overrides.items():
        path = key_path("overrides", node_id)
        node = replies.get(node_id)
        if node is None:
            problems.append(Problem(path, "unknown_node", f'no reply to node "{node_id}" on this path'))
            continue
        if not isinstance(override, dict):
            problems.append(Problem(path, "wrong_type", 'must be an object with "met" and "avoided"'))
            continue
        for key, items in (("met", node["rubric"]["criteria"]), ("avoided", node["rubric"]["avoid"])):
            if key not in override:
                continue
            listed = override[key]
            lpath = key_path(path, key)
            if not isinstance(listed, list):
                problems.append(Problem(lpath, "wrong_type", "must be an array of ids"))
                continue
            ids = {item["id"] for item in items}
            what = "criterion" if key == "met" else "avoid item"
            for k, item_id in enumerate(listed):
                if not isinstance(item_id, str) or item_id not in ids:
                    problems.append(Problem(index_path(lpath, k), "unknown_criterion",
                                            f'unknown {what} "{item_id}"'))
    return problems
