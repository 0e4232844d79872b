"""Format detection by content.

>>> sniff_format(b"PK\\x03\\x04...mimetypeapplication/epub+zip", "x.zip")
'epub'
>>> sniff_format(b"<html><div id=\\"preface\\">Archive of Our Own", None)
'ao3-html'
>>> sniff_format(b"<html><p>This work could have adult content.</p> archiveofourown.org", "w.html")
'ao3-page'
>>> sniff_format(b"Chapter 1\\n\\nIt was raining.", "story.html")
'txt'
"""

from __future__ import annotations

import re

_BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"\x7fELF",
    b"MZ",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"Rar!",
    b"7z\xbc\xaf",
    b"OggS",
    b"ID3",
    b"RIFF",
    b"\x00\x00\x01\x00",
)
_HTML_RE = re.compile(rb"<(!doctype\s+html|html|head|body|div|p|h[1-6]|br|span|meta)\b", re.IGNORECASE)
# an AO3 work web page, or the AO3 pages that stand where a work should be
_AO3_PAGE_MARKS = (
    b'id="workskin"',
    b'class="work meta group"',
    b"could have adult content",
    b"error 404",
    b"page you were looking for",
)
_MD_RE = re.compile(r"^(#{1,6} \S|\*\*\*$|---$|> \S|\* \S)|\*\*[^*\n]+\*\*|(?<!\w)_[^_\n]+_(?!\w)", re.MULTILINE)


def sniff_format(data: bytes, path: str | None = None) -> str:
    """One of txt, html, ao3-html, ao3-page, ffn-html, epub, markdown, or "binary"."""
    head = data[:4096]
    ext = (path or "").lower().rsplit(".", 1)[-1] if path and "." in path else ""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "epub" if (b"epub" in head or ext == "epub") else "binary"
    if ext == "epub":
        return "epub"  # not a zip at all: the EPUB reader says so
    utf16 = _utf16_codec(head)
    has_bom = head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"))
    if not has_bom and not utf16 and (head.startswith(_BINARY_MAGIC) or b"\x00" in head):
        return "binary"
    # markup checks run on lower-cased UTF-8-ish bytes, whatever the encoding
    whole = data[:400_000].decode(utf16, "ignore").lower().encode("utf-8") if utf16 else data[:200_000].lower()
    low = whole[:4096]
    if _HTML_RE.search(low[:2048]) or (ext in ("html", "htm", "xhtml") and _HTML_RE.search(low)):
        return _html_kind(whole)
    if ext in ("md", "markdown"):
        return "markdown"
    if ext == "":
        # Markdown saved as .txt stays text: only headings + emphasis together count
        sample = head.decode("utf-8", "ignore")
        if len(_MD_RE.findall(sample)) >= 3 and re.search(r"^#{1,6} \S", sample, re.MULTILINE):
            return "markdown"
    return "txt"


def _html_kind(whole: bytes) -> str:
    """Which HTML reader: AO3 download, AO3 web page, FFN page, or generic."""
    if b'id="preface"' in whole and b"archive of our own" in whole:
        return "ao3-html"
    ao3 = b"archiveofourown" in whole or b"archive of our own" in whole
    if ao3 and any(mark in whole for mark in _AO3_PAGE_MARKS):
        return "ao3-page"
    if b'id="storytext"' in whole or b"id=storytext" in whole or b'id="profile_top"' in whole:
        return "ffn-html"
    if b"fanfiction.net" in whole and b"story not found" in whole:
        return "ffn-html"  # FFN's missing-story page: the FFN reader refuses it
    return "html"


def _utf16_codec(head: bytes) -> str | None:
    """"utf-16" (BOM), "utf-16-le"/"utf-16-be" (every other byte zero), or None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[:512]
    if len(sample) < 16:
        return None
    zeros_even, zeros_odd, half = sample[0::2].count(0), sample[1::2].count(0), len(sample) // 2
    if zeros_odd > 0.4 * half and zeros_even < 0.05 * half:
        return "utf-16-le"
    if zeros_even > 0.4 * half and zeros_odd < 0.05 * half:
        return "utf-16-be"
    return None
