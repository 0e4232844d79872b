"""AO3 HTML downloads (and, through ``parse_download``, the XHTML inside AO3 EPUBs).

The download has three blocks: ``#preface`` (message with the work URL, ``dl.tags`` with
typed tags and stats, title, byline, summary, notes), ``#chapters`` (per chapter a meta
group with heading, summary, notes; the text in ``div.userstuff``; end notes) and
``#afterword`` (end notes, boilerplate). See shared/formats/AO3-FFN.md §2.

The parser walks the document once, in order, and reacts to landmarks that survive
calibre's EPUB conversion (ids, ``dl.tags``, ``h2.heading``, ``p.message``, label paragraphs
such as "Chapter Notes", classes *starting* with ``userstuff``), never to nesting or to
``.meta``: calibre renames classes and splits files, so structure is the weaker clue.
"""

from __future__ import annotations

import re

from .. import vocab
from ..errors import NotAWork
from ..model import Metadata, Source, Work
from .htmltext import Block, classes, extract_blocks, node_text, parse_html
from .layout import ChapterParts, WorkParts, build_work

FORMAT = "ao3-html"

# dt label (lower case, no colon, singular) -> Metadata field
_TAG_FIELDS = {
    "rating": "rating",
    "archive warning": "warnings",
    "category": "categories",
    "fandom": "fandoms",
    "relationship": "relationships",
    "character": "characters",
    "additional tag": "freeform",
}
_LABELS = {"summary", "notes", "chapter summary", "chapter notes", "chapter end notes", "end notes"}
_WORK_URL_RE = re.compile(r"(https?://(?:www\.)?archiveofourown\.org/works/(\d+))")
_CHAPTER_HEADING_RE = re.compile(r"^\s*Chapter\s+\d+\s*(?::\s*(.*?))?\s*$", re.IGNORECASE)


def read(data: bytes, *, path: str | None, sha256: str, max_bytes: int | None = None) -> Work:
    tree, enc = parse_html(data)
    return parse_download(tree.body or tree.root, Source(path=path, format=FORMAT, sha256=sha256, encoding=enc))


# ----------------------------------------------------------------------------- metadata


def label_of(text: str) -> str:
    """Normalise a dt label: "Archive Warnings:" -> "archive warning", "Categories:" -> "category"."""
    t = " ".join(text.strip().rstrip(":").split()).lower()
    if t in ("series", "stats", "status"):
        return t
    if t.endswith("ies"):
        return t[:-3] + "y"
    if t.endswith("s"):
        return t[:-1]
    return t


def tag_values(dd) -> list[str]:
    """Tag names in a dd: the anchor texts, or the text split on commas (tags hold no commas)."""
    anchors = [node_text(a) for a in dd.css("a")]
    anchors = [a for a in anchors if a]
    if anchors:
        return anchors
    return [t.strip() for t in re.split(r"[,\uff0c\u3001]", node_text(dd)) if t.strip()]


def map_warning(value: str) -> str:
    """AO3 display/canonical/old warning names -> today's names ("Underage" -> "Underage Sex")."""
    if value in vocab.WARNINGS:
        return value
    return vocab.normalise_warning(value) or value


def apply_tag(meta: Metadata, label: str, values: list[str]) -> None:
    """Record one typed tag row on ``meta`` (AO3 names kept exactly, old names mapped)."""
    field = _TAG_FIELDS.get(label)
    if field == "rating":
        meta.rating = vocab.normalise_rating(values[0]) or values[0] if values else None
    elif field == "warnings":
        meta.warnings = _unique(map_warning(v) for v in values)
    elif field == "categories":
        meta.categories = _unique(vocab.normalise_category(v) or v for v in values)
    elif field:
        setattr(meta, field, _unique(values))


