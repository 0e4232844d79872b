"""``ficlens bench fic-quotes``: annotated fan-fiction dialogue, scored end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.bench import fic_quotes as bench
from ficlens.errors import FiclensError

STORY = (
    "Dean Winchester leaned on the car while Sam Winchester read the map.\n\n"
    '"We\'re lost,"[[Sam>Dean]] Sam said.\n\n'
    '"We\'re not lost,"[[Dean>Sam]] said Dean.\n\n'
    'The sign said "Lawrence 12"[[-]] in faded paint.\n'
)


def test_markers_are_cut_out_and_remember_where_each_quotation_closed():
    text, gold = bench.strip_markers(STORY)
    assert "[[" not in text
    assert [(g.speaker, g.addressee) for g in gold] == [("Sam", "Dean"), ("Dean", "Sam"), (None, None)]
    assert text[gold[0].end - 1] == '"' and text[: gold[0].end].endswith('"We\'re lost,"')
    assert text[: gold[2].end].endswith('"Lawrence 12"')


def test_a_marker_without_a_speaker_is_an_error():
    with pytest.raises(FiclensError):
        bench.strip_markers('"Hi."[[>Sam]]')


def test_two_people_merged_into_one_character_are_right_for_one_of_them_only():
    from ficlens.model import Character

    merged = Character(id="dean_winchester", name="Dean Winchester", aliases={"Dean Winchester": 1, "Sam": 4, "Sam Winchester": 1})
    assert bench.cast(["Sam", "Dean"], [merged], None) == {"Sam": None, "Dean": "dean_winchester"}
    apart = [Character(id="sam", name="Sam Winchester", aliases={"Sam": 2}), merged]
    assert bench.cast(["Sam", "Dean"], apart, None) == {"Sam": "sam", "Dean": "dean_winchester"}


def test_the_bench_scores_speakers_addressees_and_not_speech_on_a_real_analysis(tmp_path: Path):
    (tmp_path / "spn.txt").write_text(STORY, encoding="utf-8")
    wrong = STORY.replace("[[Dean>Sam]]", "[[Sam>Dean]]")
    (tmp_path / "wrong.txt").write_text(wrong, encoding="utf-8")
    res = bench.run_bench(tmp_path)
    assert res["stories"] == 2 and res["speech_quotations"] == 4
    assert res["per_story"]["spn.txt"]["speaker_accuracy"] == 1.0
    assert res["per_story"]["wrong.txt"]["speaker_accuracy"] == 0.5  # the annotation says Sam twice
    assert res["not_speech_taken_for_speech"] == "0/2"
    assert res["stage_errors"] == []  # every stage ran on both stories
    assert [e["story"] for e in res["errors"]] == ["wrong.txt"]
    # every found line's confidence lands in one reliability bin
    assert sum(b["n"] for b in res["speaker_confidence"]["bins"]) == 4


def _cli(args, capsys) -> tuple[int, str]:
    from ficlens.cli import main

    with pytest.raises(SystemExit) as stop:
        main(args)
    err = capsys.readouterr().err
    return stop.value.code, err


def test_the_command_rejects_a_missing_folder_in_one_line(tmp_path: Path, capsys):
    code, err = _cli(["bench", "fic-quotes", "--data", str(tmp_path / "nope")], capsys)
    assert code != 0 and err.startswith("error: no such folder") and "Traceback" not in err


def test_a_markdown_story_is_scored_on_the_text_the_analysis_reads(tmp_path: Path):
    md = (
        "# Chapter 1: The Map\n\n*Not again,* Sam thought.\n\n"
        "Dean Winchester leaned on the car while Sam Winchester read the map.\n\n"
        '"We\'re lost,"[[Sam>Dean]] Sam said.\n\n"We\'re not lost,"[[Dean>Sam]] said Dean.\n'
    )
    (tmp_path / "spn.md").write_text(md, encoding="utf-8")
    res = bench.run_bench(tmp_path)
    assert res["detection_recall"] == 1.0 and res["speaker_accuracy"] == 1.0


def test_a_story_that_is_not_utf8_is_a_one_line_error(tmp_path: Path, capsys):
    (tmp_path / "latin1.txt").write_bytes('"Caf\xe9?"[[Sam]] said Sam.'.encode("latin-1"))
    code, err = _cli(["bench", "fic-quotes", "--data", str(tmp_path)], capsys)
    assert code != 0 and err.strip() == "error: latin1.txt: an annotated story must be UTF-8"


def test_a_character_linked_to_the_kb_answers_to_its_canon_names_too():
    # Hetalia's "North Italy" goes by "Italy" in canon though the story only called him
    # "Feliciano": the annotator's "Italy" is him; an unlinked character has only its own forms
    from ficlens.model import Character

    linked = Character(id="north_italy", name="North Italy", aliases={"Feliciano": 7}, kb="north_italy")
    unlinked = Character(id="north_italy", name="North Italy", aliases={"Feliciano": 7})
    assert bench.called(linked, "Italy", None) and not bench.called(unlinked, "Italy", None)
    assert bench.cast(["Italy"], [linked], None) == {"Italy": "north_italy"}
