"""Small text utilities shared by readers, front matter, the NLP layer and stages.

Worked examples (doctest-style; see tests/test_text.py):

>>> ao3_word_count("Don't go -- it's late.")
4
>>> text = "One.\\n\\nTwo\\nthree.\\n"
>>> [text[s:e] for s, e in paragraph_spans(text)]
['One.', 'Two', 'three.']
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import pairwise

# AO3's lib/word_counter.rb: "--" becomes an em dash, apostrophes and hyphens vanish, then
# runs of word characters count, except that each Han/Hiragana/Katakana/Thai character
# counts as a word of its own.
_CJK = "\u0e00-\u0e7f\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_WORD_RE = re.compile(r"\w+")
_STRIP_RE = re.compile("['\u2019\u2018-]")


def ao3_word_count(text: str) -> int:
    """Count words the way AO3's word counter does."""
    text = _STRIP_RE.sub("", text.replace("--", "\u2014"))
    n = len(_CJK_RE.findall(text))
    if n:
        text = _CJK_RE.sub(" ", text)
    return n + len(_WORD_RE.findall(text))


_LINE_RE = re.compile(r"[^\n]+")


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(start, end)`` narrowed past whitespace at both edges (the text is never changed)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted union of spans: overlapping or touching spans become one.

    >>> merge_spans([(5, 9), (0, 3), (3, 4), (8, 12)])
    [(0, 4), (5, 12)]
    """
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def line_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans of the non-blank lines in ``text[start:end]``, stripped of edge whitespace."""
    end = len(text) if end is None else end
    out = []
    for m in _LINE_RE.finditer(text, start, end):
        s, e = strip_span(text, *m.span())
        if e > s:
            out.append((s, e))
    return out


_SENTENCE_END = tuple(".!?\"'\u201d\u2019\u2026:;)*~-_")


def is_hard_wrapped(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when prose is hard-wrapped: paragraphs are blank-line-separated blocks of short lines.

    Gutenberg texts and many old archive .txt files wrap at ~70 columns; fic pasted from the
    web puts each paragraph on one line, sometimes with no blank line between paragraphs.
    The mark of wrapping is a line that stops mid-sentence and runs on in the next line.

    >>> is_hard_wrapped("He went out into the\\nrain and did not come\\nback until late that\\n" * 4)
    True
    >>> is_hard_wrapped('"Hi," she said.\\nHe nodded.\\n"Come in."\\nShe did.\\n' * 3)
    False
    """
    lines = line_spans(text, start, end)
    if len(lines) < 8:
        return False
    long_lines = sum(1 for s, e in lines if e - s > 100)
    if long_lines > len(lines) * 0.1:
        return False
    runs_on = sum(
        1
        for (s1, e1), (s2, _) in pairwise(lines)
        if "\n\n" not in text[e1:s2] and not text[s1:e1].endswith(_SENTENCE_END)
    )
    return runs_on > (len(lines) - 1) * 0.4


def paragraph_spans(
    text: str, start: int = 0, end: int | None = None, *, wrapped: bool | None = None
) -> list[tuple[int, int]]:
    """Paragraph spans in ``text[start:end]``: lines, or blank-line blocks for hard-wrapped text.

    ``wrapped`` None detects hard wrapping; HTML/EPUB text is one paragraph per line by the
    contract, so its callers pass False.
    """
    end = len(text) if end is None else end
    lines = line_spans(text, start, end)
    if not (is_hard_wrapped(text, start, end) if wrapped is None else wrapped):
        return lines
    out: list[tuple[int, int]] = []
    cur_s, cur_e = None, None
    for s, e in lines:
        if cur_s is not None and "\n\n" in text[cur_e:s].replace("\r", "").replace(" ", "").replace("\t", ""):
            out.append((cur_s, cur_e))
            cur_s = None
        if cur_s is None:
            cur_s = s
        cur_e = e
    if cur_s is not None:
        out.append((cur_s, cur_e))
    return out