def parse_stats(text: str, meta: Metadata) -> None:
    """"Published: 2024-01-02 Updated: 2024-02-03 Words: 1,234 Chapters: 2/?" -> fields."""
    t = " ".join(text.split())
    if m := re.search(r"Published:\s*(\d{4}-\d{2}-\d{2})", t):
        meta.published = m.group(1)
    if m := re.search(r"(Updated|Completed):\s*(\d{4}-\d{2}-\d{2})", t):
        meta.updated = m.group(2)
        if m.group(1) == "Completed":
            meta.extra["completed"] = m.group(2)
    if m := re.search(r"Words:\s*([\d,.\s]*\d)", t):
        meta.words = int(re.sub(r"\D", "", m.group(1)))
    if m := re.search(r"Chapters:\s*([\d,]+)\s*/\s*([\d,]+|\?)", t):
        posted, expected = m.group(1).replace(",", ""), m.group(2).replace(",", "")
        meta.chapters = f"{posted}/{expected}"
        meta.complete = expected != "?" and int(posted) >= int(expected)
    if meta.complete and meta.updated and "completed" not in meta.extra and "Completed:" in t:
        meta.extra["completed"] = meta.updated


def parse_series(text: str) -> list[dict]:
    """"Part 2 of The Kent Farm Cycle, Part 1 of Other" -> [{"title":..., "part": 2}, ...]."""
    t = " ".join(text.split())
    return [
        {"title": m.group(2).strip(), "part": int(m.group(1))}
        for m in re.finditer(r"Part\s+(\d+)\s+of\s+(.+?)(?=,\s*Part\s+\d+\s+of\s|$)", t)
    ]


def parse_tags_dl(dl, meta: Metadata) -> None:
    """Read AO3's ``dl.tags`` (download) rows onto ``meta``, keyed on the dt label."""
    for dt in dl.css("dt"):
        dd = dt.next
        while dd is not None and dd.tag != "dd":
            if dd.tag == "dt":
                dd = None
                break
            dd = dd.next
        if dd is None:
            continue
        label = label_of(node_text(dt))
        if label in _TAG_FIELDS:
            apply_tag(meta, label, tag_values(dd))
        elif label == "language":
            meta.language = node_text(dd) or None
        elif label == "series":
            meta.series = parse_series(node_text(dd))
        elif label == "collection":
            meta.extra["collections"] = tag_values(dd)
        elif label == "stats":
            parse_stats(node_text(dd), meta)


def is_tags_dl(node) -> bool:
    labels = {label_of(node_text(dt)) for dt in node.css("dt")}
    return bool(labels & (set(_TAG_FIELDS) | {"stats"}))


def _unique(values) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and v not in out:
            out.append(v)
    return out


def url_from_message(node, meta: Metadata) -> None:
    for a in node.css("a"):
        if m := _WORK_URL_RE.search(a.attributes.get("href") or ""):
            meta.url, meta.work_id = m.group(1), m.group(2)
            return
    if m := _WORK_URL_RE.search(node_text(node)):
        meta.url, meta.work_id = m.group(1), m.group(2)


def chapter_title(heading: str) -> str | None:
    """"Chapter 2: The Barn" -> "The Barn"; "Chapter 2" -> None; anything else as it is."""
    m = _CHAPTER_HEADING_RE.match(heading)
    if m:
        return (m.group(1) or "").strip() or None
    return heading.strip() or None


def byline_authors(node) -> list[str]:
    names = [node_text(a) for a in node.css('a[rel="author"]')] or [node_text(a) for a in node.css("a")]
    names = [n for n in names if n]
    if names:
        return names
    text = re.sub(r"^\s*by\s+", "", node_text(node), flags=re.IGNORECASE)
    return [t.strip() for t in text.split(",") if t.strip()]


# ----------------------------------------------------------------------------- the walk


def _has_userstuff_inside(node) -> bool:
    # lexbor's css() also matches the node itself: look at descendants only
    return any(n.mem_id != node.mem_id for n in node.css('div[class*="userstuff"], h2'))


def _has_userstuff_div_inside(node) -> bool:
    return any(n.mem_id != node.mem_id for n in node.css('div[class*="userstuff"], h2.heading'))


