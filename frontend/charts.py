"""Small server-rendered SVG charts. Text is escaped; pages pair every chart with a table."""
from html import escape

ROW_H, BAR_H, LABEL_W, CHART_W, PAD = 32, 18, 150, 440, 10


def bar_chart(rows: list[dict], *, title: str, description: str, chart_id: str, threshold: float | None = None,
              threshold_label: str = "") -> str:
    """Horizontal bars from 0 to 100, one per row {"label", "score"}; an optional threshold line."""
    height = PAD * 2 + max(len(rows), 1) * ROW_H + 18
    bar_w = CHART_W - LABEL_W - 56
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {CHART_W} {height}" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(description)}</desc>',
    ]
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_W + bar_w * tick / 100
        out.append(f'<line x1="{x:.1f}" y1="{PAD}" x2="{x:.1f}" y2="{height - 22}" stroke="#d9dde5" '
                   'stroke-width="1"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 6}" font-size="11" text-anchor="middle" '
                   f'fill="#4a5365">{tick}</text>')
    for i, row in enumerate(rows):
        y = PAD + i * ROW_H
        score = max(0.0, min(100.0, float(row["score"] or 0)))
        colour = "#1e7a46" if threshold is not None and score >= threshold else "#1f5fa8"
        out.append(f'<text x="{LABEL_W - 10}" y="{y + BAR_H - 4}" font-size="13" text-anchor="end" '
                   f'fill="#1d2330">{escape(str(row["label"]))}</text>')
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{bar_w:.1f}" height="{BAR_H}" rx="4" fill="#eef1f5"/>')
        out.append(f'<rect x="{LABEL_W}" y="{y}" width="{bar_w * score / 100:.1f}" height="{BAR_H}" rx="4" '
                   f'fill="{colour}"/>')
        out.append(f'<text x="{LABEL_W + bar_w + 8}" y="{y + BAR_H - 4}" font-size="13" font-weight="600" '
                   f'fill="#1d2330">{score:g}</text>')
    if threshold is not None:
        x = LABEL_W + bar_w * float(threshold) / 100
        out.append(f'<line x1="{x:.1f}" y1="{PAD - 4}" x2="{x:.1f}" y2="{height - 22}" stroke="#a34100" '
                   f'stroke-width="2" stroke-dasharray="4 3"><title>{escape(threshold_label)}</title></line>')
    out.append("</svg>")
    return "".join(out)
