"""The frontier picture (spec "Debrief", The picture) as SVG: pure Python, escaped, no words of its own.

The first role's utility runs across, the second's up, both 0 to 100. Every
outcome is a small grey dot; the frontier's outcomes are joined in order, the
rational ones drawn solid, the others hollow; the reservation values are
dashed lines; the Nash point is a diamond. With a debrief, the outcome point
is a filled circle and the package better for both a ring, with an arrow from
one to the other. The only text is the roles' labels (the author's, escaped),
the axis numbers and the `title` the caller passes (already in the interface
language): the words around the picture, and its text version, belong to the
page that shows it.
"""
from html import escape

from .model import prepare
from .outcomes import feasible, nash_point, pareto_frontier

SIZE, MARGIN = 300, 44  # the plot's side and the room left for the axes, in SVG units


def _x(u) -> float:
    return round(MARGIN + float(u) * SIZE / 100, 2)


def _y(u) -> float:
    return round(MARGIN + SIZE - float(u) * SIZE / 100, 2)


def frontier_svg(doc, *, debrief: dict | None = None, title: str = "") -> str:
    """The picture of a version's outcome space (for authors), or of a session's deal (with its debrief)."""
    neg = prepare(doc)
    first, second = neg.roles
    width = height = SIZE + 2 * MARGIN
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img"'
             f' class="negotiation-frontier">']
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    parts.append(f'<rect x="{MARGIN}" y="{MARGIN}" width="{SIZE}" height="{SIZE}" fill="none" stroke="#888"/>')
    for tick in (0, 25, 50, 75, 100):
        parts.append(f'<text x="{_x(tick)}" y="{MARGIN + SIZE + 14}" font-size="10" text-anchor="middle">{tick}</text>')
        parts.append(f'<text x="{MARGIN - 6}" y="{_y(tick) + 3}" font-size="10" text-anchor="end">{tick}</text>')
    parts.append(f'<text x="{MARGIN + SIZE / 2}" y="{height - 8}" font-size="11" text-anchor="middle"'
                 f' class="axis-x">{escape(first.label)}</text>')
    parts.append(f'<text x="12" y="{MARGIN + SIZE / 2}" font-size="11" text-anchor="middle" class="axis-y"'
                 f' transform="rotate(-90 12 {MARGIN + SIZE / 2})">{escape(second.label)}</text>')
    parts.append(f'<line class="reservation" x1="{_x(first.reservation)}" y1="{MARGIN}" x2="{_x(first.reservation)}"'
                 f' y2="{MARGIN + SIZE}" stroke="#b26b00" stroke-dasharray="4 3"/>')
    parts.append(f'<line class="reservation" x1="{MARGIN}" y1="{_y(second.reservation)}" x2="{MARGIN + SIZE}"'
                 f' y2="{_y(second.reservation)}" stroke="#b26b00" stroke-dasharray="4 3"/>')
    for outcome in neg.outcomes:
        u, v = outcome.utilities
        parts.append(f'<circle class="outcome" cx="{_x(u)}" cy="{_y(v)}" r="2" fill="#bbb"/>')
    frontier = sorted(pareto_frontier(neg), key=lambda o: (o.utilities[0], -o.utilities[1]))
    path = " ".join(f"{_x(o.utilities[0])},{_y(o.utilities[1])}" for o in frontier)
    parts.append(f'<polyline class="frontier" points="{path}" fill="none" stroke="#1f5f99" stroke-width="1.5"/>')
    for o in frontier:
        fill = "#1f5f99" if feasible(neg, o) else "#fff"
        parts.append(f'<circle class="frontier-point" cx="{_x(o.utilities[0])}" cy="{_y(o.utilities[1])}" r="3.5"'
                     f' fill="{fill}" stroke="#1f5f99"/>')
    nash = nash_point(neg)
    nx, ny = _x(nash.utilities[0]), _y(nash.utilities[1])
    parts.append(f'<path class="nash" d="M {nx} {ny - 6} L {nx + 6} {ny} L {nx} {ny + 6} L {nx - 6} {ny} Z"'
                 f' fill="#2e7d32"/>')
    if debrief is not None:
        px, py = _x(debrief["point"][first.id]), _y(debrief["point"][second.id])
        better = debrief.get("better_for_both")
        if better:
            bx, by = _x(better["utilities"][first.id]), _y(better["utilities"][second.id])
            parts.append(f'<line class="better-arrow" x1="{px}" y1="{py}" x2="{bx}" y2="{by}" stroke="#6a1b9a"'
                         f' stroke-width="1.5"/>')
            parts.append(f'<circle class="better" cx="{bx}" cy="{by}" r="7" fill="none" stroke="#6a1b9a"'
                         f' stroke-width="2"/>')
        parts.append(f'<circle class="deal" cx="{px}" cy="{py}" r="5" fill="#c62828"/>')
    parts.append("</svg>")
    return "".join(parts)
