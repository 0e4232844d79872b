"""Allow-list HTML sanitiser for untrusted story HTML (summaries, notes, anything a work brings).

Design: parse with the standard library's ``html.parser`` and *rebuild* the markup from the
parse events, emitting only allow-listed tags with allow-listed attributes; every piece of
text and every attribute value is escaped on the way out. Nothing from the input is ever
copied through verbatim, so whatever a browser would have made of the original bytes, the
output is well-formed markup that holds no script, style, frame, object, form, event handler
or ``javascript:``/``data:`` URL.

- Tags outside the allow-list are dropped but their text is kept (escaped):
  ``<blink>hi</blink>`` -> ``hi``.
- Tags whose content is code or chrome (``script``, ``style``, ``iframe``, ``svg``, ...) are
  dropped *with* their content: ``<script>x()</script>`` -> ````.
- Links keep only ``http``, ``https`` and ``mailto`` URLs (and in-page ``#anchors``) and gain
  ``rel="nofollow noopener noreferrer"``.
- Open tags are closed at the end; stray end tags are ignored.

>>> sanitize('<p onclick="evil()">Hi <b>there</b><script>alert(1)</script></p>')
'<p>Hi <b>there</b></p>'
>>> sanitize('<a href="javascript:alert(1)">x</a>')
'<a>x</a>'
>>> sanitize("I <3 Clark & Lois")
'I &lt;3 Clark &amp; Lois'
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from markupsafe import Markup, escape

# the tags AO3's own sanitiser lets through in summaries and notes, minus images and media
ALLOWED_TAGS = frozenset(
    ["a", "abbr", "acronym", "address", "b", "big", "blockquote", "br", "caption", "center", "cite", "code", "dd", "del", "dfn", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var"]
)
VOID_TAGS = frozenset({"br", "hr"})
# dropped together with everything inside them
DROP_CONTENT_TAGS = frozenset(
    ["script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "noembed", "noframes", "template", "textarea", "select", "option", "svg", "math", "title", "head", "xmp", "plaintext"]
)
ALLOWED_ATTRS: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "abbr": frozenset({"title"}),
    "acronym": frozenset({"title"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan"}),
    "*": frozenset({"lang", "dir"}),
}
SAFE_SCHEMES = ("http", "https", "mailto")
# browsers ignore ASCII control characters and whitespace inside a scheme: "java\tscript:"
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z][^<>]*>|&[a-zA-Z]+;|&#\d+;")
_NUMERIC = re.compile(r"^\d{1,3}$")


def safe_url(url: str) -> str | None:
    """The URL if it is safe to put in ``href``, else None.

    >>> safe_url("https://archiveofourown.org/works/1")
    'https://archiveofourown.org/works/1'
    >>> safe_url(" JaVa\\tScRiPt:alert(1)") is None
    True
    >>> safe_url("data:text/html;base64,PHNjcmlwdD4=") is None
    True
    """
    cleaned = _IGNORED_IN_URL.sub("", url)
    if not cleaned:
        return None
    m = _SCHEME.match(cleaned)
    if m:
        return cleaned if m.group(1).lower() in SAFE_SCHEMES else None
    # relative URLs could point anywhere on our own server; only in-page anchors are useful
    return cleaned if cleaned.startswith("#") else None


class _Rebuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.drop_depth = 0  # > 0 while inside a DROP_CONTENT_TAGS element
        self.drop_tag: str | None = None

    # -- events
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if self.drop_depth:
            if tag == self.drop_tag:
                self.drop_depth += 1
            return
        if tag in DROP_CONTENT_TAGS:
            self.drop_tag, self.drop_depth = tag, 1
            return
        if tag not in ALLOWED_TAGS:
            return
        self.out.append(f"<{tag}{self._attrs(tag, attrs)}>")
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if self.drop_depth or tag in DROP_CONTENT_TAGS or tag not in ALLOWED_TAGS:
            return
        self.out.append(f"<{tag}{self._attrs(tag, attrs)}>")
        if tag not in VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if self.drop_depth:
            if tag == self.drop_tag:
                self.drop_depth -= 1
                if not self.drop_depth:
                    self.drop_tag = None
            return
        if tag not in self.open:
            return  # stray end tag
        # close anything left open inside it, so the output nests properly
        while self.open:
            t = self.open.pop()
            self.out.append(f"</{t}>")
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.drop_depth:
            self.out.append(html.escape(data, quote=False))

    # comments, doctypes, processing instructions and CDATA are all dropped
    def handle_comment(self, data: str) -> None:
        pass

    def handle_decl(self, decl: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass

    # -- helpers
    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str:
        allowed = ALLOWED_ATTRS.get(tag, frozenset()) | ALLOWED_ATTRS["*"]
        parts: list[str] = []
        seen: set[str] = set()
        for name, value in attrs:
            name = name.lower()
            if name not in allowed or name in seen or value is None:
                continue
            seen.add(name)
            if name == "href":
                value = safe_url(value)
                if value is None:
                    continue
            elif name in ("colspan", "rowspan") and not _NUMERIC.match(value.strip()):
                continue
            parts.append(f' {name}="{html.escape(value, quote=True)}"')
        if tag == "a" and any(p.startswith(" href=") for p in parts):
            parts.append(' rel="nofollow noopener noreferrer"')
        return "".join(parts)

    def result(self) -> str:
        self.close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def sanitize(fragment: str | None) -> str:
    """Untrusted HTML fragment -> safe HTML (a ``str``; wrap in ``Markup`` to render)."""
    if not fragment:
        return ""
    parser = _Rebuilder()
    parser.feed(fragment)
    return parser.result()


def looks_like_html(text: str) -> bool:
    """True when ``text`` holds tags or entities, so it should be sanitised, not just escaped."""
    return bool(_LOOKS_LIKE_HTML.search(text))


def user_text(text: str | None) -> Markup:
    """Render a creator-written field (summary, note) that may be plain text or HTML.

    HTML goes through ``sanitize``; plain text is escaped, blank lines become paragraphs and
    single newlines line breaks.

    >>> str(user_text("One <3\\n\\nTwo"))
    '<p>One &lt;3</p>\\n<p>Two</p>'
    """
    if not text or not text.strip():
        return Markup("")
    if looks_like_html(text):
        return Markup(sanitize(text))
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in p.split("\n"))) for p in paras
    )
