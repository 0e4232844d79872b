"""Which tokens sit inside quotation marks.

A light pass (the quotes stage does the real attribution): per paragraph, curly quotes pair
by direction; straight double quotes pair in order; an unclosed quote runs to the end of
the paragraph (fiction leaves a quote open when the speech continues in the next paragraph).

>>> text = 'He said, "Thanks Smallville." She smiled.'
>>> [text[s:e] for s, e in quote_spans(text, [(0, len(text))])]
['"Thanks Smallville."']
"""

from __future__ import annotations

import re
from typing import Iterable

_OPENERS = re.compile('["\u201c\u00ab\u201e]')
OPEN = {"\u201c": "\u201d", "\u00ab": "\u00bb", "\u201e": "\u201d"}
STRAIGHT = '"'


def quote_spans(text: str, paragraphs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open spans (quote marks included) of quoted passages, in text order."""
    out: list[tuple[int, int]] = []
    for ps, pe in paragraphs:
        i = ps
        while i < pe:
            m = _OPENERS.search(text, i, pe)
            if m is None:
                break
            i = m.start()
            ch = text[i]
            close = OPEN.get(ch, STRAIGHT)
            j = text.find(close, i + 1, pe)
            if ch != STRAIGHT and j < 0:
                # a straight or mismatched closer still ends the quote
                j = text.find(STRAIGHT, i + 1, pe)
            end = pe if j < 0 else j + 1
            out.append((i, end))
            i = end
    return out


def token_flags(tokens, spans: list[tuple[int, int]]) -> list[bool]:
    """``flags[i]`` is True when token ``i`` starts inside one of ``spans`` (both sorted)."""
    flags = [False] * len(tokens)
    k = 0
    for t in tokens:
        while k < len(spans) and spans[k][1] <= t.start:
            k += 1
        if k < len(spans) and spans[k][0] <= t.start < spans[k][1]:
            flags[t.i] = True
    return flags
