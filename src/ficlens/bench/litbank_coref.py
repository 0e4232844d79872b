"""``ficlens bench litbank-coref``: character (PER) coreference on LitBank, end to end.

Gold: the PER mentions of ``coref/tsv`` (names, nominals, pronouns; singletons included)
grouped by their coreference chain. Predicted, **with predicted mentions** (end to end, as
BookNLP's published figures are): every person mention our characters stage detects,
grouped as it resolves them; detected mentions it leaves unresolved (plural nominals,
"we") count as singletons. When the quotes stage is installed it runs too, so I/you inside
dialogue are attributed to speakers and addressees as in ``ficlens analyze``. Mentions match
only on exact gold-token spans.

Metrics as the CoNLL-2012 scorer defines them: MUC (links), B3 (per mention), CEAF-e
(entity alignment with phi4 similarity), and their average F1 ("CoNLL F1").

>>> key = [{1, 2, 3}, {4, 5}]
>>> resp = [{1, 2}, {3, 4, 5}]
>>> round(muc(key, resp)[2], 3), round(b_cubed(key, resp)[2], 3), round(ceaf_e(key, resp)[2], 3)
(0.667, 0.733, 0.8)
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Hashable, Optional, Sequence

import typer

from .litbank import DEFAULT_ROOT, annotate, coref_names, key_of, load_coref

BOOKNLP = {"small": 76.4, "big": 79.0}
Cluster = set


# ---------------------------------------------------------------------- metrics


def _prf(num_r: float, den_r: float, num_p: float, den_p: float) -> tuple[float, float, float]:
    r = num_r / den_r if den_r else 0.0
    p = num_p / den_p if den_p else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _muc_side(key: Sequence[Cluster], resp: Sequence[Cluster]) -> tuple[float, float]:
    where = {m: i for i, c in enumerate(resp) for m in c}
    num = den = 0
    for k in key:
        parts = {where.get(m, ("alone", m)) for m in k}
        num += len(k) - len(parts)
        den += len(k) - 1
    return num, den


def muc_counts(key: Sequence[Cluster], resp: Sequence[Cluster]) -> tuple[float, float, float, float]:
    return (*_muc_side(key, resp), *_muc_side(resp, key))


def muc(key: Sequence[Cluster], resp: Sequence[Cluster]) -> tuple[float, float, float]:
    """(precision, recall, F1) by links (Vilain et al. 1995)."""
    return _prf(*muc_counts(key, resp))


def _b3_side(key: Sequence[Cluster], resp: Sequence[Cluster]) -> tuple[float, float]:
    where = {m: c for c in resp for m in c}
    num = 0.0
    den = 0
    for k in key:
        for m in k:
            r = where.get(m)
            num += len(k & r) / len(k) if r else 0.0
            den += 1
    return num, den


def b3_counts(key: Sequence[Cluster], resp: Sequence[Cluster]) -> tuple[float, float, float, float]:
    return (*_b3_side(key, resp), *_b3_side(resp, key))


def b_cubed(key: Sequence[Cluster], resp: Sequence[Cluster]) -> tuple[float, float, float]:
    """(precision, recall, F1) per mention (Bagga and Baldwin 1998), singletons included."""
    return _prf(*b3_counts(key, resp))


def ceaf_e(key: Sequence[Cluster], resp: Sequence[Cluster]) -> tuple[float, float, float]:
    """(precision, recall, F1) by best one-to-one entity alignment, phi4 (Luo 2005)."""
    return _prf(*ceafe_counts(key, resp))


def ceafe_counts(key: Sequence[Cluster], resp: Sequence[Cluster]) -> tuple[float, float, float, float]:
    if not key or not resp:
        return 0.0, len(key), 0.0, len(resp)
    index = {m: j for j, r in enumerate(resp) for m in r}
    sim: dict[tuple[int, int], float] = {}
    for i, k in enumerate(key):
        for m in k:
            j = index.get(m)
            if j is not None and (i, j) not in sim:
                r = resp[j]
                sim[i, j] = 2 * len(k & r) / (len(k) + len(r))
    total = sum(_best_alignment(comp) for comp in _components(sim))
    return total, len(key), total, len(resp)


def _components(sim: dict[tuple[int, int], float]) -> list[dict[tuple[int, int], float]]:
    """Split the (sparse) similarity graph into connected parts, aligned independently."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in sim:
        parent[find(("k", i))] = find(("r", j))
    comps: dict = {}
    for (i, j), v in sim.items():
        comps.setdefault(find(("k", i)), {})[i, j] = v
    return list(comps.values())


