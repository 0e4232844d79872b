"""Chapters and scene breaks inside a body of plain text.

A *break line* is a whole line that structures the story instead of telling it:

- a **heading** starts a chapter: "Chapter 3", "Chapter Three: The Barn", "CHAPTER IV",
  "Part II", "Prologue", "Epilogue", "1.", "~ 2 ~", Markdown "# Chapter 1";
- a **separator** splits scenes: "* * *", "***", "---", "--", "~~~", "xXx", "oOo", "#", "<>",
  "+++", a line of "=" or "_", "Line Break";
- a **POV line** ("Clark POV:", "Lois's POV", "POV: Lana") switches viewpoint, which fans use
  as a scene break too.

Chapters and scenes are spans of prose: they never include their heading or separator line.

>>> classify_line("Chapter Three: The Barn")
('heading', 'Chapter Three: The Barn')
>>> classify_line("~ 2 ~")
('heading', '2')
>>> classify_line("* * *")
('separator', None)
>>> classify_line("xXx")
('separator', None)
>>> classify_line("Lana's POV:")
('pov', 'Lana')
>>> classify_line("Chapter one was the hardest to write, she said.") is None
True
>>> is_bare_heading("Chapter 3"), is_bare_heading("Chapter 3: The Barn")
(True, False)
>>> text = "Chapter 1\\n\\nClark ran.\\n\\n* * *\\n\\nLois hid.\\n\\nChapter 2\\n\\nThe end.\\n"
>>> body = Span(0, len(text) - 1)
>>> [(text[c.start:c.end], c.title) for c in find_chapters(text, body)]
[('Clark ran.\\n\\n* * *\\n\\nLois hid.', 'Chapter 1'), ('The end.', 'Chapter 2')]
>>> [text[s.start:s.end] for s in find_scenes(text, body, find_chapters(text, body))]
['Clark ran.', 'Lois hid.', 'The end.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .model import Chapter, Span
from .resources import load_json
from .text import is_hard_wrapped, line_spans, strip_span

# characters a separator line may be made of (plus spaces); letters only as "xXx"/"oOo" runs
_SEP_SYMBOLS = set("*~=_#+-—–.·•<>°^|/\\:§¤♦◆◇●○★☆♥❤❦❧✿%@&")
_SEP_LETTERS = re.compile(r"^[xXoO0]{3,}$")
_SEP_WORDS = re.compile(r"^(?:line|page|scene)\s*-?\s*break|^lb$|^time\s*-?\s*skip$|^break$", re.IGNORECASE)

# decoration fans wrap around headings and POV lines: "~*~ Chapter 1 ~*~", "**Lana POV**", "[Part II]"
_DECOR = " \t\r*_~=-–—[](){}<>|:#.+•·"
_MD_HEADING = re.compile(r"^(#{1,6})\s+(?P<title>\S.*?)\s*#*\s*$")
_ROMAN = r"(?=[IVXLC])M{0,3}(?:C[MD]|D?C{0,3})(?:X[CL]|L?X{0,3})(?:I[XV]|V?I{0,3})"

_NAME = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}"
_POV_RE = re.compile(
    rf"^(?:(?P<a>{_NAME})(?:['’]s|s['’])?\s+(?i:pov|p\.\s?o\.\s?v\.?|point\s+of\s+view)"
    rf"|(?i:pov|p\.o\.v\.?|point\s+of\s+view)\s*[:\-–—]?\s*(?P<b>{_NAME})(?:['’]s)?)\s*:?$"
)


@dataclass(frozen=True, slots=True)
class BreakLine:
    """One structural line: ``kind`` is heading, separator or pov; ``value`` a title or a name."""

    kind: str
    start: int
    end: int
    value: str | None = None


@lru_cache(maxsize=1)
def _heading_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    data = load_json("data", "frontmatter", "headings.json")
    words = "|".join(sorted(data["numbers"], key=len, reverse=True))
    ords = "|".join(data["ordinals"])
    number = rf"(?:\d{{1,4}}|{_ROMAN}|(?:{words})(?:[\s-]+(?:{words}))*)"
    sections = "|".join(re.escape(w) for w in data["section_words"])
    # "Chapter 3", "Chapter Three: The Barn", "CHAPTER IV", "Ch. 3 - Home", "Part II", "Final Chapter"
    section = re.compile(
        rf"^(?:(?:{sections})\.?\s*{number}|(?:{ords})\s+(?:chapter|part))\b(?P<rest>.*)$", re.IGNORECASE
    )
    standalone = "|".join(re.escape(w) for w in data["standalone"])
    alone = re.compile(rf"^(?:{standalone})\b(?P<rest>.*)$", re.IGNORECASE)
    # "1.", "2)", "IV", "12. The Barn": a bare number (or roman numeral) as the whole heading
    bare = re.compile(rf"^(?:\d{{1,3}}|{_ROMAN})(?:[.)]|\s*[:\-–—])?(?:\s+(?P<rest>[A-Z].*))?$")
    return section, alone, bare


def _strip_decor(line: str) -> str:
    s = line.strip().replace("**", "").replace("__", "")
    return s.strip(_DECOR)


def _is_separator(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 60:
        return False
    core = "".join(ch for ch in s if ch not in _SEP_SYMBOLS and not ch.isspace())
    if not core:
        return True
    if _SEP_LETTERS.match(core):
        return True
    return bool(_SEP_WORDS.match(_strip_decor(s)))


def _heading_title(line: str) -> str | None:
    """The title a heading line announces, or None when the line is not a heading."""
    raw = line.strip()
    if len(raw) > 100:
        return None
    md = _MD_HEADING.match(raw)
    if md:
        return _strip_decor(md.group("title")) or None
    s = _strip_decor(raw)
    if not s or len(s.split()) > 14 or s.startswith(('"', "“", "'", "‘")):
        return None
    section, alone, bare = _heading_patterns()
    for pattern in (section, alone):
        m = pattern.match(s)
        if m and _rest_is_title(m.group("rest")):
            return s
    m = bare.match(s)
    if m and (m.group("rest") is None or _rest_is_title(" " + m.group("rest"), strict=True)):
        return s.rstrip(".)")
    return None


_SMALL_WORDS = {"a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "with", "by", "from", "as"}


def _rest_is_title(rest: str | None, *, strict: bool = False) -> bool:
    """What follows "Chapter 3" must be a title ("- The Barn", ": home"), not a sentence.

    After a bare space the words must look like a title: "Chapter 3 The Barn" is a heading,
    "CHAPTER I There was no possibility of taking a walk" (a heading run into the first
    sentence) is not. ``strict`` (bare numbers: "1. The Barn") also refuses a final full stop.
    """
    if not rest or not rest.strip():
        return True
    r = rest.strip()
    words = r.split()
    if len(words) > 10 or r.endswith((",", ";")) or (strict and r.endswith(".") and not r.endswith("...")):
        return False
    if rest[0] in ":.-–—)|" and not strict:
        return True
    if not rest[0].isspace() and rest[0] not in ":.-–—)|" or r[0].islower():
        return False
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    capped = sum(1 for w in content if not w[0].isalpha() or w[0].isupper())
    # "Chapter one was hard" is prose; "Chapter 3 The Barn" and "Part II In Which Clark Runs" are headings
    return len(words) <= 3 and capped >= 1 or capped >= 0.7 * max(1, len(content))


def is_bare_heading(title: str | None) -> bool:
    """'Chapter 3', 'Part II', '4' carry no title of their own ('Chapter 3: The Barn' does)."""
    if not title:
        return False
    section, _, bare = _heading_patterns()
    m = section.match(title) or bare.match(title)
    return bool(m) and not (m.group("rest") or "").strip(" .:-–—")


def pov_name(line: str) -> str | None:
    """'Lana POV:' / "Lana's POV" / 'POV: Lana' / '~Clark's P.O.V.~' -> the name, else None."""
    s = line.strip().replace("**", "").replace("__", "").strip(" \t*_~=-–—[](){}<>|#")
    if not s or len(s) > 60:
        return None
    m = _POV_RE.match(s)
    if not m:
        return None
    return re.sub(r"(?:['’]s|['’])$", "", (m.group("a") or m.group("b")).strip())


