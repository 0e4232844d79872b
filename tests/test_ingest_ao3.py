"""AO3 downloads (HTML and EPUB) and saved AO3 web pages: metadata exactly, text layout, offsets."""

from __future__ import annotations

import shutil

import pytest
from ingest_helpers import INGEST, analyse_work, ao3_epub, check_offsets

from ficlens.errors import NotAWork
from ficlens.ingest import read
from ficlens.ingest.ao3_html import chapter_title, label_of, map_warning, parse_series, parse_stats
from ficlens.model import Metadata


def notes_of(work, kind):
    return [work.text[n.start : n.end] for n in work.metadata.notes if n.kind == kind]


def test_ao3_multichapter_download_metadata_is_read_exactly():
    m = read(INGEST / "ao3_multi.html").metadata
    assert m.title == "Wheat and Static"
    assert m.authors == ["cornfield_cartographer"]
    assert m.rating == "Teen And Up Audiences"
    # display name and the pre-2024 "Underage" both map to today's canonical names
    assert m.warnings == ["Creator Chose Not To Use Archive Warnings", "Underage Sex"]
    assert m.categories == ["F/M", "Gen"]
    assert m.fandoms == ["Smallville"]
    assert m.relationships == ["Clark Kent/Lana Lang", "Clark Kent & Pete Ross"]
    assert m.characters == ["Clark Kent", "Lana Lang", "Pete Ross", "Martha Kent"]
    assert m.freeform == ["Alternate Universe - Canon Divergence", "Meteor Freak", "Angst with a Happy Ending"]
    assert m.language == "English"
    assert m.series == [{"title": "The Kent Farm Cycle", "part": 2}]
    assert (m.published, m.updated) == ("2023-06-14", "2023-08-02")
    assert (m.words, m.chapters, m.complete) == (408, "3/?", False)
    assert (m.work_id, m.url, m.site) == ("48213577", "https://archiveofourown.org/works/48213577", "ao3")
    assert m.summary == (
        "The radio in the Kent barn only picks up one station, and the station only plays the future.\n"
        "Clark would like it to stop."
    )


def test_ao3_unfinished_work_keeps_chapter_titles_summaries_and_notes():
    w = read(INGEST / "ao3_multi.html")
    assert [c.title for c in w.chapters] == ["The Loft", None, "Static"]
    one, two, three = w.chapters
    assert one.summary == "A radio turns up where no radio should be."
    assert one.notes == ["Short chapter, longer ones coming."]
    assert one.end_notes == ["The Talon is fine. Probably."]
    assert (two.summary, two.notes, two.end_notes) == (None, [], [])
    assert three.summary == "Pete has a theory. Pete always has a theory."
    assert w.text[one.start :].startswith("The radio was sitting on the hay bale")
    assert w.text[: three.end].endswith("Not until I know what it wants.")


def test_ao3_front_matter_and_notes_are_spans_in_the_text_and_boilerplate_is_gone():
    w = read(INGEST / "ao3_multi.html")
    check_offsets(w)
    assert notes_of(w, "other") == ["Wheat and Static", "by cornfield_cartographer", "Chapter 1: The Loft", "Chapter 2", "Chapter 3: Static"]
    assert notes_of(w, "summary")[0].startswith("The radio in the Kent barn")
    assert notes_of(w, "author_note") == [
        "Set after season two. Thanks to everyone who read the first part!",
        "Short chapter, longer ones coming.",
        "The Talon is fine. Probably.",
        "Next chapter: the list. Comments keep the radio running.",
    ]
    assert "Posted originally" not in w.text and "drop by the Archive" not in w.text
    assert "See the end of the work" not in w.text and "Preface" not in w.text
    # body runs from the first chapter's prose to the last chapter's prose
    assert (w.body.start, w.body.end) == (w.chapters[0].start, w.chapters[-1].end)
    # chapters are separated by one blank line
    assert w.text.count("\n\nChapter 2\n") == 1


def test_ao3_emphasis_and_scene_breaks_come_from_the_markup():
    w = read(INGEST / "ao3_multi.html")
    assert [w.text[e.start : e.end] for e in w.emphasis] == [
        "Lex", "That isn't funny.", "Lex", "believ", "Not yet", "Not until I know what it wants.",
    ]
    # <hr> in chapter 1 and a centred "* * *" in chapter 2 split those chapters in two
    assert len(w.scenes) == 5
    assert w.text[w.scenes[1].start :].startswith("He didn't sleep.")
    assert w.text[w.scenes[3].start :].startswith("Lana found him afterwards")


@pytest.mark.parametrize("name", ["ao3_multi.html", "ao3_oneshot.html", "ao3_page.html"])
def test_ao3_word_count_of_the_analysis_equals_the_declared_words(name, validate):
    w = read(INGEST / name)
    doc, obj = analyse_work(w, validate)
    assert doc.stats.words == w.metadata.words
    assert obj["stats"]["chapters"] == len(w.chapters)


