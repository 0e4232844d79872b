"""EPUB reader: AO3 EPUB downloads and generic EPUBs, read defensively.

An EPUB is a zip archive, so before anything is inflated every entry is checked: the total
declared uncompressed size and each entry's compression ratio must be plausible (a "zip
bomb" declares or hides gigabytes), entries are then streamed with a hard cap in case the
declared sizes lie, and encrypted content (``META-INF/encryption.xml`` naming content
documents, or zip-level encryption) is refused. Font obfuscation alone is allowed.

AO3 EPUBs are calibre conversions of the HTML download: the spine documents are joined and
read by ``ao3_html.parse_download`` (types of tags come from the preface pages; the OPF's
``dc:subject`` list is flat and unordered, so it is only a cross-check). Other EPUBs become
one chapter per spine document with prose, titled by its first heading.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from urllib.parse import unquote
from xml.etree import ElementTree as ET

from .. import vocab
from ..errors import BadEpub, NotAWork
from ..model import Metadata, Source, Work
from .htmltext import blocks_text, extract_blocks, node_text
from .layout import ChapterParts, WorkParts, build_work, trim_chapter_edges

FORMAT = "epub"
# a real EPUB's XHTML compresses 3-8x; text of zeros or one repeated byte ~1000x
MAX_RATIO = 100
# entries smaller than this may have any ratio (tiny files compress oddly)
RATIO_FLOOR = 1 << 20
_FONT_OBFUSCATION = ("http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC")
_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "enc": "http://www.w3.org/2001/04/xmlenc#",
}
_HTML_TYPES = ("application/xhtml+xml", "text/html")


def read(data: bytes, *, path: str | None, sha256: str, max_bytes: int | None = None) -> Work:
    limit = max_bytes or 20 * 1024 * 1024
    zf = open_archive(data, limit)
    opf_path = _rootfile(zf, limit)
    opf = _xml(zf, opf_path, limit)
    _check_encryption(zf, limit)
    base = posixpath.dirname(opf_path)
    info = opf_metadata(opf)
    docs = [_read_doc(zf, posixpath.normpath(posixpath.join(base, href)), limit) for href in spine_hrefs(opf)]
    if not docs:
        raise BadEpub("EPUB spine lists no readable documents")
    if _is_ao3(info, docs):
        return _read_ao3(docs, info, path, sha256)
    return _read_generic(docs, info, Source(path=path, format=FORMAT, sha256=sha256, encoding="utf-8"))


# ----------------------------------------------------------------------------- the zip, safely


def open_archive(data: bytes, limit: int) -> zipfile.ZipFile:
    """Open the zip and refuse bombs and encrypted entries before inflating anything."""
    if not data.startswith(b"PK"):
        raise BadEpub("not an EPUB (not a zip archive)")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise BadEpub(f"corrupt EPUB ({_one_line(exc)})") from None
    cap = uncompressed_cap(limit)
    total = sum(i.file_size for i in infos)
    if total > cap:
        raise BadEpub(f"EPUB declares {total:,} bytes uncompressed, over the {cap:,}-byte cap (zip bomb?)")
    for i in infos:
        if i.flag_bits & 0x1:
            raise BadEpub(f"encrypted EPUB (zip entry {i.filename} is encrypted)")
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise BadEpub(
                f"EPUB entry {i.filename} expands {i.file_size // max(i.compress_size, 1):,}x (zip bomb?)"
            )
    return zf


def uncompressed_cap(limit: int) -> int:
    """Most bytes we will inflate: markup around 20 MB of text, never less than 64 MB."""
    return max(4 * limit, 64 * 1024 * 1024)


def read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """One entry's bytes, streamed with a cap (declared sizes can lie)."""
    cap = uncompressed_cap(limit)
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise BadEpub(f"EPUB is missing {name}") from None
    out = bytearray()
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 16):
                out += chunk
                if len(out) > cap or len(out) > info.file_size + (1 << 16):
                    raise BadEpub(f"EPUB entry {name} inflates past its declared size (zip bomb?)")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise BadEpub(f"corrupt EPUB entry {name} ({_one_line(exc)})") from None
    except RuntimeError as exc:  # zipfile raises this for encrypted members
        raise BadEpub(f"encrypted EPUB ({_one_line(exc)})") from None
    return bytes(out)


