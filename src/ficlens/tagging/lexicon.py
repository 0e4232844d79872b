"""Cue lists from ``ficlens/data/tags/`` compiled into matchers.

A cue is a lowercase word or phrase; ``*`` at the end of a word means any ending. Matching
runs on a lowercased copy of the text with curly apostrophes straightened (same length, so
offsets stay true).

>>> m = Matcher(["kiss*", "i love you"])
>>> [(s, e, c) for s, e, c in m.finditer("She kissed him. \u201cI love you.\u201d")]
[(4, 10, 'kiss*'), (17, 27, 'i love you')]
>>> m.count("Kissing, kisses!")
2
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator

from .. import resources


def fold(text: str) -> str:
    """Lowercase with straight apostrophes, same length as ``text``."""
    low = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    return low if len(low) == len(text) else text.replace("\u2019", "'").replace("\u2018", "'")


def _cue_re(cue: str) -> str:
    parts = []
    for w in cue.split():
        if w.endswith("*"):
            parts.append(re.escape(w[:-1]) + r"[\w'-]*")
        else:
            parts.append(re.escape(w))
    return r"\s+".join(parts)


class Matcher:
    """Finds any of a list of cues (whole words) in text; reports which cue matched."""

    def __init__(self, cues: Iterable[str]):
        self.cues = sorted({c.strip().lower() for c in cues if c.strip()}, key=lambda c: (-len(c), c))
        if self.cues:
            alts = "|".join(f"(?P<c{i}>{_cue_re(c)})" for i, c in enumerate(self.cues))
            self._re = re.compile(rf"(?<![\w'-])(?:{alts})(?![\w-])")
        else:
            self._re = None

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
        if self._re is None:
            return
        low = fold(text)
        for m in self._re.finditer(low, start, len(low) if end is None else end):
            yield m.start(), m.end(), self.cues[int(m.lastgroup[1:])]

    def count(self, text: str) -> int:
        return sum(1 for _ in self.finditer(text))

    def __bool__(self) -> bool:
        return self._re is not None


@lru_cache(maxsize=None)
def lexicon(name: str) -> dict[str, Any]:
    """``lexicon("content")`` -> the parsed ``data/tags/content.json``."""
    return resources.load_json("data", "tags", f"{name}.json")


@lru_cache(maxsize=None)
def matcher(name: str, *path: str) -> Matcher:
    """A cached matcher over one cue list: ``matcher("content", "profanity", "3")``.

    The list may be a JSON list of cues or an object whose keys are the cues.
    """
    node: Any = lexicon(name)
    for key in path:
        node = node[key]
    return Matcher(node.keys() if isinstance(node, dict) else node)


def weighted(name: str, *path: str) -> dict[str, float]:
    """A cue -> weight table (a JSON object of numbers)."""
    node: Any = lexicon(name)
    for key in path:
        node = node[key]
    return {k.lower(): float(v) for k, v in node.items()}
