"""Which tokens sit inside quotation marks.

A light pass (the quotes stage does the real attribution): per paragraph, curly quotes pair
by direction; straight double quotes pair in order; an unclosed quote runs to the end of
the paragraph (fiction leaves a quote open when the speech continues in the next paragraph).

>>> text = 'He said, "Thanks Smallville." She smiled.'
>>> [text[s:e] for s, e in quote_spans(text, [(0, len(text))])]
['"Thanks Smallville."']

Paragraphs without double quotes may use single ones (British style); an apostrophe inside
a word ("don't") never opens or closes a quote:

>>> text = "'Thanks, Mrs H. You're a saint.' John didn't stay."
>>> [text[s:e] for s, e in quote_spans(text, [(0, len(text))])]
["'Thanks, Mrs H. You're a saint.'"]
"""

from __future__ import annotations

import re
from typing import Iterable

_OPENERS = re.compile('["\u201c\u00ab\u201e]')
# an opening single quote: not the start of a clitic split off by a tokenizer ("Tom 's")
_SINGLE_OPEN = re.compile("(?:^|(?<=[\\s(\\[\u2014\u2013-]))(?:\u2018|'(?!(?:s|t|ll|re|ve|d|m|em|n)\\b)(?=\\S))")
_SINGLE_CLOSE = re.compile("['\u2019](?=[\\s.,;:!?)\\]\u2014\u2013-]|$)")
OPEN = {"\u201c": "\u201d", "\u00ab": "\u00bb", "\u201e": "\u201d"}
STRAIGHT = '"'


def quote_spans(text: str, paragraphs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open spans (quote marks included) of quoted passages, in text order."""
    out: list[tuple[int, int]] = []
    for ps, pe in paragraphs:
        if _OPENERS.search(text, ps, pe) is None:
            out.extend(_single_quoted(text, ps, pe))
            continue
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


def _single_quoted(text: str, ps: int, pe: int) -> list[tuple[int, int]]:
    """Quotes marked with single quotation marks in ``text[ps:pe]``."""
    para = text[ps:pe]
    opens = [m.start() for m in _SINGLE_OPEN.finditer(para)]
    if not opens:
        return []
    closes = [m.start() for m in _SINGLE_CLOSE.finditer(para)]
    out = []
    k = 0
    end = -1
    for o in opens:
        if o <= end:
            continue
        while k < len(closes) and closes[k] <= o + 1:
            k += 1
        end = closes[k] if k < len(closes) else len(para) - 1
        out.append((ps + o, ps + end + 1))
    return out


# "Nick: hey u up?" -- a chat or script line: a name of one to three capitalised words, a
# colon, the message
_CHAT_RE = re.compile(r"([A-Z][\w'\u2019.-]*(?: [A-Z][\w'\u2019.-]*){0,2}):[ \t]+(?=\S)")
_NOT_SPEAKERS = frozenset(
    "a/n an note notes warning warnings summary rating disclaimer chapter title author authors pairing pairings "
    "fandom fandoms characters tags pov setting timeline prompt beta edit update ps p.s. tw cw".split()
)
MIN_CHAT_LINES = 3  # chat lines a text needs before its "Name:" lines are read as messages


def chat_spans(text: str, paragraphs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The messages of chat or script lines ("Nick: hey u up?"), as spans to read like
    quotations: their "I" and "you" are the sender's and the reader's, not the narration's.
    Only where at least ``MIN_CHAT_LINES`` such lines come from names that each send two.

    >>> t = "Nick: hey u up?\\n\\nCharlie: no\\n\\nNick: liar\\n\\nCharlie: i'm asleep\\n\\nWarning: none"
    >>> paras = [(m.start(), m.end()) for m in re.finditer(r"[^\\n]+", t)]
    >>> [t[s:e] for s, e in chat_spans(t, paras)]
    ['hey u up?', 'no', 'liar', "i'm asleep"]
    """
    lines: list[tuple[str, int, int]] = []
    for ps, pe in paragraphs:
        m = _CHAT_RE.match(text, ps, pe)
        if m and m.group(1).lower() not in _NOT_SPEAKERS:
            lines.append((m.group(1), m.end(), pe))
    counts: dict[str, int] = {}
    for name, _, _ in lines:
        counts[name] = counts.get(name, 0) + 1
    kept = [(s, e) for name, s, e in lines if counts[name] >= 2]
    return kept if len(kept) >= MIN_CHAT_LINES else []
