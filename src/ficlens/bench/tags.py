"""``ficlens bench tags``: how far the narrative and tag confidences can be trusted.

Three sources of gold, each built honestly:

1. LitBank POV: the grammatical person of each of the 100 LitBank excerpts, labelled by
   reading them (``data/tags/litbank_pov_gold.tsv``, with the rule in its header); the
   ``pov`` stage runs on each excerpt's text.
2. Trigger passages: the shipped classifier's recipe, cross-validated by work (5 folds) on
   ``../shared/data/trigger-passages/train.jsonl`` (label = majority of 3 annotators).
3. Fixture stories in ``tests/fixtures/narrative`` with labels written by their author
   (``labels.json``), run through the full pipeline.

For each, a reliability table: predictions binned by confidence, with the accuracy and mean
confidence per bin, and the expected calibration error (ECE: the bin-size-weighted mean gap
between accuracy and confidence). A confidence that means something has a small ECE.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from .. import resources
from ..errors import FiclensError

ROOT = Path(__file__).resolve().parents[3]
LITBANK = ROOT.parent / "shared" / "data" / "litbank"
TRIGGERS = ROOT.parent / "shared" / "data" / "trigger-passages" / "train.jsonl"
FIXTURES = ROOT / "tests" / "fixtures" / "narrative"
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)


@dataclass
class Bin:
    low: float
    high: float
    n: int
    accuracy: float
    confidence: float


def reliability(pairs: Iterable[tuple[float, bool]], bins: tuple[float, ...] = BINS) -> tuple[list[Bin], float, int]:
    """(bins, ECE, n) for (confidence, correct) pairs.

    >>> bins, ece, n = reliability([(0.95, True), (0.9, True), (0.65, False), (0.62, True)])
    >>> n, round(ece, 3)
    (4, 0.105)
    """
    pairs = list(pairs)
    out: list[Bin] = []
    ece = 0.0
    for lo, hi in zip(bins, bins[1:]):
        sel = [(c, ok) for c, ok in pairs if lo <= c < hi]
        if not sel:
            continue
        acc = sum(ok for _, ok in sel) / len(sel)
        conf = sum(c for c, _ in sel) / len(sel)
        out.append(Bin(lo, min(hi, 1.0), len(sel), acc, conf))
        ece += len(sel) / len(pairs) * abs(acc - conf)
    return out, ece, len(pairs)


# ----------------------------------------------------------------------------- LitBank POV


def litbank_gold(field: str = "person") -> dict[str, str]:
    """document -> gold ``person`` or ``tense`` (documents whose label is "-" left out)."""
    col = {"person": 1, "tense": 2}[field]
    rows = [r.split("\t") for r in resources.load_lines("data", "tags", "litbank_pov_gold.tsv")]
    return {r[0]: r[col] for r in rows if len(r) > col and r[col] != "-"}


def litbank_paragraphs(raw: str) -> str:
    r"""LitBank's brat text has one sentence per line and no paragraph breaks: rejoin the lines
    of a quotation that runs over several sentences, so quotes can be found per paragraph.

    >>> litbank_paragraphs("He said .\n\u201c One .\nTwo . \u201d\nShe left .\n")
    'He said .\n\u201c One . Two . \u201d\nShe left .\n'
    """
    out, cur, depth = [], [], 0
    for line in raw.splitlines():
        cur.append(line)
        toks = line.split()
        # curly singles count only as whole tokens: "n\u2019t" is an apostrophe, " \u2019 " a closing quote
        opened = line.count("\u201c") + toks.count("\u2018")
        closed = line.count("\u201d") + toks.count("\u2019")
        depth += opened - closed + (line.count('"') % 2 if depth <= 0 else -(line.count('"') % 2))
        if depth <= 0 or len(cur) >= 30:  # an epigraph's unclosed mark must not swallow the text
            out.append(" ".join(cur))
            cur, depth = [], 0
    if cur:
        out.append(" ".join(cur))
    return "\n".join(out) + "\n"


def litbank_pov(litbank: Path = LITBANK, profile: str = "full") -> list[dict[str, Any]]:
    """Predicted vs gold person and tense for each LitBank excerpt (the pov stage, after quotes if installed)."""
    from ..ingest import read_bytes
    from ..pipeline import default_pipeline
    from ..stages import available

    folder = litbank / "entities" / "brat"
    if not folder.is_dir():
        raise FiclensError(f"LitBank not found at {litbank} (expected entities/brat/*.txt)")
    stages = [s for s in ("quotes", "pov") if s in available()]
    pipe = default_pipeline(profile=profile, stages=stages)
    gold = litbank_gold("person")
    gold_tense = litbank_gold("tense")
    out = []
    for doc_id, person in sorted(gold.items()):
        path = folder / f"{doc_id}_brat.txt"
        if not path.is_file():
            continue
        text = litbank_paragraphs(path.read_text(encoding="utf-8"))
        d = pipe.run(read_bytes(text.encode("utf-8"), path=str(path)))
        out.append({"doc": doc_id, "gold": person, "pred": d.pov.person, "confidence": d.pov.person_confidence or 0.0,
                    "gold_tense": gold_tense.get(doc_id), "tense": d.pov.tense,
                    "tense_confidence": d.pov.tense_confidence or 0.0})
    return out


# ----------------------------------------------------------------------------- triggers


def trigger_cv(path: Path = TRIGGERS, folds: int = 5) -> list[tuple[str, int, float]]:
    from ..tagging.trigger_training import cross_validate, load_passages

    if not path.is_file():
        raise FiclensError(f"trigger passages not found at {path}")
    try:
        return cross_validate(load_passages(path), folds=folds)
    except ImportError as exc:
        raise FiclensError(f"the trigger cross-validation needs scikit-learn ({exc.name}); pip install -e '.[test]'") from None


def auc(scores: list[tuple[float, int]]) -> float:
    """ROC AUC by ranks (ties count half)."""
    pos = [s for s, y in scores if y]
    neg = [s for s, y in scores if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


# ----------------------------------------------------------------------------- fixtures


def _names(doc, cid: str | None) -> set[str]:
    c = doc.character(cid) if cid else None
    if c is None:
        return set()
    return {c.name, *c.aliases, *c.name.split()}


def fixture_results(folder: Path = FIXTURES, profile: str = "full") -> list[dict[str, Any]]:
    """One row per (story, field): gold, predicted, confidence (None where the field has none), correct."""
    from ..ingest import read
    from ..pipeline import default_pipeline

    labels_path = folder / "labels.json"
    if not labels_path.is_file():
        raise FiclensError(f"no labels.json in {folder}")
    labels = json.loads(labels_path.read_text(encoding="utf-8"))
    pipe = default_pipeline(profile=profile)
    rows = []
    for name, gold in sorted(labels.items()):
        if name.startswith("_") or not (folder / name).is_file():
            continue
        doc = pipe.run(read(folder / name))
        rows.extend(_score_story(name, doc, gold))
    return rows


def _score_story(name: str, doc, gold: dict[str, Any]) -> list[dict[str, Any]]:
    t, pov = doc.tags, doc.pov
    rows = []

    def add(field: str, g: Any, p: Any, conf: float | None, ok: bool) -> None:
        rows.append({"story": name, "field": field, "gold": g, "pred": p, "confidence": conf, "correct": bool(ok)})

    if gold.get("person"):
        add("person", gold["person"], pov.person, pov.person_confidence, pov.person == gold["person"])
    if gold.get("tense"):
        add("tense", gold["tense"], pov.tense, pov.tense_confidence, pov.tense == gold["tense"])
    if gold.get("narrator"):
        add("narrator", gold["narrator"], pov.narrator, None, gold["narrator"] in _names(doc, pov.narrator))
    if gold.get("focal"):
        got = [sorted(_names(doc, f.character)) for f in pov.focal]
        ok = len(got) == len(gold["focal"]) and all(g in n for g, n in zip(gold["focal"], [set(x) for x in got]))
        conf = min((f.confidence for f in pov.focal), default=None)
        add("focal", gold["focal"], [x[0] if x else None for x in got], conf, ok)
    if gold.get("fandoms"):
        pred = [f.value for f in t.fandoms]
        ok = all(any(p in group for p in pred) for group in gold["fandoms"]) and len(pred) <= len(gold["fandoms"]) + 1
        add("fandoms", gold["fandoms"], pred, t.fandoms[0].confidence if t.fandoms else None, ok)
    if gold.get("rating"):
        r = t.rating
        add("rating", gold["rating"], r.value if r else None, r.confidence if r else None, bool(r) and r.value == gold["rating"])
    if gold.get("warnings") is not None:
        pred = sorted(w.value for w in t.warnings)
        conf = min((w.confidence for w in t.warnings), default=None)
        add("warnings", sorted(gold["warnings"]), pred, conf, pred == sorted(gold["warnings"]))
    if gold.get("categories") is not None:
        pred = sorted(c.value for c in t.categories)
        conf = min((c.confidence for c in t.categories), default=None)
        add("categories", sorted(gold["categories"]), pred, conf, pred == sorted(gold["categories"]))
    if gold.get("relationships"):
        top = t.relationships[0] if t.relationships else None
        add("relationship", gold["relationships"][0], top.value if top else None, top.confidence if top else None,
            bool(top) and top.value in gold["relationships"])
    for tag in gold.get("freeform", []):
        hit = next((f for f in t.freeform if f.value == tag), None)
        add(f"freeform:{tag}", tag, hit.value if hit else None, hit.confidence if hit else None, hit is not None)
    if gold.get("ending"):
        end = doc.arc.ending if doc.arc else None
        add("ending", gold["ending"], end, None, end == gold["ending"])
    return rows


# ----------------------------------------------------------------------------- command


def _table(title: str, bins: list[Bin], ece: float, n: int):
    from rich.table import Table

    tab = Table(title=f"{title}: n={n}, ECE={ece:.3f}", title_justify="left", show_edge=False)
    for col in ("confidence", "n", "accuracy", "mean confidence"):
        tab.add_column(col, justify="right")
    for b in bins:
        tab.add_row(f"[{b.low:.1f}, {b.high:.1f})" if b.high < 1 else f"[{b.low:.1f}, 1.0]", str(b.n), f"{b.accuracy:.3f}", f"{b.confidence:.3f}")
    return tab


def run(
    litbank: Path = typer.Option(LITBANK, help="LitBank folder (entities/brat/*.txt)."),
    triggers: Path = typer.Option(TRIGGERS, help="Trigger passages JSONL."),
    fixtures: Path = typer.Option(FIXTURES, help="Fixture stories with labels.json."),
    profile: str = typer.Option("full", help="NLP profile (full: tense from POS tags; ner/fast: from the verb lexicon)."),
    only: str | None = typer.Option(None, help="One part only: litbank, triggers or fixtures."),
) -> None:
    """Calibration of POV, trigger and tag confidences on honest gold."""
    from rich.console import Console

    console = Console()
    parts = [only] if only else ["litbank", "triggers", "fixtures"]
    if only and only not in ("litbank", "triggers", "fixtures"):
        raise FiclensError(f"unknown part {only!r}; choose litbank, triggers or fixtures")
    if "litbank" in parts:
        rows = litbank_pov(litbank, profile)
        acc = sum(r["pred"] == r["gold"] for r in rows) / max(1, len(rows))
        console.print(f"LitBank POV (person), {len(rows)} excerpts, profile {profile}: accuracy {acc:.3f}")
        wrong = [f'{r["doc"]} gold={r["gold"]} pred={r["pred"]} ({r["confidence"]:.2f})' for r in rows if r["pred"] != r["gold"]]
        if wrong:
            console.print("  wrong: " + "; ".join(wrong))
        console.print(_table("LitBank person reliability", *reliability((r["confidence"], r["pred"] == r["gold"]) for r in rows)))
        trows = [r for r in rows if r["gold_tense"]]
        tacc = sum(r["tense"] == r["gold_tense"] for r in trows) / max(1, len(trows))
        console.print(f"LitBank tense, {len(trows)} excerpts: accuracy {tacc:.3f}")
        wrong = [f'{r["doc"]} gold={r["gold_tense"]} pred={r["tense"]} ({r["tense_confidence"]:.2f})'
                 for r in trows if r["tense"] != r["gold_tense"]]
        if wrong:
            console.print("  wrong: " + "; ".join(wrong))
        console.print(_table("LitBank tense reliability", *reliability(
            (r["tense_confidence"], r["tense"] == r["gold_tense"]) for r in trows)))
    if "triggers" in parts:
        cv = trigger_cv(triggers)
        pairs = [(max(p, 1 - p), (p >= 0.5) == bool(y)) for _, y, p in cv]
        acc = sum(ok for _, ok in pairs) / len(pairs)
        cats = sorted({c for c, _, _ in cv})
        per = ", ".join(
            f"{c} AUC {auc([(p, y) for cc, y, p in cv if cc == c]):.3f}" for c in cats
        )
        base = sum(max(sum(y for cc, y, _ in cv if cc == c), sum(1 - y for cc, y, _ in cv if cc == c)) for c in cats) / len(cv)
        console.print(f"Trigger passages, 5-fold CV by work: accuracy {acc:.3f} (majority-class baseline {base:.3f}); {per}")
        console.print(_table("Trigger reliability (confidence of the predicted label)", *reliability(pairs)))
    if "fixtures" in parts:
        rows = fixture_results(fixtures, profile)
        scored = [(r["confidence"], r["correct"]) for r in rows if r["confidence"] is not None]
        by_field: dict[str, list[bool]] = {}
        for r in rows:
            by_field.setdefault(r["field"].split(":")[0], []).append(r["correct"])
        console.print("Fixture stories, accuracy by field: " + ", ".join(
            f"{k} {sum(v)}/{len(v)}" for k, v in sorted(by_field.items())))
        wrong = [f'{r["story"]}:{r["field"]} gold={r["gold"]} pred={r["pred"]}' for r in rows if not r["correct"]]
        if wrong:
            console.print("  wrong: " + "; ".join(wrong))
        console.print(_table("Fixture reliability (fields with a confidence)", *reliability(scored)))


def register(bench_app: typer.Typer) -> None:
    bench_app.command("tags")(run)