def classify_line(line: str) -> tuple[str, str | None] | None:
    """('heading', title) | ('separator', None) | ('pov', name) | None for a line of prose."""
    name = pov_name(line)
    if name:
        return ("pov", name)
    title = _heading_title(line)
    if title is not None:
        return ("heading", title)
    if _is_separator(line):
        return ("separator", None)
    return None


def find_breaks(text: str, body: Span) -> list[BreakLine]:
    """Every heading, separator and POV line inside ``body``, in order."""
    out = []
    for s, e in line_spans(text, body.start, body.end):
        c = classify_line(text[s:e])
        if c:
            out.append(BreakLine(c[0], s, e, c[1]))
    return out


def find_chapters(text: str, body: Span) -> list[Chapter]:
    """Chapters of ``body`` split at heading lines; each spans its prose (not the heading).

    Prose before the first heading is a chapter with no title; a heading with no prose under
    it ("Part One" straight before "Chapter 1") lends its title to the next chapter. A body
    without headings is one chapter spanning the body.
    """
    headings = [b for b in find_breaks(text, body) if b.kind == "heading"]
    chapters: list[Chapter] = []
    cursor, title, carried = body.start, None, None
    for h in headings + [BreakLine("end", body.end, body.end)]:
        s, e = strip_span(text, cursor, h.start)
        if e > s:
            chapters.append(Chapter(s, e, title))
            carried = None
        elif title is not None:
            carried = title
        if h.kind == "end":
            break
        title = f"{carried}, {h.value}" if carried else h.value
        carried = None
        cursor = h.end
    if not chapters:
        s, e = strip_span(text, body.start, body.end)
        chapters.append(Chapter(s, e, None))
    return chapters


