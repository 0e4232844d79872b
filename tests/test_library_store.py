"""Storage against a real SQLite file: migrations, idempotent add, versions, crash safety."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import validate_analysis

from ficlens.errors import LibraryError, WorkNotFound
from ficlens.library import open_library
from ficlens.library.migrations import MIGRATIONS
from ficlens.library.synthetic import make_analysis

WORKS = Path(__file__).parent / "fixtures" / "library" / "works.json"


def fixture_works() -> list[dict]:
    specs = json.loads(WORKS.read_text(encoding="utf-8"))["works"]
    return [validate_analysis(make_analysis(**s)) for s in specs]


@pytest.fixture
def lib(tmp_path):
    with open_library(tmp_path / "library.db") as lib:
        yield lib


def _columns(db: Path, table: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def test_migrating_a_blank_file_creates_the_schema_and_records_every_migration(tmp_path):
    db = tmp_path / "fresh.db"
    with open_library(db) as lib:
        assert lib.migrations_applied == [name for name, _ in MIGRATIONS]
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table')")}
        recorded = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY name")]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert {"_migrations", "works", "work_analysis", "work_tags", "work_history", "works_fts", "work_signatures",
            "facet_counts"} <= tables  # fmt: skip
    assert recorded == ["m001_works", "m002_fulltext", "m003_signatures", "m004_facet_counts", "m005_sort_indexes"]
    assert mode == "wal"
    assert _columns(db, "work_tags") == ["work_id", "type", "source", "value_norm", "value", "confidence"]
    assert _columns(db, "works_fts") == ["title", "authors", "summary", "tags", "text"]
    assert {"sha256", "site", "site_work_id", "pov", "tense", "dialogue", "ending", "version"} <= set(
        _columns(db, "works")
    )
    assert _columns(db, "facet_counts") == ["type", "source", "value_norm", "value", "n"]


def test_reopening_a_migrated_library_applies_nothing(tmp_path):
    db = tmp_path / "l.db"
    open_library(db).close()
    with open_library(db) as lib:
        assert lib.migrations_applied == []


def test_a_file_that_is_not_a_database_is_a_clean_library_error(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("this is not sqlite " * 100)
    with pytest.raises(LibraryError, match="notes.db"):
        open_library(bad)


def test_adding_the_same_analysis_twice_changes_nothing(lib):
    work = fixture_works()[0]
    first = lib.add_analysis(work)
    second = lib.add_analysis(copy.deepcopy(work))
    assert (first.status, second.status) == ("added", "unchanged")
    assert first.id == second.id
    assert len(lib) == 1
    assert lib.history(first.id) == []


def test_get_gives_back_the_added_contract_object_plus_library_fields(lib):
    work = fixture_works()[1]
    res = lib.add_analysis(work)
    got = lib.get(res.id)
    info = got.pop("library")
    assert got == work
    validate_analysis(got)
    assert info["id"] == res.id and info["version"] == 1 and info["versions"] == []
    assert lib.get(9999) is None


def test_new_content_for_the_same_ao3_work_updates_it_and_keeps_the_old_version(lib):
    v1 = fixture_works()[0]
    v2 = copy.deepcopy(v1)
    v2["text"] += "\nChapter two: the frost came early that year.\n"
    v2["body"]["end"] = len(v2["text"])
    v2["source"]["sha256"] = "b" * 64
    v2["metadata"]["freeform"] = ["Fluff", "Winter"]
    a, b = lib.add_analysis(v1), lib.add_analysis(v2)
    assert (a.status, b.status, b.version) == ("added", "updated", 2)
    assert a.id == b.id and len(lib) == 1
    current = lib.get(a.id)
    assert current["source"]["sha256"] == "b" * 64
    assert [v["version"] for v in current["library"]["versions"]] == [1]
    assert current["library"]["versions"][0]["sha256"] == v1["source"]["sha256"]
    old = lib.get_version(a.id, 1)
    assert old["text"] == v1["text"] and old["metadata"]["freeform"] == ["Fluff", "First Kiss"]
    # the search index follows the new version only
    assert [h.id for h in lib.search("frost").hits] == [a.id]
    assert lib.search('freeform:"First Kiss"').total == 0
    assert lib.search("freeform:Winter").total == 1
    # re-adding the old file does not step back
    again = lib.add_analysis(v1)
    assert again.status == "unchanged" and lib.get(a.id)["source"]["sha256"] == "b" * 64


def test_works_without_a_site_id_are_separate_works_even_with_the_same_title(lib):
    w = fixture_works()[2]
    other = copy.deepcopy(w)
    other["source"]["sha256"] = "c" * 64
    assert lib.add_analysis(w).id != lib.add_analysis(other).id
    assert len(lib) == 2


def test_remove_deletes_the_work_everywhere(lib, tmp_path):
    ids = [lib.add_analysis(w).id for w in fixture_works()]
    lib.remove(ids[0])
    assert lib.get(ids[0]) is None and len(lib) == len(ids) - 1
    assert lib.search("lantern").total == 0
    with sqlite3.connect(tmp_path / "library.db") as conn:
        for table, col in (("work_tags", "work_id"), ("work_signatures", "work_id"), ("works_fts", "rowid")):
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE {col} = ?", [ids[0]]).fetchone()[0] == 0
    with pytest.raises(WorkNotFound):
        lib.remove(ids[0])


def test_an_error_mid_add_rolls_the_whole_work_back(lib, monkeypatch):
    works = fixture_works()
    lib.add_analysis(works[0])

    def broken(self, wid, rec, sig):  # fails after the works row and before the text is written
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(type(lib), "_write_children", broken)
    with pytest.raises(RuntimeError):
        lib.add_analysis(works[1])
    monkeypatch.undo()
    assert len(lib) == 1
    assert lib.add_analysis(works[1]).status == "added"


CRASH = textwrap.dedent(
    """
    import json, os, sys
    from ficlens.library import open_library, store
    from ficlens.library.synthetic import make_analysis
    specs = json.load(open(sys.argv[2]))["works"]
    lib = open_library(sys.argv[1])
    lib.add_analysis(make_analysis(**specs[0]))
    real = store.Library._write_tags
    def crash(self, wid, rec):
        real(self, wid, rec)
        os._exit(9)  # the process dies inside the transaction: no rollback, no close
    store.Library._write_tags = crash
    lib.add_analysis(make_analysis(**specs[1]))
    """
)


def test_a_process_killed_mid_add_leaves_the_library_consistent(tmp_path):
    db = tmp_path / "crash.db"
    proc = subprocess.run(
        [sys.executable, "-c", CRASH, str(db), str(WORKS)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 9, proc.stderr
    with open_library(db) as lib:
        assert len(lib) == 1  # the first work, whole; no trace of the second
        (wid,) = lib.ids()
        assert lib.get(wid)["metadata"]["title"] == "Harvest Moon"
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(DISTINCT work_id) FROM work_tags").fetchone()[0] == 1
            assert conn.execute("SELECT count(*) FROM works_fts").fetchone()[0] == 1
            assert conn.execute("SELECT count(*) FROM work_signatures").fetchone()[0] == 1
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.execute("INSERT INTO works_fts(works_fts) VALUES ('integrity-check')")
        assert lib.add_analysis(fixture_works()[1]).status == "added"


def test_the_default_library_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FICLENS_LIBRARY", str(tmp_path / "env.db"))
    with open_library() as lib:
        assert lib.location == str(tmp_path / "env.db")
    monkeypatch.delenv("FICLENS_LIBRARY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from ficlens.library import default_library_path

    assert default_library_path() == tmp_path / "xdg" / "ficlens" / "library.db"


def test_a_folder_is_not_a_library(tmp_path):
    with pytest.raises(LibraryError, match="is a directory"):
        open_library(tmp_path)


def test_export_jsonl_writes_one_valid_contract_object_per_work(lib, tmp_path):
    for w in fixture_works():
        lib.add_analysis(w)
    out = tmp_path / "out.jsonl"
    with open(out, "w", encoding="utf-8") as fp:
        assert lib.export_jsonl(fp) == 6
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6
    for line in lines:
        obj = json.loads(line)
        assert obj.pop("library")["id"] >= 1
        validate_analysis(obj)


def test_whole_library_facet_counts_stay_equal_to_a_fresh_count_through_adds_updates_and_removes(lib):
    works = fixture_works()
    for w in works:
        lib.add_analysis(w)
    v2 = copy.deepcopy(works[0])
    v2["source"]["sha256"] = "d" * 64
    v2["metadata"]["characters"] = ["Lana Lang"]
    v2["pov"]["person"] = "first"
    lib.add_analysis(v2)
    lib.remove(4)
    maintained = lib.facets("")
    counted = lib.facets("words:>0")  # any filter forces counting over work_tags and works
    assert maintained == counted
    assert next(v.count for v in maintained["pov"] if v.value == "first") == 2


def test_add_many_stores_whole_works_and_reports_each(lib):
    works = fixture_works()
    results = lib.add_many(works + [works[0]], per_transaction=4)
    assert [r.status for r in results] == ["added"] * 6 + ["unchanged"]
    assert len(lib) == 6 and lib.search("lantern").total == 1
