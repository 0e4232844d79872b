"""Front and back matter of bare text: where the story starts and ends, and what it declares.

Fans wrap a story in blocks that are not narrative: a title and "By" line, "Summary:",
"Disclaimer: I don't own Smallville", "Rated T", "Warning: character death",
"Pairing: Clark/Lois", "A/N: ...", "Lana POV:", "Set after season 3", separator lines, and at
the end a closing "A/N" or "Thanks for reading! Please review". ``apply_front_matter`` finds
those blocks at the top of the text, at the edges of every chapter and at the very end,
records each as a ``Note`` with its offsets, fills ``metadata`` from them, and sets
``body`` to the narrative prose between. The text itself is never changed.

How it reads (the text is cut into paragraph units: lines, joined where a paragraph was hard-wrapped):

1. **Head**: from the top, take units while each is a recognisable piece of front matter
   (``frontmatter_patterns``). The first unit may be a title. An unlabelled paragraph is
   taken only when it reads as the author talking ("Thanks to my beta!") and, unless it has
   a strong cue, only when a separator or heading closes the header after it. The first
   unit that is none of these is where the story starts.
2. **Chapters**: ``structure.find_chapters`` splits the rest at headings; each chapter's
   own edges are scanned the same way (chapter-top A/N, POV line, chapter-end notes).
3. **Tail**: from the end of each chapter backwards, "A/N", "Thanks for reading", "Please
   review", "The End", disclaimers and separators, with author-talk paragraphs between them.

Prose is never eaten on a guess: dialogue, or a paragraph without author-talk cues, ends a scan.

>>> from ficlens.model import Source
>>> text = "The Barn\\nBy lois_lane_fan\\nRated T\\n\\n* * *\\n\\nClark ran.\\n\\nA/N: Please review!\\n"
>>> w = apply_front_matter(Work(text, Source(None, "txt", ""), Span(0, 0)))
>>> w.metadata.title, w.metadata.authors, w.metadata.rating
('The Barn', ['lois_lane_fan'], 'Teen And Up Audiences')
>>> text[w.body.start:w.body.end]
'Clark ran.'
>>> [(n.kind, text[n.start:n.end]) for n in w.metadata.notes]
[('rating', 'Rated T'), ('author_note', 'A/N: Please review!')]
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import frontmatter_patterns as fp
from .frontmatter_fields import fill_metadata
from .model import Chapter, Metadata, Span, Work
from .structure import BreakLine, classify_line, find_breaks, find_chapters, find_scenes, is_bare_heading, name_lines
from .text import line_spans, strip_span

# fields whose value is free text that may run on over several paragraphs
TEXT_FIELDS = frozenset({"summary", "author_note", "disclaimer", "dedication", "spoilers", "prompt", "feedback"})
# at most this many unlabelled paragraphs are taken as one note without a label
MAX_STRETCH = 4
# the tail scan looks no further back than this many paragraphs
MAX_TAIL = 30


@dataclass(slots=True)
class Unit:
    """One paragraph unit: its span, its text cleaned of decoration, and a blank line before it."""

    start: int
    end: int
    raw: str
    clean: str
    gap: bool


@dataclass
class Item:
    """One recognised piece of front/back matter: ``field`` names what it declares."""

    field: str  # a labels.json field, or title / separator / heading
    start: int
    end: int
    value: str = ""
    names: list[str] = field(default_factory=list)
    where: str = "head"  # head (top of the work), chapter (a chapter's edge), tail (after the story)


def _units(text: str, start: int, end: int) -> list[Unit]:
    """Paragraph units of ``text[start:end]``: lines, joined where a paragraph was hard-wrapped."""
    out: list[Unit] = []
    for s, e, gap in _paragraphs(text, start, end):
        for i, (ps, pe) in enumerate(_label_segments(text, s, e)):
            raw = text[ps:pe]
            out.append(Unit(ps, pe, raw, fp.clean(raw), gap and i == 0))
    return out


# a line ending like this closes its paragraph; one that does not may be wrapped mid-sentence
_FINAL = tuple(".!?…\"”’')]:*~>")


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(start, end, blank line before) per paragraph.

    Fics pasted from the web put each paragraph on one line, often with no blank lines at
    all; archive .txt files wrap at ~70 columns. A line joins the one before it only when
    that one was cut mid-sentence: long and not ending in sentence punctuation. So "Title"
    over "by X" stay two units, and a wrapped "Summary: ..." is one.
    """
    out: list[tuple[int, int, bool]] = []
    prev_end = None
    for s, e in line_spans(text, start, end):
        gap = prev_end is None or text.count("\n", prev_end, s) >= 2
        if out and not gap and _wraps_into(text[out[-1][0] : out[-1][1]], text[s:e]):
            out[-1] = (out[-1][0], e, out[-1][2])
        else:
            out.append((s, e, gap))
        prev_end = e
    return out


