"""Quotation detection: marks, apostrophes, nesting, runs over paragraphs, sloppy text,
dashes, italics and quotes that are not dialogue. Pure functions on text; no model."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.model import Span
from ficlens.quotes.detect import choose_style, find_quotations
from ficlens.text import paragraph_spans

FIX = Path(__file__).parent / "fixtures" / "quotes"


def quotes_in(text: str, emphasis=()):
    found = find_quotations(text, paragraph_spans(text), emphasis)
    return [(text[f.start : f.end], f.kind) for f in found]


def spans_of(text: str) -> list[str]:
    return [t for t, _ in quotes_in(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # straight marks
        ('"Hi," she said. "Bye."', ['"Hi,"', '"Bye."']),
        # curly marks
        ("\u201cHi,\u201d she said. \u201cBye.\u201d", ["\u201cHi,\u201d", "\u201cBye.\u201d"]),
        # a mark after an opening bracket or a dash still opens
        ('He paused \u2014"no, wait."', ['"no, wait."']),
    ],
)
def test_double_marks_straight_and_curly_are_found_with_their_marks(text, expected):
    assert spans_of(text) == expected


def test_british_single_quotes_are_dialogue_and_apostrophes_are_not():
    text = (FIX / "british.txt").read_text()
    assert choose_style(text, paragraph_spans(text)) == "single"
    got = spans_of(text)
    # "'cause", "don't", "the Kents' farm/dog" never open or close a quotation
    assert got == [
        "'I'm not going in there,'",
        "'Not 'cause I'm scared, but 'cause I don't want to.'",
        "'Suit yourself. The Kents' dog doesn't bite.'",
        "'He told me \"stay out\" last time,'",
        "'and I'm doing what he said.'",
        "'Fair enough,'",
    ]


def test_a_quote_nested_in_dialogue_stays_part_of_the_outer_quotation():
    text = "\u201cShe said \u2018run\u2019 and I ran,\u201d Clark said."
    assert spans_of(text) == ["\u201cShe said \u2018run\u2019 and I ran,\u201d"]


def test_a_speech_over_several_paragraphs_is_one_quotation():
    text = (FIX / "long_speech.txt").read_text()
    found = find_quotations(text, paragraph_spans(text))
    assert len(found) == 2
    speech = found[1]
    assert text[speech.start : speech.end].startswith('"I didn\'t know')
    assert text[speech.start : speech.end].endswith('trust you."')
    assert speech.last_para - speech.para == 2
    # the narration after the speech is not swallowed
    assert "Clark didn't answer" not in text[speech.start : speech.end]


def test_an_unclosed_mark_ends_at_its_paragraph_and_later_quotes_are_intact():
    text = (FIX / "sloppy.txt").read_text()
    found = find_quotations(text, paragraph_spans(text))
    got = [text[f.start : f.end] for f in found]
    assert got[0] == '"did you see the headline? she asked. Nobody answered her.'
    assert found[0].closed is False
    assert got[1:] == ['"Yes,"', '"I saw it."', '"Good,"']


def test_a_short_line_left_open_before_a_quoted_paragraph_is_a_forgotten_closing_mark():
    # in a hurried fic the next quoted paragraph is a reply, not the same speech going on;
    # a speech that really runs over paragraphs is a long one, or a letter's salutation
    text = ('"We need the top tier off before Hannah sees it.\n\n"I want to MOVE it. Gently."\n\n'
            '"Okay, listen, because I am only going to say this the once and then we are all going to bed\n\n'
            '"and that is final."\n\n"My dearest Margit,\n\n"The sea is calm today."')
    assert spans_of(text) == [
        '"We need the top tier off before Hannah sees it.',
        '"I want to MOVE it. Gently."',
        '"Okay, listen, because I am only going to say this the once and then we are all going to bed\n\n"and that is final."',
        '"My dearest Margit,\n\n"The sea is calm today."',
    ]


def test_one_stray_mark_never_swallows_the_chapter():
    paras = ['He said "hello and left.'] + ["The road went on and on." for _ in range(50)] + ['"Fine," she said.']
    text = "\n\n".join(paras)
    found = find_quotations(text, paragraph_spans(text))
    assert all(f.end - f.start < 40 for f in found)
    assert text[found[-1].start : found[-1].end] == '"Fine,"'


def test_a_quote_split_by_its_tag_gives_two_quotations():
    assert spans_of('"Yeah" he sighed, "me too."') == ['"Yeah"', '"me too."']


def test_em_dash_dialogue_is_found_and_stops_at_the_tag():
    text = (FIX / "dashes.txt").read_text()
    assert spans_of(text) == ["\u2014 You are late,", "\u2014 The traffic was terrible,", "\u2014 Of course, sir", "\u2014 the traffic."]


def test_a_dash_used_as_punctuation_is_not_dialogue():
    text = "She stopped.\n-- and then the rain came.\nIt rained all night.\n-- or so they said."
    assert spans_of(text) == []


def test_italic_sentences_are_thoughts_but_a_stressed_word_or_a_title_is_not():
    text = "Clark froze. Not again, not now. He had read Daily Planet twice and it was really late."
    thought = Span(13, 32)  # "Not again, not now."
    title = Span(text.index("Daily"), text.index("Daily") + len("Daily Planet"))
    stress = Span(text.index("really"), text.index("really") + 6)
    got = quotes_in(text, [thought, title, stress])
    assert got == [("Not again, not now.", "thought")]


def test_verse_read_aloud_line_by_line_is_one_quotation_up_to_its_closing_mark():
    # a stanza typed one line per line, in a story whose paragraphs are set apart by blank
    # lines: the lines after the first open with no mark, and the quotation closes on the last
    text = (
        "Neil tilted the page toward the candle.\n\n"
        '"I own one good pen and my brother\'s old coat,\n'
        "a coat that fits me in the shoulders now,\n"
        'which nobody has noticed."\n\n'
        "He paused there.\n\n"
        '"Go on," Knox said.\n'
    )
    assert spans_of(text) == [
        '"I own one good pen and my brother\'s old coat,\na coat that fits me in the shoulders now,\nwhich nobody has noticed."',
        '"Go on,"',
    ]


def test_a_line_left_open_where_every_paragraph_is_one_line_does_not_swallow_the_next():
    # with no blank lines anywhere, a line break is a paragraph break: the open mark stops there
    text = '"We need the top tier off\nHannah walked in.\n"I want to MOVE it," Jo said.\n'
    assert spans_of(text) == ['"We need the top tier off', '"I want to MOVE it,"']


@pytest.mark.parametrize(
    "text, kind",
    [
        ('It was rated "T" for teens.', "other"),  # a quoted rating
        ('Her "friend" came over again.', "other"),  # scare quotes
        ('She had read "The Art of War" twice.', "other"),  # a title
        ('The bard meant to debut "The Ballad of the Burned Mill at Dawn", sadly.', "other"),  # a long title
        ('He kept humming "we are never ever getting back together" at us.', "speech"),  # long, not a title
        ('The old man called it the "parlour," as his mother had.', "other"),  # comma inside the mark
        ('"Hey" was all she said.', "speech"),  # opens the sentence: dialogue
        ('She said, "fine" and left.', "speech"),  # after a comma: dialogue
        ('He was, by his own account, "technically" still at work.', "other"),  # the sentence runs on through it
        ('By then, "yes" he said.', "speech"),  # a tag follows
        ('There it was in the margin, beside a woodcut of teeth: "onyons", underlined twice.', "other"),  # runs on past a colon
        ('She yelled at them: "Run", waving both arms.', "speech"),  # a speech verb before the colon
        ('Then one word: "Wait", and she was gone.', "speech"),  # "and" carries the line on
    ],
)
def test_titles_scare_quotes_and_quoted_words_are_marked_other(text, kind):
    assert quotes_in(text)[0][1] == kind


@pytest.mark.parametrize(
    "name", ["ficlens.quotes.detect", "ficlens.quotes.lexicon", "ficlens.quotes.ranker", "ficlens.quotes.fallback"]
)
def test_quotes_docstring_examples_hold(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0


def test_italic_thoughts_in_html_come_through_ingest_as_thoughts():
    from ficlens.ingest import read
    from ficlens.pipeline import default_pipeline

    doc = default_pipeline(profile="fast", stages=["quotes"]).run(read(FIX / "italic_thoughts.html"))
    got = [(doc.text[q.start : q.end], q.kind) for q in doc.quotes]
    assert ("Not again, not now.", "thought") in got
    assert ('"Clark?"', "speech") in got
    # a stressed word and an italic title are not thoughts
    assert not any(t in ("really", "Daily Planet") for t, _ in got)


def test_em_dash_speech_resumes_after_a_short_tag_sentence():
    text = (
        "\u2014 Thanks, old friend, he said briskly. That will do nicely. Shut the door, will you?\n\n"
        "\u2014 Of course, Nell said.\n\n"
        "\u2014 Mind the step, she added."
    )
    assert spans_of(text) == [
        "\u2014 Thanks, old friend,",
        "That will do nicely. Shut the door, will you?",
        "\u2014 Of course,",
        "\u2014 Mind the step,",
    ]


def test_the_second_half_of_a_split_speech_is_speech_even_in_lowercase():
    text = "\u201cKitty has no sense of timing,\u201d said her father; \u201cshe times it ill.\u201d"
    assert [k for _, k in quotes_in(text)] == ["speech", "speech"]


def test_a_short_tag_between_two_quotes_keeps_the_second_one_speech():
    text = "She stopped at the door. \u201cNot now,\u201d she said to him quietly \u201cmaybe later.\u201d"
    assert [k for _, k in quotes_in(text)] == ["speech", "speech"]


def test_em_dash_narration_after_a_full_stop_is_narration_and_a_name_spoken_to_is_no_tag():
    text = (
        "\u2014 That was not a normal noise, \u2014 said Finn.\n\n"
        "\u2014 It's a normal noise for her. \u2014 Rey didn't look round. \u2014 She's old.\n\n"
        "\u2014 Slander. Rey, tell him that's slander.\n\n"
        "\u2014 Poe, what does your side say for fuel?"
    )
    assert spans_of(text) == [
        "\u2014 That was not a normal noise,",
        "\u2014 It's a normal noise for her.",
        "\u2014 She's old.",
        "\u2014 Slander. Rey, tell him that's slander.",
        "\u2014 Poe, what does your side say for fuel?",
    ]