def _xml(zf: zipfile.ZipFile, name: str, limit: int) -> ET.Element:
    try:
        return ET.fromstring(read_member(zf, name, limit))
    except ET.ParseError as exc:
        raise BadEpub(f"corrupt EPUB: {name} is not well-formed XML ({_one_line(exc)})") from None


def _rootfile(zf: zipfile.ZipFile, limit: int) -> str:
    container = _xml(zf, "META-INF/container.xml", limit)
    node = container.find(".//c:rootfile", _NS)
    if node is None or not node.get("full-path"):
        raise BadEpub("corrupt EPUB: container.xml names no package document")
    return node.get("full-path")


def _check_encryption(zf: zipfile.ZipFile, limit: int) -> None:
    """Refuse DRM: any encrypted resource other than an obfuscated font."""
    if "META-INF/encryption.xml" not in zf.namelist():
        return
    root = _xml(zf, "META-INF/encryption.xml", limit)
    for data in root.iter(f"{{{_NS['enc']}}}EncryptedData"):
        method = data.find("enc:EncryptionMethod", _NS)
        ref = data.find(".//enc:CipherReference", _NS)
        algorithm = method.get("Algorithm", "") if method is not None else ""
        uri = ref.get("URI", "") if ref is not None else ""
        is_font = re.search(r"\.(otf|ttf|woff2?)$", uri, re.IGNORECASE) is not None
        if not (algorithm in _FONT_OBFUSCATION and is_font):
            raise BadEpub(f"encrypted EPUB (DRM): {uri or 'content'} is encrypted")


# ----------------------------------------------------------------------------- the package


def opf_metadata(opf: ET.Element) -> dict:
    """The OPF's Dublin Core fields and calibre's series."""

    def texts(tag: str) -> list[str]:
        return [" ".join((e.text or "").split()) for e in opf.iterfind(f".//dc:{tag}", _NS) if (e.text or "").strip()]

    meta: dict = {
        "title": (texts("title") or [None])[0],
        "creators": texts("creator"),
        "language": (texts("language") or [None])[0],
        "publisher": (texts("publisher") or [None])[0],
        "description": (texts("description") or [None])[0],
        "subjects": texts("subject"),
        "date": (texts("date") or [None])[0],
        "identifiers": texts("identifier"),
    }
    for m in opf.iterfind(".//opf:meta", _NS):
        if m.get("name") == "calibre:series":
            meta["series"] = m.get("content")
        elif m.get("name") == "calibre:series_index":
            meta["series_index"] = m.get("content")
    return meta


def spine_hrefs(opf: ET.Element) -> list[str]:
    """Hrefs of the linear (X)HTML documents in spine order."""
    manifest = {
        i.get("id"): (i.get("href") or "", i.get("media-type") or "", i.get("properties") or "")
        for i in opf.iterfind(".//opf:manifest/opf:item", _NS)
    }
    out = []
    for ref in opf.iterfind(".//opf:spine/opf:itemref", _NS):
        href, mtype, props = manifest.get(ref.get("idref"), ("", "", ""))
        if "nav" in props.split():
            continue  # the EPUB 3 table of contents, not the story
        if href and ref.get("linear", "yes") != "no" and (mtype in _HTML_TYPES or href.endswith((".xhtml", ".html", ".htm"))):
            out.append(unquote(href.split("#")[0]))
    return out


def _read_doc(zf: zipfile.ZipFile, name: str, limit: int):
    from selectolax.lexbor import LexborHTMLParser

    raw = read_member(zf, name, limit)
    try:
        markup = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        markup = raw.decode("cp1252", "replace")
    # XHTML self-closing divs/anchors would swallow what follows in an HTML parser
    markup = re.sub(r"<(div|a|p|span|i|em|b)(\s[^<>]*)?/>", r"<\1\2></\1>", markup)
    return LexborHTMLParser(markup)


def _is_ao3(info: dict, docs) -> bool:
    if (info.get("publisher") or "").lower() == "archive of our own":
        return True
    head = docs[0].html or ""
    return 'id="preface"' in head and "Archive of Our Own" in head


# ----------------------------------------------------------------------------- AO3


