"""A saved AO3 work *web page* ("Save page as" on a work), and the AO3 pages that are not works.

The page carries the same facts as a download in other markup (shared/formats/AO3-FFN.md §3):
``dl.work.meta.group`` with dt/dd classes ``rating``, ``warning``, ``category``, ``fandom``,
``relationship``, ``character``, ``freeform``, ``language``, ``series`` and ``dl.stats``;
title ``h2.title``, byline ``h3.byline``; summary/notes modules; the text under
``#chapters`` (one ``div.userstuff``, or one ``div.chapter`` per chapter). The adult-content
interstitial and the 404 page are recognised and refused with ``NotAWork``.
"""

from __future__ import annotations

import re

from ..errors import NotAWork
from ..model import Metadata, Source, Work
from .ao3_html import apply_tag, byline_authors, chapter_title, parse_series, parse_stats
from .htmltext import classes, extract_blocks, node_text, parse_html
from .layout import ChapterParts, WorkParts, build_work

FORMAT = "ao3-html"
_TAG_CLASSES = {
    "rating": "rating",
    "warning": "archive warning",
    "category": "category",
    "fandom": "fandom",
    "relationship": "relationship",
    "character": "character",
    "freeform": "additional tag",
}
_WORK_HREF_RE = re.compile(r"(?:https?://(?:www\.)?archiveofourown\.org)?/works/(\d+)")


def not_a_work_reason(page_text: str) -> str | None:
    """Why an AO3 page holds no work, or None. (Checked on the page's visible text.)"""
    t = " ".join(page_text.split()).lower()
    if "could have adult content" in t or "this work could have adult content" in t:
        return "AO3 adult-content warning page, not the work (open the work, choose Proceed, then save it)"
    if "error 404" in t or "page you were looking for doesn't exist" in t or "page not found" in t:
        return "AO3 'page not found' (404) page, not a work"
    return None


def read(data: bytes, *, path: str | None, sha256: str, max_bytes: int | None = None) -> Work:
    tree, enc = parse_html(data)
    body = tree.body or tree.root
    chapters_node = tree.css_first("#workskin #chapters") or tree.css_first("#chapters")
    if chapters_node is None:
        raise NotAWork(not_a_work_reason(node_text(body)) or "AO3 page with no work text")
    meta = Metadata(site="ao3")
    dl = tree.css_first("dl.work.meta") or tree.css_first("dl.meta")
    if dl is not None:
        _read_meta(dl, meta)
    _read_url(data, meta)
    parts = WorkParts()
    preface = tree.css_first("#workskin div.preface") or tree.css_first("div.preface")
    if preface is not None:
        title = preface.css_first("h2.title")
        parts.title = node_text(title) or None if title is not None else None
        byline = preface.css_first("h3.byline")
        if byline is not None:
            meta.authors = byline_authors(byline)
        parts.summary = _module_blocks(preface, "summary")
        parts.notes = _module_blocks(preface, "notes", exclude="end")
    endnotes = tree.css_first("#work_endnotes blockquote")
    parts.end_notes = extract_blocks(endnotes) if endnotes is not None else []
    parts.chapters = _chapters(chapters_node)
    if not any(c.prose for c in parts.chapters):
        raise NotAWork(not_a_work_reason(node_text(body)) or "AO3 page with no work text")
    meta.title = parts.title
    if meta.authors:
        parts.byline = "by " + ", ".join(meta.authors)
    if len(parts.chapters) == 1 and (meta.chapters or "1/1").split("/")[1] == "1":
        parts.chapters[0].heading = parts.chapters[0].title = None
    return build_work(parts, meta, Source(path=path, format=FORMAT, sha256=sha256, encoding=enc), markup_words=True)


def _read_meta(dl, meta: Metadata) -> None:
    for dd in dl.css("dd"):
        cls = classes(dd)
        kind = next((c for c in cls if c in _TAG_CLASSES), None)
        if kind:
            values = [node_text(a) for a in dd.css("a.tag")] or [node_text(a) for a in dd.css("a")]
            apply_tag(meta, _TAG_CLASSES[kind], [v for v in values if v and not v.startswith("Show ")])
        elif "language" in cls:
            meta.language = node_text(dd) or None
        elif "series" in cls:
            meta.series = parse_series(", ".join(node_text(s) for s in dd.css("span.position")) or node_text(dd))
        elif "collections" in cls:
            meta.extra["collections"] = [node_text(a) for a in dd.css("a")]
    stats = dl.css_first("dl.stats")
    if stats is not None:
        parse_stats(_stats_line(stats), meta)


def _stats_line(stats) -> str:
    """dl.stats as the download's one-line form: "Published: ... Updated: ... Words: ..."."""
    out = []
    for dt in stats.css("dt"):
        dd = dt.next
        while dd is not None and dd.tag != "dd":
            dd = dd.next
        if dd is not None:
            out.append(f"{node_text(dt)} {node_text(dd)}")
    return " ".join(out)


def _read_url(data: bytes, meta: Metadata) -> None:
    m = re.search(rb'<link[^>]+rel="canonical"[^>]+href="([^"]+)"', data[:20000])
    href = m.group(1).decode("utf-8", "replace") if m else ""
    m2 = _WORK_HREF_RE.search(href) or _WORK_HREF_RE.search(data[:400_000].decode("utf-8", "ignore"))
    if m2:
        meta.work_id = m2.group(1)
        meta.url = f"https://archiveofourown.org/works/{m2.group(1)}"


def _module_blocks(scope, name: str, exclude: str | None = None):
    for div in scope.css(f"div.{name}"):
        if exclude and exclude in classes(div):
            continue
        q = div.css_first("blockquote")
        if q is not None:
            return extract_blocks(q)
    return []


def _chapters(root) -> list[ChapterParts]:
    chapter_divs = [d for d in root.css("div.chapter") if (d.id or "").startswith("chapter-")]
    if not chapter_divs:
        prose = root.css_first("div.userstuff")
        return [ChapterParts(prose=extract_blocks(prose, skip=_landmark))] if prose is not None else []
    out = []
    for div in chapter_divs:
        title = div.css_first("h3.title")
        heading = node_text(title) if title is not None else None
        cp = ChapterParts(heading=heading, title=chapter_title(heading) if heading else None)
        text = div.css_first("div.userstuff")
        cp.prose = extract_blocks(text, skip=_landmark) if text is not None else []
        for mod in div.css("div.notes, div.summary"):
            q = mod.css_first("blockquote")
            if q is None:
                continue
            mc = classes(mod)
            if "end" in mc:
                cp.end_notes = extract_blocks(q)
            elif "summary" in mc:
                cp.summary = extract_blocks(q)
            else:
                cp.notes = extract_blocks(q)
        out.append(cp)
    return out


def _landmark(node) -> bool:
    return node.tag == "h3" and "landmark" in classes(node)
