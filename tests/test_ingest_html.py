"""Generic HTML, Markdown, and the HTML->text layer every HTML reader shares."""

from __future__ import annotations

import pytest
from ingest_helpers import INGEST, analyse_work, check_offsets
from selectolax.lexbor import LexborHTMLParser

from ficlens.errors import NotAWork
from ficlens.ingest import read, read_bytes
from ficlens.ingest.htmltext import TextBuilder, extract_blocks, is_separator


def blocks(html):
    return extract_blocks(LexborHTMLParser(html).body)


def test_generic_html_story_title_byline_summary_chapters_and_thoughts(validate):
    w = read(INGEST / "generic_story.html")
    m = w.metadata
    assert w.source.format == "html"
    assert (m.title, m.authors) == ("Lamplighter's Daughter", ["Wren Halloway"])
    assert m.summary == "The last lamplighter of Carrow Street teaches his daughter the one rule of the job."
    assert [c.title for c in w.chapters] == ["Chapter One", "Chapter Two"]
    assert w.text[w.chapters[1].start : w.chapters[1].end].startswith("She lit the ninth lamp first.")
    # italic thoughts become emphasis spans
    assert [w.text[e.start : e.end] for e in w.emphasis] == ["It's only a rule,", "Rules are just habits that got old."]
    # the <hr> splits chapter one; navigation and the footer are not the story
    assert len(w.scenes) == 3
    assert "Home" not in w.text and "Comments welcome" not in w.text
    check_offsets(w)
    analyse_work(w, validate)


def test_html_without_headings_goes_through_plain_text_front_matter(validate):
    page = (
        b"<html><head><title>Rainy Day</title></head><body>"
        b"<p>It rained for three days, and on the fourth day the river came up to the porch.</p>"
        b"<hr><p>Nobody in the house said <em>flood</em>, as if the word might hear them.</p></body></html>"
    )
    w = read_bytes(page, path="rain.html")
    assert w.metadata.title == "Rainy Day"
    assert w.text.startswith("It rained for three days")
    assert [w.text[s.start : s.end][:6] for s in w.scenes] == ["It rai", "Nobody"]
    assert [w.text[e.start : e.end] for e in w.emphasis] == ["flood"]
    analyse_work(w, validate)


def test_html_page_with_no_story_is_not_a_work():
    with pytest.raises(NotAWork, match="no story"):
        read_bytes(b"<html><body><ul><li><a href='/'>Home</a></li></ul><p>Page 2</p></body></html>", path="index.html")


def test_markdown_story_renders_to_text_with_front_matter_metadata(validate):
    w = read(INGEST / "story.md")
    m = w.metadata
    assert w.source.format == "markdown"
    assert (m.title, m.authors, m.rating, m.fandoms, m.freeform) == (
        "The Quiet Hour", ["M. Ashdown"], "Teen And Up Audiences", ["Original Work"], ["Found Family", "Lighthouses"],
    )
    assert m.summary == "A keeper and her apprentice wait out a storm."
    assert "*" not in w.text and "#" not in w.text and "---" not in w.text
    assert [w.text[e.start : e.end] for e in w.emphasis] == ["Yes", "No. Ask me in the morning."]
    assert len(w.scenes) == 2
    assert w.text[w.body.start :].startswith("The storm came in sideways")
    check_offsets(w)
    analyse_work(w, validate)


def test_markdown_front_matter_reads_yaml_block_lists_and_folded_summaries():
    from ficlens.ingest import read_bytes

    story = (
        "---\ntitle: Paperwork\ncharacters:\n  - Zagreus\n  - \"Megaera\"\nrelationships:\n- Zagreus/Megaera\n"
        "tags: [humor, found family]\nsummary: >\n  Hypnos tries keeping\n  a proper log.\nrating: G\n---\n\n" + "The Styx spat him out, warm and red and entirely without ceremony. " * 4 + "\n"
    )
    m = read_bytes(story.encode("utf-8"), path="paperwork.md").metadata
    assert (m.title, m.characters, m.relationships, m.freeform) == (
        "Paperwork", ["Zagreus", "Megaera"], ["Zagreus/Megaera"], ["humor", "found family"])
    assert (m.summary, m.rating) == ("Hypnos tries keeping a proper log.", "General Audiences")


