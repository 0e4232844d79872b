"""``ficlens bench speed``: its corpus builder and one measurement on a tiny corpus."""

from __future__ import annotations

import doctest
from pathlib import Path

from ficlens.bench import speed
from ficlens.bench.speed import PassResult, ProfileResult, format_result, litbank_texts, measure_profile

FIX = Path(__file__).parent / "fixtures" / "batch" / "good"


def test_litbank_style_excerpts_are_joined_into_works_of_about_the_asked_size(tmp_path):
    for n in range(5):  # five 'excerpts' of 30 words each, one tokenised sentence per line
        (tmp_path / f"{n}_x_brat.txt").write_text(("Mara waited by the sea , and the boats came home .\n") * 3)
    works = litbank_texts(tmp_path, work_words=60)
    assert len(works) == 3  # 30+30, 30+30, 30
    assert works[0].count("\n\n") == 1 and "sea, and" in works[0] and " ." not in works[0]
    assert len(litbank_texts(tmp_path, work_words=60, max_words=50)) == 1


def test_one_profile_is_measured_bare_and_full_on_the_same_works():
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(FIX.glob("*.txt"))]
    r = measure_profile("fast", texts)
    assert r.bare.words == r.full.words > 300
    assert r.bare.tokens == r.full.tokens > r.bare.words
    assert set(r.bare.stages) == {"nlp"} and set(r.full.stages) == {"nlp", *r.stage_names}
    assert r.peak_rss_mb > 0 and r.bare.cpu_s > 0


def test_report_lines_give_rates_ratio_shares_and_memory():
    bare = PassResult(words=1000, tokens=1200, cpu_s=0.5, wall_s=1.0, stages={"nlp": 0.5})
    full = PassResult(words=1000, tokens=1200, cpu_s=1.0, wall_s=2.0, stages={"nlp": 0.5, "quotes": 0.5})
    lines = format_result(ProfileResult("ner", 1.5, bare, full, 300.0, ["quotes"]))
    assert lines[0] == "profile ner: model load 1.5 s; stages: quotes"
    assert "2,000 words/s" in lines[1] and "2,400 tokens/s per CPU-s (5.2x BookNLP)" in lines[1]
    assert lines[3] == "  full / bare: 0.50; time shares of full: nlp 50%, quotes 50%"
    assert lines[4] == "  peak memory: 300 MB"


def test_module_examples_hold():
    assert doctest.testmod(speed).failed == 0


def test_component_times_cover_every_spacy_component_of_the_profile():
    from ficlens.bench.speed import component_shares

    texts = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(FIX.glob("*.txt"))]
    comp = component_shares("fast", texts)
    assert list(comp) == ["tokenizer", "sentencizer"] and all(v >= 0 for v in comp.values())


def test_cli_bench_speed_prints_both_passes_for_a_given_file():
    from typer.testing import CliRunner

    from ficlens.cli import get_app

    res = CliRunner().invoke(
        get_app(), ["bench", "speed", str(FIX / "market.txt"), "--profiles", "fast", "--components"]
    )
    assert res.exit_code == 0, res.output
    out = res.output.splitlines()
    assert out[0].startswith("corpus: 1 works, 128 words")
    assert any("bare spaCy pass" in x for x in out) and any("full analysis" in x for x in out)
    assert any(x.startswith("  spaCy CPU time by component: tokenizer") for x in out)
