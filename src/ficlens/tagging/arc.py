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
from .deaths import find as find_deaths
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


def ending_of(tail: list[float], balance: float = 0.0, late_death: bool = False) -> str | None:
    """happy / sad / bittersweet / open from the valences of the closing sentences.

    ``balance`` in [-1, 1] is the emotion-lexicon tilt of the same sentences (joy and
    trust against sadness, fear and anger), which VADER alone misses in plain prose
    ("There was nobody left to come."); a death near the end caps the ending at
    bittersweet.

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
    mean = sum(tail) / len(tail) + 0.15 * balance
    pos = sum(v >= 0.3 for v in tail) / len(tail)
    neg = sum(v <= -0.3 for v in tail) / len(tail)
    if late_death:
        return "bittersweet" if mean >= 0.25 else "sad"
    if pos >= 0.25 and neg >= 0.25 and abs(mean) < 0.3:
        return "bittersweet"
    if mean >= 0.12 and neg < 0.3:
        return "happy"
    if mean <= -0.12 and pos < 0.3:
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
    closing = valences[-max(3, len(valences) // 8) :]
    tail = [v for _, _, v in closing]
    text = doc.text[closing[0][0] : closing[-1][1]]
    emo = emotions(text, max(1, len(text.split())))
    up, down = emo["joy"] + emo["trust"], emo["sadness"] + emo["fear"] + emo["anger"]
    balance = (up - down) / (up + down) if up + down else 0.0
    late = any(d.p >= 0.5 and d.on_page and (d.start - b0) / max(1, b1 - b0) >= 0.65 for d in find_deaths(doc))
    return Arc(points=points, shape=shape_of(curve), ending=ending_of(tail, balance, late))


def dominant_emotions(arc: Arc, top: int = 3) -> list[str]:
    """The emotions with the most hits over the whole arc."""
    tot: Counter = Counter()
    for p in arc.points:
        tot.update(p.emotions)
    return [e for e, v in tot.most_common(top) if v > 0]
