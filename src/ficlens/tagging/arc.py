"""The emotional arc: valence and basic emotions over the body, smoothed, with a shape and an ending.

Valence is VADER's compound score per sentence (dialogue and narration alike), averaged in
``WINDOWS`` equal slices of the body by sentence count and smoothed with a centred moving
average. Emotions are hits per 100 words of the eight lists in ``data/tags/emotions.json``.

The shape is the best-correlated of six template curves (after Reagan et al. 2016 and
Vonnegut): rags-to-riches (rise), tragedy (fall), man-in-a-hole (fall-rise), icarus
(rise-fall), cinderella (rise-fall-rise), oedipus (fall-rise-fall); "flat" when the smoothed
curve barely moves, None when no template fits.

The ending reads the last tenth of the sentences: happy (clearly positive, few negative
sentences), sad (the reverse), bittersweet (both strong positive and strong negative
sentences), open (neither).

>>> shape_of([0.0, 0.1, 0.2, 0.3, 0.4, 0.5])
'rags-to-riches'
>>> shape_of([0.3, 0.0, -0.3, -0.3, 0.0, 0.3])
'man-in-a-hole'
>>> shape_of([-0.3, 0.3, -0.3, 0.3])
'cinderella'
>>> shape_of([0.01, 0.0, 0.01, 0.0])
'flat'
"""

from __future__ import annotations

import math
from collections import Counter

from ..model import Arc, ArcPoint, Doc
from .lexicon import lexicon, matcher

WINDOWS = 20
FLAT_RANGE = 0.12  # smoothed valence moving less than this is a flat arc
MIN_FIT = 0.5  # correlation a template needs to name the shape


def _template(name: str, x: float) -> float:
    if name == "rags-to-riches":
        return x
    if name == "tragedy":
        return -x
    if name == "man-in-a-hole":
        return math.cos(2 * math.pi * x)
    if name == "icarus":
        return -math.cos(2 * math.pi * x)
    if name == "cinderella":  # rise, fall, rise
        return -math.cos(3 * math.pi * x)
    if name == "oedipus":  # fall, rise, fall
        return math.cos(3 * math.pi * x)
    raise KeyError(name)


SHAPES = ("rags-to-riches", "tragedy", "man-in-a-hole", "icarus", "cinderella", "oedipus")


def _corr(a: list[float], b: list[float]) -> float:
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    if va <= 1e-12 or vb <= 1e-12:
        return 0.0
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / math.sqrt(va * vb)


def shape_of(curve: list[float]) -> str | None:
    """The template shape that fits a (smoothed) valence curve best."""
    if len(curve) < 3:
        return None
    if max(curve) - min(curve) < FLAT_RANGE:
        return "flat"
    xs = [i / (len(curve) - 1) for i in range(len(curve))]
    fits = {s: _corr(curve, [_template(s, x) for x in xs]) for s in SHAPES}
    best = max(fits, key=fits.get)
    return best if fits[best] >= MIN_FIT else None


def smooth(values: list[float], k: int = 2) -> list[float]:
    """Centred moving average over ``2k+1`` points (shorter at the edges)."""
    out = []
    for i in range(len(values)):
        win = values[max(0, i - k) : i + k + 1]
        out.append(sum(win) / len(win))
    return out


def ending_of(tail: list[float]) -> str | None:
    """happy / sad / bittersweet / open from the valences of the closing sentences.

    >>> ending_of([0.6, 0.5, 0.2, 0.7])
    'happy'
    >>> ending_of([-0.6, -0.5, 0.0, -0.7])
    'sad'
    >>> ending_of([0.7, -0.6, 0.6, -0.5])
    'bittersweet'
    >>> ending_of([0.0, 0.05, 0.0])
    'open'
    """
    if not tail:
        return None
    mean = sum(tail) / len(tail)
    pos = sum(v >= 0.3 for v in tail) / len(tail)
    neg = sum(v <= -0.3 for v in tail) / len(tail)
    if pos >= 0.25 and neg >= 0.25 and abs(mean) < 0.3:
        return "bittersweet"
    if mean >= 0.15 and neg < 0.3:
        return "happy"
    if mean <= -0.15 and pos < 0.3:
        return "sad"
    return "open"


def emotions(text: str, words: int) -> dict[str, float]:
    """Hits per 100 words of each basic emotion in ``text``."""
    out = {}
    for emo in sorted(k for k in lexicon("emotions") if not k.startswith("_")):
        out[emo] = round(100.0 * matcher("emotions", emo).count(text) / max(1, words), 3)
    return out


def build(doc: Doc, valences: list[tuple[int, int, float]]) -> Arc | None:
    """The arc of a document from its sentence valences (None for a text too short to have one)."""
    if len(valences) < 3:
        return None
    n = min(WINDOWS, len(valences))
    b0, b1 = doc.body.start, doc.body.end
    raw, points = [], []
    for k in range(n):
        part = valences[k * len(valences) // n : (k + 1) * len(valences) // n]
        s, e = part[0][0], part[-1][1]
        raw.append(sum(v for _, _, v in part) / len(part))
        text = doc.text[s:e]
        words = sum(1 for w in text.split() if any(ch.isalpha() for ch in w))
        mid = ((s + e) / 2 - b0) / max(1, b1 - b0)
        points.append(ArcPoint(position=round(min(1.0, max(0.0, mid)), 4), valence=0.0, emotions=emotions(text, words)))
    curve = smooth(raw, k=max(1, n // 8))
    for p, v in zip(points, curve):
        p.valence = round(v, 4)
    tail = [v for _, _, v in valences[-max(3, len(valences) // 10) :]]
    return Arc(points=points, shape=shape_of(curve), ending=ending_of(tail))


def dominant_emotions(arc: Arc, top: int = 3) -> list[str]:
    """The emotions with the most hits over the whole arc."""
    tot: Counter = Counter()
    for p in arc.points:
        tot.update(p.emotions)
    return [e for e, v in tot.most_common(top) if v > 0]
