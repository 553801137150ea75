"""Statistics over the graded attempts of one version (scenario spec, "Statistics").

Pure: the caller hands in one row per graded, counted attempt, already in attempt order
(earliest first), and the version's document. For a scenario a row is

    {"overall": 55.6, "path": [("open", "ask", ()), ("reply1", None, ("interest",)), ("end_good", None, ())]}

one entry per node of the stored path: the node, the choice taken there (None elsewhere) and the
reply criteria met there (from the result's `steps[].met`). For a quiz a row is
{"overall": 80.0, "earned": {"q1": 1.0, "q2": 0.5}} (the result's fraction earned per question).

Definitions (normative in the spec):
- `reached`: the attempts whose path passes through the node;
- a choice's `share`: the attempts that took it / `reached` (a criterion's: that met it);
- `discrimination` = p_upper − p_lower. The attempts that reached the node are ranked by overall,
  highest first, ties to the earlier attempt; the upper group is the first k of that ranking and the
  lower group the last k, k = max(1, floor(27% of reached)); p is the share of the group that took
  the choice (met the criterion). Below MIN_FOR_DISCRIMINATION attempts reaching the node it is None.

`group_size` and `discrimination_from_counts` are the same rule for callers that count the groups
themselves (the database path in assessments/statistics.py).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

MIN_FOR_DISCRIMINATION = 10
GROUP_SHARE = 0.27
# Flags (issue 16): below this |D| a choice does not separate strong from weak attempts.
FLAT_DISCRIMINATION = 0.1
# A node "where many stop": at least this many in-progress attempts, and this share of them.
STOP_MIN_COUNT = 5
STOP_MIN_SHARE = 0.2


def group_size(reached: int) -> int:
    """The size of the upper and of the lower group: 27% rounded down, at least 1."""
    # 27 * n // 100 is floor(0.27 n) without float error (0.27 * 100 is 27.000000000000004).
    return max(1, reached * 27 // 100)


def discrimination_from_counts(*, reached: int, upper: float, lower: float) -> float | None:
    """p_upper − p_lower from how many of each group took the item (or the sum of their fractions)."""
    if reached < MIN_FOR_DISCRIMINATION:
        return None
    k = group_size(reached)
    return (upper - lower) / k


def _ranking(rows: Sequence[dict], members: Iterable[int]) -> list[int]:
    """Indexes of `members` by overall, highest first; ties keep attempt order (the sort is stable)."""
    return sorted(members, key=lambda i: -rows[i]["overall"])


def _share(count: int | float, reached: int) -> float | None:
    return count / reached if reached else None


def scenario_statistics(document: dict, rows: Sequence[dict]) -> dict:
    """The spec's statistics of a scenario version from its graded attempts (see the module doc).

    Every node of the document is listed, in document order: choice nodes with their choices, reply
    nodes with their rubric's criteria, outcome nodes with `reached` only."""
    took: list[dict[str, str | None]] = []
    met: list[dict[str, set]] = []
    for row in rows:
        took.append({node: choice for node, choice, _ in row["path"]})
        met.append({node: set(criteria or ()) for node, _, criteria in row["path"]})
    nodes = []
    for node in document["nodes"]:
        node_id = node["id"]
        members = [i for i in range(len(rows)) if node_id in took[i]]
        reached = len(members)
        entry: dict = {"id": node_id, "reached": reached}
        upper: list[int] = []
        lower: list[int] = []
        if reached >= MIN_FOR_DISCRIMINATION:
            ranking = _ranking(rows, members)
            k = group_size(reached)
            upper, lower = ranking[:k], ranking[-k:]

        def item(item_id, has, members=members, reached=reached, upper=upper, lower=lower):
            count = sum(1 for i in members if has(i))
            d = None
            if reached >= MIN_FOR_DISCRIMINATION:
                d = discrimination_from_counts(reached=reached, upper=sum(1 for i in upper if has(i)),
                                               lower=sum(1 for i in lower if has(i)))
            return {"id": item_id, "count": count, "share": _share(count, reached), "discrimination": d}

        if node.get("type") == "choice":
            entry["choices"] = [item(c["id"], lambda i, n=node_id, c=c["id"]: took[i][n] == c)
                                for c in node.get("choices", [])]
        elif node.get("type") == "reply":
            criteria = (node.get("rubric") or {}).get("criteria") or []
            entry["criteria"] = [item(c["id"], lambda i, n=node_id, c=c["id"]: c in met[i][n]) for c in criteria]
        nodes.append(entry)
    return {"attempts": len(rows), "nodes": nodes}


