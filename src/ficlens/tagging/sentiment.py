"""Sentence valence with VADER (``vaderSentiment``, lexicon shipped in the package).

Dialogue and narration both count. The analyser is built once per process.
"""

from __future__ import annotations

from functools import lru_cache

from ..model import Doc


@lru_cache(maxsize=1)
def _analyser():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def valence(text: str) -> float:
    """VADER compound score in [-1, 1]: ``valence("What a lovely day") > 0``."""
    return float(_analyser().polarity_scores(text)["compound"])


# the tags and arc stages both read the valences of the same document: keep the last one
_last: list = [None, None, None]  # [text object, sentence count, result]


def sentence_valences(doc: Doc) -> list[tuple[int, int, float]]:
    """(start, end, compound) for each sentence of the body with any letters in it."""
    text = doc.text
    if _last[0] is text and _last[1] == len(doc.sentences):
        return list(_last[2])
    out = _compute(doc)
    _last[:] = [text, len(doc.sentences), out]
    return list(out)


def _compute(doc: Doc) -> list[tuple[int, int, float]]:
    text = doc.text
    out = []
    for s in doc.sentences:
        t = text[s.start : s.end]
        if any(ch.isalpha() for ch in t):
            out.append((s.start, s.end, valence(t)))
    return out
