"""Best and worst raw score per competency over all complete paths (scenario spec rule 3)."""
from .graph import topological_order
from .rubric import points_range


def node_graph(doc: dict) -> dict[str, list[str]]:
    """Node id -> ids its links lead to, in document order, of a normalised scenario."""
    graph = {}
    for node in doc["nodes"]:
        if node["type"] == "choice":
            graph[node["id"]] = [choice["next"] for choice in node["choices"]]
        elif node["type"] == "reply":
            graph[node["id"]] = [node["next"]]
        else:
            graph[node["id"]] = []
    return graph


def _gains(node: dict, competency: str) -> list[tuple[str, float, float]]:
    """The links out of `node` as (target, most gained, least gained) for `competency`."""
    if node["type"] == "choice":
        return [(choice["next"], float(choice["weights"].get(competency, 0)),
                 float(choice["weights"].get(competency, 0))) for choice in node["choices"]]
    if node["type"] == "reply":
        high, low = points_range(node["rubric"], competency)
        return [(node["next"], high, low)]
    return []


def scenario_bounds(doc: dict) -> dict[str, dict[str, float]]:
    """{competency key: {"best": float, "worst": float}} for a normalised scenario.

    Dynamic programming forward over a topological order, once per
    competency: O(nodes + links) each, however many paths there are. Scores
    accumulate from the start in path order, as a learner's raw score does,
    so the bound equals the raw score of the path that reaches it, to the bit.
    """
    by_id = {node["id"]: node for node in doc["nodes"]}
    order = topological_order(node_graph(doc), doc["start"])
    outcomes = [node_id for node_id in order if by_id[node_id]["type"] == "outcome"]
    bounds = {}
    for comp in doc["competencies"]:
        key = comp["key"]
        best = {doc["start"]: 0.0}
        worst = {doc["start"]: 0.0}
        for node_id in order:
            for target, high, low in _gains(by_id[node_id], key):
                # Every node in `order` is reached before its links are followed.
                up, down = best[node_id] + high, worst[node_id] + low
                if target not in best or up > best[target]:
                    best[target] = up
                if target not in worst or down < worst[target]:
                    worst[target] = down
        bounds[key] = {"best": max(best[o] for o in outcomes), "worst": min(worst[o] for o in outcomes)}
    return bounds