def _wraps_into(prev: str, line: str) -> bool:
    last = prev.rsplit("\n", 1)[-1]
    if last.endswith(_FINAL) or classify_line(line) is not None or fp.match_label(fp.clean(line)):
        return False
    # wrapped lines run to ~70 columns; a short line ("Hayloft" over "by corn_and_capes") ends its own
    return len(last) >= 45 and not fp.byline(fp.clean(line))


def _label_segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """'Rating: T | Pairing: Clark/Lois' -> two spans; one span for anything else.

    Only a paragraph that opens with a label is split, at "|"/"•" or before a capitalised
    label with a colon, so a summary that mentions "a warning: ..." stays whole.
    """
    raw = text[start:end]
    if fp.match_label(fp.clean(raw)) is None or fp.ffn_info(fp.clean(raw)):
        return [(start, end)]
    cuts = [m.start() for m in fp.label_split_points(raw)]
    if not cuts:
        return [(start, end)]
    out = []
    for a, b in zip([0] + cuts, cuts + [len(raw)]):
        seg = raw[a:b]
        lead = len(seg) - len(seg.lstrip(" \t\n|•·"))
        trail = len(seg.rstrip(" \t\n|•·"))
        if trail > lead:
            out.append((start + a + lead, start + a + trail))
    return out


def _classify(u: Unit, *, top: bool = False, context: bool = False, tail: bool = False) -> Item | None:
    """What this unit declares, or None for story prose.

    ``top``: the first lines of the work (a "By" line counts); ``context``: front matter
    already seen (a dedication counts); ``tail``: after the story ("Please review!" counts).
    """
    if "\n" not in u.raw:
        line = classify_line(u.raw)
        if line:
            kind, value = line
            return Item(kind, u.start, u.end, value or "")
    s = u.clean
    if not s:
        return Item("separator", u.start, u.end)
    if fp.ffn_info(s):
        return Item("ffn_info", u.start, u.end, s)
    label = fp.match_label(s)
    if label:
        name, value = label
        names = (fp.author_names(value) or []) if name == "authors" else []
        if name != "authors" or names:
            return Item(name, u.start, u.end, value, names)
    if top:
        names = fp.byline(s)
        if names:
            return Item("authors", u.start, u.end, s, names)
    if fp.is_disclaimer(s):
        return Item("disclaimer", u.start, u.end, s)
    if fp.series_note(s):
        return Item("series_note", u.start, u.end, s)
    pairs = fp.bare_pairings(s)
    if pairs:
        return Item("pairing_line", u.start, u.end, ", ".join(pairs[0]), [pairs[1]] if pairs[1] else [])
    setting = fp.setting_text(s)
    if setting:
        return Item("setting", u.start, u.end, setting)
    cue = fp.footer_cue(s) if tail else None
    if cue:
        return Item("author_note" if cue == "author_note" else "end_marker", u.start, u.end, s)
    if context and fp.is_dedication(s):
        return Item("dedication", u.start, u.end, s)
    return None


def _title_item(units: list[Unit], i: int, n: int) -> Item | None:
    """The first unit as a title: loosely when front matter follows it, strictly otherwise."""
    u = units[i]
    both = fp.title_and_byline(u.clean)
    if both:
        return Item("title", u.start, u.end, both[0], both[1])
    if i + 1 >= n:
        return None
    follower = _classify(units[i + 1], top=True, context=True)
    if fp.title_like(u.clean, strict=follower is None):
        return Item("title", u.start, u.end, u.clean)
    quoted = fp.unquote_title(u.clean)
    # '"Home Again"' over a "By" line is a quoted title; alone, it is a line of dialogue
    if quoted != u.clean and follower is not None and fp.title_like(quoted, strict=False):
        return Item("title", u.start, u.end, quoted)
    return None


def _markdown_title(u: Unit, it: Item) -> bool:
    """'# Tea at the End of the World' opening a Markdown work is its title, not a chapter."""
    return it.field == "heading" and u.raw.startswith("# ") and classify_line(u.clean) is None


