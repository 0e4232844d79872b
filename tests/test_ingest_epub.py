"""EPUBs: generic books, and the defences (corrupt, encrypted, zip bombs) before inflating."""

from __future__ import annotations

import io
import zipfile

import pytest
from ingest_helpers import analyse_work, ao3_epub, check_offsets, encryption_xml

from ficlens.errors import BadEpub
from ficlens.ingest import read, read_bytes
from ficlens.ingest.epub import open_archive, read_member

CONTAINER = b"""<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"""
OPF = b"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="id">urn:uuid:1</dc:identifier><dc:title>The Night Ferry</dc:title>
<dc:creator>Ines Varga</dc:creator><dc:language>en</dc:language><dc:subject>Fiction</dc:subject>
<dc:description>&lt;p&gt;A ferry that only runs at night.&lt;/p&gt;</dc:description>
</metadata>
<manifest><item id="t" href="title.xhtml" media-type="application/xhtml+xml"/>
<item id="c1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>
<item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/></manifest>
<spine><itemref idref="t"/><itemref idref="c1"/><itemref idref="c2"/></spine></package>"""


def xhtml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body>{body}</body></html>'.encode()


DOCS = {
    "OEBPS/title.xhtml": xhtml("<h1>The Night Ferry</h1><p>Ines Varga</p>"),
    "OEBPS/text/ch1.xhtml": xhtml(
        "<h2>One</h2><p>The ferry left at midnight, always, whether or not anyone was on it.</p>"
        "<p>Marta had ridden it every night for a year, and she had never once seen the captain.</p>"
        "<p><i>Tonight,</i> she thought. <i>Tonight I knock on the wheelhouse door.</i></p>"
    ),
    "OEBPS/text/ch2.xhtml": xhtml(
        "<h2>Two</h2><p>The door opened before she knocked. Nobody was inside, and the wheel turned on its own.</p>"
        "<div/><p>She sat down in the captain's chair, because somebody ought to.</p>"
    ),
}


def make_epub(entries: dict[str, bytes], *, encryption: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/container.xml", CONTAINER)
        if encryption is not None:
            zf.writestr("META-INF/encryption.xml", encryption)
        zf.writestr("OEBPS/book.opf", OPF)
        for name, data in entries.items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def test_generic_epub_has_one_chapter_per_spine_document_with_prose(validate):
    w = read_bytes(make_epub(DOCS), path="ferry.epub")
    m = w.metadata
    assert w.source.format == "epub"
    assert (m.title, m.authors, m.language, m.summary) == ("The Night Ferry", ["Ines Varga"], "en", "A ferry that only runs at night.")
    assert m.extra["subjects"] == ["Fiction"]
    assert [c.title for c in w.chapters] == ["One", "Two"]
    assert w.text[w.chapters[0].start :].startswith("The ferry left at midnight")
    assert [w.text[e.start : e.end] for e in w.emphasis] == ["Tonight,", "Tonight I knock on the wheelhouse door."]
    # the title page is front matter, not a chapter
    assert w.text.startswith("The Night Ferry\nby Ines Varga\n")
    check_offsets(w)
    analyse_work(w, validate)


def test_self_closing_xhtml_tags_do_not_swallow_the_text_after_them():
    w = read_bytes(make_epub(DOCS), path="ferry.epub")
    assert w.text[: w.body.end].endswith("She sat down in the captain's chair, because somebody ought to.")


def test_corrupt_epub_is_refused(tmp_path):
    good = ao3_epub(tmp_path).read_bytes()
    with pytest.raises(BadEpub, match="corrupt"):
        read_bytes(good[: len(good) // 2], path="cut.epub")


def test_text_file_named_epub_is_refused_as_not_a_zip():
    with pytest.raises(BadEpub, match="not a zip"):
        read_bytes(b"Chapter 1\n\nIt was a dark night.", path="story.epub")


def test_epub_without_container_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", b"application/epub+zip")
    with pytest.raises(BadEpub, match="container.xml"):
        read_bytes(buf.getvalue(), path="empty.epub")


def test_encrypted_epub_is_refused(tmp_path):
    enc = encryption_xml("OEBPS/text/ch1.xhtml", "http://www.w3.org/2001/04/xmlenc#aes128-cbc")
    with pytest.raises(BadEpub, match="encrypted"):
        read_bytes(make_epub(DOCS, encryption=enc), path="drm.epub")


def test_encrypted_ao3_fixture_epub_is_refused(tmp_path):
    enc = encryption_xml("index_split_002.xhtml", "http://www.w3.org/2001/04/xmlenc#aes256-cbc")
    path = ao3_epub(tmp_path, extra={"META-INF/encryption.xml": enc})
    with pytest.raises(BadEpub, match="encrypted"):
        read(path)


def test_font_obfuscation_alone_is_not_drm():
    enc = encryption_xml("OEBPS/fonts/serif.otf", "http://www.idpf.org/2008/embedding")
    w = read_bytes(make_epub(DOCS, encryption=enc), path="fonts.epub")
    assert w.metadata.title == "The Night Ferry"


def test_zip_bomb_entry_is_refused_before_inflating():
    # 50 MB of one byte deflates to ~50 KB: a 1000x ratio no real XHTML has
    bomb = dict(DOCS)
    bomb["OEBPS/text/ch2.xhtml"] = b"a" * (50 * 1024 * 1024)
    data = make_epub(bomb)
    assert len(data) < 1024 * 1024
    with pytest.raises(BadEpub, match="zip bomb"):
        read_bytes(data, path="bomb.epub")


def with_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the central directory so ``name`` claims ``size`` bytes uncompressed."""
    raw = bytearray(data)
    key = name.encode()
    pos = raw.find(b"PK\x01\x02")
    while pos != -1:
        name_len = int.from_bytes(raw[pos + 28 : pos + 30], "little")
        if bytes(raw[pos + 46 : pos + 46 + name_len]) == key:
            raw[pos + 24 : pos + 28] = size.to_bytes(4, "little")
        pos = raw.find(b"PK\x01\x02", pos + 4)
    return bytes(raw)