def test_ao3_word_count_follows_text_nodes_like_ao3_not_the_joined_text(validate):
    # "<em>Lex</em>'s" and "un<i>believ</i>ably" are one word each in the text, but AO3
    # counts text nodes one by one: 2 and 3 words
    w = read(INGEST / "ao3_multi.html")
    from ficlens.text import ao3_word_count

    joined = sum(ao3_word_count(w.text[c.start : c.end]) for c in w.chapters)
    doc, _ = analyse_work(w, validate)
    assert (joined, doc.stats.words, w.metadata.words) == (405, 408, 408)


def test_ao3_oneshot_has_one_untitled_chapter_and_several_authors():
    w = read(INGEST / "ao3_oneshot.html")
    m = w.metadata
    assert m.authors == ["inkwell_otter", "Moss (mossbank)"]
    assert (m.rating, m.warnings, m.categories) == ("General Audiences", ["No Archive Warnings Apply"], ["Gen"])
    assert m.fandoms == ["Harry Potter - J. K. Rowling"]
    assert m.relationships == ["Hermione Granger & Neville Longbottom"]
    assert (m.chapters, m.complete, m.updated, m.series) == ("1/1", True, None, [])
    assert m.url == "http://archiveofourown.org/works/30511842"
    assert len(w.chapters) == 1 and w.chapters[0].title is None
    assert [w.text[e.start : e.end] for e in w.emphasis] == ["Well-judged,"]
    check_offsets(w)


def test_ao3_download_is_recognised_by_content_whatever_its_extension(tmp_path):
    renamed = tmp_path / "download.txt"
    shutil.copy(INGEST / "ao3_oneshot.html", renamed)
    w = read(renamed)
    assert w.source.format == "ao3-html"
    assert w.metadata.title == "The Owlery at Dawn"


def test_saved_ao3_web_page_reads_like_a_download(validate):
    w = read(INGEST / "ao3_page.html")
    m = w.metadata
    assert m.title == "Salt Roads" and m.authors == ["tidewrack"]
    assert m.rating == "Mature"
    assert m.warnings == ["Graphic Depictions Of Violence", "Major Character Death"]
    assert m.categories == ["F/F"] and m.fandoms == ["Original Work"]
    assert m.relationships == ["Original Female Character/Original Female Character"]
    assert m.freeform == ["Smuggling", "Pirates"]
    assert (m.published, m.updated, m.extra["completed"]) == ("2024-02-10", "2024-03-01", "2024-03-01")
    assert (m.words, m.chapters, m.complete, m.work_id) == (121, "2/2", True, "51120034")
    assert [c.title for c in w.chapters] == ["Low Tide", "Slack Water"]
    assert w.chapters[0].notes == ['For the prompt "fog".'] and w.chapters[0].end_notes == ["More soon."]
    assert w.chapters[1].summary == "The bell stops."
    assert "Chapter Text" not in w.text  # the hidden landmark heading
    assert notes_of(w, "author_note")[-1] == "Thank you for reading!"
    check_offsets(w)
    analyse_work(w, validate)


@pytest.mark.parametrize(
    "name, why",
    [("ao3_adult_interstitial.html", "adult-content warning page"), ("ao3_404.html", "page not found")],
)
def test_ao3_pages_that_are_not_works_are_refused(name, why):
    with pytest.raises(NotAWork, match=why):
        read(INGEST / name)


def test_ao3_epub_takes_tag_types_from_the_preface_not_the_flat_subject_list(tmp_path, validate):
    w = read(ao3_epub(tmp_path))
    m = w.metadata
    assert w.source.format == "ao3-epub"
    assert m.rating == "Teen And Up Audiences"
    assert m.warnings == ["No Archive Warnings Apply"]
    assert m.categories == ["Gen"]
    assert m.fandoms == ["Sherlock (TV)"]
    assert m.relationships == ["Sherlock Holmes & John Watson"]
    assert m.characters == ["Sherlock Holmes", "John Watson", "Mrs. Hudson"]
    assert m.freeform == ["Case Fic", "Rain"]
    assert m.series == [{"title": "Small Cases", "part": 3}]
    assert (m.language, m.published, m.updated, m.words, m.chapters) == ("English", "2022-11-02", "2022-11-20", 252, "2/2")
    assert m.url == "https://archiveofourown.org/works/42876513"  # from the plain-text message
    assert "untyped_subjects" not in m.extra  # every OPF subject was typed by the preface
    assert [c.title for c in w.chapters] == ["The Third Umbrella", None]
    assert w.chapters[1].end_notes == ["The dog is fine and has a new raincoat."]
    assert [w.text[e.start : e.end] for e in w.emphasis] == ["Of course he was.", "Yes,", "that's exactly what you were."]
    check_offsets(w)
    doc, _ = analyse_work(w, validate)
    assert doc.stats.words == m.words == 252


