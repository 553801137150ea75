"""Small server-rendered SVG charts. Text is escaped; pages pair every chart with a table.

The chart is drawn narrow (CHART_W user units) with each label above its bar, so that on a phone
(about 330 px of the 390 px screen for the chart) a unit is close to a pixel and no text falls
under 12 px; the stylesheet caps its width on wide screens so the text does not grow large.
"""
from html import escape

CHART_W, PAD, LABEL_H, BAR_H, GAP, SCORE_W = 360, 6, 20, 16, 12, 44
FONT, TICK_FONT = 14, 14  # user units; with the stylesheet's cap, never under 12 px at 390 px wide

# The bar colours, named once: the chart and its legend's swatches (bar_legend) use the same. Each has a
# contrast of 3:1 or more with the white page (WCAG 1.4.11, non-text contrast); the pass mark is drawn
# over a bar with a white halo (HALO), which keeps 3:1 against the bar's colour as against the track.
COLOURS = {"competency": "#1f5fa8", "passed": "#1e7a46", "not_passed": "#a34100", "pass_mark": "#1d2330"}
HALO = "#ffffff"
PASS_MARK = {"width": 2.5, "halo": 5.5, "dash": "4 2"}


def bar_chart(rows: list[dict], *, title: str, description: str, chart_id: str, threshold: float | None = None,
              threshold_label: str = "", overall: dict | None = None) -> str:
    """Horizontal bars from 0 to 100, one per row {"label", "score"}.

    `overall` ({"label", "score", "passed"}) adds the overall score as the first bar, coloured by the
    outcome; the pass mark (`threshold`) applies to it alone, so its dashed line crosses that bar only.
    """
    bars = []
    if overall is not None:
        colour = COLOURS["passed" if overall.get("passed") else "not_passed"]
        bars.append({**overall, "colour": colour, "overall": True})
    bars += [{**row, "colour": COLOURS["competency"], "overall": False} for row in rows]
    row_h = LABEL_H + BAR_H + GAP
    separator = GAP if overall is not None and rows else 0
    height = PAD * 2 + max(len(bars), 1) * row_h + separator + TICK_FONT + 8
    bar_x, bar_w = PAD, CHART_W - 2 * PAD - SCORE_W
    axis_bottom = height - TICK_FONT - 10
    cid = escape(chart_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {CHART_W} {height}" '
        f'aria-labelledby="{cid}-t {cid}-d" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{cid}-t">{escape(title)}</title>',
        f'<desc id="{cid}-d">{escape(description)}</desc>',
    ]
    for tick in (0, 25, 50, 75, 100):
        x = bar_x + bar_w * tick / 100
        out.append(f'<line x1="{x:.1f}" y1="{PAD}" x2="{x:.1f}" y2="{axis_bottom}" stroke="#d9dde5" '
                   'stroke-width="1"/>')
        anchor = "start" if tick == 0 else "end" if tick == 100 else "middle"
        out.append(f'<text x="{x:.1f}" y="{height - 6}" font-size="{TICK_FONT}" text-anchor="{anchor}" '
                   f'fill="#4a5365">{tick}</text>')
    y = PAD
    for i, bar in enumerate(bars):
        if i == 1 and separator:
            y += separator
        score = max(0.0, min(100.0, float(bar["score"] or 0)))
        weight = ' font-weight="700"' if bar["overall"] else ""
        out.append(f'<text x="{bar_x}" y="{y + LABEL_H - 5}" font-size="{FONT}"{weight} '
                   f'fill="#1d2330">{escape(str(bar["label"]))}</text>')
        top = y + LABEL_H
        out.append(f'<rect x="{bar_x}" y="{top}" width="{bar_w:.1f}" height="{BAR_H}" rx="4" fill="#eef1f5"/>')
        out.append(f'<rect x="{bar_x}" y="{top}" width="{bar_w * score / 100:.1f}" height="{BAR_H}" rx="4" '
                   f'fill="{bar["colour"]}"/>')
        out.append(f'<text x="{CHART_W - PAD}" y="{top + BAR_H - 2}" font-size="{FONT}" font-weight="600" '
                   f'text-anchor="end" fill="#1d2330">{score:g}</text>')
        if bar["overall"] and threshold is not None:
            x = bar_x + bar_w * float(threshold) / 100
            out.append(f'<line class="pass-mark-halo" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" '
                       f'y2="{top + BAR_H + 4}" stroke="{HALO}" stroke-width="{PASS_MARK["halo"]}"/>')
            out.append(f'<line class="pass-mark" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{top + BAR_H + 4}" '
                       f'stroke="{COLOURS["pass_mark"]}" stroke-width="{PASS_MARK["width"]}" '
                       f'stroke-dasharray="{PASS_MARK["dash"]}"><title>{escape(threshold_label)}</title></line>')
        y += row_h
    out.append("</svg>")
    return "".join(out)


def legend_swatch(key: str) -> str:
    """A small SVG drawn as the chart draws `key`: a bar of its colour, or the pass mark's dashed line
    (thicker than in the chart, so that it reads at 16 px). SVG, not a CSS background: browsers leave
    backgrounds out of print by default, and the legend must print with the chart."""
    if key == "pass_mark":
        return ('<svg class="swatch-svg" width="14" height="18" viewBox="0 0 14 18" aria-hidden="true" '
                'focusable="false"><line x1="7" y1="0" x2="7" y2="18" '
                f'stroke="{COLOURS["pass_mark"]}" stroke-width="4" stroke-dasharray="5 2"/></svg>')
    return ('<svg class="swatch-svg" width="18" height="14" viewBox="0 0 18 14" aria-hidden="true" '
            f'focusable="false"><rect x="0" y="1" width="18" height="12" rx="3" fill="{COLOURS[key]}"/></svg>')


def bar_legend(*, overall: dict | None, threshold_label: str, labels: dict) -> list[dict]:
    """What the colours of bar_chart mean, for the page to list beside it: {"key", "label", "swatch"}
    per colour in use (`swatch`: legend_swatch's SVG). `labels` gives the words for "competency",
    "passed", "not_passed"."""
    items = []
    if overall is not None:
        key = "passed" if overall.get("passed") else "not_passed"
        items.append({"key": key, "label": labels[key]})
        if threshold_label:
            items.append({"key": "pass_mark", "label": threshold_label})
    items.append({"key": "competency", "label": labels["competency"]})
    return [{**item, "swatch": legend_swatch(item["key"])} for item in items]
