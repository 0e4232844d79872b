"""Build the example works in AO3 shape from the stories in scripts/example_sources/.

    .venv/bin/python scripts/make_examples.py

writes
- ``examples/smallville_storm_cellar.ao3.html``: an AO3 HTML download (preface with typed
  tags and stats, two chapters with summary/notes/end notes, afterword);
- ``examples/original_the_cartographers_apprentice.epub``: an AO3 EPUB the way calibre makes
  one (preface split over two files, classes renamed, flat unordered ``dc:subject`` list).

The "Words:" stat is computed as AO3 does (per text node of the chapter text), so
``ficlens analyze`` on these files must report the same count. Every story here was written
for ficlens; nothing is copied from a real download.
"""

from __future__ import annotations

import zipfile
from html import escape
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from ficlens.text import ao3_word_count

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "scripts" / "example_sources"
OUT = ROOT / "examples"


def chapter_words(markup: str) -> int:
    """AO3's count: words of each text node inside the chapter-text divs (not notes)."""
    tree = LexborHTMLParser(markup)
    total = 0
    for div in tree.css('div[class^="userstuff"]'):
        if div.id == "chapters" or any(n.mem_id != div.mem_id for n in div.css("h2, div")):
            continue
        total += sum(ao3_word_count(n.text_content or "") for n in div.traverse(include_text=True) if n.tag == "-text")
    return total


def tags_dl(rows: list[tuple[str, list[str]]], stats: str, *, dd_class: str = "") -> str:
    cls = f' class="{dd_class}"' if dd_class else ""
    out = ['<dl class="tags">']
    for label, values in rows:
        if label in ("Language", "Series"):
            out.append(f"<dt>{label}:</dt><dd{cls}>{values[0]}</dd>")
            continue
        links = ", ".join(f'<a href="https://archiveofourown.org/tags/{escape(v)}">{escape(v)}</a>' for v in values)
        out.append(f"<dt>{label}:</dt><dd{cls}>{links}</dd>")
    out.append(f"<dt>Stats:</dt><dd{cls}>{stats}</dd></dl>")
    return "\n".join(out)


# ----------------------------------------------------------------------------- AO3 HTML

STORM_TAGS = [
    ("Rating", ["General Audiences"]),
    ("Archive Warning", ["No Archive Warnings Apply"]),
    ("Category", ["Gen"]),
    ("Fandom", ["Smallville"]),
    ("Relationships", ["Chloe Sullivan & Clark Kent", "Chloe Sullivan & Martha Kent"]),
    ("Characters", ["Chloe Sullivan", "Clark Kent", "Martha Kent", "Lex Luthor"]),
    ("Additional Tags", ["Tornado", "Secret Identity", "Chloe Sullivan Knows", "Season/Series 02"]),
    ("Language", ["English"]),
    ("Series", ['Part 1 of <a href="https://archiveofourown.org/series/4410233">Chloe Notices</a>']),
]


def make_ao3_html() -> Path:
    chapters = (SRC / "storm_cellar_chapters.html").read_text(encoding="utf-8")
    words = chapter_words(chapters)
    stats = f"Published: 2024-05-04 Completed: 2024-05-11 Words: {words:,} Chapters: 2/2"
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta charset="utf-8"/><title>Storm Cellar - lanternfield - Smallville</title>
<style type="text/css">.toc-heading {{ display: none; }}</style></head>
<body>
<div id="preface">
<h2 class="toc-heading">Preface</h2>
<p class="message"><b>Storm Cellar</b><br/>Posted originally on the <a href="https://archiveofourown.org/">Archive of Our Own</a> at <a href="https://archiveofourown.org/works/55012345">https://archiveofourown.org/works/55012345</a>.</p>
<div class="meta">
{tags_dl(STORM_TAGS, stats)}
<h1>Storm Cellar</h1>
<div class="byline">by <a rel="author" href="https://archiveofourown.org/users/lanternfield/pseuds/lanternfield">lanternfield</a></div>
<p>Summary</p>
<blockquote class="userstuff"><p>A tornado, a storm cellar, a basket of muffins, and a calf that was two miles away. Chloe Sullivan notices things.</p></blockquote>
<p>Notes</p>
<blockquote class="userstuff"><p>Set early in season two. Written for a <i>weather</i> prompt.</p></blockquote>
<div class="endnote-link">See the end of the work for <a href="#endnotes">more notes</a></div>
</div>
</div>
<div id="chapters" class="userstuff">
{chapters}
</div>
<div id="afterword">
<h2 class="toc-heading">Afterword</h2>
<div class="meta"><div id="endnotes"><p>End Notes</p><blockquote class="userstuff"><p>Thanks for reading! The calf is called Muffin now.</p></blockquote></div></div>
<p class="message">Please <a href="https://archiveofourown.org/works/55012345/comments/new">drop by the Archive and comment</a> to let the creator know if you enjoyed their work!</p>
</div>
</body>
</html>
"""
    out = OUT / "smallville_storm_cellar.ao3.html"
    out.write_text(page, encoding="utf-8")
    return out


# ----------------------------------------------------------------------------- AO3 EPUB

MAP_TAGS = [
    ("Rating", ["Teen And Up Audiences"]),
    ("Archive Warning", ["No Archive Warnings Apply"]),
    ("Category", ["Gen"]),
    ("Fandom", ["Original Work"]),
    ("Characters", ["Original Female Character(s)", "Original Characters"]),
    ("Additional Tags", ["Magical Realism", "Maps", "Apprentices", "Hidden Streets"]),
    ("Language", ["English"]),
    ("Series", ['Part 1 of <a href="https://archiveofourown.org/series/4410987" class="calibre7">Bright Lines</a>']),
]
# calibre writes "Fanworks" and then every tag, in no type order (category and warning last)
MAP_SUBJECTS = [
    "Fanworks", "Original Work", "Maps", "Original Characters", "Teen And Up Audiences", "Magical Realism",
    "Original Female Character(s)", "Apprentices", "Hidden Streets", "Gen", "No Archive Warnings Apply",
]

XHTML = """<?xml version='1.0' encoding='utf-8'?>
<html xmlns="http://www.w3.org/1999/xhtml">
<head><title>The Cartographer's Apprentice - wayfinder_wren - Original Work</title></head>
<body class="calibre">
{body}
</body>
</html>
"""


def _preface_docs(words: int) -> tuple[str, str]:
    stats = f"Published: 2024-09-14 Updated: 2024-09-21 Words: {words:,} Chapters: 2/?"
    first = XHTML.format(
        body=f"""<div class="calibre1" id="preface">