def _continuation(units: list[Unit], i: int, n: int, it: Item) -> int:
    """Index after the paragraphs that continue ``it`` at ``units[i]`` (a multi-line summary, a long A/N)."""
    k = i + 1
    if it.field not in TEXT_FIELDS:
        return k
    # "Summary:" alone on its line: the next paragraph is the summary, whatever it says
    # (a quoted line of the story, a "prompt" in quotation marks)
    if not it.value and k < n and _classify(units[k]) is None:
        k += 1
    while k < n and k - i <= MAX_STRETCH + 1:
        u = units[k]
        if _classify(u) is not None or fp.has_dialogue(u.clean):
            break
        same_block = not u.gap
        if fp.note_like(u.clean) or fp.short_aside(u.clean) or (same_block and _closed(units, k, n)):
            k += 1
            continue
        break
    return k


def _closed(units: list[Unit], k: int, n: int) -> bool:
    """Is the unlabelled run starting at ``k`` followed, within a few units, by more front matter?"""
    for j in range(k, min(n, k + MAX_STRETCH + 1)):
        u = units[j]
        if fp.has_dialogue(u.clean):
            return False
        if _classify(u) is not None:
            return True
    return False


def _stretch(units: list[Unit], i: int, n: int) -> int:
    """End of an unlabelled author's note starting at ``i`` (== i when it is prose)."""
    j = i
    while j < n and j - i < MAX_STRETCH and _classify(units[j]) is None:
        c = units[j].clean
        if not (fp.note_like(c) or fp.short_aside(c)):
            break
        j += 1
    if j == i:
        return i
    nxt = _classify(units[j]) if j < n else None
    if nxt is not None and nxt.field in ("separator", "heading"):
        return j  # closed off by a separator: the header really ends there
    # not closed: take only paragraphs that are unmistakably the author talking
    k = i
    while k < j and fp.note_like(units[k].clean, strong_only=True):
        k += 1
    return k


def _scan_head(units: list[Unit], i: int, n: int, *, top: bool) -> tuple[int, list[Item]]:
    """Consume front matter from ``units[i:n]``: (index of the first story unit, items)."""
    items: list[Item] = []
    first = i
    while i < n:
        it = _classify(units[i], top=top, context=bool(items) or top)
        if top and i == first and (it is None or _markdown_title(units[i], it)):
            it = _title_item(units, i, n)
        if it is None:
            j = _stretch(units, i, n)
            if j == i:
                break
            items.append(Item("author_note", units[i].start, units[j - 1].end, units[i].clean))
            i = j
            continue
        if it.field == "heading" or it.field == "end_marker":
            break
        j = _continuation(units, i, n, it)
        if j > i + 1:
            it.end = units[j - 1].end
            it.value = "\n".join(x for x in [it.value] + [u.clean for u in units[i + 1 : j]] if x)
        items.append(it)
        i = j
    return i, items


def _scan_tail(units: list[Unit], lo: int, hi: int) -> tuple[int, list[Item]]:
    """Consume back matter from the end of ``units[lo:hi]``: (index after the story, items)."""
    j, k = hi, hi - 1
    items: list[Item] = []
    while k >= lo and hi - k <= MAX_TAIL:
        u = units[k]
        it = _classify(u, tail=True)
        if it is None:
            if fp.note_like(u.clean) or fp.short_aside(u.clean):
                k -= 1  # author talk: back matter only if a labelled note or cue sits above it
                continue
            break
        if it.field in ("heading", "pov", "title"):
            break
        if it.field == "separator" and k != j - 1:
            break  # a separator above unlabelled paragraphs is a scene break inside the story
        if j > k + 1 and it.field in TEXT_FIELDS:
            it.end = units[j - 1].end
        elif j > k + 1:
            break
        it.where = "tail"
        items.append(it)
        j, k = k, k - 1
    return j, items[::-1]


def _edge_items(text: str, ch: Chapter, *, first: bool = False) -> tuple[Chapter | None, list[Item]]:
    """A chapter trimmed of its own edge notes (chapter-top A/N, POV line, end notes).

    The first chapter's top notes count as the work's ("Chapter 1" then "Summary: ...").
    """
    units = _units(text, ch.start, ch.end)
    title = ch.title
    h, head = _scan_head(units, 0, len(units), top=False)
    if h + 1 < len(units) and not head and is_bare_heading(title) and _subtitle(units[h]):
        # "Chapter 3" then "The Barn" on a line of its own: the chapter's title, not its prose
        title, h = f"{title}: {units[h].clean}", h + 1
    t, tail = _scan_tail(units, h, len(units))
    for it in head:
        it.where = "head" if first else "chapter"
    if t <= h:
        return None, head + tail
    out = Chapter(units[h].start, units[t - 1].end, title)
    for it in head:
        if it.field == "summary":
            out.summary = it.value
        elif it.field == "author_note":
            out.notes.append(it.value)
    out.end_notes = [it.value for it in tail if it.field == "author_note"]
    return out, head + tail