def _read_ao3(docs, info: dict, path: str | None, sha256: str) -> Work:
    from selectolax.lexbor import LexborHTMLParser

    from .ao3_html import parse_download

    joined = "".join((d.body.inner_html or "") if d.body is not None else "" for d in docs)
    tree = LexborHTMLParser(f"<html><body>{joined}</body></html>")
    work = parse_download(tree.body, Source(path=path, format="ao3-epub", sha256=sha256, encoding="utf-8"))
    _cross_check_subjects(work.metadata, info)
    return work


def _cross_check_subjects(meta: Metadata, info: dict) -> None:
    """The OPF's flat tag list: fill what the preface lacked, keep the rest as untyped."""
    subjects = [s for s in info.get("subjects", []) if s != "Fanworks"]
    typed = {meta.rating, *meta.warnings, *meta.categories, *meta.fandoms, *meta.relationships,
             *meta.characters, *meta.freeform}
    if meta.rating is None:
        meta.rating = next((r for r in subjects if r in vocab.RATINGS), None)
    if not meta.warnings:
        from .ao3_html import map_warning

        meta.warnings = [map_warning(s) for s in subjects if map_warning(s) in vocab.WARNINGS]
    if not meta.categories:
        meta.categories = [s for s in subjects if s in vocab.CATEGORIES]
    untyped = [s for s in subjects if s not in typed and s != meta.rating and s not in meta.warnings
               and s not in meta.categories and vocab.normalise_warning(s) not in meta.warnings]
    if untyped:
        meta.extra["untyped_subjects"] = untyped
    if not meta.series and info.get("series"):
        meta.series = [{"title": info["series"], "part": _int(info.get("series_index"))}]
    if not meta.authors:
        meta.authors = list(info.get("creators") or [])


def _int(v) -> int | None:
    try:
        return int(float(v))
    except (TypeError, ValueError):
        return None


# ----------------------------------------------------------------------------- generic EPUB


def _read_generic(docs, info: dict, source: Source) -> Work:
    meta = Metadata(
        title=info.get("title"),
        authors=list(info.get("creators") or []),
        language=info.get("language"),
        summary=_plain(info.get("description")),
    )
    if info.get("subjects"):
        meta.extra["subjects"] = list(info["subjects"])
    if info.get("series"):
        meta.series = [{"title": info["series"], "part": _int(info.get("series_index"))}]
    if info.get("date"):
        meta.published = info["date"][:10]
    parts = WorkParts(title=meta.title, byline=("by " + ", ".join(meta.authors)) if meta.authors else None)
    leading = True
    for blocks in (extract_blocks(d.body, skip=_is_nav) for d in docs if d.body is not None):
        prose = [b for b in blocks if b.kind == "p"]
        if not prose:
            continue
        if leading and _is_front_page(prose):
            # a title page, dedication or copyright page before the story
            parts.front.extend(b for b in blocks if b.text and b.text not in (meta.title, *meta.authors))
            continue
        leading = False
        heading = blocks[0].text if blocks[0].is_heading else None
        parts.chapters.append(ChapterParts(prose=blocks[1:] if heading else blocks, heading=heading, title=heading))
    if not parts.chapters and parts.front:
        parts.chapters, parts.front = [ChapterParts(prose=parts.front)], []
    if not parts.chapters:
        raise NotAWork("EPUB holds no story text")
    if meta.summary:
        parts.summary = [_block(line) for line in meta.summary.split("\n") if line.strip()]
    # fan-fiction EPUBs made from FFN and the like keep A/Ns and disclaimers in the text
    return trim_chapter_edges(build_work(parts, meta, source))


def _is_nav(node) -> bool:
    return node.tag == "nav"


def _is_front_page(prose) -> bool:
    """Few, short lines: a title page or dedication, not a chapter."""
    words = [len(b.text.split()) for b in prose]
    return sum(words) < 60 and max(words) < 15


def _plain(html: str | None) -> str | None:
    """dc:description is often escaped HTML: its text, one paragraph per line."""
    if not html:
        return None
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    return blocks_text(extract_blocks(tree.body)) if tree.body is not None else node_text(tree.root)


def _block(text: str):
    from .htmltext import Block

    return Block(" ".join(text.split()))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__