def find_scenes(text: str, body: Span, chapters: list[Chapter], named: list[BreakLine] | None = None) -> list[Span]:
    """Scenes: chapter prose split at separator and POV lines (``named``: the name-only
    headings, ``name_lines``, found when not given), without those lines."""
    scenes: list[Span] = []
    named = name_lines(text, body) if named is None else named
    for ch in chapters or [Chapter(body.start, body.end)]:
        cursor = ch.start
        cuts = [b for b in find_breaks(text, Span(ch.start, ch.end)) if b.kind in ("separator", "pov")]
        cuts = sorted(cuts + [b for b in named if ch.start <= b.start < ch.end], key=lambda b: b.start)
        for b in cuts + [BreakLine("end", ch.end, ch.end)]:
            s, e = strip_span(text, cursor, b.start)
            if e > s:
                scenes.append(Span(s, e))
            cursor = b.end
    return scenes


_LINE_END = frozenset(".!?\"'\u201d\u2019\u2026:;)*~-_=#>]")  # what a line before a heading ends with
_NAME_LINE = re.compile(r"^(?:[A-Z][A-Za-z'’-]{1,19}|[A-Z][a-z'’-]+ [A-Z][a-z'’-]+)$")


def name_lines(text: str, body: Span) -> list[BreakLine]:
    """Lines that are only a name ("JOHN", "~ Sherlock ~") where a story heads its POV sections
    with them: two or more such lines, each its own paragraph, each name also written in the
    prose (one of them mid-sentence, as names are), none a word of time ("Later",
    "Meanwhile"). Which of them are people is for the characters stage to tell (a place
    heading is a name too).

    >>> t = "JOHN\\n\\nI woke. Then Sherlock called.\\n\\nSHERLOCK\\n\\nI said, John.\\n\\nLater\\n\\nNo."
    >>> [(b.value, t[b.start:b.end]) for b in name_lines(t, Span(0, len(t)))]
    [('John', 'JOHN'), ('Sherlock', 'SHERLOCK')]
    """
    wrapped = is_hard_wrapped(text, body.start, body.end)
    lines = line_spans(text, body.start, body.end)
    found = []
    for i, (s, e) in enumerate(lines):
        name = line_name(text[s:e])
        if name is None:
            continue
        before = text[lines[i - 1][0] : lines[i - 1][1]] if i else ""
        if before and before[-1] not in _LINE_END and not classify_line(before):
            continue  # a sentence running on: a wrapped paragraph's last word on a line of its own
        alone = i + 1 == len(lines) or text.count("\n", e, lines[i + 1][0]) >= 2
        if wrapped and not alone:
            continue
        found.append(BreakLine("pov", s, e, name))
    if len(found) < 2:
        return []
    prose = text[body.start : body.end]
    for b in found:  # the heading lines themselves are not the prose that uses the names
        prose = prose[: b.start - body.start] + " " * (b.end - b.start) + prose[b.end - body.start :]
    keep = [b for b in found if b.value.lower() not in _TIME_WORDS and re.search(rf"\b{re.escape(b.value)}\b", prose)]
    mid = any(re.search(rf"(?:[a-z,;]|—)[ \t]+{re.escape(b.value)}\b", prose) for b in keep)
    return keep if len(keep) >= 2 and mid else []


# one-word lines that head a section by time, not by whose it is
_TIME_WORDS = frozenset(
    "later meanwhile now then before after earlier afterwards morning evening night noon midnight today "
    "tonight tomorrow yesterday present past flashback interlude end fin elsewhere".split()
)


def line_name(raw: str) -> str | None:
    """The name a line consists of ("JOHN" -> "John", "~ Sherlock ~"), else None."""
    if len(raw) > 30 or raw[-1:] in ".!?,;\"”’…" or classify_line(raw):
        return None
    core = _strip_decor(raw)
    if not _NAME_LINE.match(core):
        return None
    return " ".join(w.capitalize() if w.isupper() else w for w in core.split())


def pov_switches(text: str, notes, people: set[str] | None = None) -> list[tuple[int, str]]:
    """``(offset, name)`` of each POV line among a work's notes ("Annabeth POV" ... "Percy
    POV"), in reading order: where a story told by several first-person narrators hands the
    "I" from one to the next. A line that is only a name ("JOHN") counts when the name is one
    of ``people`` (lower-cased names of the story's characters), never without them.

    >>> from ficlens.model import Note
    >>> t = "Ann POV\\n\\nI ran.\\n\\nBo's POV\\n\\nI hid."
    >>> pov_switches(t, [Note("pov", 0, 7), Note("author_note", 9, 15), Note("pov", 17, 25)])
    [(0, 'Ann'), (17, 'Bo')]
    """
    out = []
    for n in sorted(notes, key=lambda n: n.start):
        if n.kind == "pov":
            line = text[n.start : n.end]
            name = pov_name(line)
            if name is None and people:
                bare = line_name(line)
                name = bare if bare and bare.split()[0].lower() in people else None
            if name:
                out.append((n.start, name))
    return out
