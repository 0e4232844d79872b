"""Generic HTML stories (a fic saved from a personal site, a LiveJournal post, a Word export).

The text is extracted as for every HTML reader (one paragraph per line; italics kept as
emphasis spans; ``<hr>`` and ``* * *`` paragraphs as scene breaks). Structure then comes from
the markup when it has any: a leading heading that is the work's title, and repeated
headings (``<h2>Chapter 1</h2>`` ...) as chapters. Prose with no headings is handed to the
plain-text front-matter parser (``frontmatter.apply_front_matter``), which finds "By",
"Summary:", "A/N" and separator lines in the text itself.
"""

from __future__ import annotations

import re

from .. import frontmatter_patterns as fp
from ..errors import NotAWork
from ..frontmatter import TEXT_FIELDS, apply_front_matter, declare_line
from ..model import Metadata, Source, Span, Work
from .htmltext import Block, classes, extract_blocks, node_text, parse_html
from .layout import ChapterParts, WorkParts, build_work

FORMAT = "html"
MIN_WORDS = 10  # fewer words of prose than this: a page, not a story
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "form", "header"})
# class or id names of site furniture (WordPress, LiveJournal, Dreamwidth, hand-made sites)
_CHROME_CLASS_RE = re.compile(
    r"^(?:site-)?(?:nav|navbar|navigation|menu|sidebar|footer|comments?|comment-list|comments-area|share|sharing"
    r"|sharedaddy|breadcrumbs?|widget|widget-area|related-posts|post-navigation|tags-links)(?:[-_]\w+)?$",
    re.IGNORECASE,
)
# a story inside a page: the one article/main region that holds most of the text
_MAIN_SELECTORS = "article, main, [role=main], .entry-content, .post-content, #story, .story"
_CHAPTER_RE = re.compile(r"^(chapter|part|book|prologue|epilogue|interlude)\b|^[IVXLC]+\.?$|^\d+\.?$", re.IGNORECASE)


def read(data: bytes, *, path: str | None, sha256: str, max_bytes: int | None = None) -> Work:
    tree, enc = parse_html(data)
    return read_tree(tree, Source(path=path, format=FORMAT, sha256=sha256, encoding=enc))


def read_tree(tree, source: Source, meta: Metadata | None = None) -> Work:
    """The ``Work`` in a parsed HTML document (also used for rendered Markdown)."""
    meta = meta or Metadata()
    root = tree.body or tree.root
    if "archiveofourown" in (tree.html or "")[:400_000]:
        from .ao3_page import not_a_work_reason

        reason = not_a_work_reason(node_text(root))
        if reason:
            raise NotAWork(reason)
    if tree.css_first("li.blurb, ol.work.index, div.z-list") is not None:
        raise NotAWork("a list of works (search, tag or profile page), not a work: save the work itself")
    blocks = extract_blocks(_story_root(root), skip=_is_chrome)
    prose_words = sum(len(b.text.split()) for b in blocks if b.kind == "p")
    if prose_words < MIN_WORDS:
        raise NotAWork("HTML page with no story text")
    page_title = node_text(tree.css_first("head title")) if tree.css_first("head title") is not None else ""
    title = None
    if blocks[0].is_heading and _is_title_heading(blocks, page_title):
        title, blocks = blocks[0].text, blocks[1:]
    level = _chapter_level(blocks)
    if level is None:
        return _plain_prose(blocks, meta, source, title, page_title)
    return build_work(_parts_from_headings(blocks, level, title, meta, page_title), meta, source)


def _is_chrome(node) -> bool:
    """Site navigation and comment sections are not the story."""
    if node.tag in _CHROME_TAGS:
        # a <header> may hold the story's own title: keep one with a heading in it
        return node.tag != "header" or not any(n.mem_id != node.mem_id for n in node.css("h1, h2, h3"))
    names = classes(node) + ([node.id] if node.id else [])
    return node.tag in ("div", "section", "ul", "ol", "span") and any(_CHROME_CLASS_RE.match(c) for c in names)


def _story_root(root):
    """The page's main region (article, main, entry content) holding at least half the page's
    words, else the body: sidebars and comment threads outside it are left out."""
    total = len(node_text(root).split())
    best = None
    for node in root.css(_MAIN_SELECTORS):
        words = len(node_text(node).split())
        if words * 2 >= total and (best is None or words > best[0]):
            best = (words, node)  # the widest such region: an <article> keeps its own <h1>
    return best[1] if best else root


def _level(b: Block) -> int:
    return int(b.kind[1])


# headings that open a block of front or back matter, not a chapter ("## Summary", "<h3>Notes</h3>")
_MATTER_FIELDS = TEXT_FIELDS | {"warning"}


def _matter_heading(b: Block) -> bool:
    """'Summary' or 'Author's Note' as a heading of its own: a label, not a chapter title."""
    label = fp.match_label(fp.clean(b.text)) if b.is_heading else None
    return label is not None and not label[1] and label[0] in _MATTER_FIELDS


