"""A saved FanFiction.Net chapter page (shared/formats/AO3-FFN.md §4).

``#profile_top`` holds the title, author link, summary and one " - "-separated meta line:
``Rated: Fiction T - English - Romance/Hurt/Comfort - [Harry P., Ginny W.] Neville L. -
Chapters: 3 - Words: 9,876 - ... - Updated: <span data-xutime> - Published: <span
data-xutime> - Status: Complete - id: 123``. Genre and characters have no label, so the
genre segment is recognised against FFN's closed list of 21 genres. A page holds one chapter
(``#storytext``); the chapter list comes from ``select#chap_select``.

>>> parse_genres("Friendship/Hurt/Comfort")
['Friendship', 'Hurt/Comfort']
>>> parse_characters("[Harry P., Ginny W.] Neville L.")
(['Harry P.', 'Ginny W.', 'Neville L.'], ['Harry P./Ginny W.'])
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from .. import vocab
from ..errors import NotAWork
from ..model import Metadata, Source, Work
from .htmltext import extract_blocks, node_text, parse_html
from .layout import ChapterParts, WorkParts, build_work, trim_chapter_edges

FORMAT = "ffn-html"
GENRES = (
    "Adventure", "Angst", "Crime", "Drama", "Family", "Fantasy", "Friendship", "General", "Horror", "Humor",
    "Hurt/Comfort", "Mystery", "Parody", "Poetry", "Romance", "Sci-Fi", "Spiritual", "Supernatural", "Suspense",
    "Tragedy", "Western",
)
_LABELLED = re.compile(r"^(Rated|Chapters|Words|Reviews|Favs|Follows|Updated|Published|Status|id)\s*:", re.IGNORECASE)


def read(data: bytes, *, path: str | None, sha256: str, max_bytes: int | None = None) -> Work:
    tree, enc = parse_html(data)
    story = tree.css_first("#storytext")
    if story is None:
        page = node_text(tree.body) if tree.body is not None else ""
        if "story not found" in page.lower():
            raise NotAWork("FanFiction.Net 'Story Not Found' page, not a work")
        raise NotAWork("FanFiction.Net page with no story text")
    meta = Metadata(site="ffn")
    top = tree.css_first("#profile_top")
    summary = _read_profile(top, meta) if top is not None else None  # a partial save may lack it
    meta.fandoms = _fandoms(tree)
    if meta.work_id is None and (m := re.search(r"fanfiction\.net/s/(\d+)|var storyid = (\d+)", tree.html or "")):
        meta.work_id = m.group(1) or m.group(2)
    if meta.work_id:
        meta.url = f"https://www.fanfiction.net/s/{meta.work_id}"
    parts = WorkParts(title=meta.title, byline=f"by {meta.authors[0]}" if meta.authors else None)
    if summary is not None and meta.summary:
        parts.summary = extract_blocks(summary)
    heading = _selected_chapter(tree)
    title_only = re.sub(r"^\d+\.\s*", "", heading) if heading else None
    parts.chapters = [ChapterParts(prose=extract_blocks(story), heading=heading, title=title_only or None)]
    if not parts.chapters[0].prose:
        raise NotAWork("FanFiction.Net page with no story text")
    work = build_work(parts, meta, Source(path=path, format=FORMAT, sha256=sha256, encoding=enc))
    # FFN has no markup for author's notes: disclaimers and A/Ns sit in the story text
    return trim_chapter_edges(work)


def _read_profile(top, meta: Metadata):
    """Title, author, summary and the meta line from ``#profile_top``; returns the summary node."""
    title = top.css_first("b.xcontrast_txt") or top.css_first("b")
    meta.title = (node_text(title) or None) if title is not None else None
    author = top.css_first('a[href^="/u/"]')
    meta.authors = [node_text(author)] if author is not None and node_text(author) else []
    summary = top.css_first("div.xcontrast_txt")
    meta.summary = (node_text(summary) or None) if summary is not None else None
    gray = top.css_first("span.xgray")
    if gray is not None:
        parse_meta_line(node_text(gray), gray.html or "", meta)
    return summary


def parse_meta_line(text: str, html: str, meta: Metadata) -> None:
    """The xgray line -> rating, language, genres, characters, pairings, counts, dates, id."""
    segments = [s.strip() for s in " ".join(text.split()).split(" - ") if s.strip()]
    unlabelled = []
    for seg in segments:
        m = _LABELLED.match(seg)
        if not m:
            unlabelled.append(seg)
            continue
        key, value = m.group(1).lower(), seg[m.end() :].strip()
        if key == "rated":
            meta.rating = vocab.normalise_rating(value)
            meta.extra["ffn_rating"] = " ".join(value.split())
        elif key in ("words", "chapters", "reviews", "favs", "follows"):
            n = int(re.sub(r"\D", "", value) or 0)
            if key == "words":
                meta.words = n
            elif key == "chapters":
                meta.extra["ffn_chapters"] = n
            else:
                meta.extra[key] = n
        elif key == "status":
            meta.complete = value.lower().startswith("complete")
        elif key == "id":
            meta.work_id = re.sub(r"\D", "", value) or None
    if unlabelled:
        meta.language = unlabelled.pop(0)
    if unlabelled and parse_genres(unlabelled[0]):
        meta.genres = parse_genres(unlabelled.pop(0))
    if unlabelled:
        meta.characters, meta.relationships = parse_characters(unlabelled.pop(0))
    meta.complete = bool(meta.complete)
    n = meta.extra.pop("ffn_chapters", 1)
    meta.chapters = f"{n}/{n}" if meta.complete else f"{n}/?"
    for label, epoch in re.findall(r"(Updated|Published):\s*<span[^>]*data-xutime=['\"]?(\d+)", html):
        day = datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
        if label == "Published":
            meta.published = day
        else:
            meta.updated = day


def parse_genres(segment: str) -> list[str]:
    """"Romance/Hurt/Comfort" -> ["Romance", "Hurt/Comfort"]; [] unless every part is a genre."""
    out: list[str] = []
    rest = segment.strip()
    while rest:
        for g in sorted(GENRES, key=len, reverse=True):
            if rest == g or rest.startswith(g + "/"):
                out.append(g)
                rest = rest[len(g) + 1 :]
                break
        else:
            return []
    return out


def parse_characters(segment: str) -> tuple[list[str], list[str]]:
    """FFN's "[A, B] C, D": (characters in order, pairings as AO3-style "A/B")."""
    characters: list[str] = []
    pairings: list[str] = []
    for m in re.finditer(r"\[([^\]]*)\]|([^\[\],]+)", segment):
        if m.group(1) is not None:
            names = [n.strip() for n in m.group(1).split(",") if n.strip()]
            if len(names) > 1:
                pairings.append("/".join(names))
        else:
            names = [m.group(2).strip()] if m.group(2).strip() else []
        characters.extend(n for n in names if n not in characters)
    return characters, pairings


def _fandoms(tree) -> list[str]:
    links = tree.css("#pre_story_links a")
    if not links:
        return []
    last = node_text(links[-1])
    crossover = re.match(r"^(.*?)\s+\+\s+(.*?)\s+Crossover$", last)
    if crossover:
        return [crossover.group(1), crossover.group(2)]
    return [last] if last else []


def _selected_chapter(tree) -> str | None:
    select = tree.css_first("select#chap_select")
    if select is None:
        return None
    option = select.css_first("option[selected]") or select.css_first("option")
    return node_text(option) or None if option is not None else None
