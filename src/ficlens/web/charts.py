"""Inline SVG charts drawn on the server: the emotional arc and the character network.

No chart library and no script: the page works offline and with JavaScript off. Styling is
by class (``static/ficlens.css``), never inline ``style`` attributes, so the page's
Content-Security-Policy can forbid inline styles. Every label goes through ``escape``.
Layouts are deterministic (same work, same picture), so tests can check them.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from typing import Any

from markupsafe import Markup

REL_TYPES = ("romantic", "familial", "platonic", "adversarial", "professional", "unknown", "cooccurrence")


def _f(x: float) -> str:
    return f"{x:.1f}"


def arc_svg(arc: dict[str, Any] | None, chapter_marks: list[float] | None = None, width: int = 640, height: int = 200) -> Markup:
    """The valence of the story from start (left) to end (right); chapter starts as ticks.

    Returns an empty Markup when the work has no arc points.
    """
    points = sorted((arc or {}).get("points") or [], key=lambda p: p["position"])
    if not points:
        return Markup("")
    pad_l, pad_r, pad_t, pad_b = 44, 12, 12, 28
    w, h = width - pad_l - pad_r, height - pad_t - pad_b
    top = max(0.05, max(abs(p["valence"]) for p in points))

    def xy(pos: float, val: float) -> tuple[float, float]:
        return pad_l + pos * w, pad_t + (1 - (val + top) / (2 * top)) * h

    out = [
        Markup('<svg class="arc" viewBox="0 0 {} {}" role="img" aria-labelledby="arc-title">').format(width, height),
        Markup('<title id="arc-title">Emotional arc: valence from start to end</title>'),
        Markup('<rect class="arc-bg" x="{}" y="{}" width="{}" height="{}"/>').format(pad_l, pad_t, w, h),
    ]
    for pos in chapter_marks or []:
        x, _ = xy(pos, 0)
        out.append(Markup('<line class="arc-chapter" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>').format(_f(x), pad_t, pad_t + h))
    x0, y0 = xy(0, 0)
    x1, _ = xy(1, 0)
    out.append(Markup('<line class="arc-zero" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(_f(x0), _f(y0), _f(x1), _f(y0)))
    coords = [xy(p["position"], p["valence"]) for p in points]
    out.append(Markup('<polyline class="arc-line" points="{}"/>').format(" ".join(f"{_f(x)},{_f(y)}" for x, y in coords)))
    for p, (x, y) in zip(points, coords):
        mood = "pos" if p["valence"] > 0 else "neg" if p["valence"] < 0 else "neu"
        out.append(
            Markup('<circle class="arc-pt {}" cx="{}" cy="{}" r="3"><title>{}% through: valence {:+.2f}</title></circle>').format(
                mood, _f(x), _f(y), round(p["position"] * 100), p["valence"]
            )
        )
    labels = [
        (pad_l - 6, pad_t + 10, "end", f"+{top:.2f}"),
        (pad_l - 6, _f(y0 + 4), "end", "0"),
        (pad_l - 6, pad_t + h, "end", f"\u2212{top:.2f}"),
        (pad_l, height - 8, "start", "start"),
        (pad_l + w, height - 8, "end", "end"),
    ]
    for x, y, anchor, label in labels:
        out.append(Markup('<text class="arc-label" x="{}" y="{}" text-anchor="{}">{}</text>').format(x, y, anchor, label))
    out.append(Markup("</svg>"))
    return Markup("").join(out)


def cooccurrence(obj: dict[str, Any]) -> Counter[tuple[str, str]]:
    """How many paragraphs (lines of ``text``) mention both characters of each pair.

    >>> obj = {"text": "A B\\nA\\nB A", "mentions": [
    ...     {"start": 0, "end": 1, "character": "a"}, {"start": 2, "end": 3, "character": "b"},
    ...     {"start": 4, "end": 5, "character": "a"}, {"start": 6, "end": 7, "character": "b"},
    ...     {"start": 8, "end": 9, "character": "a"}]}
    >>> cooccurrence(obj)
    Counter({('a', 'b'): 2})
    """
    text = obj.get("text") or ""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    per_line: dict[int, set[str]] = {}
    for m in obj.get("mentions") or []:
        per_line.setdefault(bisect_right(line_starts, m["start"]) - 1, set()).add(m["character"])
    pairs: Counter[tuple[str, str]] = Counter()
    for chars in per_line.values():
        ordered = sorted(chars)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pairs[(a, b)] += 1
    return pairs


def network_edges(obj: dict[str, Any], keep: set[str]) -> list[dict[str, Any]]:
    """Relationship edges, plus co-occurrence edges for pairs with no stated relationship."""
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for r in obj.get("relationships") or []:
        a, b = sorted((r["a"], r["b"]))
        if a in keep and b in keep and a != b:
            edges[(a, b)] = {"a": a, "b": b, "type": r.get("type") or "unknown", "weight": float(r.get("weight") or 1.0), "label": r.get("tag") or r.get("type") or ""}
    co = cooccurrence(obj)
    top = max(co.values(), default=1)
    for (a, b), n in co.items():
        if a in keep and b in keep and (a, b) not in edges:
            edges[(a, b)] = {"a": a, "b": b, "type": "cooccurrence", "weight": n / top, "label": f"together in {n} paragraphs"}
    return sorted(edges.values(), key=lambda e: (e["a"], e["b"]))


def _crop(pos: dict[str, tuple[float, float]], size: int, margin: float = 48) -> tuple[str, str, str, str]:
    xs, ys = [x for x, _ in pos.values()], [y for _, y in pos.values()]
    # labels are centred under or over their node, so leave more room left and right
    x0, y0 = max(0.0, min(xs) - 2 * margin), max(0.0, min(ys) - margin)
    x1, y1 = min(float(size), max(xs) + 2 * margin), min(float(size), max(ys) + margin)
    return _f(x0), _f(y0), _f(x1 - x0), _f(y1 - y0)


def network_svg(obj: dict[str, Any], max_nodes: int = 12, size: int = 420) -> Markup:
    """The main characters on a circle, most mentioned first, joined by their relationships."""
    chars = sorted(obj.get("characters") or [], key=lambda c: (-(c.get("mentions") or 0), c["id"]))[:max_nodes]
    if not chars:
        return Markup("")
    keep = {c["id"] for c in chars}
    edges = network_edges(obj, keep)
    cx = cy = size / 2
    radius = size / 2 - 70 if len(chars) > 1 else 0
    top = max((c.get("mentions") or 0) for c in chars) or 1
    pos: dict[str, tuple[float, float]] = {}
    for i, c in enumerate(chars):
        angle = -math.pi / 2 + 2 * math.pi * i / len(chars)
        pos[c["id"]] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    top_w = max((e["weight"] for e in edges), default=1.0) or 1.0
    out = [
        # crop to the drawing (labels included) so two or three characters leave no blank band
        Markup('<svg class="network" viewBox="{0} {1} {2} {3}" width="{2}" height="{3}" role="img" aria-labelledby="net-title">').format(
            *_crop(pos, size)
        ),
        Markup('<title id="net-title">Character network: relationships and who appears with whom</title>'),
    ]
    for e in edges:
        (x1, y1), (x2, y2) = pos[e["a"]], pos[e["b"]]
        width = 1 + 5 * e["weight"] / top_w
        out.append(
            Markup('<line class="edge rel-{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke-width="{}"><title>{}</title></line>').format(
                e["type"] if e["type"] in REL_TYPES else "unknown", _f(x1), _f(y1), _f(x2), _f(y2), _f(width), e["label"]
            )
        )
    for c in chars:
        x, y = pos[c["id"]]
        r = 6 + 14 * math.sqrt((c.get("mentions") or 0) / top)
        label_y = y + r + 14 if y >= cy else y - r - 6
        out.append(
            Markup(
                '<g class="node" data-c="{}"><circle cx="{}" cy="{}" r="{}"><title>{}: {} mentions</title></circle>'
                '<text x="{}" y="{}" text-anchor="middle">{}</text></g>'
            ).format(c["id"], _f(x), _f(y), _f(r), c.get("name") or c["id"], c.get("mentions") or 0, _f(x), _f(label_y), c.get("name") or c["id"])
        )
    out.append(Markup("</svg>"))
    return Markup("").join(out)
