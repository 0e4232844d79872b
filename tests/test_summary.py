"""Extractive summary: only when the work declares none, central sentences, names resolved."""

from __future__ import annotations

from pathlib import Path

from conftest import validate_analysis

from ficlens import contract
from ficlens.stages import summary as summary_stage
from ficlens.tagging import summary
from ficlens.tagging.handbuilt import add_character, make_doc

NARRATIVE = Path(__file__).resolve().parent / "fixtures" / "narrative"


def test_summary_is_three_sentences_from_the_body_in_text_order():
    doc = summary_stage.create()(make_doc((NARRATIVE / "offpage_death.txt").read_text()))
    assert doc.summary
    body = doc.text[doc.body.start : doc.body.end]
    parts = [p for p in doc.summary.split(". ") if p]
    assert 2 <= len(parts) <= 6
    positions = [body.find(p.strip(". ")[:30]) for p in parts]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)


def test_a_declared_summary_is_kept_and_none_is_generated():
    doc = make_doc((NARRATIVE / "no_fandom.txt").read_text())
    doc.work.metadata.summary = "A baking contest."
    summary_stage.create()(doc)
    assert doc.summary is None and doc.metadata.summary == "A baking contest."


def test_an_opening_pronoun_is_replaced_by_the_characters_name():
    doc = make_doc("She walked into the old kitchen. The kettle was cold on the stove top.")
    add_character(doc, "mara", "Mara Quinn", "female", ["Mara"], ["she"])
    s = doc.sentences[0]
    assert summary.resolve_names(doc, s.start, s.end) == "Mara walked into the old kitchen."


def test_textrank_prefers_the_sentence_that_shares_most_with_the_rest():
    texts = [["river", "boat", "night"], ["river", "boat", "storm"], ["cake"], ["river", "boat", "dawn"]]
    scores = summary.textrank(texts)
    assert scores.index(min(scores)) == 2


def test_too_short_a_text_gets_no_summary():
    doc = summary_stage.create()(make_doc("Hello there. Bye now."))
    assert doc.summary is None


def test_summary_validates_against_the_contract():
    doc = summary_stage.create()(make_doc((NARRATIVE / "present_tense.txt").read_text()))
    validate_analysis(contract.to_json(doc))
