"""Chapters and scenes from heading lines, separator lines and POV switches."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.frontmatter import apply_front_matter
from ficlens.ingest import read
from ficlens.model import Source, Span, Work
from ficlens.structure import classify_line, find_chapters, find_scenes, pov_name

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

PARA = 'Clark looked up. "Lois?" he said.'


@pytest.mark.parametrize(
    "line,title",
    [
        ("Chapter 3", "Chapter 3"),
        ("Chapter Three: The Barn", "Chapter Three: The Barn"),
        ("CHAPTER IV", "CHAPTER IV"),
        ("Chapter Twenty-One", "Chapter Twenty-One"),
        ("Ch. 3 - Home", "Ch. 3 - Home"),
        ("Part II", "Part II"),
        ("Part Two: After", "Part Two: After"),
        ("Prologue", "Prologue"),
        ("Epilogue: Ten Years Later", "Epilogue: Ten Years Later"),
        ("1.", "1"),
        ("~ 2 ~", "2"),
        ("# Chapter 1", "Chapter 1"),
        ("## The Barn", "The Barn"),  # any Markdown heading below the title starts a chapter
        ("**Chapter 5**", "Chapter 5"),  # Markdown bold around a heading
        ("~*~ Chapter 6 ~*~", "Chapter 6"),
    ],
)
def test_heading_lines_start_chapters_with_their_title(line, title):
    assert classify_line(line) == ("heading", title)


@pytest.mark.parametrize(
    "line",
    [
        "Chapter one was the hardest to write, she said.",  # a sentence about a chapter
        "Part of me knew it already.",  # "Part" + words, not a numeral
        "Prologue was a word Lois hated.",
        "12 hours later, the phone rang.",  # a number opening a sentence
        '"Chapter 3," Chloe read aloud.',  # quoted
    ],
)
def test_prose_lines_that_look_a_little_like_headings_are_not_headings(line):
    assert classify_line(line) is None


@pytest.mark.parametrize(
    "line", ["* * *", "***", "---", "--", "~~~", "xXx", "oOo", "#", "<>", "+++", "=====", "______", "~*~*~", "-xXx-",
             "Line Break", "..."]
)
def test_separator_lines_are_scene_breaks(line):
    assert classify_line(line) == ("separator", None)


@pytest.mark.parametrize(
    "line,name",
    [("Lana POV:", "Lana"), ("Lana's POV", "Lana"), ("POV: Lana", "Lana"), ("~Clark's P.O.V.~", "Clark"),
     ("LOIS POV", "LOIS"), ("Lex Luthor POV", "Lex Luthor")],
)
def test_pov_lines_name_the_viewpoint_character(line, name):
    assert pov_name(line) == name


def test_pov_word_inside_a_sentence_is_not_a_pov_line():
    assert pov_name("Lana POV: the sun was up.") is None
    assert pov_name("From Lana's point of view it was fine.") is None


def _chapters(text: str):
    body = Span(0, len(text.rstrip()))
    return [(text[c.start : c.end], c.title) for c in find_chapters(text, body)]


def test_each_heading_form_spans_its_own_prose_not_the_heading_line():
    heads = ["Prologue", "Chapter 1", "Chapter Three: The Barn", "CHAPTER IV", "Part II", "1.", "~ 2 ~",
             "# Chapter 1", "Epilogue"]
    text = "".join(f"{h}\n\n{PARA} ({i})\n\n" for i, h in enumerate(heads))
    got = _chapters(text)
    assert [t for _, t in got] == ["Prologue", "Chapter 1", "Chapter Three: The Barn", "CHAPTER IV", "Part II", "1",
                                   "2", "Chapter 1", "Epilogue"]
    assert [p for p, _ in got] == [f"{PARA} ({i})" for i in range(len(heads))]


def test_a_text_without_headings_is_one_chapter_spanning_the_body():
    text = f"{PARA}\n\n{PARA}\n"
    assert _chapters(text) == [(f"{PARA}\n\n{PARA}", None)]


def test_prose_before_the_first_heading_is_an_untitled_chapter():
    assert _chapters(f"{PARA}\n\nChapter 2\n\nMore.\n") == [(PARA, None), ("More.", "Chapter 2")]


def test_a_part_heading_with_no_prose_lends_its_title_to_the_next_chapter():
    assert _chapters("Part One\n\nChapter 1\n\nMore.\n") == [("More.", "Part One, Chapter 1")]


def test_scenes_split_at_separators_pov_lines_and_chapter_boundaries():
    text = (
        f"Chapter 1\n\nA1 {PARA}\n\n* * *\n\nA2\n\nLana POV:\n\nA3\n\n"
        f"Chapter 2\n\nB1\n\n~~~\n\nB2\n\nxXx\n\nB3\n"
    )
    body = Span(0, len(text.rstrip()))
    chapters = find_chapters(text, body)
    scenes = [text[s.start : s.end] for s in find_scenes(text, body, chapters)]
    assert scenes == [f"A1 {PARA}", "A2", "A3", "B1", "B2", "B3"]


def test_a_pov_switch_inside_the_story_is_a_scene_break_and_a_pov_note():
    text = "Chapter 1\n\nClark ran.\n\nClark POV:\n\nHe kept running.\n"
    work = apply_front_matter(Work(text, Source(None, "txt", ""), Span(0, 0)))
    assert [text[s.start : s.end] for s in work.scenes] == ["Clark ran.", "He kept running."]
    assert [(n.kind, text[n.start : n.end]) for n in work.metadata.notes] == [("pov", "Clark POV:")]


def test_lines_that_are_only_a_name_head_pov_sections_when_the_story_uses_them_so():
    text = ("Two Keys\n\nNELL\n\nI waited for Oskar at the shop.\n\n~ OSKAR ~\n\n"
            "I brought coffee for Nell.\n\nLater\n\nWe ate.\n")
    work = apply_front_matter(Work(text, Source(None, "txt", ""), Span(0, 0)))
    assert [(n.kind, text[n.start : n.end]) for n in work.metadata.notes] == [("pov", "NELL"), ("pov", "~ OSKAR ~")]
    assert work.metadata.pov_note == "Nell"
    assert [text[s.start : s.end] for s in work.scenes] == ["I waited for Oskar at the shop.", "I brought coffee for Nell.\n\nLater\n\nWe ate."]


@pytest.mark.parametrize(
    "text",
    [
        "Title\n\nNELL\n\nI waited at the shop.\n\nOSKAR\n\nI brought coffee.\n",  # names never used in the story
        "Title\n\nLater\n\nI waited for Later.\n\nMeanwhile\n\nI brought coffee, Meanwhile.\n",  # words of time
        "Title\n\nNELL\n\nI waited for Oskar and Nell.\n",  # one heading is no convention
        # a hard-wrapped paragraph whose last line is a name
        "Title\n\nI waited at the shop for my friend\nOskar\n\nand then for\nNell\n\nthe end of it, Oskar and Nell.\n",
    ],
)
def test_a_name_alone_on_a_line_is_no_pov_heading_without_the_convention(text):
    work = apply_front_matter(Work(text, Source(None, "txt", ""), Span(0, 0)))
    assert [n.kind for n in work.metadata.notes if n.kind == "pov"] == []


def test_examples_have_the_chapters_and_scenes_their_headings_and_breaks_make():
    work = read(EXAMPLES / "smallville_long_way_home.txt")
    assert [c.title for c in work.chapters] == ["Chapter 1", "Chapter 2"]
    starts = [work.text[s.start : s.start + 20] for s in work.scenes]
    assert starts == ["The bus let him off ", "The Talon smelled of", "The funeral was on S",
                      "Chloe's apartment in", "It was after midnigh"]
    sherlock = read(EXAMPLES / "sherlock_cold_tea.txt")
    assert [c.title for c in sherlock.chapters] == ["Part I", "Part II"]
    assert len(sherlock.scenes) == 3
    for w in (work, sherlock):
        for s in w.scenes:
            scene = w.text[s.start : s.end]
            assert all(classify_line(line) is None for line in scene.splitlines() if line.strip())


def test_a_title_on_the_line_after_a_bare_chapter_heading_joins_the_heading():
    text = "Chapter 1\n\nThe Barn\n\nClark ran.\n\nChapter 2\n\nLois hid.\n\nShe waited.\n"
    work = apply_front_matter(Work(text, Source(None, "txt", ""), Span(0, 0)))
    assert [(c.title, text[c.start : c.end]) for c in work.chapters] == [
        ("Chapter 1: The Barn", "Clark ran."),
        # a one-line opening sentence is prose, not a subtitle
        ("Chapter 2", "Lois hid.\n\nShe waited."),
    ]


def test_a_name_line_opening_a_story_headed_by_names_is_its_first_pov_line_not_its_title():
    text = "JOHN\n\nI waited for Sherlock at the flat.\n\nSHERLOCK\n\nI kept John waiting.\n"
    work = apply_front_matter(Work(text, Source(None, "txt", ""), Span(0, 0)))
    assert work.metadata.title is None
    assert [text[n.start : n.end] for n in work.metadata.notes if n.kind == "pov"] == ["JOHN", "SHERLOCK"]
