"""Corpus tables: rows per item, explicit schemas, Parquet read back, DuckDB queries."""

from __future__ import annotations

import doctest

import pyarrow.parquet as pq
import pytest
from conftest import ROOT, analyse_text, validate_analysis

from ficlens import tables
from ficlens.tables import SCHEMAS, TABLES, rows, schema_markdown, write_parquet

TEXT = 'Lois smiled. "Clark, you\'re late," she said. He shrugged. Smallville was quiet.\n'


def _obj(sha_digit: str, *, n_quotes: int = 1) -> dict:
    """A small hand-built contract object (valid against the schema)."""
    quotes = [
        {
            "start": 13,
            "end": 34,
            "speaker": "lois",
            "addressee": "clark",
            "kind": "speech",
            "attribution": "explicit",
            "confidence": 0.9,
        }
    ] * n_quotes
    return validate_analysis(
        {
            "schema": "ficlens.analysis/1",
            "source": {"path": f"{sha_digit}.txt", "format": "txt", "sha256": sha_digit * 64, "encoding": "utf-8"},
            "text": TEXT,
            "body": {"start": 0, "end": len(TEXT) - 1},
            "metadata": {
                "title": "Late",
                "authors": ["me"],
                "rating": "General Audiences",
                "fandoms": ["Smallville"],
                "freeform": ["Fluff"],
            },
            "stats": {"words": 12, "dialogue_words": 3, "sentences": 4},
            "characters": [
                {
                    "id": "lois",
                    "name": "Lois Lane",
                    "aliases": [{"text": "Lois", "count": 1}],
                    "mentions": 2,
                    "gender": "female",
                    "quotes": n_quotes,
                    "present": True,
                },
                {"id": "clark", "name": "Clark Kent", "aliases": [{"text": "Clark", "count": 1}], "mentions": 2},
            ],
            "mentions": [
                {"start": 0, "end": 4, "character": "lois", "kind": "name"},
                {"start": 14, "end": 19, "character": "clark", "kind": "name"},
                {"start": 35, "end": 38, "character": "lois", "kind": "pronoun"},
                {"start": 45, "end": 47, "character": "clark", "kind": "pronoun"},
            ],
            "quotes": quotes,
            "pov": {"person": "third", "tense": "past", "focal": []},
            "relationships": [
                {
                    "a": "clark",
                    "b": "lois",
                    "type": "romantic",
                    "tag": "Clark Kent/Lois Lane",
                    "weight": 2.0,
                    "confidence": 0.6,
                }
            ],
            "tags": {
                "fandoms": [{"value": "Smallville", "confidence": 0.95}],
                "rating": None,
                "warnings": [],
                "freeform": [{"value": "Fluff", "confidence": 0.4}],
            },
        }
    )


def test_rows_give_one_row_per_item_each_with_the_work_id():
    t = rows(_obj("a"))
    assert {k: len(v) for k, v in t.items()} == {
        "works": 1,
        "characters": 2,
        "mentions": 4,
        "quotes": 1,
        "relationships": 1,
        # declared: rating, fandom, freeform; inferred: fandom, freeform
        "tags": 5,
    }
    assert {r["work_id"] for rs in t.values() for r in rs} == {"a" * 16}
    assert t["quotes"][0]["text"] == '"Clark, you\'re late,"'
    assert [m["text"] for m in t["mentions"]] == ["Lois", "Clark", "she", "He"]
    assert t["tags"][0] == {
        "work_id": "a" * 16,
        "source": "declared",
        "field": "fandoms",
        "value": "Smallville",
        "confidence": None,
    }


def test_every_row_fits_its_table_schema_exactly():
    import pyarrow as pa

    for table, rs in rows(_obj("b")).items():
        assert set(rs[0]) == set(SCHEMAS[table].names), table
        pa.Table.from_pylist(rs, schema=SCHEMAS[table])  # raises on a type mismatch


def test_parquet_tables_read_back_with_their_schema_and_row_counts(tmp_path):
    objs = [_obj("a"), _obj("b", n_quotes=3), _obj("c", n_quotes=0)]
    counts = write_parquet(iter(objs), tmp_path, batch_works=2)  # two row groups
    assert counts == {"works": 3, "characters": 6, "mentions": 12, "quotes": 4, "relationships": 3, "tags": 15}
    for table in TABLES:
        read = pq.read_table(tmp_path / f"{table}.parquet")
        assert read.schema.equals(SCHEMAS[table], check_metadata=False), table
        assert read.num_rows == counts[table]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.parquet" for t in TABLES)


def test_an_empty_corpus_still_writes_every_table(tmp_path):
    assert write_parquet([], tmp_path) == {t: 0 for t in TABLES}
    assert pq.read_table(tmp_path / "quotes.parquet").schema.names == SCHEMAS["quotes"].names


def test_duckdb_joins_the_tables(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    write_parquet([_obj("a"), _obj("b", n_quotes=3)], tmp_path)
    d = str(tmp_path)
    con = duckdb.connect()
    got = con.execute(
        f"SELECT c.name, count(*) AS n FROM '{d}/quotes.parquet' q JOIN '{d}/characters.parquet' c "
        "ON c.work_id = q.work_id AND c.character_id = q.speaker GROUP BY c.name"
    ).fetchall()
    assert got == [("Lois Lane", 4)]
    assert con.execute(f"SELECT sum(words) FROM '{d}/works.parquet'").fetchall() == [(24,)]
    aliases = con.execute(f"SELECT aliases[1].text FROM '{d}/characters.parquet' ORDER BY 1 LIMIT 1").fetchall()
    assert aliases == [("Clark",)]


def test_tables_from_a_real_analysis(tmp_path):
    _, obj = analyse_text(TEXT, name="late.txt", profile="fast", stages=[])
    counts = write_parquet([obj], tmp_path)
    assert counts["works"] == 1
    works = pq.read_table(tmp_path / "works.parquet").to_pylist()[0]
    assert works["words"] == obj["stats"]["words"] and works["format"] == "txt"


def test_docs_page_matches_the_schemas():
    """docs/tables.md is generated from SCHEMAS; a column added without it fails here."""
    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8") == schema_markdown()
    for table in TABLES:
        for field in SCHEMAS[table]:
            assert field.metadata and field.metadata[b"doc"], (table, field.name)


def test_module_examples_hold():
    assert doctest.testmod(tables).failed == 0