def _classify(node) -> str | None:
    """What a landmark element is, or None to look inside it."""
    tag = node.tag
    cls = classes(node)
    if tag == "dl":
        return "tags" if is_tags_dl(node) else "skip"
    if tag == "p" and "message" in cls:
        return "message"
    if tag == "h1":
        return "title"
    if "byline" in cls and tag in ("div", "p", "h3"):
        return "byline"
    if tag == "p" and node_text(node).rstrip(":").lower() in _LABELS:
        return "label"
    if tag == "blockquote":
        return "quote"
    if tag == "h2":
        return "toc" if "toc-heading" in cls else "heading"
    if "endnote-link" in cls or tag == "ul" and node.css_first("a") is not None and not cls:
        return "skip"
    if tag == "div" and node.id == "chapters":
        # older one-shot downloads put the paragraphs straight into #chapters
        return None if _has_userstuff_div_inside(node) else "content"
    if tag == "div" and any(c.startswith("userstuff") for c in cls):
        return None if _has_userstuff_inside(node) else "content"
    return None


def _landmarks(root):
    """(kind, node) for each landmark, in document order, without entering landmarks."""
    stack = list(reversed([c for c in root.iter() if c.tag and not c.tag.startswith(("-", "!"))]))
    while stack:
        node = stack.pop()
        kind = _classify(node)
        if kind is None:
            stack.extend(reversed([c for c in node.iter() if not c.tag.startswith(("-", "!"))]))
        elif kind != "skip":
            yield kind, node


def parse_download(root, source: Source) -> Work:
    """The ``Work`` in an AO3 download's DOM (HTML, or EPUB spine documents joined)."""
    meta = Metadata(site="ao3")
    parts = WorkParts()
    current: ChapterParts | None = None
    label: str | None = None
    seen_tags = False
    for kind, node in _landmarks(root):
        if kind == "tags" and not seen_tags:
            parse_tags_dl(node, meta)
            seen_tags = True
        elif kind == "message" and meta.url is None and not parts.chapters:
            url_from_message(node, meta)
            b = node.css_first("b")
            if b is not None and meta.title is None:
                meta.title = node_text(b) or None
        elif kind == "title" and not parts.chapters:
            parts.title = node_text(node) or parts.title
        elif kind == "byline" and not parts.chapters:
            meta.authors = byline_authors(node)
        elif kind == "label":
            label = node_text(node).rstrip(":").lower()
        elif kind == "quote":
            _assign_quote(parts, current, label, extract_blocks(node))
            label = None
        elif kind == "heading":
            heading = node_text(node)
            current = ChapterParts(heading=heading, title=chapter_title(heading))
            parts.chapters.append(current)
        elif kind == "content":
            if current is None:
                current = ChapterParts()
                parts.chapters.append(current)
            current.prose.extend(extract_blocks(node, skip=_skip_landmark_heading))
    return _finish(parts, meta, source)


def _skip_landmark_heading(node) -> bool:
    # AO3 web pages put a hidden "Chapter Text" h3 at the top of the text; downloads a
    # hidden toc-heading h2 with the work title
    return node.tag in ("h2", "h3") and ("landmark" in classes(node) or "toc-heading" in classes(node))


def _assign_quote(parts: WorkParts, current: ChapterParts | None, label: str | None, blocks: list[Block]) -> None:
    if label == "summary":
        parts.summary = blocks
    elif label == "notes":
        parts.notes = blocks
    elif label == "end notes":
        parts.end_notes = blocks
    elif current is not None and label == "chapter summary":
        current.summary = blocks
    elif current is not None and label == "chapter notes":
        current.notes = blocks
    elif current is not None and label == "chapter end notes":
        current.end_notes = blocks


def _finish(parts: WorkParts, meta: Metadata, source: Source) -> Work:
    if not any(c.prose for c in parts.chapters):
        raise NotAWork("AO3 download with no chapter text")
    parts.title = parts.title or meta.title
    meta.title = parts.title
    if meta.authors:
        parts.byline = "by " + ", ".join(meta.authors)
    if len(parts.chapters) == 1 and (meta.chapters or "1/1").split("/")[1] == "1":
        # a one-shot: its only "chapter" heading (if any) is the work title
        parts.chapters[0].heading = parts.chapters[0].title = None
    return build_work(parts, meta, source, markup_words=True)

