"""Format detection looks at the content; the extension is only a hint."""

from __future__ import annotations

import pytest

from ficlens.ingest.sniff import sniff_format

AO3 = b'<html><body><div id="preface"><p class="message">Posted originally on the Archive of Our Own</p></div></body></html>'


@pytest.mark.parametrize(
    "data, path, expected",
    [
        (AO3, "download.txt", "ao3-html"),  # an AO3 download renamed .txt
        (AO3.decode().encode("utf-16-be"), "x.html", "ao3-html"),  # UTF-16 without a BOM
        (b'<html><div id="storytext"><p>Hi</p></div></html>', None, "ffn-html"),
        (b"<html><body><p>This work could have adult content.</p>archiveofourown.org</body></html>", "w.htm", "ao3-page"),
        (b"<p>Just a story in a paragraph.</p>", "story", "html"),
        (b"# Title\n\nShe *ran*. He **walked**.\n\n* * *\n", None, "markdown"),
        (b"# Title\n\nShe *ran*. He **walked**.\n", "story.txt", "txt"),  # Markdown named .txt stays text
        (b"\x89PNG\r\n\x1a\n\x00\x00", "cover.txt", "binary"),
        (b"PK\x03\x04\x14\x00\x00\x00 word/document.xml", "notes.docx", "binary"),  # a zip that is no EPUB
        (b"PK\x03\x04\x14\x00\x00\x00mimetypeapplication/epub+zip", "book.zip", "epub"),
        (b"Chapter 1\n\nIt was raining in Smallville.", "story.html", "txt"),  # no markup at all
    ],
)
def test_format_is_sniffed_from_content(data, path, expected):
    assert sniff_format(data, path) == expected
