"""Lay out a structured work (front matter, chapters, end matter) as contract text.

Every HTML-shaped reader (AO3 download and web page, AO3/generic EPUB, FFN, HTML, Markdown)
finds the *parts* of a work in its own markup and hands them here as ``WorkParts``; this
module writes them in one fixed order and records every span, so all those readers share one
text layout:

    Title                         note "other"
    by Author                     note "other"
                                  (blank line between front-matter blocks)
    summary paragraphs            note "summary"
    notes paragraphs              note "author_note"

    Chapter 2: Heading            note "other"      (chaptered works only)
    chapter summary               note "summary"
    chapter notes                 note "author_note"
    prose ...                     Chapter(start, end) spans the prose only
    chapter end notes             note "author_note"

    end notes                     note "author_note"

``body`` runs from the first chapter's prose to the last chapter's prose; chapters are
separated by one blank line; emphasis spans are kept for prose only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Chapter, Metadata, Note, Source, Span, Work
from .htmltext import Block, TextBuilder, blocks_text


@dataclass
class ChapterParts:
    prose: list[Block] = field(default_factory=list)
    heading: str | None = None  # the heading line as shown ("Chapter 2: The Barn")
    title: str | None = None  # Chapter.title ("The Barn")
    summary: list[Block] = field(default_factory=list)
    notes: list[Block] = field(default_factory=list)
    end_notes: list[Block] = field(default_factory=list)


@dataclass
class WorkParts:
    chapters: list[ChapterParts] = field(default_factory=list)
    title: str | None = None
    byline: str | None = None  # "by A, B"
    summary: list[Block] = field(default_factory=list)
    notes: list[Block] = field(default_factory=list)
    # other front matter (a disclaimer page, an EPUB title page): kind "other"
    front: list[Block] = field(default_factory=list)
    end_notes: list[Block] = field(default_factory=list)


def _note(tb: TextBuilder, notes: list[Note], blocks: list[Block], kind: str, *, blank: bool = True) -> None:
    if not blocks:
        return
    if blank:
        tb.blank()
    written = tb.add_blocks(blocks, emphasis=False, breaks=False)
    if not written.empty:
        notes.append(Note(kind, written.span.start, written.span.end))


def build_work(parts: WorkParts, meta: Metadata, source: Source, *, markup_words: bool = False) -> Work:
    """The ``Work`` for ``parts``: text, body, chapters, scenes, emphasis and note spans.

    ``markup_words``: give each chapter AO3's word count made from the markup (text node by
    text node), which can differ from a count of the extracted text ("<em>Lex</em>'s").
    """
    tb = TextBuilder()
    notes: list[Note] = []
    if parts.title:
        notes.append(Note("other", *_span(tb.line(parts.title))))
    if parts.byline:
        notes.append(Note("other", *_span(tb.line(parts.byline))))
    if parts.front:
        tb.blank()
        # one note per block, each with the kind its reader recognised (disclaimer, rating, ...)
        for b, sp in tb.add_blocks(parts.front, emphasis=False, breaks=False).lines:
            notes.append(Note(b.note or "other", sp.start, sp.end))
    _note(tb, notes, parts.summary, "summary")
    _note(tb, notes, parts.notes, "author_note")
    chapters: list[Chapter] = []
    scenes: list[Span] = []
    chaptered = len(parts.chapters) > 1 or any(c.heading for c in parts.chapters)
    for cp in parts.chapters:
        tb.blank()
        if cp.heading and chaptered:
            notes.append(Note("other", *_span(tb.line(cp.heading))))
        _note(tb, notes, cp.summary, "summary", blank=False)
        _note(tb, notes, cp.notes, "author_note", blank=False)
        written = tb.add_blocks(cp.prose)
        chapters.append(
            Chapter(
                written.span.start,
                written.span.end,
                cp.title,
                summary=blocks_text(cp.summary) or None,
                notes=[blocks_text(cp.notes)] if cp.notes else [],
                end_notes=[blocks_text(cp.end_notes)] if cp.end_notes else [],
                words=sum(b.words for b in cp.prose) if markup_words else None,
            )
        )
        scenes.extend(written.scenes)
        _note(tb, notes, cp.end_notes, "author_note", blank=False)
    _note(tb, notes, parts.end_notes, "author_note")
    text = tb.text()
    with_prose = [c for c in chapters if c.end > c.start]
    body = Span(with_prose[0].start, with_prose[-1].end) if with_prose else Span(0, 0)
    meta.notes = notes
    if meta.summary is None and parts.summary:
        meta.summary = blocks_text(parts.summary)
    if meta.title is None and parts.title:
        meta.title = parts.title
    return Work(
        text=text,
        source=source,
        body=body,
        metadata=meta,
        chapters=chapters,
        scenes=scenes,
        emphasis=tb.emphasis,
    )


def _span(s: Span) -> tuple[int, int]:
    return s.start, s.end


def trim_chapter_edges(work: Work) -> Work:
    """Let the plain-text front-matter parser find notes *inside* each chapter's prose.

    FFN (and many EPUBs) have no markup for author's notes: "Disclaimer: ..." and "A/N: ..."
    sit in the story text. Each chapter is shown to ``frontmatter.apply_front_matter`` on its
    own, with every other character blanked (same length, so offsets stay true); the notes it
    finds at the chapter's edges become notes here and the chapter shrinks to the prose.
    """
    from ..frontmatter import apply_front_matter

    text = work.text
    found: list[Note] = []
    for ch in work.chapters:
        if ch.end <= ch.start:
            continue
        masked = _blank(text[: ch.start]) + text[ch.start : ch.end] + _blank(text[ch.end :])
        probe = apply_front_matter(Work(masked, work.source, Span(0, 0)))
        s, e = max(ch.start, probe.body.start), min(ch.end, probe.body.end)
        if e <= s:
            continue
        found += [n for n in probe.metadata.notes if ch.start <= n.start and n.end <= ch.end and (n.end <= s or n.start >= e)]
        ch.start, ch.end = s, e
    if found:
        work.metadata.notes = sorted(work.metadata.notes + found, key=lambda n: n.start)
        chapters = [c for c in work.chapters if c.end > c.start]
        work.body = Span(chapters[0].start, chapters[-1].end)
        work.scenes = [
            Span(max(sc.start, work.body.start), min(sc.end, work.body.end))
            for sc in work.scenes
            if any(c.start < sc.end and sc.start < c.end for c in chapters)
        ]
        work.scenes = [sc for sc in work.scenes if sc.end > sc.start]
    return work


def _blank(s: str) -> str:
    return "".join("\n" if c == "\n" else " " for c in s)
