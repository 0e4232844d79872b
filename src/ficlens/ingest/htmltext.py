"""HTML -> contract text, shared by every HTML-shaped reader (AO3, FFN, EPUB, HTML, Markdown).

Two halves:

- ``extract_blocks(node)`` walks a DOM subtree (iteratively: fan-fiction HTML can nest
  thousands of unclosed tags deep) and returns its paragraphs as ``Block``s: the text with
  HTML whitespace collapsed, the italic/emphasis runs inside it, and whether the block is a
  heading or a scene break (``<hr>``, or a paragraph that is only ``* * *``, ``~~~``, ``xXx``...).
- ``TextBuilder`` lays blocks out as the contract asks (one paragraph per line, chapters
  separated by a blank line) and records every span it writes, so readers never compute an
  offset by hand.

>>> from selectolax.lexbor import LexborHTMLParser
>>> tree = LexborHTMLParser("<p>He <em>knew</em>.</p><hr><p>* * *</p><p>Later.</p>")
>>> [(b.kind, b.text, b.emphasis) for b in extract_blocks(tree.body)]
[('p', 'He knew.', [(3, 7)]), ('break', '', []), ('break', '* * *', []), ('p', 'Later.', [])]
>>> tb = TextBuilder()
>>> part = tb.add_blocks(extract_blocks(tree.body))
>>> tb.text()[part.span.start:part.span.end]
'He knew.\\n* * *\\nLater.'
>>> [tb.text()[s.start:s.end] for s in part.scenes]
['He knew.', 'Later.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Span
from ..text import ao3_word_count

# elements whose start and end break a line
BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "body", "center", "dd", "details", "div", "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"]
)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
EMPHASIS_TAGS = frozenset({"i", "em", "cite", "dfn", "var"})
# never text of the work
SKIP_TAGS = frozenset(
    ["script", "style", "head", "noscript", "template", "title", "select", "option", "button", "iframe", "svg", "math", "object", "embed", "audio", "video", "canvas", "input", "textarea"]
)

# A paragraph that is only decoration marks a scene break: "* * *", "~~~", "-----", "xXx",
# "oOo", "o0o", "#", "⁂", "~*~*~". Letters allowed only as the x/o patterns fans use.
_SEPARATOR_RE = re.compile(
    r"^(?:[\s*~#=_\-\u2013\u2014+\u2022\u00b7.:\u25c7\u25c6\u2666\u2756\u2042\u00a7\u2726\u2605\u2606\u25cf\u25cb|/\\<>^]{1,}"
    r"|(?:[xX]{1,2}[oO0]?[xX]{1,2}[-~ ]*)+|(?:[oO0][xXoO0]*[oO0])|#)$"
)
_SEP_SYMBOL_RE = re.compile(r"[*~#=_\-\u2013\u2014+\u2022\u00b7\u25c7\u25c6\u2666\u2756\u2042\u00a7\u2726\u2605\u2606\u25cf\u25cb]")
_WS_RE = re.compile(r"[ \t\n\r\f\u00a0\u200b]+")


def is_separator(line: str) -> bool:
    """True for a line that is only a scene-break decoration.

    >>> [is_separator(s) for s in ("* * *", "~~~", "xXx", "o0o", "-", "Okay.", "XOXO Lois", "...")]
    [True, True, True, True, False, False, False, False]
    """
    s = line.strip()
    if not s or len(s) > 40 or not _SEPARATOR_RE.match(s):
        return False
    if s in ("#", "\u2042", "\u00a7"):
        return True
    if re.search(r"[xXoO0]", s):
        # "xXx", "oOo", "XxXxX", "o0o": mixed case or digit zero, at least three letters
        letters = re.sub(r"[^xXoO0]", "", s)
        return len(letters) >= 3 and (letters != letters.lower() or "0" in letters or len(set(letters)) > 1)
    return len(_SEP_SYMBOL_RE.findall(s)) >= 3 or (len(_SEP_SYMBOL_RE.findall(s)) >= 1 and len(s.replace(" ", "")) >= 3)


@dataclass
class Block:
    """One extracted paragraph (or heading, or scene break)."""

    text: str
    emphasis: list[tuple[int, int]] = field(default_factory=list)  # offsets into ``text``
    kind: str = "p"  # "p", "h1".."h6", or "break"
    words: int = 0  # AO3's count over this block's text nodes
    note: str = ""  # contract note kind when a reader has classified this front-matter block

    @property
    def is_heading(self) -> bool:
        return self.kind in HEADING_TAGS


class _Line:
    """Inline text gathered until the next block boundary: (text, emphasised) pieces."""

    __slots__ = ("pieces", "words")

    def __init__(self) -> None:
        self.pieces: list[tuple[str, bool]] = []
        self.words = 0

    def add(self, text: str, emph: bool, *, node: bool = True) -> None:
        if text:
            self.pieces.append((text, emph))
            if node:
                # AO3 counts each text node on its own: "<em>Lex</em>'s" is two words there
                self.words += ao3_word_count(text)

    def take(self, kind: str) -> Block | None:
        if not self.pieces:
            return None  # (words of a node split over lines carry to the next block)
        pieces, self.pieces = self.pieces, []
        block = _normalise(pieces, kind)
        if block is not None:
            block.words, self.words = self.words, 0
        return block


def _normalise(pieces: list[tuple[str, bool]], kind: str) -> Block | None:
    """Collapse HTML whitespace, strip the edges, keep emphasis offsets true."""
    out: list[str] = []
    n = 0
    spans: list[tuple[int, int]] = []
    for raw, emph in pieces:
        t = _WS_RE.sub(" ", raw)
        if t.startswith(" ") and (n == 0 or out[-1].endswith(" ")):
            t = t[1:]
        if not t:
            continue
        if emph:
            spans.append((n, n + len(t)))
        out.append(t)
        n += len(t)
    text = "".join(out)
    stripped = text.rstrip(" ")
    if not stripped:
        return None
    spans = _tidy_spans(stripped, spans)
    return Block(stripped, spans, kind)


def _tidy_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Clip to the text, trim edge spaces, merge runs that touch or are only spaces apart."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        e = min(e, len(text))
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if e <= s:
            continue
        if out and not text[out[-1][1] : s].strip():
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _is_emphasis(node) -> bool:
    if node.tag in EMPHASIS_TAGS:
        return True
    style = (node.attributes.get("style") or "").replace(" ", "").lower()
    return "font-style:italic" in style or "font-style:oblique" in style


def extract_blocks(root, *, skip=None) -> list[Block]:
    """The paragraphs under ``root`` in document order.

    ``skip(node) -> bool`` lets a reader leave out subtrees (AO3's "Chapter Text" landmark,
    FFN's navigation). ``<br>`` ends a line; ``<hr>`` and separator paragraphs become
    ``kind="break"`` blocks.
    """
    blocks: list[Block] = []
    line = _Line()
    emph = pre = 0

    def flush(kind: str) -> None:
        b = line.take(kind)
        if b is None:
            return
        if is_separator(b.text):
            b.kind, b.emphasis = "break", []
        blocks.append(b)

    stack: list[tuple[bool, object]] = [(False, child) for child in reversed(list(root.iter(include_text=True)))]
    while stack:
        leaving, node = stack.pop()
        tag = node.tag
        if leaving:
            if _is_emphasis(node):
                emph -= 1
            if tag == "pre":
                pre -= 1
            if tag in BLOCK_TAGS:
                flush(tag if tag in HEADING_TAGS else "p")
            continue
        if tag == "-text":
            raw = node.text_content or ""
            if pre and "\n" in raw:
                # preformatted text (poems, texts, letters): its newlines are line breaks
                first, *rest = raw.split("\n")
                line.add(first, emph > 0)
                line.words += ao3_word_count(raw) - ao3_word_count(first)  # the node counts once
                for piece in rest:
                    flush("p")
                    line.add(piece, emph > 0, node=False)
            else:
                line.add(raw, emph > 0)
            continue
        if tag.startswith(("-", "!")) or tag in SKIP_TAGS or (skip is not None and skip(node)):
            continue
        if tag == "br":
            flush("p")
            continue
        if tag == "hr":
            flush("p")
            blocks.append(Block("", [], "break"))
            continue
        if tag in BLOCK_TAGS:
            flush("p")
        if _is_emphasis(node):
            emph += 1
        if tag == "pre":
            pre += 1
        stack.append((True, node))
        stack.extend((False, child) for child in reversed(list(node.iter(include_text=True))))
    flush("p")
    return blocks


def node_text(node) -> str:
    """A node's text as one line (whitespace collapsed)."""
    # no separator: text nodes of inline markup ("<a>Chapter 1</a>: Title") join as shown
    return " ".join(_WS_RE.sub(" ", node.text(deep=True)).split()) if node is not None else ""


def blocks_text(blocks: list[Block]) -> str:
    """Blocks joined as the contract lays them out (one per line), for metadata strings."""
    return "\n".join(b.text for b in blocks if b.text)


@dataclass
class Written:
    """Where ``TextBuilder.add_blocks`` put a run of blocks."""

    span: Span  # first line's start to last line's end (empty at the write position if nothing)
    scenes: list[Span] = field(default_factory=list)  # prose between scene breaks
    lines: list[tuple[Block, Span]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.lines


class TextBuilder:
    """Assemble the contract text line by line, recording spans as it goes.

    Emphasis spans are collected from every block written with ``emphasis=True`` (story text);
    front matter is written without them.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self._blank_pending = False
        self.emphasis: list[Span] = []

    @property
    def pos(self) -> int:
        return self._pos

    def blank(self) -> None:
        """Make sure the next line starts after a blank line (a no-op at the very start)."""
        if self._parts:
            self._blank_pending = True

    def line(self, text: str) -> Span:
        """Write one line; returns its span."""
        text = text.replace("\n", " ")
        if self._parts:
            sep = "\n\n" if self._blank_pending else "\n"
            self._parts.append(sep)
            self._pos += len(sep)
        self._blank_pending = False
        start = self._pos
        self._parts.append(text)
        self._pos += len(text)
        return Span(start, self._pos)

    def add_blocks(self, blocks: list[Block], *, emphasis: bool = True, breaks: bool = True) -> Written:
        """Write blocks one per line. Scene breaks split ``scenes``; ``<hr>`` writes no line."""
        lines: list[tuple[Block, Span]] = []
        scenes: list[Span] = []
        cur: Span | None = None
        for b in blocks:
            if b.kind == "break" and breaks:
                if cur is not None:
                    scenes.append(cur)
                    cur = None
                if b.text:
                    lines.append((b, self.line(b.text)))
                continue
            if not b.text:
                continue
            sp = self.line(b.text)
            lines.append((b, sp))
            if emphasis:
                self.emphasis.extend(Span(sp.start + s, sp.start + e) for s, e in b.emphasis)
            cur = Span(sp.start, sp.end) if cur is None else Span(cur.start, sp.end)
        if cur is not None:
            scenes.append(cur)
        if lines:
            span = Span(lines[0][1].start, lines[-1][1].end)
        else:
            span = Span(self._pos, self._pos)
        return Written(span, scenes, lines)

    def text(self) -> str:
        """The text so far, ending in a newline (a file of lines)."""
        return "".join(self._parts) + ("\n" if self._parts else "")


_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def decode_html(data: bytes) -> tuple[str, str]:
    """(markup, encoding): a BOM wins, then a ``<meta charset>``, then detection as for text."""
    from .decode import decode_text

    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        m = _META_CHARSET_RE.search(data[:4096])
        if m:
            enc = m.group(1).decode("ascii").lower()
            if enc not in ("utf-8", "utf8"):
                try:
                    return data.decode(enc).replace("\r\n", "\n").replace("\r", "\n"), enc
                except (LookupError, UnicodeDecodeError):
                    pass  # a wrong declaration is common: fall back to detection
    return decode_text(data)


def parse_html(data: bytes):
    """(LexborHTMLParser tree, encoding) for raw HTML bytes."""
    from selectolax.lexbor import LexborHTMLParser

    markup, enc = decode_html(data)
    return LexborHTMLParser(markup), enc


def classes(node) -> list[str]:
    return (node.attributes.get("class") or "").split()
