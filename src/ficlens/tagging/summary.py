"""A short extractive summary (TextRank over sentences), names resolved.

Sentences are nodes; two sentences are linked by the content words they share, normalised
by their lengths (Mihalcea & Tarau 2004). PageRank picks the central ones; the top ``N``
come out in text order. Candidates are narration-heavy sentences of 6-40 words (a line of
dialogue out of context summarises badly); on long works the candidates are first cut to
the ``MAX_CANDIDATES`` with the most frequent content words, to keep the graph small.
A sentence that opens with a pronoun gets the character's name instead ("She left" ->
"Lois left"), from the characters stage's resolved mentions.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

from .. import resources
from ..model import Doc
from .pov import is_anonymous
from .text import dialogue

N = 3
MAX_CANDIDATES = 300
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]+")
_SUBJECT = {"he", "she", "they", "i"}


def _words(text: str, stop: frozenset[str]) -> list[str]:
    return [w for w in (m.group().lower().replace("\u2019", "'") for m in _WORD.finditer(text)) if w not in stop]


def _stopwords() -> frozenset[str]:
    return frozenset(resources.load_lines("data", "tags", "stopwords.txt"))


def candidates(doc: Doc) -> list[tuple[int, int]]:
    quotes = dialogue(doc)
    out = []
    for s in doc.sentences:
        n = s.last_token - s.first_token
        if not (6 <= n <= 40):
            continue
        if quotes.covered(s.start, s.end) > 0.5 * (s.end - s.start):
            continue
        out.append((s.start, s.end))
    return out


def textrank(texts: list[list[str]], damping: float = 0.85, iterations: int = 40) -> list[float]:
    """PageRank scores of sentences given as word lists (a dense graph: at most ``MAX_CANDIDATES``)."""
    n = len(texts)
    if n == 0:
        return []
    sets = [set(t) for t in texts]
    logs = np.array([math.log(len(t)) if len(t) > 1 else 0.0 for t in texts])
    w = np.zeros((n, n))
    for i in range(n):
        if logs[i] == 0.0:
            continue
        for j in range(i + 1, n):
            if logs[j] == 0.0:
                continue
            shared = len(sets[i] & sets[j])
            if shared:
                w[i, j] = w[j, i] = shared / (logs[i] + logs[j])
    out_sum = w.sum(axis=1)
    # column j spreads its score over its edges in proportion to their weights
    norm = np.divide(w, out_sum[np.newaxis, :], out=np.zeros_like(w), where=out_sum[np.newaxis, :] > 0)
    score = np.full(n, 1.0 / n)
    for _ in range(iterations):
        score = (1 - damping) / n + damping * (norm @ score)
    return score.tolist()


_QUOTE_MARKS = "\"\u201c\u201d"


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop a closing quotation mark the sentence splitter left at the start ('" He grinned')."""
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    if start + 1 < end and text[start] in _QUOTE_MARKS and text[start + 1].isspace():
        if sum(text.count(q, start, end) for q in _QUOTE_MARKS) % 2 == 1:
            start += 1
    return start, end


def resolve_names(doc: Doc, start: int, end: int) -> str:
    """The sentence with an opening subject pronoun replaced by its character's name."""
    start, end = _trim(doc, start, end)
    text = doc.text[start:end].strip()
    first = next((m for m in doc.mentions if start <= m.start < end), None)
    if first is None or first.kind != "pronoun":
        return text
    word = doc.text[first.start : first.end]
    if word.lower() not in _SUBJECT or doc.text[start:first.start].strip(" \"'\u201c"):
        return text
    c = doc.character(first.character)
    if c is None or is_anonymous(doc, c.id):
        return text  # an unnamed narrator keeps "I"
    if word.lower() == "i" and c.id != doc.pov.narrator:
        return text
    name = c.name.split()[0] if c.name else word
    lead = doc.text[start : first.start].lstrip()
    return (lead + name + doc.text[first.end : end]).strip()


def summarise(doc: Doc, n: int = N) -> str | None:
    cands = candidates(doc)
    if len(cands) < n:
        return None
    stop = _stopwords()
    words = [_words(doc.text[s:e], stop) for s, e in cands]
    if len(cands) > MAX_CANDIDATES:
        freq = Counter(w for ws in words for w in set(ws))
        keyed = sorted(range(len(cands)), key=lambda i: -sum(freq[w] for w in set(words[i])) / (1 + len(words[i])) ** 0.5)
        keep = sorted(keyed[:MAX_CANDIDATES])
        cands, words = [cands[i] for i in keep], [words[i] for i in keep]
    scores = textrank(words)
    top = sorted(sorted(range(len(cands)), key=lambda i: -scores[i])[:n])
    return " ".join(resolve_names(doc, *cands[i]) for i in top)