def test_huge_declared_uncompressed_size_is_refused():
    data = with_declared_size(make_epub(DOCS), "OEBPS/text/ch1.xhtml", 4_000_000_000)
    with pytest.raises(BadEpub, match="declares 4,0"):
        read_bytes(data, path="liar.epub")


def test_entry_that_inflates_past_its_declared_size_is_refused():
    # the directory says 100 bytes; the deflated stream holds far more
    data = with_declared_size(make_epub(DOCS), "OEBPS/text/ch1.xhtml", 100)
    with pytest.raises(BadEpub):
        read_bytes(data, path="liar.epub")


def test_streaming_read_stops_at_the_declared_size():
    data = make_epub(DOCS)
    zf = open_archive(data, limit=20 * 1024 * 1024)
    assert read_member(zf, "OEBPS/text/ch1.xhtml", 20 * 1024 * 1024) == DOCS["OEBPS/text/ch1.xhtml"]


def test_epub3_navigation_document_is_not_a_chapter():
    nav = xhtml("<nav epub:type='toc'><ol>" + "".join(f"<li><a href='c{i}.xhtml'>Chapter {i}</a></li>" for i in range(40)) + "</ol></nav>")
    opf = OPF.replace(b'<item id="t" href="title.xhtml"', b'<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/><item id="t" href="title.xhtml"')
    opf = opf.replace(b'<spine><itemref idref="t"/>', b'<spine><itemref idref="nav"/><itemref idref="t"/>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", b"application/epub+zip")
        zf.writestr("META-INF/container.xml", CONTAINER)
        zf.writestr("OEBPS/book.opf", opf)
        zf.writestr("OEBPS/nav.xhtml", nav)
        for name, data in DOCS.items():
            zf.writestr(name, data)
    w = read_bytes(buf.getvalue(), path="nav.epub")
    assert [c.title for c in w.chapters] == ["One", "Two"]
    assert "Chapter 7" not in w.text