def _best_alignment(sim: dict[tuple[int, int], float]) -> float:
    """Maximum total similarity of a one-to-one alignment (Hungarian algorithm)."""
    rows = sorted({i for i, _ in sim})
    cols = sorted({j for _, j in sim})
    if len(rows) == 1 or len(cols) == 1:
        return max(sim.values())
    n = max(len(rows), len(cols))
    cost = [[0.0] * (n + 1) for _ in range(n + 1)]
    ri = {r: a + 1 for a, r in enumerate(rows)}
    ci = {c: b + 1 for b, c in enumerate(cols)}
    for (i, j), v in sim.items():
        cost[ri[i]][ci[j]] = -v
    inf = float("inf")
    u, v, p, way = [0.0] * (n + 1), [0.0] * (n + 1), [0] * (n + 1), [0] * (n + 1)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = [inf] * (n + 1), [False] * (n + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0][j] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    return -sum(cost[p[j]][j] for j in range(1, n + 1) if p[j])


# ---------------------------------------------------------------------- prediction


def predicted_clusters(lit, profile: str = "full", kb=None, quotes: bool = True) -> list[Cluster]:
    """Our PER clusters over gold-token keys (see module docstring)."""
    from ..coref import resolve
    from ..coref.cluster import live
    from ..stages.characters import characters_from

    doc = annotate(lit, profile)
    res = resolve(doc, kb)
    clusters: dict[Hashable, set] = {}
    for e in live(res.entities):
        clusters[e.idx] = {key_of(lit, m.start, m.end) for m in e.mentions}
    for m in res.mentions:
        if m.entity < 0 and (m.kind in ("name", "nominal") or (m.kind == "pronoun" and m.person == 3)):
            clusters[("single", m.start, m.end)] = {key_of(lit, m.start, m.end)}
    if quotes:
        for cid, start, end in _quote_mentions(doc, res, characters_from):
            clusters.setdefault(cid, set()).add(key_of(lit, start, end))
    # one mention, one cluster: a span both resolved and left single keeps the resolution
    seen: set = set()
    out = []
    for c in sorted(clusters.values(), key=len, reverse=True):
        c = c - seen
        if c:
            out.append(c)
            seen |= c
    return out


def _quote_mentions(doc, res, characters_from) -> list[tuple]:
    """I/you inside quotes as the quotes stage attributes them: (cluster key, start, end)."""
    try:
        from ..stages import quotes as quotes_stage
    except ImportError:
        return []
    ids: dict[str, int] = {}
    doc.characters, doc.mentions = characters_from(res, doc, ids)
    before = {(m.start, m.end) for m in doc.mentions}
    try:
        doc = quotes_stage.create()(doc)
    except Exception:  # noqa: BLE001 - a failing optional stage must not sink the bench
        return []
    return [(ids.get(m.character, ("char", m.character)), m.start, m.end) for m in doc.mentions if (m.start, m.end) not in before]


def gold_clusters(lit) -> list[Cluster]:
    chains: dict[str, set] = {}
    for m in lit.mentions:
        if m.type == "PER":
            chains.setdefault(m.entity, set()).add((m.start, m.end))
    return list(chains.values())


# ---------------------------------------------------------------------- the bench


