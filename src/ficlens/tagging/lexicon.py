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

import bisect

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

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


_TOKEN_RE = re.compile(r"\w[\w'-]*")
_TOKENABLE = re.compile(r"^\w[\w'-]*\*?$")
# slices longer than this are matched through the word index, shorter ones by regex
INDEX_MIN = 5000


class WordIndex:
    """The words of one (folded) text with their positions, built once per text.

    A word with an apostrophe is also indexed up to it ("father's" -> "father"), as the
    regex path allows an apostrophe after a cue.
    """

    def __init__(self, text: str):
        self.low = fold(text)
        self.spans: list[tuple[int, int]] = []
        self.words: list[str] = []
        self.at: dict[str, list[int]] = {}
        for m in _TOKEN_RE.finditer(self.low):
            k = len(self.words)
            self.spans.append(m.span())
            self.words.append(m.group())
            self.at.setdefault(m.group(), []).append(k)
        self.vocab = sorted(self.at)
        self.base: dict[str, list[int]] = {}
        for w, ks in self.at.items():
            if "'" in w[1:]:
                self.base.setdefault(w.split("'", 1)[0], []).extend(ks)

    def starts(self, word: str) -> list[tuple[int, int]]:
        """(token index, end offset) of tokens a cue word matches ("kiss*" or "kiss")."""
        out = []
        if word.endswith("*"):
            # the words with this stem are one run of the sorted vocabulary
            stem = word[:-1]
            vocab = self.vocab
            i = bisect.bisect_left(vocab, stem)
            while i < len(vocab) and vocab[i].startswith(stem):
                out.extend((k, self.spans[k][1]) for k in self.at[vocab[i]])
                i += 1
        else:
            out.extend((k, self.spans[k][1]) for k in self.at.get(word, ()))
            out.extend((k, self.spans[k][0] + len(word)) for k in self.base.get(word, ()))
        return out


# the last text's index, as one tuple so that threads analysing different works never mix
# one text's index with another (reading and replacing a tuple are each atomic)
_last_index: tuple[str | None, WordIndex | None] = (None, None)


def word_index(text: str) -> WordIndex:
    global _last_index
    cached_text, cached = _last_index
    if cached_text is text and cached is not None:
        return cached
    idx = WordIndex(text)
    _last_index = (text, idx)
    return idx


class Matcher:
    """Finds any of a list of cues (whole words) in text; reports which cue matched."""

    def __init__(self, cues: Iterable[str]):
        self.cues = sorted({c.strip().lower() for c in cues if c.strip()}, key=lambda c: (-len(c), c))
        if self.cues:
            alts = "|".join(f"(?P<c{i}>{_cue_re(c)})" for i, c in enumerate(self.cues))
            self._re = re.compile(rf"(?<![\w'-])(?:{alts})(?![\w-])")
        else:
            self._re = None
        self._token_cues = [c for c in self.cues if all(_TOKENABLE.match(w) for w in c.split())]
        rest = [c for c in self.cues if c not in set(self._token_cues)]
        self._rest = Matcher(rest) if rest and len(rest) < len(self.cues) else None
        self._all_regex = bool(rest) and self._rest is None

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
        if self._re is None:
            return
        end = len(text) if end is None else end
        if end - start >= INDEX_MIN and not self._all_regex:
            yield from self._indexed(text, start, end)
            return
        # fold only the slice asked for: callers scan sentence by sentence
        low = fold(text[start:end])
        for m in self._re.finditer(low):
            yield start + m.start(), start + m.end(), self.cues[int(m.lastgroup[1:])]

    def _indexed(self, text: str, start: int, end: int) -> Iterator[tuple[int, int, str]]:
        idx = word_index(text)
        hits: dict[int, tuple[int, int, str]] = {}
        for cue in self._token_cues:  # longest cues first: a longer match at a start wins
            words = cue.split()
            for k, e in idx.starts(words[0]):
                s = idx.spans[k][0]
                if not (start <= s < end) or s in hits:
                    continue
                ok = True
                for j, w in enumerate(words[1:], 1):
                    if k + j >= len(idx.words) or not idx.low[idx.spans[k + j - 1][1] : idx.spans[k + j][0]].isspace():
                        ok = False
                        break
                    nxt = idx.words[k + j]
                    if not (nxt.startswith(w[:-1]) if w.endswith("*") else nxt == w):
                        ok = False
                        break
                    e = idx.spans[k + j][1]
                if ok and e <= end:
                    hits[s] = (s, e, cue)
        if self._rest is not None:
            for h in self._rest.finditer(text, start, end):
                hits.setdefault(h[0], h)
        # drop matches inside a longer one, as the regex's leftmost-longest scan would
        out, last_end = [], -1
        for s in sorted(hits):
            if s >= last_end:
                out.append(hits[s])
                last_end = hits[s][1]
        yield from out

    def count(self, text: str) -> int:
        return sum(1 for _ in self.finditer(text))

    def __bool__(self) -> bool:
        return self._re is not None


@cache
def lexicon(name: str) -> dict[str, Any]:
    """``lexicon("content")`` -> the parsed ``data/tags/content.json``."""
    return resources.load_json("data", "tags", f"{name}.json")


@cache
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
