"""Paragraph splitting and AO3 word counts."""

from __future__ import annotations

from ficlens.text import ao3_word_count, paragraph_spans


def _paras(text, **kw):
    return [text[s:e] for s, e in paragraph_spans(text, **kw)]


def test_hard_wrapped_prose_joins_lines_into_blank_line_paragraphs():
    para = "It was late when the farm truck finally\nturned into the lane, and the lights of\nthe house were out.\n"
    text = (para + "\n") * 4
    out = _paras(text)
    assert len(out) == 4
    assert out[0].startswith("It was late") and out[0].endswith("were out.")


def test_short_dialogue_lines_with_single_newlines_stay_separate_paragraphs():
    # fics pasted with one short paragraph per line and no blank lines are not hard-wrapped
    lines = ['"You came back," she said.', "He shrugged.", '"I said I would."', "She smiled at that."] * 3
    text = "\n".join(lines) + "\n"
    assert _paras(text) == lines


def test_html_text_is_never_treated_as_wrapped():
    para = "It was late when the farm truck finally\nturned into the lane, and the lights of\nthe house were out.\n\n"
    text = para * 4
    assert len(_paras(text, wrapped=False)) == 12


def test_cjk_characters_count_one_word_each():
    assert ao3_word_count("Hello 世界") == 3