def _chapter(b: Block) -> bool:
    return b.is_heading and not _matter_heading(b)


def _chapter_level(blocks: list[Block]) -> int | None:
    """The heading level that splits chapters: the top level present, if it repeats or reads
    as a chapter heading ("Chapter 3", "Part II", "Epilogue"); None when there is none.
    Headings that only label front matter ("## Summary", "## Notes") split nothing."""
    heads = [b for b in blocks if _chapter(b)]
    if not heads:
        return None
    level = min(_level(b) for b in heads)
    top = [b for b in heads if _level(b) == level]
    return level if len(top) > 1 or any(_CHAPTER_RE.match(b.text) for b in top) else None


def _parts_from_headings(blocks: list[Block], level: int, title: str | None, meta: Metadata, page_title: str) -> WorkParts:
    parts = WorkParts(title=title)
    current: ChapterParts | None = None
    for b in blocks:
        if _chapter(b) and _level(b) == level:
            current = ChapterParts(heading=b.text, title=b.text)
            parts.chapters.append(current)
        elif current is None:
            parts.front.append(b)
        else:
            current.prose.append(b)
    _front_matter_lines(parts, meta)
    parts.title = parts.title or page_title or None
    meta.title = meta.title or parts.title
    return parts


def _is_title_heading(blocks: list[Block], page_title: str) -> bool:
    first = blocks[0]
    others = [b for b in blocks[1:] if b.is_heading]
    if page_title and first.text.lower() in page_title.lower():
        return True
    if not others:
        return not _CHAPTER_RE.match(first.text)
    return all(_level(b) > _level(first) for b in others)


_FRONT_KINDS = (
    (re.compile(r"^summary\s*:", re.IGNORECASE), "summary"),
    (re.compile(r"^(a/n|author'?s'? notes?)\b", re.IGNORECASE), "author_note"),
    (re.compile(r"^disclaimer\b|don'?t own|do not own|doesn'?t belong", re.IGNORECASE), "disclaimer"),
    (re.compile(r"^warnings?\s*:", re.IGNORECASE), "warning"),
    (re.compile(r"^rat(ed|ing)\s*:?", re.IGNORECASE), "rating"),
)


def _front_matter_lines(parts: WorkParts, meta: Metadata) -> None:
    """Byline and summary among the lines before the first chapter (the rest stay "other")."""
    keep = []
    for b in parts.front:
        m = re.match(r"^by:?\s+(.+)$", b.text, re.IGNORECASE)
        if m and not meta.authors and len(b.text) < 80:
            meta.authors = [a.strip() for a in re.split(r",|\band\b|&", m.group(1)) if a.strip()]
            parts.byline = b.text
            continue
        kind = next((k for rx, k in _FRONT_KINDS if rx.search(b.text)), "other")
        if kind == "summary" and meta.summary is None:
            meta.summary = re.sub(r"^summary\s*:\s*", "", b.text, flags=re.IGNORECASE)
            parts.summary.append(b)
            continue
        if kind != "summary":
            # the plain-text recognisers fill rating, warnings, pairings, POV and setting
            b.note = declare_line(b.text, meta) or kind
        keep.append(b)
    parts.front = keep


def _plain_prose(blocks: list[Block], meta: Metadata, source: Source, title: str | None, page_title: str) -> Work:
    """No chapter headings: lay the prose out as lines and let the plain-text front matter
    decide where the story starts. The title line (from a heading) is blanked while it looks,
    so it is never mistaken for the first line of the story."""
    work = build_work(WorkParts(title=title, chapters=[ChapterParts(prose=blocks)]), Metadata(), source)
    title_notes = list(work.metadata.notes)
    skip = title_notes[-1].end if title_notes else 0
    html_scenes, emphasis = work.scenes, work.emphasis
    probe = apply_front_matter(Work(" " * skip + work.text[skip:], source, Span(0, 0)))
    work.body, work.chapters, work.scenes = probe.body, probe.chapters, probe.scenes
    work.metadata = probe.metadata
    work.metadata.notes = sorted(title_notes + probe.metadata.notes, key=lambda n: n.start)
    _merge_declared(work.metadata, meta)
    b = work.body
    if len(work.scenes) <= 1 and len(html_scenes) > 1:
        # <hr> breaks leave no line for the text parser to see: keep the ones the markup gave
        work.scenes = [Span(max(s.start, b.start), min(s.end, b.end)) for s in html_scenes if s.end > b.start and s.start < b.end]
    work.emphasis = [e for e in emphasis if b.start <= e.start and e.end <= b.end]
    work.metadata.title = work.metadata.title or title or page_title or None
    return work


def _merge_declared(found: Metadata, given: Metadata) -> None:
    """Fields the caller already knew (Markdown front matter) win over text heuristics."""
    for name, value in vars(given).items():
        if name == "notes":
            continue
        if value not in (None, [], {}):
            setattr(found, name, value)

