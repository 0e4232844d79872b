"""Find quotations in the text: marks, dashes and italics, one paragraph at a time.

Quotation marks are matched inside each paragraph, so one stray mark can never swallow a
chapter. A quotation may run on across paragraphs only the way printed dialogue does it:
the paragraph ends with the quote still open and the next paragraph opens with a mark.
Otherwise an unclosed quote is closed at the end of its paragraph (``closed=False``).

The document's dialogue style is chosen once: double marks (straight or curly), single
marks (British style: apostrophes in "don't", "the Kents' farm" and "'cause" are not
quotes), or em-dash lines. Marks of the other kind inside a quote are nested quotes and
stay part of the outer quotation.

>>> text = 'He said, "Hi." She smiled.\\n"Bye," she said, "for now."'
>>> paras = [(0, 26), (27, len(text))]
>>> [text[q.start:q.end] for q in find_quotations(text, paras)]
['"Hi."', '"Bye,"', '"for now."']
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .lexicon import elisions, speech_verbs

DOUBLE_MARKS = '"\u201c\u201d'
SINGLE_MARKS = "'\u2018\u2019"
SPLIT_TAG_WORDS = 8  # a tag between two halves of one speech ("said her father;") is short
DASH_TAG_WORDS = 8  # a tag sentence in dash dialogue ("he cried briskly") is short
DASH_STARTS = ("\u2014", "\u2013", "\u2015", "--")
# characters after which a mark opens a quotation rather than closing one
OPEN_CONTEXT = " \t\n([{\u2014\u2013-/\"\u201c\u2018"
CLOSE_FOLLOW = " \t\n.,;:!?)]}\u2014\u2013-\u2026\"\u201d\u2019'*_"
SENTENCE_PUNCT = set(".,!?\u2026;:\u2014\u2013")


@dataclass(slots=True)
class Found:
    """A quotation found in the text, before attribution."""

    start: int  # offset of the opening mark (or dash)
    end: int  # just after the closing mark (or the paragraph's last character)
    para: int  # paragraph index where it opens
    last_para: int  # paragraph index where it ends (> para for a multi-paragraph speech)
    style: str  # double single dash italic
    closed: bool = True
    kind: str = "speech"  # speech thought written other


# ----------------------------------------------------------------------------- style


_SINGLE_OPEN_RE = re.compile(r"(?:^|(?<=[\s(\[\u2014\u2013\"\u201c]))['\u2018](?=([A-Za-z]+))")


def choose_style(text: str, paras: Sequence[tuple[int, int]]) -> str:
    """'double' or 'single': which marks open dialogue in this document."""
    if not paras:
        return "double"
    s, e = paras[0][0], paras[-1][1]
    doubles = sum(text.count(c, s, e) for c in DOUBLE_MARKS)
    skip = elisions()
    singles = sum(1 for m in _SINGLE_OPEN_RE.finditer(text, s, e) if m.group(1).lower() not in skip)
    return "single" if singles >= 2 and singles > doubles / 2 else "double"


def _dash_line(text: str, s: int, e: int) -> bool:
    """A paragraph opening with a dash and then a capitalised word ("— Come up, Kinch!")."""
    if not text.startswith(DASH_STARTS, s):
        return False
    rest = text[s : min(e, s + 8)].lstrip("\u2014\u2013\u2015- ")
    return rest[:1].isupper() or rest[:1] in "\"'\u201c\u2018"


def uses_dashes(text: str, paras: Sequence[tuple[int, int]]) -> bool:
    """Em-dash dialogue: several paragraphs open with a dash, more than open with a mark."""
    dash = sum(1 for s, e in paras if _dash_line(text, s, e))
    marks = sum(1 for s, _ in paras if text[s] in DOUBLE_MARKS + SINGLE_MARKS)
    return dash >= 2 and dash > marks


# ----------------------------------------------------------------------------- marks


def _before(text: str, p: int, s: int) -> str:
    return text[p - 1] if p > s else " "


def _after(text: str, p: int, e: int) -> str:
    return text[p + 1] if p + 1 < e else " "


def _scan_double(text: str, s: int, e: int) -> list[list]:
    """[[open, close or None], ...] for double marks in one paragraph."""
    out: list[list] = []
    open_at: int | None = None
    for p in range(s, e):
        c = text[p]
        if c not in DOUBLE_MARKS:
            continue
        before, after = _before(text, p, s), _after(text, p, e)
        looks_open = before in OPEN_CONTEXT and not after.isspace() and after not in ".,;:!?"
        if open_at is None:
            if c == "\u201d" or (c == '"' and not before.isspace() and before not in OPEN_CONTEXT):
                continue  # a stray closing mark: nothing to close
            open_at = p
        elif c == "\u201c" or (c == '"' and looks_open and before.isspace() and after.isalnum()):
            # a new opening mark while one is open: the first was never closed
            out.append([open_at, None])
            open_at = p
        else:
            out.append([open_at, p + 1])
            open_at = None
    if open_at is not None:
        out.append([open_at, None])
    return out


def _is_single_open(text: str, p: int, s: int, e: int, inside: bool) -> bool:
    c = text[p]
    if c not in "'\u2018":
        return False
    before, after = _before(text, p, s), _after(text, p, e)
    if before not in OPEN_CONTEXT or after.isspace():
        return False
    m = re.match(r"[A-Za-z0-9]+", text[p + 1 : e])
    word = m.group(0).lower() if m else ""
    # "'cause", "'em": an elision, unless it starts the paragraph (then it opens the speech)
    if word in elisions() and (inside or text[s:p].strip()):
        return False
    return not inside


def _is_single_close(text: str, p: int, s: int, e: int) -> bool:
    c = text[p]
    if c not in "'\u2019":
        return False
    before, after = _before(text, p, s), _after(text, p, e)
    return not before.isspace() and (after in CLOSE_FOLLOW)


def _scan_single(text: str, s: int, e: int) -> list[list]:
    """[[open, close or None], ...] for single-mark dialogue in one paragraph."""
    out: list[list] = []
    open_at: int | None = None
    closers = [p for p in range(s, e) if _is_single_close(text, p, s, e)]
    ci = 0
    p = s
    while p < e:
        if open_at is None:
            if _is_single_open(text, p, s, e, False):
                open_at = p
            p += 1
            continue
        while ci < len(closers) and closers[ci] <= open_at:
            ci += 1
        if ci >= len(closers):
            break
        q = closers[ci]
        ci += 1
        # "the Kents' farm": s' followed by a lower-case word is a plural possessive
        # when a later closing mark can end the quote instead
        nxt = text[q + 1 : q + 3]
        if text[q - 1] in "sS" and ci < len(closers) and nxt[:1] == " " and nxt[1:2].islower():
            continue
        out.append([open_at, q + 1])
        open_at = None
        p = q + 1
    if open_at is not None:
        out.append([open_at, None])
    return out


def _trim_end(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1].isspace():
        e -= 1
    return e


def _soft_breaks(text: str, paras: Sequence[tuple[int, int]]) -> list[bool]:
    """For each paragraph, whether the next one is only the next line of it: a single line
    break in a text whose paragraphs are set apart by blank lines (verse read aloud, a letter's
    lines), so a quotation open at its end goes on there though no mark opens that line."""
    gaps = [text[e:s2] for (_, e), (s2, _) in zip(paras, paras[1:])]
    blank = sum(g.count("\n") >= 2 for g in gaps)
    if not gaps or blank * 2 < len(gaps):
        return [False] * len(paras)
    return [g.count("\n") == 1 for g in gaps] + [False]


def _mark_quotes(text: str, paras: Sequence[tuple[int, int]], style: str) -> list[Found]:
    scan = _scan_single if style == "single" else _scan_double
    per_para = [scan(text, s, e) for s, e in paras]
    soft = _soft_breaks(text, paras) if style == "double" else [False] * len(paras)
    out: list[Found] = []
    pending: Found | None = None  # a speech running on into the next paragraph
    lines_on: Found | None = None  # ... into the next line of the same paragraph (``soft``)
    for pi, ((s, e), segs) in enumerate(zip(paras, per_para)):
        if lines_on is not None:
            close = next((p for p in range(s, e) if text[p] in DOUBLE_MARKS), None)
            lines_on.last_para = pi
            if close is None:
                lines_on.end = _trim_end(text, s, e)
                if not soft[pi]:
                    out.append(lines_on)
                    lines_on = None
                continue
            lines_on.end, lines_on.closed = close + 1, True
            out.append(lines_on)
            lines_on = None
            segs = scan(text, close + 1, e)
        for k, (o, c) in enumerate(segs):
            if pending is not None:
                if k == 0 and o == s:
                    pending.last_para = pi
                    if c is not None:
                        pending.end, pending.closed = c, True
                        out.append(pending)
                        pending = None
                    else:
                        pending.end = _trim_end(text, s, e)
                    continue
                out.append(pending)
                pending = None
            if c is not None:
                out.append(Found(o, c, pi, pi, style))
                continue
            nxt_end = segs[k + 1][0] if k + 1 < len(segs) else e
            close = _trim_end(text, o, nxt_end)
            is_last = k + 1 == len(segs)
            if is_last and soft[pi] and not _opens_with_mark(text, paras[pi + 1], style):
                lines_on = Found(o, close, pi, pi, style, closed=False)
            elif is_last and pi + 1 < len(paras) and _opens_with_mark(text, paras[pi + 1], style) and _runs_on(text, o, close):
                pending = Found(o, close, pi, pi, style, closed=False)
            else:
                out.append(Found(o, close, pi, pi, style, closed=False))
        if pending is not None and pending.last_para < pi:
            out.append(pending)
            pending = None
    if pending is not None:
        out.append(pending)
    if lines_on is not None:
        out.append(lines_on)
    return out


# a speech that runs on over paragraphs is a long one (a story told, a pep talk); a short line
# left open before a quoted paragraph is a closing mark forgotten in a hurry ('"We need the
# top tier off before Hannah sees it.' then '"I want to MOVE it."': two speakers)
RUN_ON_MIN_WORDS = 15


def _runs_on(text: str, o: int, end: int) -> bool:
    """Whether an open quotation ending its paragraph goes on in the next ("My dearest
    Margit," over the letter's body does too)."""
    said = text[o:end].rstrip()
    return len(said.split()) >= RUN_ON_MIN_WORDS or said.endswith((",", ":", ";"))


def _opens_with_mark(text: str, para: tuple[int, int], style: str) -> bool:
    s, e = para
    if style == "single":
        return _is_single_open(text, s, s, e, False)
    return text[s] in '"\u201c'


# ----------------------------------------------------------------------------- dashes


def _dash_quotes(text: str, paras: Sequence[tuple[int, int]]) -> list[Found]:
    """Em-dash dialogue: from the dash to an inner dash or a ", said X" tag, or the paragraph end."""
    verbs = speech_verbs()
    out = []
    for pi, (s, e) in enumerate(paras):
        if not _dash_line(text, s, e):
            continue
        body_start = s + (2 if text.startswith("--", s) else 1)
        end = e
        for m in re.finditer(r"\s*(?:\u2014|\u2013|--)\s*|[,.!?]\s+", text[body_start:e]):
            rest = text[body_start + m.end() : e].split()
            head = [w.strip(".,!?;:").lower() for w in rest[:3]]
            is_dash = not m.group(0).strip()[:1] in ",.!?"
            # "— It's a normal noise for her. — Rey didn't look round.": after a full stop the
            # dash opens narration, capitalised or not; "— Slander. Rey, tell him": a name
            # with a comma is spoken to, and "tell" is no tag
            before = text[body_start : body_start + m.start()].rstrip()
            after_stop = is_dash and before[-1:] in (".", "!", "?")
            said_to = m.group(0).strip() == "," and re.search(r"(?:^|[.!?]\s+)[A-Z][\w'-]*$", before)
            vocative = (bool(rest) and rest[0].endswith(",")) or bool(said_to)
            if (is_dash and rest and (rest[0][:1].islower() or after_stop)) or (not vocative and any(w in verbs for w in head[:3] if w)):
                end = body_start + m.start() + (0 if is_dash else 1)
                break
        out.append(Found(s, _trim_end(text, s, end), pi, pi, "dash"))
        # "— Yes — he said — I am.": the speech resumes after the tag's closing dash;
        # "— Thanks, he cried briskly. That will do.": ... or after a short tag sentence
        if end < e:
            dashes = list(re.finditer(r"(?:\u2014|\u2013|--)\s*(?=\S)", text[end:e]))
            if len(dashes) >= 2:
                out.append(Found(end + dashes[1].start(), e, pi, pi, "dash"))
            else:
                stop = re.search(r"[.!?]\s+(?=[A-Z\u2018\u201c\"'])", text[end:e])
                if stop and len(text[end : end + stop.start()].split()) <= DASH_TAG_WORDS:
                    out.append(Found(end + stop.end(), _trim_end(text, end + stop.end(), e), pi, pi, "dash"))
    return out


# ----------------------------------------------------------------------------- italics


def _italic_thoughts(text: str, paras: Sequence[tuple[int, int]], emphasis, taken: list[Found]) -> list[Found]:
    """Italic spans that read as a thought: a sentence, not a stressed word or a title."""
    if not emphasis or not paras:
        return []
    starts = [s for s, _ in paras]
    taken_spans = sorted((f.start, f.end) for f in taken)
    out = []

    for em in emphasis:
        if em.start < paras[0][0] or em.end > paras[-1][1]:
            continue
        if _overlaps(taken_spans, em.start, em.end):
            continue
        inner = text[em.start : em.end].strip()
        words = inner.split()
        sentence_like = inner[-1:] in ".!?\u2026" or len(words) >= 4
        if len(words) < 2 or not sentence_like:
            continue
        pi = bisect.bisect_right(starts, em.start) - 1
        out.append(Found(em.start, em.end, pi, pi, "italic", kind="thought"))
    return out


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps any of the sorted, non-nested ``spans`` (binary search)."""
    k = bisect.bisect_left(spans, (end, end))
    return k > 0 and spans[k - 1][1] > start


# ----------------------------------------------------------------------------- kinds


# words that open a tag or carry on the speech after a short quotation ("no" he said, "yes" and)
FOLLOWERS = frozenset("he she i they we you it his her someone somebody and or but then".split())
TITLE_WORDS = 10  # a title in title case may run longer than a quoted word or two
_MINOR = frozenset("a an the of and or but nor for to in on at by from with as into upon".split())


def _title_case(words: list[str]) -> bool:
    """"The Lay of the Drowned Ferryman": every word capitalised but the small ones."""
    return words[0][:1].isupper() and all(w[:1].isupper() or w.lower() in _MINOR for w in words)


def _speech_verb_in(words: Sequence[str]) -> bool:
    verbs = speech_verbs()
    return any(w.lower().strip(".,;:") in verbs for w in words)


def _is_other(text: str, f: Found, para_start: int, para_end: int) -> bool:
    """Titles, scare quotes, a quoted word: short, unpunctuated, inside a sentence."""
    inner = text[f.start + 1 : f.end - 1].strip()
    words = inner.split()
    if not words:
        return True
    # a comma or full stop kept inside the closing mark ("the \u201cparlour,\u201d he called it")
    # does not make a quoted word speech
    if len(words) > (TITLE_WORDS if _title_case(words) else 5) or any(ch in SENTENCE_PUNCT for ch in inner.rstrip(",.")):
        return False
    prefix = text[para_start : f.start].rstrip()
    if not prefix or prefix[-1] in ",:;.!?\"\u201d\u2019'\u2014\u2013-":
        # it opens a sentence or follows a comma/colon: dialogue; but not a word or two the
        # sentence runs on through ("by his own account, \u201ctechnically\u201d still at work")
        # (or after a colon, the sentence going on past a comma: 'in faded brown ink ...:
        # “onyons”, underlined twice')
        nxt = text[f.end : para_end].split()[:1]
        rest = text[f.end : para_end].lstrip()
        then = rest[1:].split()[:1] if rest.startswith(",") else []
        runs_on = bool(then) and then[0][:1].islower() and then[0].lower() not in FOLLOWERS
        if not (prefix and len(words) <= 2 and inner[-1:].isalpha() and (
                (prefix[-1] == "," and nxt and nxt[0][:1].islower() and nxt[0].lower() not in FOLLOWERS)
                or (prefix[-1] == ":" and runs_on and not _speech_verb_in(re.split(r"[.!?]\s", prefix)[-1].split())))):
            return False
    verbs = speech_verbs()
    closed = max(prefix.rfind(m) for m in ('"', "\u201d"))
    tag = prefix[closed + 1 :].split() if closed >= 0 else []
    if 0 < len(tag) <= SPLIT_TAG_WORDS and _speech_verb_in(tag):
        return False  # '"...," said her father, "she times them ill."': the speech goes on
    before = prefix.split()[-1].lower().strip(".,;:")
    after = [w.lower().strip(".,;:!?") for w in text[f.end : para_end].split()[:3]]
    return before not in verbs and not any(w in verbs for w in after)


def find_quotations(
    text: str,
    paras: Sequence[tuple[int, int]],
    emphasis: Sequence = (),
) -> list[Found]:
    """Every quotation in the given paragraphs (offsets into ``text``), in text order."""
    paras = [(s, e) for s, e in paras if e > s]
    if not paras:
        return []
    found = _mark_quotes(text, paras, choose_style(text, paras))
    if uses_dashes(text, paras):
        dashed = _dash_quotes(text, paras)
        dash_spans = sorted((d.start, d.end) for d in dashed)
        found = [f for f in found if not _overlaps(dash_spans, f.start, f.start + 1)] + dashed
    for f in found:
        if f.style != "dash" and f.para == f.last_para and _is_other(text, f, *paras[f.para]):
            f.kind = "other"
    found += _italic_thoughts(text, paras, emphasis, found)
    found.sort(key=lambda f: f.start)
    return found
