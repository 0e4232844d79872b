"""The LitBank reader, the coreference metrics and the two benches, on a tiny LitBank-format
corpus written here (the real LitBank is only read by the ``ficlens bench`` commands)."""

from __future__ import annotations

import doctest
import importlib

import pytest

from ficlens.bench import litbank, litbank_coref, litbank_entities
from ficlens.bench.litbank_coref import b_cubed, ceaf_e, muc

SENTS = ["Anna Bell walked to the mill .", "She met the miller there .", '" Hello , Anna , " he said .']
ANN = [
    "MENTION\tT1\t0\t0\t0\t1\tAnna Bell\tPER\tPROP",
    "MENTION\tT2\t1\t0\t1\t0\tShe\tPER\tPRON",
    "MENTION\tT3\t1\t2\t1\t3\tthe miller\tPER\tNOM",
    "MENTION\tT4\t2\t3\t2\t3\tAnna\tPER\tPROP",
    "MENTION\tT5\t2\t6\t2\t6\the\tPER\tPRON",
    "MENTION\tT6\t0\t4\t0\t5\tthe mill\tFAC\tNOM",
    "COREF\tT1\tAnna-0",
    "COREF\tT2\tAnna-0",
    "COREF\tT4\tAnna-0",
    "COREF\tT3\tMiller-1",
    "COREF\tT5\tMiller-1",
]
ENT_TSV = "Anna\tB-PER\nBell\tI-PER\nwalked\tO\n\nShe\tO\nmet\tO\nthe\tB-PER\nmiller\tI-PER\n"


@pytest.fixture
def root(tmp_path):
    (tmp_path / "coref" / "tsv").mkdir(parents=True)
    (tmp_path / "entities" / "tsv").mkdir(parents=True)
    (tmp_path / "coref" / "tsv" / "1_mill.txt").write_text("\n".join(SENTS) + "\n", encoding="utf-8")
    (tmp_path / "coref" / "tsv" / "1_mill.ann").write_text("\n".join(ANN) + "\n", encoding="utf-8")
    (tmp_path / "entities" / "tsv" / "1_mill.tsv").write_text(ENT_TSV, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "name",
    ["ficlens.kb", "ficlens.coref.lexicon", "ficlens.coref.quotespans", "ficlens.bench.litbank", "ficlens.bench.litbank_coref"],
)
def test_docstring_examples_hold(name):
    assert doctest.testmod(importlib.import_module(name)).failed == 0


def test_coref_reader_maps_sentence_offsets_to_global_tokens(root):
    lit = litbank.load_coref("1_mill", root)
    assert lit.text.startswith("Anna Bell walked to the mill . She met")
    per = [(m.start, m.end, m.entity) for m in lit.mentions if m.type == "PER"]
    assert per == [(0, 2, "Anna-0"), (7, 8, "Anna-0"), (9, 11, "Miller-1"), (16, 17, "Anna-0"), (19, 20, "Miller-1")]
    assert lit.text[slice(*lit.token_spans[16])] == "Anna"


def test_entity_reader_reads_bio_layers(root):
    lit = litbank.load_entities("1_mill", root)
    assert [(m.start, m.end, m.type) for m in lit.mentions] == [(0, 2, "PER"), (5, 7, "PER")]


def test_char_spans_map_back_to_tokens_only_when_they_align(root):
    lit = litbank.load_coref("1_mill", root)
    assert lit.token_span(0, 9) == (0, 2)  # "Anna Bell"
    assert lit.token_span(0, 4) == (0, 1)
    assert lit.token_span(1, 4) is None  # starts inside a token
    assert litbank.key_of(lit, 1, 4) == ("unaligned", 1, 4)


def test_missing_litbank_is_a_clear_error(tmp_path):
    with pytest.raises(litbank.LitBankMissing):
        litbank.coref_names(tmp_path / "nowhere")


def test_metrics_are_perfect_on_identical_clusterings():
    key = [{1, 2, 3}, {4}, {5, 6}]
    for fn in (muc, b_cubed, ceaf_e):
        assert fn(key, key) == (1.0, 1.0, 1.0)


def test_metrics_punish_merging_everything_differently():
    key = [{1, 2}, {3, 4}, {5}]
    resp = [{1, 2, 3, 4, 5}]
    p, r, _ = muc(key, resp)
    assert r == 1.0 and p == 0.5  # all gold links found, half the response links wrong
    p, r, _ = b_cubed(key, resp)
    assert r == 1.0 and p == pytest.approx(0.36)  # (4 * 2/5 + 1/5) / 5
    p, r, _ = ceaf_e(key, resp)
    assert p == pytest.approx(2 * 2 / 7) and r == pytest.approx(2 * 2 / 7 / 3)


def test_missed_mentions_lower_recall_not_precision():
    key = [{1, 2, 3}]
    resp = [{1, 2}]
    assert muc(key, resp)[:2] == (1.0, 0.5)
    assert b_cubed(key, resp)[0] == 1.0


@pytest.mark.model
def test_benches_run_end_to_end_on_a_tiny_corpus(root):
    ent = litbank_entities.report(litbank_entities.run_bench(root), "full")
    assert ent["docs"] == 1 and ent["gold_per"] == 2 and 0 <= ent["f1"] <= 100
    assert ent["recall"] >= 50  # "Anna Bell" at least
    cor = litbank_coref.report(litbank_coref.run_bench(root), "full", True)
    assert cor["docs"] == 1 and cor["mention_detection"]["gold"] == 5
    assert set(cor) >= {"muc", "b3", "ceafe", "conll_f1"}
    assert 0 <= cor["conll_f1"] <= 100


def test_ceaf_alignment_is_the_best_one_to_one_matching():
    import itertools
    import random

    from ficlens.bench.litbank_coref import _best_alignment

    rng = random.Random(7)
    for _ in range(50):
        n, m = rng.randint(2, 5), rng.randint(2, 5)
        sim = {(i, j): rng.random() for i in range(n) for j in range(m) if rng.random() < 0.7}
        if not sim:
            continue
        k = max(n, m)
        brute = max(
            sum(sim.get((i, perm[i]), 0.0) for i in range(n)) for perm in itertools.permutations(range(k), n)
        ) if n <= m else max(
            sum(sim.get((perm[j], j), 0.0) for j in range(m)) for perm in itertools.permutations(range(k), m)
        )
        assert _best_alignment(sim) == pytest.approx(brute)
