"""The passage-level trigger classifier: learned weights over single lowercase words.

``scripts/train_triggers.py`` fits one logistic regression per trigger category (violence,
death, war, abduction, misogyny, homophobia, racism, ableism) on the shared passage data
(label = majority of three annotators) and writes ``data/tags/triggers.json``: a vocabulary
of single words seen in at least ``min_df`` passages, and per category a weight per word
and an intercept. Nothing of the passages themselves ships. Features are word presence
(binary), so a passage's score is the intercept plus the weights of the distinct words in it.

>>> sorted(words("He didn't FLINCH; the 2 knives..."))
["didn't", 'flinch', 'he', 'knives', 'the']
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from functools import lru_cache

from .. import resources

_WORD_RE = re.compile(r"[a-z][a-z']*")
PASSAGE_WORDS = 90  # the training passages average 87 words: score windows of that size


def words(text: str) -> set[str]:
    """Distinct lowercase words (letters and apostrophes) of a passage."""
    return {w.strip("'") for w in _WORD_RE.findall(text.lower().replace("\u2019", "'")) if len(w.strip("'")) > 1}


class TriggerModel:
    """Per-category logistic regression over word presence."""

    def __init__(self, data: dict):
        self.vocab: dict[str, int] = {w: i for i, w in enumerate(data["vocab"])}
        self.categories: dict[str, tuple[list[float], float]] = {
            c: (v["coef"], float(v["intercept"])) for c, v in data["categories"].items()
        }
        self.meta = {k: v for k, v in data.items() if k not in ("vocab", "categories")}

    def scores(self, text: str, categories: Iterable[str] | None = None) -> dict[str, float]:
        """Probability per category that a passage contains that trigger."""
        idx = [self.vocab[w] for w in words(text) if w in self.vocab]
        out = {}
        for c in categories or self.categories:
            coef, b = self.categories[c]
            z = b + sum(coef[i] for i in idx)
            out[c] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        return out


@lru_cache(maxsize=1)
def load_model() -> TriggerModel | None:
    """The shipped model, or None when it has not been trained into this installation."""
    if not resources.exists("data", "tags", "triggers.json"):
        return None
    return TriggerModel(resources.load_json("data", "tags", "triggers.json"))


def windows(text: str, start: int, end: int, size: int = PASSAGE_WORDS) -> list[tuple[int, int]]:
    """Consecutive spans of about ``size`` words covering ``text[start:end]``, cut at line ends when possible."""
    out = []
    pos = start
    word_ends = [start + m.end() for m in re.finditer(r"\S+", text[start:end])]
    for k in range(0, len(word_ends), size):
        chunk_end = word_ends[min(k + size, len(word_ends)) - 1]
        out.append((pos, chunk_end))
        pos = chunk_end
    return out
