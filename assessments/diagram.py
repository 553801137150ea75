"""A scenario graph as a layered SVG diagram: pure Python, no Django, no layout library.

It lives here, beside the format it draws, so that every layer above can show
it: the academy staff page (`frontend`) and the authoring screen of the CMS
admin (`cms`), which may not import `frontend`.

Nodes sit in rows by depth from the start node (the longest path to them, so
every link points down the page); within a row they are ordered by the mean
position of their parents, which keeps most links from crossing. Links are
cubic curves with an arrow; links of critical choices are dashed and red;
outcome nodes are drawn as rounded green (or amber, for bad endings) pills.

Every piece of text from the document is escaped, so a node text such as
`<script>` shows as text and never becomes markup.
"""
from html import escape

NODE_W, NODE_H = 168, 58
GAP_X, GAP_Y = 28, 54
PAD = 16
GOOD_OUTCOMES = {"agreement", "partial_agreement", "consensus", "deal", "success", "resolution"}


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def edges_of(document: dict) -> list[dict]:
    """Every link of the graph: {source, target, label, critical}, in document order."""
    out = []
    for node in document.get("nodes", []):
        if node.get("type") == "choice":
            for choice in node.get("choices", []):
                out.append({"source": node["id"], "target": choice.get("next"), "label": choice.get("text", ""),
                            "choice": choice.get("id", ""), "critical": bool(choice.get("critical"))})
        elif node.get("type") == "reply" and node.get("next"):
            out.append({"source": node["id"], "target": node["next"], "label": "", "choice": "", "critical": False})
    return out


def layers_of(document: dict) -> list[list[str]]:
    """Node ids in rows: row k holds the nodes whose longest path from start has k links.

    Nodes that cannot be reached from start (an invalid draft) go in a last row.
    """
    nodes = [n["id"] for n in document.get("nodes", [])]
    children: dict[str, list[str]] = {n: [] for n in nodes}
    for edge in edges_of(document):
        if edge["source"] in children and edge["target"] in children:
            children[edge["source"]].append(edge["target"])
    depth: dict[str, int] = {}
    start = document.get("start")
    if start in children:
        # Longest-path layering by relaxation; the graph is acyclic, so this
        # ends after at most len(nodes) rounds (bounded anyway for bad drafts).
        depth[start] = 0
        for _ in range(len(nodes)):
            changed = False
            for source in list(depth):
                for target in children[source]:
                    if depth.get(target, -1) < depth[source] + 1 and depth[source] + 1 < len(nodes):
                        depth[target] = depth[source] + 1
                        changed = True
            if not changed:
                break
    rows: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for node_id in nodes:
        if node_id in depth:
            rows[depth[node_id]].append(node_id)
    unreachable = [n for n in nodes if n not in depth]
    if unreachable:
        rows.append(unreachable)
    # Order each row by the mean column of its parents in the row above.
    parents: dict[str, list[str]] = {n: [] for n in nodes}
    for source, targets in children.items():
        for target in targets:
            parents[target].append(source)
    column: dict[str, float] = {}
    for row in rows:
        original = {node_id: index for index, node_id in enumerate(row)}

        def key(node_id, original=original):
            cols = [column[p] for p in parents[node_id] if p in column]
            return ((sum(cols) / len(cols)) if cols else 0.0, original[node_id])

        row.sort(key=key)
        for index, node_id in enumerate(row):
            column[node_id] = index - (len(row) - 1) / 2
    return rows


def path_edges(steps: list[dict]) -> list[tuple[str, str]]:
    """The links a path takes, as (source, target), from its steps ({"node", "choice"?})."""
    return [(step["node"], following["node"]) for step, following in zip(steps, steps[1:], strict=False)]


# A heat overlay's fills, level 0 (none) to 5 (all): the site's heatmap colours (site.css .heat-N),
# so the page's legend is the same swatches. The darkest carries white text.
HEAT_FILLS = ("#f3f4f6", "#e0ecf8", "#c2daf2", "#9cc3ea", "#6fa6de", "#1e7a46")


