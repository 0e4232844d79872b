"""``ficlens bench library``: a synthetic library (100,000 works by default), timed.

Works come from ``ficlens.library.synthetic.generate`` (fandoms, casts, tags and sentences
recombined at random; no spaCy), so the figures measure the library alone: add throughput
(one transaction per work, as ``ficlens add`` does), database size, and p50/p95 latency of
the queries a reader makes: a text search, a search with three facet filters (the goal:
p95 under 100 ms at 100,000 works), both together, the unfiltered library page with all its
facet counts, "more like this", and one near-duplicate pass.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer


def _percentile(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    if not xs:
        return 0.0
    k = (len(xs) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def _timed(fn: Callable[[], Any], n: int) -> dict[str, float]:
    """Wall-clock p50/p95, and the same for this process's CPU time (steadier on a busy machine)."""
    wall, cpu = [], []
    for _ in range(n):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return {
        "n": n,
        "p50_ms": round(statistics.median(wall), 1),
        "p95_ms": round(_percentile(wall, 0.95), 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(_percentile(cpu, 0.95), 1),
    }


def three_facet_queries(n: int, seed: int = 1) -> list[str]:
    """Queries with three facet filters drawn from the synthetic blocks (fandom, rating, tag)."""
    from ficlens.library.synthetic import blocks

    b, rng = blocks(), random.Random(seed)
    out = []
    for _ in range(n):
        fandom = rng.choice(b["fandoms"])
        out.append(
            f'fandom:"{fandom["name"]}" rating:"{rng.choice(b["ratings"])}" '
            f'character:"{rng.choice(fandom["characters"])}"'
        )
    return out


def text_queries(n: int, seed: int = 2) -> list[str]:
    from ficlens.library.synthetic import blocks

    b, rng = blocks(), random.Random(seed)
    words = sorted({w.strip('.,"?!').lower() for s in b["sentences"] for w in s.split() if len(w) > 5 and "{" not in w})
    return [f'{rng.choice(words)} "{rng.choice(b["sentences"]).split()[2]}"' for _ in range(n)]


def fill(lib, works: int, seed: int = 0, progress: Callable[[int], None] | None = None) -> dict[str, float]:
    """Generate and bulk-add ``works`` synthetic works (``add_many``); returns timings."""
    from itertools import islice

    from ficlens.library.synthetic import generate

    gen_s = add_s = 0.0
    it = generate(works, seed=seed)
    done = 0
    while done < works:
        t0 = time.perf_counter()
        chunk = list(islice(it, 1000))
        t1 = time.perf_counter()
        lib.add_many(chunk, per_transaction=500)
        add_s += time.perf_counter() - t1
        gen_s += t1 - t0
        done += len(chunk)
        if progress and done % 10000 == 0:
            progress(done)
    return {"works": works, "generate_s": round(gen_s, 1), "add_s": round(add_s, 1),
            "add_works_per_s": round(works / add_s, 1) if add_s else 0.0}  # fmt: skip


def single_adds(lib, n: int, seed: int, start: int) -> dict[str, float]:
    """``add_analysis`` one work per transaction, as ``ficlens add`` stores each analysed file."""
    from ficlens.library.synthetic import generate

    objs = list(generate(n, seed=seed + 7919, start=start))
    t = time.perf_counter()
    for obj in objs:
        lib.add_analysis(obj)
    s = time.perf_counter() - t
    return {"works": n, "s": round(s, 1), "works_per_s": round(n / s, 1)}


def run_bench(
    path: Path, works: int, queries: int, seed: int = 0, log: Callable[[str], None] = print
) -> dict[str, Any]:
    from ficlens.library import open_library

    result: dict[str, Any] = {"works": works}
    # (the single-add sample below adds 1% more works: the queries run on works * 1.01)
    with open_library(path, synonyms=lambda tag: []) as lib:
        result["add"] = fill(lib, works, seed, progress=lambda n: log(f"  added {n:,}"))
        result["add_single"] = single_adds(lib, min(1000, max(10, works // 100)), seed, start=works)
        lib.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        lib.db.execute("ANALYZE")
        result["db_mb"] = round(path.stat().st_size / 1e6, 1)
        result["load_average"] = round(os.getloadavg()[0], 1)  # other work on the machine skews wall times
        facet_q, text_q = three_facet_queries(queries), text_queries(queries)
        lat: dict[str, dict[str, float]] = {}
        cyc = {k: iter(v * 10) for k, v in {"f": facet_q, "t": text_q}.items()}
        combo = iter([f"{t} {f}" for t, f in zip(text_q, facet_q)] * 10)
        ids = random.Random(seed).sample(range(1, works + 1), k=min(queries, works))
        id_iter = iter(ids * 10)
        log("  timing queries")
        lat["search, 3 facet filters, with facet counts"] = _timed(lambda: lib.search(next(cyc["f"])), queries)
        lat["search, 3 facet filters, hits only"] = _timed(
            lambda: lib.search(next(cyc["f"]), with_facets=False), queries
        )
        lat["full text (word + phrase), with facet counts"] = _timed(lambda: lib.search(next(cyc["t"])), queries)
        lat["full text + 3 facet filters, with facet counts"] = _timed(lambda: lib.search(next(combo)), queries)
        lat["library page: no query, all facet counts"] = _timed(lambda: lib.search(""), max(3, queries // 5))
        lat["sort by words, page 50"] = _timed(lambda: lib.search("sort:words", page=50, with_facets=False), queries)
        lat["more like this (n=10)"] = _timed(lambda: lib.similar(next(id_iter), n=10), queries)
        result["latency"] = lat
        t = time.perf_counter()
        groups = lib.duplicates()
        result["duplicates"] = {"s": round(time.perf_counter() - t, 1), "groups": len(groups)}
    return result


def markdown(result: dict[str, Any], command: str) -> str:
    add = result["add"]
    lines = [
        f"Command: `{command}`",
        "",
        f"- works: {result['works']:,}; bulk add (`add_many`, 500 works per transaction) "
        f"{add['add_works_per_s']:,} works/s ({add['add_s']} s; generating the analyses took {add['generate_s']} s more)",
        f"- one work per transaction (`add_analysis`, as `ficlens add` stores each file): "
        f"{result['add_single']['works_per_s']:,} works/s over {result['add_single']['works']:,} more works",
        f"- database size: {result['db_mb']} MB; machine load average when the queries started: "
        f"{result['load_average']}",
        f"- near-duplicate pass over the whole library: {result['duplicates']['s']} s "
        f"({result['duplicates']['groups']} groups)",
        "",
        "| query | n | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, v in result["latency"].items():
        lines.append(f"| {name} | {v['n']} | {v['p50_ms']} | {v['p95_ms']} | {v['cpu_p50_ms']} | {v['cpu_p95_ms']} |")
    return "\n".join(lines)


def library(
    works: int = typer.Option(100_000, "--works", "-n", min=10, help="How many synthetic works."),
    queries: int = typer.Option(100, min=5, help="Queries timed per kind."),
    path: Path | None = typer.Option(None, "--library", help="Where to build it (default: a temporary file)."),
    keep: bool = typer.Option(False, help="Keep the library file afterwards."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    seed: int = typer.Option(0),
) -> None:
    """Build a synthetic library and time add, search, facets, similar and duplicates."""
    tmp = None
    if path is None:
        tmp = tempfile.mkdtemp(prefix="ficlens-bench-")
        path = Path(tmp) / "library.db"
    elif path.exists():
        raise typer.BadParameter(f"{path} exists; the benchmark builds a fresh library", param_hint="--library")
    try:
        result = run_bench(path, works, queries, seed, log=lambda m: typer.echo(m, err=True))
    finally:
        if tmp and not keep:
            for f in Path(tmp).iterdir():
                f.unlink()
            os.rmdir(tmp)
    cmd = f"ficlens bench library --works {works} --queries {queries}"
    typer.echo(json.dumps(result, indent=1) if as_json else markdown(result, cmd))


def register(bench_app: typer.Typer) -> None:
    bench_app.command("library")(library)
