"""The library commands through Typer's CliRunner on the real app."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import validate_analysis
from typer.testing import CliRunner

from ficlens.cli import get_app
from ficlens.library import open_library
from ficlens.library.synthetic import make_analysis

FIX = Path(__file__).parent / "fixtures" / "library"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def filled(tmp_path):
    """A library file holding the six fixture works (ids 1-6)."""
    db = tmp_path / "library.db"
    with open_library(db, synonyms=lambda t: []) as lib:
        for spec in json.loads((FIX / "works.json").read_text(encoding="utf-8"))["works"]:
            lib.add_analysis(validate_analysis(make_analysis(**spec)))
    return db


def run(runner, *args, env=None):
    return runner.invoke(get_app(), [str(a) for a in args], env=env)


def test_add_analyses_a_folder_recursively_and_reports_a_bad_file_without_stopping(runner, tmp_path):
    db = tmp_path / "lib.db"
    res = run(runner, "add", FIX / "stories", "--library", db, "--profile", "fast")
    assert res.exit_code == 14, res.output  # some inputs failed; the rest were stored
    assert "broken.txt" in res.output and "error:" in res.output
    assert "2 added, 1 error" in res.output
    with open_library(db) as lib:
        assert len(lib) == 2
        for wid in lib.ids():
            obj = lib.get(wid)
            obj.pop("library")
            validate_analysis(obj)
    again = run(runner, "add", FIX / "stories" / "orchard.txt", FIX / "stories" / "nested", "--library", db, "-q")
    assert again.exit_code == 0, again.output
    assert again.output.strip().splitlines()[-1] == "2 unchanged"


def test_search_json_prints_one_object_per_hit(runner, filled):
    res = run(runner, "search", "barn", "--library", filled, "--json")
    assert res.exit_code == 0, res.output
    hits = [json.loads(line) for line in res.output.splitlines()]
    assert [h["id"] for h in hits] == [2, 1]
    assert hits[1]["title"] == "Harvest Moon" and hits[1]["source_path"] == "fics/harvest_moon.txt"
    assert hits[0]["score"] > hits[1]["score"] > 0


def test_search_takes_the_query_language_and_the_library_from_the_environment(runner, filled):
    res = run(runner, "search", 'fandom:"Smallville (TV)"', "pov:third", "--json", "--sort", "title",
              env={"FICLENS_LIBRARY": str(filled)})  # fmt: skip
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["id"] for line in res.output.splitlines()] == [5, 6, 1]


def test_search_with_facets_prints_counts(runner, filled):
    res = run(runner, "search", 'fandom:"Sherlock (TV)"', "--library", filled, "--facets")
    assert "pov: third (2 inferred)" in res.output
    assert "2 work(s), page 1 of 1" in res.output


def test_a_bad_query_is_one_line_and_exit_code_2(runner, filled):
    res = run(runner, "search", "colour:blue", "--library", filled)
    assert res.exit_code == 2
    assert res.output.strip().startswith("error: unknown field 'colour'")
    assert "Traceback" not in res.output


def test_list_show_remove(runner, filled):
    res = run(runner, "list", "--library", filled, "--json", "--sort", "words")
    assert [json.loads(line)["id"] for line in res.output.splitlines()] == [2, 1, 3, 4, 6, 5]
    shown = run(runner, "show", "4", "--library", filled)
    assert shown.exit_code == 0
    assert "Tea at Baker Street" in shown.output and "Sherlock (TV)" in shown.output and "POV: third" in shown.output
    as_json = json.loads(run(runner, "show", "4", "--library", filled, "--json").output)
    assert as_json["library"]["id"] == 4 and as_json["metadata"]["title"] == "Tea at Baker Street"
    assert run(runner, "remove", "4", "--library", filled).exit_code == 0
    missing = run(runner, "show", "4", "--library", filled)
    assert missing.exit_code == 13 and "no work with id 4" in missing.output


def test_export_jsonl_and_parquet(runner, filled, tmp_path):
    out = tmp_path / "all.jsonl"
    res = run(runner, "export", "--library", filled, "--format", "jsonl", "-o", out)
    assert res.exit_code == 0, res.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 6
    pytest.importorskip("ficlens.tables")
    import pyarrow.parquet as pq

    folder = tmp_path / "pq"
    res = run(runner, "export", "--library", filled, "--format", "parquet", "-o", folder)
    assert res.exit_code == 0, res.output
    works = pq.read_table(folder / "works.parquet")
    assert sorted(works.column("title").to_pylist()) == sorted(
        ["Harvest Moon", "The Barn Door", "Kryptonite Blues", "Tea at Baker Street", "Crossing Over", "Daily Planet"]
    )
    assert (folder / "tags.parquet").exists() and (folder / "characters.parquet").exists()
    bad = run(runner, "export", "--library", filled, "--format", "xml")
    assert bad.exit_code == 2


def test_similar_and_duplicates(runner, filled, tmp_path):
    res = run(runner, "similar", "1", "--library", filled, "-n", "2", "--json")
    assert res.exit_code == 0, res.output
    assert {json.loads(line)["id"] for line in res.output.splitlines()} == {2, 3}
    # a second copy of Harvest Moon, saved elsewhere, is a duplicate
    spec = json.loads((FIX / "works.json").read_text(encoding="utf-8"))["works"][0]
    spec.update(path="elsewhere/harvest.txt", site="ffn", work_id="9", text=spec["text"] + "\nThe end.\n")
    with open_library(filled) as lib:
        lib.add_analysis(make_analysis(**spec))
    res = run(runner, "duplicates", "--library", filled, "--json")
    groups = [json.loads(line) for line in res.output.splitlines()]
    assert [[w["id"] for w in g["works"]] for g in groups] == [[1, 7]]
    text = run(runner, "duplicates", "--library", filled).output
    assert "1 duplicate group(s)" in text and "elsewhere/harvest.txt" in text


def test_a_library_that_is_not_a_database_is_a_clean_error(runner, tmp_path):
    bad = tmp_path / "bad.db"
    shutil.copy(FIX / "stories" / "orchard.txt", bad)
    res = run(runner, "list", "--library", bad)
    assert res.exit_code == 12
    assert res.output.startswith("error: ") and "Traceback" not in res.output


@pytest.mark.model
def test_add_with_the_full_pipeline_makes_the_narration_searchable(runner, tmp_path):
    db = tmp_path / "model.db"
    res = run(runner, "add", FIX / "stories" / "nested" / "lighthouse.txt", "--library", db, "-q")
    assert res.exit_code == 0, res.output
    with open_library(db) as lib:
        (wid,) = lib.ids()
        obj = lib.get(wid)
        obj.pop("library")
        validate_analysis(obj)
        person, tense = obj["pov"]["person"], obj["pov"]["tense"]
        assert [h.id for h in lib.search("lighthouse").hits] == [wid]
        if person:  # the POV stage ran: its answer is a filter and a facet
            assert [h.id for h in lib.search(f"pov:{person}").hits] == [wid]
            assert lib.facets("lighthouse")["pov"][0].value == person
        if tense:
            assert [h.id for h in lib.search(f"tense:{tense}").hits] == [wid]


def test_search_explain_prints_the_parsed_query_and_its_sql(runner, filled):
    res = run(runner, "search", "rating:T", "-warning:mcd", "--library", filled, "--explain")
    assert res.exit_code == 0, res.output
    assert 'query: rating:"Teen And Up Audiences" -warning:"Major Character Death"' in res.output
    assert "sql: SELECT w.id" in res.output and "NOT IN (SELECT work_id FROM work_tags" in res.output
    assert "Daily Planet" in res.output and "The Barn Door" not in res.output


def test_search_facets_as_json_say_whether_the_counts_are_exact(runner, filled):
    res = run(runner, "search", 'fandom:"Sherlock (TV)"', "--library", filled, "--facets", "--json")
    assert res.exit_code == 0, res.output
    *hits, facets = [json.loads(line) for line in res.output.splitlines()]
    assert sorted(h["id"] for h in hits) == [4, 5]
    assert facets["exact"] is True
    assert facets["facets"]["pov"] == [{"value": "third", "count": 2, "source": "inferred"}]