<h2 class="toc-heading">Preface</h2>
<p class="message"><b class="calibre2">The Cartographer's Apprentice</b><br class="calibre3"/>Posted originally on the Archive of Our Own at https://archiveofourown.org/works/58870012.</p>
<div class="calibre4">{tags_dl(MAP_TAGS, stats, dd_class="calibre6")}</div>
</div>"""
    )
    second = XHTML.format(
        body="""<div class="calibre1"><div class="calibre4">
<h1 class="calibre8">The Cartographer's Apprentice</h1>
<div class="byline">by <a rel="author" href="https://archiveofourown.org/users/wayfinder_wren/pseuds/wayfinder_wren" class="calibre7">wayfinder_wren</a></div>
<p class="calibre9">Summary</p>
<blockquote class="userstuff1"><p class="calibre10">The map is never wrong. So what is Copper Lane doing between the chandler's and the laundry?</p></blockquote>
<p class="calibre9">Notes</p>
<blockquote class="userstuff1"><p class="calibre10">An original story. Updates weekly-ish.</p></blockquote>
</div></div>"""
    )
    return first, second


AFTERWORD = XHTML.format(
    body="""<div class="calibre1" id="afterword">
<h2 class="toc-heading">Afterword</h2>
<div class="calibre4"><div id="endnotes"><p class="calibre9">End Notes</p>
<blockquote class="userstuff1"><p class="calibre10">Thank you for reading! Come and find me on the Archive.</p></blockquote></div></div>
<p class="message">Please drop by the Archive and comment to let the creator know if you enjoyed their work!</p>
</div>"""
)

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""


def _opf(docs: list[str]) -> str:
    subjects = "\n".join(f"<dc:subject>{escape(s)}</dc:subject>" for s in MAP_SUBJECTS)
    items = "\n".join(f'<item href="{d}" id="d{i}" media-type="application/xhtml+xml"/>' for i, d in enumerate(docs))
    spine = "\n".join(f'<itemref idref="d{i}"/>' for i in range(len(docs)))
    return f"""<?xml version='1.0' encoding='utf-8'?>
<package xmlns="http://www.idpf.org/2007/opf" unique-identifier="uuid_id" version="2.0">
<metadata xmlns:calibre="http://calibre.kovidgoyal.net/2009/metadata" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
<dc:title>The Cartographer's Apprentice</dc:title>
<dc:creator opf:file-as="wayfinder_wren" opf:role="aut">wayfinder_wren</dc:creator>
<dc:identifier id="uuid_id" opf:scheme="uuid">8a41c1f0-2f6b-4d77-a0c2-5b9f6a1e3d21</dc:identifier>
<dc:language>en</dc:language>
<dc:publisher>Archive of Our Own</dc:publisher>
<dc:date>2024-09-21T00:00:00+00:00</dc:date>
<dc:description>&lt;p&gt;The map is never wrong. So what is Copper Lane doing between the chandler's and the laundry?&lt;/p&gt;</dc:description>
{subjects}
<meta name="calibre:series" content="Bright Lines"/>
<meta name="calibre:series_index" content="1"/>
</metadata>
<manifest>
{items}
</manifest>
<spine>
{spine}
</spine>
</package>
"""


def make_ao3_epub() -> Path:
    ch1 = (SRC / "ao3_epub" / "chapter1.xhtml").read_text(encoding="utf-8")
    ch2 = (SRC / "ao3_epub" / "chapter2.xhtml").read_text(encoding="utf-8")
    preface1, preface2 = _preface_docs(chapter_words(ch1) + chapter_words(ch2))
    docs = {
        "index_split_000.xhtml": preface1,
        "index_split_001.xhtml": preface2,
        "index_split_002.xhtml": ch1,
        "index_split_003.xhtml": ch2,
        "index_split_004.xhtml": AFTERWORD,
    }
    out = OUT / "original_the_cartographers_apprentice.epub"
    with zipfile.ZipFile(out, "w") as zf:
        # mimetype first and stored, as the EPUB container spec requires
        zf.writestr(_entry("mimetype"), b"application/epub+zip", compress_type=zipfile.ZIP_STORED)
        entries = {"META-INF/container.xml": CONTAINER, "content.opf": _opf(list(docs)), **docs}
        for name, body in entries.items():
            zf.writestr(_entry(name), body, compress_type=zipfile.ZIP_DEFLATED)
    return out


def _entry(name: str) -> zipfile.ZipInfo:
    # a fixed timestamp keeps the EPUB byte-identical from run to run
    return zipfile.ZipInfo(name, date_time=(2024, 9, 21, 0, 0, 0))


def main() -> None:
    for path in (make_ao3_html(), make_ao3_epub()):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
