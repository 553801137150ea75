"""Walks over a scenario's node graph, all iterative.

A graph here is a mapping from node id to the list of node ids its links lead
to, in document order. Targets that are not keys of the mapping (unknown
nodes, reported elsewhere) are ignored. Nothing recurses, so a 500-node chain
is as safe as a 5-node one.
"""
from collections import deque
from collections.abc import Mapping, Sequence

Graph = Mapping[str, Sequence[str]]


def reachable(graph: Graph, start: str) -> set[str]:
    """Ids of the nodes reachable from `start` (itself included)."""
    if start not in graph:
        return set()
    seen = {start}
    queue = deque([start])
    while queue:
        for target in graph[queue.popleft()]:
            if target in graph and target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def back_edges(graph: Graph) -> list[tuple[str, int, list[str]]]:
    """Every link that closes a cycle, as (node, link index, cycle).

    `cycle` lists the node ids around the loop, starting and ending at the
    link's target: ["a", "b", "a"]. Depth-first from each node in order; a
    graph is acyclic exactly when this is empty.
    """
    on_path, done = {}, set()  # on_path: id -> its position in `path`
    found = []
    for root in graph:
        if root in done:
            continue
        path = [root]
        on_path[root] = 0
        stack = [(root, 0)]  # (node, index of the next link to follow)
        while stack:
            node, link = stack[-1]
            targets = graph[node]
            if link == len(targets):
                stack.pop()
                path.pop()
                del on_path[node]
                done.add(node)
                continue
            stack[-1] = (node, link + 1)
            target = targets[link]
            if target not in graph or target in done:
                continue
            if target in on_path:
                found.append((node, link, path[on_path[target]:] + [target]))
            else:
                on_path[target] = len(path)
                path.append(target)
                stack.append((target, 0))
    return found


def topological_order(graph: Graph, start: str) -> list[str]:
    """The nodes reachable from `start`, each before every node it links to (Kahn).

    Requires an acyclic graph (a validated scenario); raises ValueError otherwise.
    """
    nodes = reachable(graph, start)
    incoming = dict.fromkeys(nodes, 0)
    for node in nodes:
        for target in graph[node]:
            if target in incoming:
                incoming[target] += 1
    ready = deque(node for node in graph if node in nodes and incoming[node] == 0)
    order = []
    while ready:
        node = ready.popleft()
        order.append(node)
        for target in graph[node]:
            if target in incoming:
                incoming[target] -= 1
                if incoming[target] == 0:
                    ready.append(target)
    if len(order) != len(nodes):
        raise ValueError("the scenario graph has a cycle")
    return order
