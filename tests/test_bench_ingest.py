"""``ficlens bench ingest``: the measuring code on small inputs (figures are not asserted)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ingest_helpers import INGEST
from typer.testing import CliRunner

from ficlens.bench import ingest as bench_ingest
from ficlens.bench.ingest import find_litbank, run_bench
from ficlens.cli import get_app
from ficlens.errors import InputNotFound
from ficlens.ingest import read
from ficlens.text import ao3_word_count

WORKS = [INGEST / "ao3_multi.html", INGEST / "ffn_story.html", INGEST / "story.md"]


def body_words(path):
    w = read(path)
    return ao3_word_count(w.text[w.body.start : w.body.end])


def test_bench_counts_every_readable_work_and_records_failures():
    r = run_bench([*WORKS, INGEST / "ao3_404.html"], profile="fast")
    assert r.files == 3
    assert r.words == sum(body_words(p) for p in WORKS)
    assert len(r.failures) == 1 and "404" in r.failures[0]
    assert r.read_s > 0 and r.nlp_s > 0 and r.words_per_s > 0


def test_limit_takes_the_first_files_only():
    assert run_bench(WORKS, profile="fast", limit=1).files == 1


def test_missing_litbank_is_a_clear_error(tmp_path, monkeypatch):
    # The search walks up from each base, so a shared/ folder anywhere above tmp_path
    # (a checkout under /tmp) would be found: look for a corpus path nobody has.
    monkeypatch.setattr(bench_ingest, "LITBANK_BRAT", Path("no-such-shared") / "litbank" / "brat")
    with pytest.raises(InputNotFound, match="LitBank corpus not found"):
        find_litbank([tmp_path])


def test_litbank_is_found_beside_the_checkout(tmp_path):
    brat = tmp_path / bench_ingest.LITBANK_BRAT
    brat.mkdir(parents=True)
    deep = tmp_path / "main" / "src"
    deep.mkdir(parents=True)
    assert find_litbank([deep]) == brat


def test_bench_ingest_command_prints_json_figures():
    result = CliRunner().invoke(get_app(), ["bench", "ingest", str(WORKS[0]), "--profile", "fast", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["files"] == 1 and figures["words"] == body_words(WORKS[0])
    assert figures["profile"] == "fast" and figures["words_per_s"] > 0
