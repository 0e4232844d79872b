"""``ficlens bench library`` on a tiny synthetic library: it runs and reports every figure."""

from __future__ import annotations

from conftest import validate_analysis
from typer.testing import CliRunner

from ficlens.bench.library import markdown, run_bench, three_facet_queries
from ficlens.cli import get_app
from ficlens.library import open_library
from ficlens.library.synthetic import generate


def test_synthetic_works_are_valid_contract_objects_and_all_distinct():
    works = list(generate(50, seed=3))
    for w in works:
        validate_analysis(w)
    assert len({w["source"]["sha256"] for w in works}) == 50
    assert len({w["metadata"]["work_id"] for w in works}) == 50


def test_three_facet_queries_parse_into_three_tag_filters(tmp_path):
    with open_library(tmp_path / "l.db") as lib:
        for q in three_facet_queries(5):
            assert len(lib.search(q, with_facets=False).query.filters) == 3


def test_run_bench_fills_the_library_and_times_every_query_kind(tmp_path):
    db = tmp_path / "bench.db"
    result = run_bench(db, works=60, queries=5, log=lambda m: None)
    assert result["add"]["works"] == 60 and result["add_single"]["works"] == 10
    assert result["db_mb"] > 0
    assert len(result["latency"]) == 7
    assert all(v["p95_ms"] >= v["p50_ms"] >= 0 for v in result["latency"].values())
    with open_library(db) as lib:
        assert len(lib) == 70
    assert "| search, 3 facet filters, with facet counts | 5 |" in markdown(result, "cmd")


def test_bench_library_command_prints_the_table():
    res = CliRunner().invoke(get_app(), ["bench", "library", "--works", "40", "--queries", "5"])
    assert res.exit_code == 0, res.output
    assert "p95 ms" in res.output and "works/s" in res.output
