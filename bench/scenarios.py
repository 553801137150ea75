"""Synthetic scenario documents of a given size, and the paths a learner takes through them.

A chain of internal nodes n0..n(k-1): every third one is a reply node, the
others are choice nodes whose choices lead one or two nodes on (so every node
is reachable and the graph is acyclic) and, on some nodes, a critical choice
to a walk-out. The last internal nodes lead to outcome nodes. Valid under
scenario/1 (checked by the engine in the benchmark itself).
"""
COMPETENCIES = [
    {"key": "listening", "label": "Active listening", "weight": 1},
    {"key": "judgement", "label": "Judgement", "weight": 2},
    {"key": "framing", "label": "Framing", "weight": 1},
]
KEYS = [c["key"] for c in COMPETENCIES]
REPLY_TEXT = ("I hear that your farmers need water before the harvest, so let us plan the "
              "irrigation releases together and share the data every week.")


def _weights(i: int, j: int) -> dict:
    return {KEYS[(i + j) % 3]: float((i * 7 + j * 3) % 9 - 3), KEYS[(i + j + 1) % 3]: float((i + j) % 5)}


def _rubric(i: int) -> dict:
    return {
        "criteria": [
            {"id": "interest", "label": "Names their interest", "competency": KEYS[i % 3], "points": 2,
             "terms": ["irrigation", "harvest", "farmers"]},
            {"id": "plan", "label": "Proposes a plan", "competency": KEYS[(i + 1) % 3], "points": 3,
             "terms": ["plan", "together", "share the data"]},
            {"id": "calendar", "label": "Names a date", "competency": KEYS[(i + 2) % 3], "points": 1,
             "terms": ["monday", "next month"]},
        ],
        "avoid": [
            {"id": "blame", "label": "Assigns blame", "competency": KEYS[(i + 1) % 3], "points": -2,
             "terms": ["your fault", "you caused"]},
        ],
        "min_words": 3,
        "max_words": 200,
    }


def scenario(nodes: int, slug: str | None = None) -> dict:
    """A valid scenario/1 document with exactly `nodes` nodes (at least 6)."""
    outcomes = 3
    internal = nodes - outcomes
    ids = [f"n{i}" for i in range(internal)]

    def at(i, past_end="end_good"):  # the node i steps on, or an outcome past the end
        return ids[i] if i < internal else past_end

    out = []
    for i in range(internal):
        if i % 3 == 2:
            out.append({"id": ids[i], "type": "reply", "text": f"Step {i}: summarise their position.",
                        "next": at(i + 1), "rubric": _rubric(i)})
            continue
        choices = [
            {"id": "on", "text": "Listen and go on.", "next": at(i + 1), "weights": _weights(i, 0),
             "feedback": "You kept the talks going."},
            {"id": "skip", "text": "Propose a deal now.", "next": at(i + 2, "end_fair"), "weights": _weights(i, 1),
             "feedback": "Quick, perhaps too quick."},
        ]
        if i % 5 == 0:
            choices.append({"id": "threaten", "text": "Warn of consequences.", "next": "end_bad",
                            "weights": {"judgement": -3.0}, "critical": True, "feedback": "A threat ends it."})
        out.append({"id": ids[i], "type": "choice", "text": f"Step {i}: the minister speaks.", "choices": choices})
    out += [
        {"id": "end_good", "type": "outcome", "outcome": "agreement", "text": "An agreement."},
        {"id": "end_fair", "type": "outcome", "outcome": "partial", "text": "A partial deal."},
        {"id": "end_bad", "type": "outcome", "outcome": "walkout", "text": "They walk out."},
    ]
    return {
        "format": "scenario/1",
        "slug": slug or f"bench-{nodes}",
        "title": f"Benchmark scenario ({nodes} nodes)",
        "language": "en",
        "summary": "A synthetic negotiation for benchmarks.",
        "pass_threshold": 50,
        "competencies": COMPETENCIES,
        "start": ids[0],
        "nodes": out,
    }


def moves(doc: dict, prefer: str = "on") -> dict[str, dict]:
    """The move the benchmark learner makes at each non-outcome node: `prefer` at choices."""
    out = {}
    for node in doc["nodes"]:
        if node["type"] == "choice":
            out[node["id"]] = {"choice": prefer}
        elif node["type"] == "reply":
            out[node["id"]] = {"reply": REPLY_TEXT}
    return out


def path(doc: dict, prefer: str = "on") -> dict:
    """A whole path as answers ({"steps": [...]}) following `moves`: "on" visits every node."""
    by_id = {node["id"]: node for node in doc["nodes"]}
    chosen = moves(doc, prefer)
    steps, node_id = [], doc["start"]
    while by_id[node_id]["type"] != "outcome":
        node = by_id[node_id]
        move = chosen[node_id]
        steps.append({"node": node_id, **move})
        if node["type"] == "choice":
            node_id = next(c["next"] for c in node["choices"] if c["id"] == move["choice"])
        else:
            node_id = node["next"]
    steps.append({"node": node_id})
    return {"steps": steps}