def render_svg(document: dict, *, title: str = "", svg_id: str = "diagram", highlights=(), heat=None,
               heat_label: str = "") -> str:
    """The whole diagram as an `<svg>` string, safe to embed in HTML.

    `highlights` draws paths over the links: each a dict with "name" (a CSS class suffix), "label"
    (said in the description), "colour", "width", "dash" (a stroke-dasharray or "") and "steps" (the
    path's steps, {"node", "choice"?}). Later ones are drawn on top, so give the wider first.

    `heat` colours the nodes instead of by kind (a node's kind stays in its outline): {node id:
    {"level": 0-5 (HEAT_FILLS), "note": a short text drawn under the id in place of the node's text}};
    `heat_label` says in the description what the colours mean.
    """
    nodes = {n["id"]: n for n in document.get("nodes", [])}
    rows = layers_of(document)
    widest = max((len(r) for r in rows), default=1)
    width = PAD * 2 + widest * NODE_W + (widest - 1) * GAP_X
    height = PAD * 2 + len(rows) * NODE_H + max(len(rows) - 1, 0) * GAP_Y
    pos: dict[str, tuple[float, float]] = {}
    for r, row in enumerate(rows):
        row_w = len(row) * NODE_W + (len(row) - 1) * GAP_X
        x0 = (width - row_w) / 2
        for c, node_id in enumerate(row):
            pos[node_id] = (x0 + c * (NODE_W + GAP_X), PAD + r * (NODE_H + GAP_Y))

    title_id, desc_id = f"{svg_id}-title", f"{svg_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="diagram" id="{escape(svg_id)}" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}">',
        f'<title id="{escape(title_id)}">{escape(title or document.get("title", ""))}</title>',
        f'<desc id="{escape(desc_id)}">{len(nodes)} nodes in {len(rows)} rows from the start node '
        f'{escape(str(document.get("start", "")))}; the list after the diagram gives every link.'
        + "".join(f' {escape(h["label"])}' for h in highlights)
        + (f" {escape(heat_label)}" if heat_label else "") + '</desc>',
        f'<defs><marker id="{escape(svg_id)}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4a5365"/></marker>'
        f'<marker id="{escape(svg_id)}-arrow-critical" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#b3261e"/></marker></defs>',
        '<g class="edges" fill="none">',
    ]
    for edge in edges_of(document):
        if edge["source"] not in pos or edge["target"] not in pos:
            continue
        (sx, sy), (tx, ty) = pos[edge["source"]], pos[edge["target"]]
        x1, y1, x2, y2 = sx + NODE_W / 2, sy + NODE_H, tx + NODE_W / 2, ty
        if ty <= sy:  # not downward (cannot happen in a valid scenario): go round the side
            x2, y2 = tx + NODE_W, ty + NODE_H / 2
        bend = max(abs(y2 - y1) / 2, 20)
        critical = edge["critical"]
        marker = f"{svg_id}-arrow-critical" if critical else f"{svg_id}-arrow"
        label = edge["label"] or "next"
        out.append(
            f'<path class="edge{" critical" if critical else ""}" d="M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend:.1f} '
            f'{x2:.1f},{y2 - bend:.1f} {x2:.1f},{y2:.1f}" stroke="{"#b3261e" if critical else "#7a8396"}" '
            f'stroke-width="1.6"{" stroke-dasharray=\"6 4\"" if critical else ""} marker-end="url(#{escape(marker)})">'
            f'<title>{escape(edge["source"])} → {escape(str(edge["target"]))}: {escape(_short(label, 120))}</title>'
            "</path>"
        )
    out.append("</g>")
    for highlight in highlights:
        out.append(f'<g class="path path-{escape(highlight["name"])}" fill="none">')
        for source, target in path_edges(highlight["steps"]):
            if source not in pos or target not in pos:
                continue
            (sx, sy), (tx, ty) = pos[source], pos[target]
            x1, y1, x2, y2 = sx + NODE_W / 2, sy + NODE_H, tx + NODE_W / 2, ty
            bend = max(abs(y2 - y1) / 2, 20)
            dash = f' stroke-dasharray="{escape(highlight["dash"])}"' if highlight.get("dash") else ""
            out.append(
                f'<path d="M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend:.1f} {x2:.1f},{y2 - bend:.1f} {x2:.1f},{y2:.1f}" '
                f'stroke="{escape(highlight["colour"])}" stroke-width="{highlight["width"]}" stroke-linecap="round"'
                f'{dash} opacity="0.85"/>'
            )
        out.append("</g>")
    out.append("<g class=\"nodes\">")
    start = document.get("start")
    for node_id, (x, y) in pos.items():
        node = nodes[node_id]
        kind = node.get("type", "")
        if kind == "outcome":
            good = node.get("outcome") in GOOD_OUTCOMES
            fill, stroke, rx = ("#e3f4ea", "#1e7a46", NODE_H / 2) if good else ("#fdf0e3", "#a34100", NODE_H / 2)
            subtitle = str(node.get("outcome", "")).replace("_", " ")
        else:
            fill, stroke, rx = ("#eef3fb", "#1f5fa8", 8) if kind == "choice" else ("#f4effa", "#6a3d9a", 8)
            subtitle = _short(node.get("text", ""), 23)
        width_attr = 2.5 if node_id == start else 1.4
        ink, ink_light, note = "#1d2330", "#3d4555", ""
        if heat is not None:
            cell = heat.get(node_id) or {"level": 0, "note": ""}
            level = min(max(int(cell.get("level", 0)), 0), len(HEAT_FILLS) - 1)
            fill, note = HEAT_FILLS[level], str(cell.get("note", ""))
            subtitle = _short(note, 26)
            if level == len(HEAT_FILLS) - 1:
                ink = ink_light = "#ffffff"
            width_attr += 0.6
        out.append(
            f'<g class="node node-{escape(kind)}" transform="translate({x:.1f},{y:.1f})">'
            f'<title>{escape(node_id)} ({escape(kind)}): {escape(_short(node.get("text", ""), 200))}'
            f'{" — " + escape(note) if note else ""}</title>'
            f'<rect width="{NODE_W}" height="{NODE_H}" rx="{rx:.0f}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="{width_attr}"/>'
            f'<text x="{NODE_W / 2:.0f}" y="23" text-anchor="middle" font-size="13" font-weight="600" '
            f'fill="{ink}">{escape(_short(node_id, 20))}</text>'
            f'<text x="{NODE_W / 2:.0f}" y="42" text-anchor="middle" font-size="11" fill="{ink_light}">'
            f"{escape(subtitle)}</text></g>"
        )
    out.append("</g></svg>")
    return "".join(out)
