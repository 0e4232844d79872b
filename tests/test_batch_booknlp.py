"""The BookNLP-compatible export: BookNLP's files, columns and token numbering."""

from __future__ import annotations

import csv
import io
import json

import pytest

from ficlens import nlp
from ficlens.batch.booknlp import ENTITY_COLUMNS, QUOTE_COLUMNS, TOKEN_COLUMNS, export_files
from ficlens.model import Doc, Entity, Source, Span, Work

TEXT = 'Lois  waited.\n"Clark, you\'re late," she said.\nHe laughed in Metropolis.\n'
#       0123456789012 3 4567890123456789012345678901234 5 6789...


def _doc(profile: str = "fast") -> Doc:
    work = Work(text=TEXT, source=Source(path="x.txt", format="txt", sha256="0" * 64), body=Span(0, len(TEXT) - 1))
    return nlp.annotate(Doc(work=work), profile)


OBJ = {
    "text": TEXT,
    "characters": [
        {
            "id": "lois",
            "name": "Lois Lane",
            "aliases": [{"text": "Lois", "count": 1}],
            "mentions": 2,
            "gender": "female",
        },
        {"id": "clark", "name": "Clark Kent", "aliases": [{"text": "Clark", "count": 1}], "mentions": 2},
    ],
    "mentions": [
        {"start": 0, "end": 4, "character": "lois", "kind": "name"},
        {"start": 15, "end": 20, "character": "clark", "kind": "name"},
        {"start": 36, "end": 39, "character": "lois", "kind": "pronoun"},
        {"start": 46, "end": 48, "character": "clark", "kind": "pronoun"},
    ],
    "quotes": [
        {"start": 14, "end": 35, "speaker": "lois", "kind": "speech"},
        {"start": 14, "end": 35, "speaker": None, "kind": "speech"},
    ],
}


def _tsv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def test_export_writes_the_four_booknlp_files_with_booknlp_headers():
    files = export_files(_doc(), OBJ, "w1")
    assert sorted(files) == ["w1.book", "w1.entities", "w1.quotes", "w1.tokens"]
    assert files["w1.tokens"].splitlines()[0].split("\t") == list(TOKEN_COLUMNS)
    assert files["w1.entities"].splitlines()[0].split("\t") == list(ENTITY_COLUMNS)
    assert files["w1.quotes"].splitlines()[0].split("\t") == list(QUOTE_COLUMNS)


def test_tokens_skip_whitespace_and_number_tokens_per_document_and_sentence():
    toks = _tsv(export_files(_doc(), OBJ, "w")["w.tokens"])
    words = [t["word"] for t in toks]
    assert words[:3] == ["Lois", "waited", "."]  # the double space is not a token
    assert [int(t["token_ID_within_document"]) for t in toks] == list(range(len(toks)))
    second = [t for t in toks if t["sentence_ID"] == "1"]
    assert [int(t["token_ID_within_sentence"]) for t in second] == list(range(len(second)))
    for t in toks:  # offsets point at the word in the text
        assert TEXT[int(t["byte_onset"]) : int(t["byte_offset"])] == t["word"]
    assert {t["paragraph_ID"] for t in toks} == {"0", "1", "2"}
    assert {t["event"] for t in toks} == {"O"}
    # the fast profile has no tagger or parser: BookNLP's placeholders
    assert {t["POS_tag"] for t in toks} == {"_"} and {t["syntactic_head_ID"] for t in toks} == {"-1"}


def test_entities_give_characters_their_number_and_mention_type():
    ents = _tsv(export_files(_doc(), OBJ, "w")["w.entities"])
    per = [
        (e["COREF"], e["start_token"], e["end_token"], e["prop"], e["cat"], e["text"])
        for e in ents
        if e["cat"] == "PER"
    ]
    assert per == [
        ("0", "0", "0", "PROP", "PER", "Lois"),
        ("1", "4", "4", "PROP", "PER", "Clark"),
        ("0", "11", "11", "PRON", "PER", "she"),
        ("1", "14", "14", "PRON", "PER", "He"),
    ]


def test_quotes_point_at_the_speakers_nearest_mention_outside_the_quote():
    rows = _tsv(export_files(_doc(), OBJ, "w")["w.quotes"])
    known, unknown = rows
    assert (known["quote_start"], known["quote_end"]) == ("3", "10")
    assert known["quote"] == '" Clark , you \'re late , "'
    # "she" right after the quote is nearer than "Lois" before it
    assert (known["mention_start"], known["mention_end"], known["mention_phrase"], known["char_id"]) == (
        "11",
        "11",
        "she",
        "0",
    )
    assert (unknown["char_id"], unknown["mention_start"]) == ("-1", "-1")


def test_book_file_lists_characters_with_their_names():
    book = json.loads(export_files(_doc(), OBJ, "w")["w.book"])
    assert [(c["id"], c["name"], c["mentions"]["proper"]) for c in book["characters"]] == [
        (0, "Lois Lane", [{"n": "Lois", "c": 1}]),
        (1, "Clark Kent", [{"n": "Clark", "c": 1}]),
    ]


def test_places_found_by_ner_are_exported_with_their_category():
    doc = _doc()
    s = TEXT.index("Metropolis")
    doc.entities = [Entity(s, s + 10, "GPE", "Metropolis")]
    ents = _tsv(export_files(doc, OBJ, "w")["w.entities"])
    assert [(e["COREF"], e["prop"], e["cat"], e["text"]) for e in ents if e["cat"] != "PER"] == [
        ("2", "PROP", "GPE", "Metropolis")
    ]


@pytest.mark.model
def test_full_profile_fills_lemma_pos_and_heads_inside_the_document():
    toks = _tsv(export_files(_doc("full"), OBJ, "w")["w.tokens"])
    assert {t["word"]: t["lemma"] for t in toks}["laughed"] == "laugh"
    assert {t["word"]: t["POS_tag"] for t in toks}["laughed"] == "VERB"
    assert all(0 <= int(t["syntactic_head_ID"]) < len(toks) for t in toks)
    assert any(t["dependency_relation"] == "ROOT" for t in toks)