def quiz_statistics(document: dict, rows: Sequence[dict]) -> dict:
    """Item analysis of a quiz version: per question `facility` (the mean fraction earned) and
    `discrimination` by the same rule as a scenario's, over all graded attempts (every attempt
    reaches every question), p being the group's mean fraction earned."""
    count = len(rows)
    ranking = _ranking(rows, range(count))
    k = group_size(count)
    questions = []
    for question in document.get("questions", []):
        qid = question["id"]

        def earned(i, qid=qid):
            return float(rows[i]["earned"].get(qid, 0.0))

        total = sum(earned(i) for i in range(count))
        d = None
        if count >= MIN_FOR_DISCRIMINATION:
            d = discrimination_from_counts(reached=count, upper=sum(earned(i) for i in ranking[:k]),
                                           lower=sum(earned(i) for i in ranking[-k:]))
        questions.append({"id": qid, "facility": _share(total, count), "discrimination": d})
    return {"attempts": count, "questions": questions}


def statistics_flags(stats: dict, *, stopped: dict[str, int] | None = None) -> list[dict]:
    """What an author should look at: {"kind", "node", "choice"?} per finding, in document order.

    - `untaken`: a choice of a reached node that no attempt took;
    - `flat`: a choice whose discrimination is known and |D| < 0.1;
    - `reversed`: a choice whose discrimination is negative (stronger attempts take it less);
    - `stops`: a node where at least 5 in-progress attempts, and 20% of them, stopped.
    """
    flags = []
    for node in stats.get("nodes", []):
        for choice in node.get("choices", []):
            where = {"node": node["id"], "choice": choice["id"]}
            d = choice["discrimination"]
            if node["reached"] and choice["count"] == 0:
                flags.append({"kind": "untaken", **where})
            elif d is not None and d < 0:
                flags.append({"kind": "reversed", **where})
            elif d is not None and abs(d) < FLAT_DISCRIMINATION:
                flags.append({"kind": "flat", **where})
    stopped = stopped or {}
    waiting = sum(stopped.values())
    for node in stats.get("nodes", []):
        n = stopped.get(node["id"], 0)
        if n >= STOP_MIN_COUNT and n >= math.ceil(STOP_MIN_SHARE * waiting):
            flags.append({"kind": "stops", "node": node["id"], "count": n})
    return flags


# --- an attempt as statistics rows (shared by the maintained counts and their backfill) ----------

REACHED = ""  # the item of a node's reach count; choices are "c:<id>", met criteria "m:<id>"


def attempt_path(answers: dict, result: dict) -> list[tuple[str, str | None, tuple[str, ...]]]:
    """A graded scenario attempt as (node, choice taken, criteria met) per node of its stored path:
    the choices from the path, the criteria from the result's `steps[].met`. [] for a quiz."""
    steps = (answers or {}).get("steps")
    if not isinstance(steps, list):
        return []
    met = {s.get("node"): tuple(s.get("met") or ()) for s in (result or {}).get("steps", []) if "met" in s}
    return [(s["node"], s.get("choice"), met.get(s["node"], ())) for s in steps if isinstance(s, dict)]


def overall_tenths(result: dict) -> int:
    """The reported overall (one decimal, spec rule 7) as a whole number of tenths."""
    return round(float(result["overall"]) * 10)


def cell_keys(path) -> list[tuple[str, str]]:
    """The (node, item) counters one attempt adds to: the version's ("", "") attempt count, each
    node's reach, the choice taken there and each criterion met there."""
    keys = [("", REACHED)]
    for node, choice, met in path:
        keys.append((node, REACHED))
        if choice is not None:
            keys.append((node, f"c:{choice}"))
        keys.extend((node, f"m:{criterion}") for criterion in met)
    return keys