def test_markdown_summary_and_notes_headings_are_front_matter_not_chapters(validate):
    # an AO3 work pasted into Markdown: "## Summary" and "## Notes" label blocks; two h2
    # headings must not make the story two chapters called "Summary" and "Notes"
    story = (
        "# After Hours\n\n**by lanternfish**\n\nRating: General Audiences\nArchive Warning: No Archive Warnings Apply\n"
        "Fandom: Final Fantasy VII\nAdditional Tags: Found Family, Fluff\n\n## Summary\n\nThe bar is closed.\n\n"
        '## Notes\n\nWritten for the "small hours" prompt. Unbeta\'d!\n\n---\n\n'
        + "The last customer left at a quarter past one, and Tifa flipped the sign on the door. " * 3 + "\n\n"
        + '"You don\'t have to do that," she said.\n'
    )
    w = read_bytes(story.encode("utf-8"), path="after_hours.md")
    m = w.metadata
    assert (m.title, m.authors, m.rating, m.warnings) == ("After Hours", ["lanternfish"], "General Audiences", ["No Archive Warnings Apply"])
    assert (m.fandoms, m.freeform, m.summary) == (["Final Fantasy VII"], ["Found Family", "Fluff"], "The bar is closed.")
    assert len(w.chapters) <= 1
    assert w.text[w.body.start :].startswith("The last customer left")
    assert any(n.kind == "author_note" and "small hours" in w.text[n.start : n.end] for n in m.notes)
    check_offsets(w)
    analyse_work(w, validate)


def test_whitespace_collapses_and_emphasis_offsets_stay_true():
    (b,) = blocks("<p>  He   <i> knew </i>\n that <b>she</b> <em>knew</em>.&nbsp;</p>")
    assert b.text == "He knew that she knew."
    assert [b.text[s:e] for s, e in b.emphasis] == ["knew", "knew"]


def test_adjacent_italic_runs_merge_into_one_thought():
    (b,) = blocks("<p><i>Don't</i> <i>look</i> <span style='font-style: italic'>back.</span> He ran.</p>")
    assert [b.text[s:e] for s, e in b.emphasis] == ["Don't look back."]


def test_br_splits_lines_and_hr_is_a_scene_break_with_no_line():
    bs = blocks("<p>one<br>two</p><hr/><p>three</p>")
    assert [(x.kind, x.text) for x in bs] == [("p", "one"), ("p", "two"), ("break", ""), ("p", "three")]


def test_deeply_nested_markup_does_not_hit_the_recursion_limit():
    html = "<div>" * 5000 + "<p>Deep in the <i>woods</i>.</p>" + "</div>" * 5000
    (b,) = blocks(html)
    assert b.text == "Deep in the woods." and b.emphasis == [(12, 17)]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("* * *", True), ("~~~", True), ("-----", True), ("xXx", True), ("XxXxX", True), ("o0o", True), ("oOo", True),
        ("#", True), ("\u2042", True),
        # prose and short dialogue are never separators
        ("...", False), ("Okay.", False), ("xx", False), ("-", False), ("No.", False), ("OK", False),
    ],
)
def test_scene_separator_lines(line, expected):
    assert is_separator(line) is expected


def test_text_builder_lays_out_lines_and_blank_line_between_chapters():
    tb = TextBuilder()
    a = tb.line("Title")
    tb.blank()
    b = tb.add_blocks(blocks("<p>One.</p><p>Two.</p>"))
    tb.blank()
    c = tb.add_blocks(blocks("<p>Three.</p>"))
    text = tb.text()
    assert text == "Title\n\nOne.\nTwo.\n\nThree.\n"
    assert (text[a.start : a.end], text[b.span.start : b.span.end], text[c.span.start : c.span.end]) == ("Title", "One.\nTwo.", "Three.")


