"""Abstract, deterministic cover and lesson illustrations for the demo content.

`draw_illustration(key)` returns PNG bytes. The same key always gives the
same picture: the key seeds the palette and the layout, and a keyword in it
picks the motif (a river, a network, speech bubbles, a round table, or
overlapping shapes). No text is drawn, so the images need no translation.
"""
import hashlib
import io
import math
import random

from PIL import Image, ImageDraw

# Soft palettes: background top, background bottom, then accent colours.
PALETTES = [
    ["#e8f1f2", "#b9d6df", "#1b6a8a", "#f2a65a", "#3c9d9b", "#f6e3b4"],
    ["#f7efe5", "#e3c9b0", "#a4543a", "#5b8e7d", "#f2c14e", "#384d6b"],
    ["#eef0f8", "#c5cbe6", "#4a4e8c", "#e07a5f", "#81b29a", "#f2cc8f"],
    ["#f1f7ee", "#c8ddb9", "#2f6b3f", "#e9a03b", "#4b86b4", "#f5e6c8"],
    ["#fbeff2", "#e9c2cf", "#8c3b5e", "#3d7ea6", "#f4b942", "#6a994e"],
]
WATER = "#2f7fa8"
MOTIFS = [
    ("river", ("river", "water", "drought", "flow", "basin", "stream")),
    ("network", ("network", "digital", "bot", "data", "platform", "online", "viral", "campaign", "filter", "contact")),
    ("bubbles", ("bubble", "listen", "voice", "speech", "dialogue", "question", "audio", "conversation", "summar")),
    ("table", ("table", "mediat", "meeting", "peace", "leader", "coalition", "round", "council")),
]


def _rgba(hex_colour: str, alpha: int) -> tuple:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)) + (alpha,)


def _motif(key: str) -> str:
    lowered = key.lower()
    return next((name for name, words in MOTIFS if any(w in lowered for w in words)), "shapes")


def _river(draw, rng, w, h, pal):
    k = w / 1200  # sizes below are for 1200 pixels wide
    draw.ellipse((w * 0.68, h * 0.08, w * 0.68 + h * 0.22, h * 0.30), fill=_rgba(pal[3], 220))
    for i in range(3):  # hills behind the river
        cx, r = rng.uniform(0, w), rng.uniform(h * 0.45, h * 0.8)
        draw.ellipse((cx - r * 1.6, h * 0.55 - r * 0.25 + i * 40 * k, cx + r * 1.6, h * 0.55 + r * 1.5),
                     fill=_rgba(pal[4 if i % 2 else 5], 150))
    phase, amp = rng.uniform(0, math.tau), rng.uniform(0.08, 0.14) * h
    xs = [w * t / 60 for t in range(61)]
    mid = [h * 0.72 + amp * math.sin(phase + 4 * math.pi * x / w) for x in xs]
    half = [k * (12 + 60 * x / w) for x in xs]  # the river widens downstream
    river = list(zip(xs, mid, half, strict=True))
    outline = [(x, m - hw) for x, m, hw in river] + [(x, m + hw) for x, m, hw in reversed(river)]
    draw.polygon(outline, fill=_rgba(WATER, 235))
    draw.line([(x, m - hw * 0.3) for x, m, hw in river], fill=_rgba("#ffffff", 90), width=max(1, round(4 * k)))


def _network(draw, rng, w, h, pal):
    k = w / 1200
    points = [(rng.uniform(0.06, 0.94) * w, rng.uniform(0.1, 0.9) * h) for _ in range(26)]
    for x, y in points:
        nearest = sorted(points, key=lambda p: (p[0] - x) ** 2 + (p[1] - y) ** 2)[1:4]
        for p in nearest:
            draw.line((x, y, *p), fill=_rgba(pal[2], 110), width=max(1, round(3 * k)))
    for i, (x, y) in enumerate(points):
        r = k * (rng.uniform(8, 26) if i % 7 else 40)
        colour = pal[3] if i % 7 == 0 else pal[4] if i % 3 else pal[2]
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(colour, 230), outline=_rgba("#ffffff", 200),
                     width=max(1, round(3 * k)))


def _bubbles(draw, rng, w, h, pal):
    k = w / 1200
    for i in range(5):
        bw, bh = rng.uniform(0.22, 0.38) * w, rng.uniform(0.18, 0.3) * h
        x, y = rng.uniform(0.04, 0.96) * w - bw / 2, rng.uniform(0.1, 0.75) * h
        colour = _rgba(pal[2 + i % 4], 170 + 15 * (i % 3))
        draw.rounded_rectangle((x, y, x + bw, y + bh), radius=bh * 0.4, fill=colour)
        tail = x + bw * (0.25 if i % 2 else 0.7)
        draw.polygon([(tail, y + bh - 2), (tail + 40 * k, y + bh - 2),
                      (tail + k * (-10 if i % 2 else 60), y + bh + 45 * k)], fill=colour)
        for j in range(3):  # "dots" of speech, no text needed
            cx = x + bw / 2 + (j - 1) * bh * 0.3
            draw.ellipse((cx - 9 * k, y + bh / 2 - 9 * k, cx + 9 * k, y + bh / 2 + 9 * k), fill=_rgba("#ffffff", 200))


def _table(draw, rng, w, h, pal):
    k = w / 1200
    cx, cy, rx, ry = w / 2, h * 0.55, w * 0.26, h * 0.2
    seats = rng.choice([6, 8, 10])
    for i in range(seats):
        a = math.tau * i / seats + rng.uniform(-0.05, 0.05)
        sx, sy, r = cx + (rx + 55 * k) * math.cos(a), cy + (ry + 50 * k) * math.sin(a), 34 * k
        side = pal[3] if math.cos(a) < 0 else pal[4]  # two sides, one table
        draw.ellipse((sx - r, sy - r, sx + r, sy + r), fill=_rgba(side, 235))
    draw.ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=_rgba(pal[2], 235))
    draw.ellipse((cx - rx * 0.55, cy - ry * 0.55, cx + rx * 0.55, cy + ry * 0.55), fill=_rgba(pal[5], 160))


def _shapes(draw, rng, w, h, pal):
    for i in range(9):
        r = rng.uniform(0.08, 0.25) * h
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        colour = _rgba(pal[2 + i % 4], rng.randint(90, 190))
        if i % 3 == 0:
            draw.rounded_rectangle((x - r, y - r * 0.7, x + r * 1.4, y + r * 0.7), radius=r * 0.3, fill=colour)
        else:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    draw.arc((w * 0.1, h * 0.2, w * 0.9, h * 1.4), 200, 340, fill=_rgba(pal[2], 160), width=max(1, round(6 * w / 1200)))


DRAWERS = {"river": _river, "network": _network, "bubbles": _bubbles, "table": _table, "shapes": _shapes}


def draw_illustration(key: str, width: int = 1200, height: int = 675) -> bytes:
    """PNG bytes of an abstract illustration for `key`, the same every time."""
    seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    rng = random.Random(seed)
    pal = PALETTES[seed % len(PALETTES)]
    mask = Image.linear_gradient("L").resize((width, height))
    image = Image.composite(Image.new("RGB", (width, height), pal[1]), Image.new("RGB", (width, height), pal[0]), mask)
    # An "RGBA" draw on an RGB image blends each translucent shape onto what is below.
    DRAWERS[_motif(key)](ImageDraw.Draw(image, "RGBA"), rng, width, height, pal)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()