def _subtitle(u: Unit) -> bool:
    """A short Title Case line with no sentence ending ('The Barn', 'Three Years Later')."""
    return "\n" not in u.raw and len(u.clean.split()) <= 8 and fp.title_like(u.clean, strict=True) \
        and not u.clean.endswith(("!", "?", "...", "…"))


def apply_front_matter(work: Work) -> Work:
    """Fill ``body``, ``metadata`` (notes and declared fields), ``chapters`` and ``scenes``.

    Fields a reader already filled (an HTML title, AO3 tags) are kept; lists are extended.
    """
    text = work.text
    s, e = strip_span(text, 0, len(text))
    units = _units(text, s, e)
    if not units:
        work.body, work.chapters, work.scenes = Span(s, s), [], []
        return work
    h, items = _scan_head(units, 0, len(units), top=True)
    if h >= len(units):
        h, items = 0, []  # nothing but front matter: keep it all as the story rather than lose it
    if h == 1 and [it.field for it in items] == ["title"] and any(b.start == units[0].start for b in name_lines(text, Span(units[0].start, e))):
        h, items = 0, []  # "JOHN" opening a story whose sections are headed by names: no title, a POV line
    chapters = find_chapters(text, Span(units[h].start, e))
    kept: list[Chapter] = []
    chapter_items: list[Item] = []
    for ch in chapters:
        trimmed, found = _edge_items(text, ch, first=ch is chapters[0])
        chapter_items += found
        if trimmed is not None:
            kept.append(trimmed)
    if not kept:
        kept, chapter_items = chapters, []
    items += chapter_items
    work.chapters = kept
    work.body = Span(kept[0].start, kept[-1].end)
    named = name_lines(text, work.body)
    work.scenes = find_scenes(text, work.body, kept, named)
    items += _pov_switches(text, kept, named)
    fill_metadata(work.metadata, sorted(items, key=lambda it: it.start))
    return work


def _pov_switches(text: str, chapters: list[Chapter], named: list[BreakLine]) -> list[Item]:
    """'Clark POV:' lines inside chapters, and lines that are only a name where the story heads
    its sections with them ('JOHN' ... 'SHERLOCK'): scene breaks that also note whose viewpoint
    follows."""
    out = []
    for ch in chapters:
        for b in find_breaks(text, Span(ch.start, ch.end)):
            if b.kind == "pov":
                out.append(Item("pov", b.start, b.end, b.value or "", where="chapter"))
    for b in named:
        out.append(Item("pov", b.start, b.end, b.value or "", where="chapter"))
    return sorted(out, key=lambda it: it.start)


def declare_line(line: str, metadata: Metadata, *, first: bool = False) -> str | None:
    """Fill ``metadata`` from one front-matter paragraph a reader has already cut out.

    For HTML/Markdown readers whose preface is markup, not text offsets: pass each preface
    paragraph; get back its contract note kind ("rating", "other", ...), or None when it
    reads as story prose. ``first`` allows a "By" line and a bare title.

    >>> m = Metadata()
    >>> declare_line("Rating: T | Pairing: Clark x Lois", m), m.rating, m.relationships
    ('rating', 'Teen And Up Audiences', ['Clark/Lois'])
    >>> declare_line("Clark ran home.", m) is None
    True
    """
    kinds = []
    units = _units(line, 0, len(line))
    for i, u in enumerate(units):
        it = _classify(u, top=first, context=True)
        if it is None and first and i == 0 and fp.title_like(u.clean, strict=True):
            it = Item("title", u.start, u.end, u.clean)
        if it is None or it.field in ("heading", "separator"):
            continue
        found = Metadata()
        fill_metadata(found, [it])
        _merge_fields(metadata, found)
        kinds.append(found.notes[0].kind if found.notes else "other")
    return kinds[0] if kinds else None


def _merge_fields(into: Metadata, found: Metadata) -> None:
    """Copy what ``found`` declares into ``into`` without overwriting set scalars."""
    for name, value in vars(found).items():
        if name == "notes" or value in (None, [], {}):
            continue
        current = getattr(into, name)
        if isinstance(value, list):
            current.extend(v for v in value if v not in current)
        elif isinstance(value, dict):
            for k, v in value.items():
                current.setdefault(k, v)
        elif current is None:
            setattr(into, name, value)
