"""Markdown stories: rendered with markdown-it (CommonMark), then read as HTML.

So ``text`` is the *rendered* text (no ``#``, ``*`` or ``_`` markers), one paragraph per
line, with ``*italics*`` as emphasis spans and ``***``/``---``/``* * *`` as scene breaks.
A YAML-style front-matter block (``---`` / ``key: value`` lines / ``---``) at the top
declares metadata: title, author(s), rating, warnings, fandom(s), relationship(s) or
pairing(s), characters, tags, summary, language.

>>> meta, rest = split_front_matter("---\\ntitle: Hay\\nauthors: a, b\\n---\\nText")
>>> meta.title, meta.authors, rest
('Hay', ['a', 'b'], 'Text')
"""

from __future__ import annotations

import re

from .. import vocab
from ..model import Metadata, Source, Work
from .decode import decode_text

FORMAT = "markdown"
_FM_RE = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n", re.DOTALL)
_LIST_KEYS = {
    "author": "authors",
    "authors": "authors",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "relationship": "relationships",
    "relationships": "relationships",
    "pairing": "relationships",
    "pairings": "relationships",
    "characters": "characters",
    "tags": "freeform",
    "additional tags": "freeform",
    "categories": "categories",
    "category": "categories",
}


def read(data: bytes, *, path: str | None, sha256: str, max_bytes: int | None = None) -> Work:
    from markdown_it import MarkdownIt
    from selectolax.lexbor import LexborHTMLParser

    from .html import read_tree

    text, enc = decode_text(data)
    meta, rest = split_front_matter(text)
    html = MarkdownIt("commonmark", {"html": False}).render(rest)
    tree = LexborHTMLParser(f"<html><body>{html}</body></html>")
    return read_tree(tree, Source(path=path, format=FORMAT, sha256=sha256, encoding=enc), meta)


def _entries(block: str) -> list[tuple[str, str, list[str]]]:
    """(key, value, list of values) per key of a front-matter block: ``key: a, b``,
    ``key: [a, b]``, a block list (``key:`` then ``  - a`` lines) or a folded text
    (``summary: >`` then indented lines)."""
    out: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        item = line.strip()
        indented = line[:1] in (" ", "\t")
        if out and item.startswith("- ") and (indented or line.startswith("- ")):
            out[-1][1].append(item[2:].strip().strip("\"'"))  # "  - Zagreus"
            continue
        if out and indented and item and out[-1][1][:1] in ([">"], ["|"]):
            out[-1][1].append(item)  # the next line of a folded or literal text
            continue
        key, sep, value = line.partition(":")
        if not sep or indented:
            continue
        value = value.strip()
        out.append((key.strip().lower(), [value[:1]] if value in (">", "|", ">-", "|-") else [value] if value else []))
    result = []
    for key, parts in out:
        if parts[:1] in ([">"], ["|"]):
            value = " ".join(parts[1:]).strip()
            values = [value] if value else []
        elif len(parts) == 1:
            value = parts[0].strip("\"'")
            values = [v.strip().strip("\"'") for v in value.strip("[]").split(",") if v.strip()]
        else:
            values = [v for v in parts if v]
            value = ", ".join(values)
        if value:
            result.append((key, value, values))
    return result


def split_front_matter(text: str) -> tuple[Metadata, str]:
    """(declared metadata, the Markdown after the front-matter block)."""
    meta = Metadata()
    m = _FM_RE.match(text)
    if not m:
        return meta, text
    for key, value, values in _entries(m.group(1)):
        if key in _LIST_KEYS:
            field = _LIST_KEYS[key]
            if field == "categories":
                values = [vocab.normalise_category(v) or v for v in values]
            setattr(meta, field, getattr(meta, field) + values)
        elif key == "title":
            meta.title = value
        elif key == "summary":
            meta.summary = value
        elif key == "rating":
            meta.rating = vocab.normalise_rating(value)
        elif key in ("warning", "warnings"):
            meta.warnings = [w for w in (vocab.normalise_warning(v) for v in values) if w]
        elif key == "language":
            meta.language = value
    return meta, text[m.end() :]
