"""FanFiction.Net chapter pages: the meta line, pairings, dates from data-xutime."""

from __future__ import annotations

import pytest
from ingest_helpers import INGEST, analyse_work, check_offsets

from ficlens.errors import NotAWork
from ficlens.ingest import read, read_bytes
from ficlens.ingest.ffn_html import parse_characters, parse_genres, parse_meta_line
from ficlens.model import Metadata


def test_ffn_page_metadata_is_read_exactly():
    w = read(INGEST / "ffn_story.html")
    m = w.metadata
    assert w.source.format == "ffn-html"
    assert (m.title, m.authors, m.site) == ("The Greenhouse Key", ["quill and kettle"], "ffn")
    assert m.summary.startswith("Neville finds a key in the compost") and m.summary.endswith("canon-compliant.")
    assert m.rating == "Teen And Up Audiences" and m.extra["ffn_rating"] == "Fiction T"
    assert m.language == "English"
    assert m.genres == ["Friendship", "Hurt/Comfort"]
    assert m.characters == ["Harry P.", "Ginny W.", "Neville L.", "Luna L."]
    assert m.relationships == ["Harry P./Ginny W."]
    assert m.fandoms == ["Harry Potter"]
    assert (m.words, m.chapters, m.complete) == (8412, "4/?", False)
    # the visible dates are short forms; data-xutime holds the epoch
    assert (m.published, m.updated) == ("2023-10-01", "2023-12-01")
    assert (m.work_id, m.url) == ("14022931", "https://www.fanfiction.net/s/14022931")
    assert (m.extra["reviews"], m.extra["favs"], m.extra["follows"]) == (27, 53, 88)


def test_ffn_page_text_is_this_chapter_with_its_title_and_breaks(validate):
    w = read(INGEST / "ffn_story.html")
    check_offsets(w)
    assert [c.title for c in w.chapters] == ["Mandrake Hour"]
    ch = w.chapters[0]
    assert w.text[ch.start :].startswith("Mandrakes, Professor Sprout liked to say")
    assert "Follow/Fav" not in w.text and "Next >" not in w.text and "Compost" not in w.text
    assert [w.text[e.start : e.end] for e in w.emphasis] == ["Don't be stupid,", "It's a key. Keys don't get warm."]
    assert len(w.scenes) == 2  # split at the centred "xXx"
    assert w.text[: ch.end].endswith("Luna seemed to think that was the right answer.")
    analyse_work(w, validate)


def test_ffn_disclaimer_and_author_note_inside_the_story_text_become_notes():
    w = read(INGEST / "ffn_story.html")
    notes = [(n.kind, w.text[n.start : n.end]) for n in w.metadata.notes]
    assert ("disclaimer", "Disclaimer: I don't own Harry Potter. Sadly.") in notes
    assert ("author_note", "A/N: Chapter three is half written, I promise!") in notes
    assert "Disclaimer" not in w.text[w.body.start : w.body.end]
    check_offsets(w)


def test_ffn_complete_oneshot_without_genre_or_characters():
    m = Metadata()
    parse_meta_line(
        "Rated: Fiction K+ - Spanish - Words: 1,204 - Favs: 3 - Published: 5/15 - Status: Complete - id: 777",
        'Published: <span data-xutime="1589500800">5/15</span>',
        m,
    )
    assert (m.rating, m.language, m.genres, m.characters, m.relationships) == ("General Audiences", "Spanish", [], [], [])
    assert (m.words, m.chapters, m.complete, m.published, m.work_id) == (1204, "1/1", True, "2020-05-15", "777")


@pytest.mark.parametrize(
    "segment, characters, pairings",
    [
        ("[Caspian X, Lucy Pevensie] Edmund Pevensie", ["Caspian X", "Lucy Pevensie", "Edmund Pevensie"], ["Caspian X/Lucy Pevensie"]),
        # one bracket = one poly pairing
        ("[Naruto U., Mei T., Ameyuri R.]", ["Naruto U.", "Mei T.", "Ameyuri R."], ["Naruto U./Mei T./Ameyuri R."]),
        ("[Harry P., Ginny W.] [Ron W., Hermione G.]", ["Harry P.", "Ginny W.", "Ron W.", "Hermione G."], ["Harry P./Ginny W.", "Ron W./Hermione G."]),
        ("Clark K., Lois L.", ["Clark K.", "Lois L."], []),
    ],
)
def test_ffn_characters_and_bracketed_pairings(segment, characters, pairings):
    assert parse_characters(segment) == (characters, pairings)


@pytest.mark.parametrize(
    "segment, genres",
    [("Romance", ["Romance"]), ("Hurt/Comfort/Angst", ["Hurt/Comfort", "Angst"]), ("Harry P., Draco M.", []), ("Sci-Fi/Humor", ["Sci-Fi", "Humor"])],
)
def test_ffn_genre_segment_is_recognised_against_the_closed_list(segment, genres):
    assert parse_genres(segment) == genres


def test_ffn_story_not_found_page_is_not_a_work():
    page = b"<html><head><title>FanFiction</title></head><body><div class='gui_warning'>Story Not Found<hr size=1 noshade>Unable to locate story. Code 1.</div> fanfiction.net</body></html>"
    with pytest.raises(NotAWork, match="Story Not Found"):
        read_bytes(page, path="s.html")


def test_ffn_page_saved_without_its_profile_block_still_gives_the_story():
    page = (INGEST / "ffn_story.html").read_text(encoding="utf-8")
    start, end = page.index('<div id="profile_top"'), page.index('<span class="lc-left"><select')
    w = read_bytes((page[:start] + page[end:]).encode(), path="partial.html")
    assert w.metadata.title is None and w.metadata.rating is None  # unknown, not guessed
    assert (w.metadata.work_id, w.metadata.fandoms) == ("14022931", ["Harry Potter"])
    assert w.text[w.body.start :].startswith("Mandrakes, Professor Sprout")