@dataclass
class Totals:
    docs: int = 0
    gold_mentions: int = 0
    pred_mentions: int = 0
    matched_mentions: int = 0
    # metric -> summed (recall numerator, recall denominator, precision num., precision den.)
    counts: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, key: list[Cluster], resp: list[Cluster]) -> None:
        self.docs += 1
        g = set().union(*key) if key else set()
        p = set().union(*resp) if resp else set()
        self.gold_mentions += len(g)
        self.pred_mentions += len(p)
        self.matched_mentions += len(g & p)
        for name, fn in (("muc", muc_counts), ("b3", b3_counts), ("ceafe", ceafe_counts)):
            acc = self.counts.setdefault(name, [0.0, 0.0, 0.0, 0.0])
            for i, v in enumerate(fn(key, resp)):
                acc[i] += v


def run_bench(root: Path = DEFAULT_ROOT, limit: int | None = None, profile: str = "full", skip: int = 0, quotes: bool = True,
              progress: Callable[[str], None] | None = None) -> Totals:
    from ..kb import load_kb

    kb = load_kb()
    tot = Totals()
    t0 = time.perf_counter()
    for name in coref_names(root)[skip:][:limit]:
        lit = load_coref(name, root)
        tot.add(gold_clusters(lit), predicted_clusters(lit, profile, kb, quotes))
        if progress:
            progress(name)
    tot.seconds = time.perf_counter() - t0
    return tot


def report(t: Totals, profile: str, quotes: bool) -> dict:
    """Scores over the corpus as the CoNLL scorer sums them (each excerpt its own document,
    numerators and denominators added across documents)."""
    out: dict = {"bench": "litbank-coref", "docs": t.docs, "profile": profile, "mentions": "predicted",
                 "quotes_stage": quotes}
    f1s = []
    for name, acc in t.counts.items():
        p, r, f = (100 * x for x in _prf(*acc))
        out[name] = {"precision": round(p, 1), "recall": round(r, 1), "f1": round(f, 1)}
        f1s.append(f)
    out["conll_f1"] = round(sum(f1s) / len(f1s), 1) if f1s else 0.0
    mr = t.matched_mentions / t.gold_mentions if t.gold_mentions else 0.0
    mp = t.matched_mentions / t.pred_mentions if t.pred_mentions else 0.0
    out["mention_detection"] = {"precision": round(100 * mp, 1), "recall": round(100 * mr, 1),
                                "gold": t.gold_mentions, "predicted": t.pred_mentions}
    out["booknlp_conll_f1"] = BOOKNLP
    out["seconds"] = round(t.seconds, 1)
    return out


def litbank_coref(
    root: Path = typer.Option(DEFAULT_ROOT, help="LitBank checkout (with coref/tsv)."),
    limit: Optional[int] = typer.Option(None, help="Only the first N documents."),
    skip: int = typer.Option(0, help="Leave out the first N documents (e.g. those used to tune)."),
    profile: str = typer.Option("full", help="NLP profile."),
    quotes: bool = typer.Option(True, help="Run the quotes stage too (I/you in dialogue)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """PER coreference on LitBank with predicted mentions: MUC, B3, CEAF-e, CoNLL F1."""
    res = report(run_bench(root, limit, profile, quotes=quotes, skip=skip), profile, quotes)
    if as_json:
        typer.echo(json.dumps(res, indent=1))
        return
    typer.echo(f"LitBank PER coreference, {res['docs']} docs, predicted mentions, profile {profile}, "
               f"quotes stage {'on' if quotes else 'off'}")
    for name in ("muc", "b3", "ceafe"):
        s = res[name]
        typer.echo(f"  {name:6s} P {s['precision']:5.1f}  R {s['recall']:5.1f}  F1 {s['f1']:5.1f}")
    md = res["mention_detection"]
    typer.echo(f"  CoNLL F1 {res['conll_f1']:.1f}   (BookNLP published: {BOOKNLP['small']} small, {BOOKNLP['big']} big)")
    typer.echo(f"  mentions: P {md['precision']:.1f} R {md['recall']:.1f} ({md['predicted']} predicted, {md['gold']} gold); {res['seconds']} s")


def register(bench_app: typer.Typer) -> None:
    bench_app.command("litbank-coref")(litbank_coref)