def test_preformatted_text_keeps_its_line_breaks():
    bs = blocks("<pre>roses are red\n  violets are <i>blue</i>\n</pre><p>He read it twice.</p>")
    assert [b.text for b in bs] == ["roses are red", "violets are blue", "He read it twice."]
    assert [bs[1].text[s:e] for s, e in bs[1].emphasis] == ["blue"]


def test_html_title_heading_then_in_text_front_matter_is_found_by_the_text_parser(validate):
    page = (
        b"<html><body><h1>Barn Dance</h1><p>by Lana_fan</p><p>Disclaimer: I don't own Smallville.</p>"
        b"<p>A/N: for my beta, who is a saint.</p><p>* * *</p>"
        b"<p>Clark hated dancing. He had told Chloe so three times, and she had laughed at him three times.</p>"
        b"<p>\"One song,\" she said.</p><p>A/N: review please!</p></body></html>"
    )
    w = read_bytes(page, path="barn.html")
    assert (w.metadata.title, w.metadata.authors) == ("Barn Dance", ["Lana_fan"])
    assert w.text[w.body.start : w.body.end] == "Clark hated dancing. He had told Chloe so three times, and she had laughed at him three times.\n\"One song,\" she said."
    kinds = [(n.kind, w.text[n.start : n.end]) for n in w.metadata.notes]
    assert ("other", "Barn Dance") in kinds and ("disclaimer", "Disclaimer: I don't own Smallville.") in kinds
    assert ("author_note", "A/N: review please!") in kinds
    analyse_work(w, validate)


def test_saved_listing_of_works_is_not_a_work():
    page = (
        "<html><body><ol class='work index group'>"
        + "".join(
            f"<li class='work blurb group'><h4><a href='/works/{i}'>Story {i}</a></h4>"
            f"<blockquote class='userstuff summary'><p>A long summary of story number {i} that goes on for a while.</p></blockquote></li>"
            for i in range(5)
        )
        + "</ol></body></html>"
    ).encode()
    with pytest.raises(NotAWork, match="list of works"):
        read_bytes(page, path="search.html")


def test_utf16_html_download_is_sniffed_and_read(tmp_path):
    f = tmp_path / "owlery.html"
    f.write_bytes((INGEST / "ao3_oneshot.html").read_text(encoding="utf-8").encode("utf-16"))
    w = read(f)
    assert (w.source.format, w.source.encoding, w.metadata.title) == ("ao3-html", "utf-16", "The Owlery at Dawn")


def test_blog_post_story_leaves_sidebar_comments_and_share_links_out():
    page = (
        b"<html><head><title>Hay Fever | my fic journal</title></head><body>"
        b"<div id='sidebar-1' class='widget-area'><p>Recent posts: Hay Fever, Barn Dance, Corn Maze and twelve others you might like</p></div>"
        b"<article><h1 class='entry-title'>Hay Fever</h1><div class='entry-content'>"
        b"<p>Clark had never sneezed in his life, so the first one took the roof off the barn.</p>"
        b"<p>\"Bless you,\" said Lana, from somewhere under the hay.</p>"
        b"<div class='sharedaddy'><p>Share this: Twitter, Facebook, Tumblr, Email, Print</p></div></div></article>"
        b"<div id='comments' class='comments-area'><p>Great story!! When is the next part coming out, I love this so much</p></div>"
        b"</body></html>"
    )
    w = read_bytes(page, path="hay.html")
    assert w.metadata.title == "Hay Fever"
    assert "Recent posts" not in w.text and "Share this" not in w.text and "Great story" not in w.text
    assert w.text[w.body.start : w.body.end].splitlines() == [
        "Clark had never sneezed in his life, so the first one took the roof off the barn.",
        "\"Bless you,\" said Lana, from somewhere under the hay.",
    ]
