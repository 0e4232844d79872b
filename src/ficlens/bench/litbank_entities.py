"""``ficlens bench litbank-entities``: person (PER) entity detection on LitBank.

Gold: every PER span in ``entities/tsv`` at every nesting layer (proper names like "Sir
Walter Elliot" and common noun phrases like "his wife" or "a man who ..."; LitBank's entity
layer has no pronouns). Predicted: every name and nominal mention the characters stage's
mention detector finds (``ficlens.coref.resolve``), before any filtering into characters.
A prediction counts only on an exact span match after mapping our character offsets back
to LitBank's tokens (the text is the tokens joined by spaces, so the mapping is exact).

BookNLP's published PER-entity F1 on the same data: 88.2 (small model), 90.0 (big).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional

import typer

from .litbank import DEFAULT_ROOT, annotate, entity_names, key_of, load_entities

BOOKNLP = {"small": 88.2, "big": 90.0}


@dataclass
class Tally:
    right: int = 0
    pred: int = 0
    gold: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # our kind -> [right, predicted]
    docs: int = 0
    seconds: float = 0.0

    def prf(self) -> dict[str, float]:
        p = self.right / self.pred if self.pred else 0.0
        r = self.right / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(100 * p, 1), "recall": round(100 * r, 1), "f1": round(100 * f, 1)}


def predicted_spans(lit, profile: str = "full", kb=None) -> dict[tuple, str]:
    """Our PER mentions (names and nominals) as gold-token keys -> our kind."""
    from ..coref import resolve

    doc = annotate(lit, profile)
    res = resolve(doc, kb)
    out = {key_of(lit, m.start, m.end): m.kind for m in res.mentions if m.kind in ("name", "nominal")}
    # LitBank marks a title inside a name as a person of its own ("[[Sir] Walter Elliot]")
    # but not after an article or adjective ("the Lord Chancellor", "old Sir Walter")
    for m in res.mentions:
        if m.kind == "name" and m.honorific and m.t1 - m.t0 > 1 and doc.tokens[m.t0].text[:1].isupper():
            t = doc.tokens[m.t0]
            out.setdefault(key_of(lit, t.start, t.end), "title")
    return out


def score_doc(lit, pred: dict[tuple, str], tally: Tally) -> None:
    gold = {(m.start, m.end) for m in lit.mentions if m.type == "PER"}
    tally.gold += len(gold)
    tally.pred += len(pred)
    tally.docs += 1
    for key, kind in pred.items():
        hit = int(key in gold)
        tally.right += hit
        rk = tally.by_kind.setdefault(kind, [0, 0])
        rk[0] += hit
        rk[1] += 1


def run_bench(root: Path = DEFAULT_ROOT, limit: int | None = None, profile: str = "full", skip: int = 0,
              progress: Callable[[str], None] | None = None) -> Tally:
    from ..kb import load_kb

    kb = load_kb()
    tally = Tally()
    t0 = time.perf_counter()
    for name in entity_names(root)[skip:][:limit]:
        lit = load_entities(name, root)
        score_doc(lit, predicted_spans(lit, profile, kb), tally)
        if progress:
            progress(name)
    tally.seconds = time.perf_counter() - t0
    return tally


def report(t: Tally, profile: str) -> dict:
    return {
        "bench": "litbank-entities",
        "docs": t.docs,
        "profile": profile,
        "gold_per": t.gold,
        "predicted": t.pred,
        **t.prf(),
        "precision_by_kind": {k: round(100 * r / n, 1) if n else 0.0 for k, (r, n) in t.by_kind.items()},
        "booknlp_f1": BOOKNLP,
        "seconds": round(t.seconds, 1),
    }


def litbank_entities(
    root: Path = typer.Option(DEFAULT_ROOT, help="LitBank checkout (with entities/tsv)."),
    limit: Optional[int] = typer.Option(None, help="Only the first N documents."),
    skip: int = typer.Option(0, help="Leave out the first N documents (e.g. those used to tune)."),
    profile: str = typer.Option("full", help="NLP profile (full gives nominal spans from the parse)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """PER entity detection on LitBank: exact-span precision, recall, F1 (BookNLP beside)."""
    res = report(run_bench(root, limit, profile, skip=skip), profile)
    if as_json:
        typer.echo(json.dumps(res, indent=1))
        return
    typer.echo(f"LitBank PER entities, {res['docs']} docs, profile {profile}: gold {res['gold_per']}, predicted {res['predicted']}")
    typer.echo(f"  ficlens   P {res['precision']:5.1f}  R {res['recall']:5.1f}  F1 {res['f1']:5.1f}")
    typer.echo(f"  BookNLP   F1 {BOOKNLP['small']} (small), {BOOKNLP['big']} (big), published")
    typer.echo(f"  precision by our mention kind: {res['precision_by_kind']}; {res['seconds']} s")


def register(bench_app: typer.Typer) -> None:
    bench_app.command("litbank-entities")(litbank_entities)