def test_ao3_epub_without_a_typed_preface_types_only_the_closed_vocabularies(tmp_path):
    # drop the preface page that holds dl.tags: only rating/warning/category can be typed
    w = read(ao3_epub(tmp_path, skip={"index_split_000.xhtml"}, extra={"index_split_000.xhtml": b"<html><body></body></html>"}))
    m = w.metadata
    assert (m.rating, m.warnings, m.categories) == ("Teen And Up Audiences", ["No Archive Warnings Apply"], ["Gen"])
    assert m.fandoms == [] and m.characters == []  # unknown, not guessed
    assert m.extra["untyped_subjects"] == [
        "Sherlock (TV)", "Sherlock Holmes & John Watson", "Rain", "John Watson", "Sherlock Holmes", "Case Fic", "Mrs. Hudson",
    ]


@pytest.mark.parametrize(
    "label, expected",
    [("Archive Warnings:", "archive warning"), ("Categories:", "category"), ("Series:", "series"), ("Stats:", "stats"),
     ("Additional Tags:", "additional tag"), ("Relationship:", "relationship")],
)
def test_dt_labels_normalise_singular_and_plural(label, expected):
    assert label_of(label) == expected


@pytest.mark.parametrize(
    "raw, mapped",
    [("Choose Not To Use Archive Warnings", "Creator Chose Not To Use Archive Warnings"),
     ("Creator Chose Not To Use Archive Warnings", "Creator Chose Not To Use Archive Warnings"),
     ("Underage", "Underage Sex"),  # renamed in Nov 2024; older files say Underage
     ("Rape/Non-Con", "Rape/Non-Con")],
)
def test_warning_names_map_to_current_ao3_names(raw, mapped):
    assert map_warning(raw) == mapped


def test_stats_line_with_completed_date_and_thousands_separators():
    m = Metadata()
    parse_stats("Published: 2019-01-05 Completed: 2020-02-29 Words: 123,456 Chapters: 42/42", m)
    assert (m.published, m.updated, m.extra["completed"], m.words, m.chapters, m.complete) == (
        "2019-01-05", "2020-02-29", "2020-02-29", 123456, "42/42", True,
    )


def test_series_with_commas_in_titles_and_several_series():
    assert parse_series("Part 2 of Rain, Mostly, Part 10 of Kent Farm") == [
        {"title": "Rain, Mostly", "part": 2}, {"title": "Kent Farm", "part": 10},
    ]


@pytest.mark.parametrize("heading, title", [("Chapter 2: The Barn", "The Barn"), ("Chapter 2", None), ("Epilogue", "Epilogue")])
def test_chapter_heading_to_title(heading, title):
    assert chapter_title(heading) == title


@pytest.mark.parametrize(
    "name", ["smallville_storm_cellar.ao3.html", "original_the_cartographers_apprentice.epub"],
)
def test_bundled_ao3_shaped_examples_count_the_words_ao3_declared(name, validate):
    w = read(INGEST.parents[2] / "examples" / name)
    doc, _ = analyse_work(w, validate)
    assert w.metadata.site == "ao3" and len(w.chapters) == 2
    assert doc.stats.words == w.metadata.words


def test_older_oneshot_download_with_paragraphs_straight_in_chapters():
    html = (INGEST / "ao3_oneshot.html").read_text(encoding="utf-8")
    start = html.index('  <div class="userstuff">')
    end = html.index("  </div>\n</div>\n<div id=\"afterword\">")
    older = html[:start] + html[start:end].replace('  <div class="userstuff">', "", 1) + html[end + len("  </div>\n") :]
    assert older.count('class="userstuff"') == 2  # the summary blockquote and #chapters only
    from ficlens.ingest import read_bytes

    w = read_bytes(older.encode(), path="old.html")
    assert w.metadata.words == 158 and w.text[w.body.start :].startswith("The Owlery was the coldest room")
    assert "The Owlery at Dawn\nThe Owlery was" not in w.text  # the hidden toc heading is not prose


@pytest.mark.model
def test_ao3_download_through_the_full_pipeline_on_the_real_model(validate):
    from ficlens import contract
    from ficlens.pipeline import default_pipeline

    w = read(INGEST / "ao3_multi.html")
    doc = default_pipeline(profile="full").run(w)
    obj = validate(contract.to_json(doc))
    assert obj["stats"]["words"] == 408 and obj["stats"]["chapters"] == 3
    # the NLP layer works on the body only: no token from the preface or notes
    assert doc.tokens and all(w.body.start <= t.start and t.end <= w.body.end for t in doc.tokens)
    assert any(e.text == "Clark" for e in doc.entities)
