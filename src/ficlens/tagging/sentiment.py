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


# the tags and arc stages both read the valences of the same document: keep the last one,
# as one tuple (atomic to read or replace), so concurrent works never see each other's
_last: tuple = (None, -1, ())  # (text object, sentence count, result)


def sentence_valences(doc: Doc) -> list[tuple[int, int, float]]:
    """(start, end, compound) for each sentence of the body with any letters in it."""
    global _last
    text, n, cached = _last
    if text is doc.text and n == len(doc.sentences):
        return list(cached)
    out = _compute(doc)
    _last = (doc.text, len(doc.sentences), tuple(out))
    return out


def _compute(doc: Doc) -> list[tuple[int, int, float]]:
    text = doc.text
    out = []
    for s in doc.sentences:
        t = text[s.start : s.end]
        if any(ch.isalpha() for ch in t):
            out.append((s.start, s.end, valence(t)))
    return out
