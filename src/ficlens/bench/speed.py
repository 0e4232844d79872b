"""``ficlens bench speed``: words per CPU-second of the full analysis against the bare spaCy pass.

One run measures both on the same corpus, in the same order, per NLP profile:

- **bare**: the NLP layer only (``Pipeline([])``: spaCy, token conversion, stats);
- **full**: ``default_pipeline`` (the NLP layer and every available analysis stage),
  with each stage's share of the time from ``doc.timings``.

Rates are per CPU-second of the measuring process (``time.process_time``), which is the
per-core figure and stays steady on a shared machine where wall time does not; wall-clock
rates are printed too. Tokens (non-space spaCy tokens) are compared with BookNLP's published
CPU figure: 3.6 min for a 99k-token novel with its small model, about 460 tokens/s.

Each profile runs in a fresh process (spawned), so its model load and its peak memory
(``resource.getrusage``: the most resident memory the process ever held) are its own.

Default corpus: LitBank's 100 excerpts (``../shared/data/litbank/entities/brat/*.txt``,
one tokenised sentence per line, spaces before punctuation removed here), concatenated in
file order into works of about ``--work-words`` words; else the bundled ``examples/``.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[3]
LITBANK = ROOT.parent / "shared" / "data" / "litbank" / "entities" / "brat"
EXAMPLES = ROOT / "examples"
BOOKNLP_TOKENS_PER_S = 99_000 / (3.6 * 60)  # ~458: BookNLP small model, CPU, published

_DETOK = [(re.compile(r" ([,.;:!?%)\]}]|n't|'s|'ll|'re|'ve|'d|'m)(?=\s|$)"), r"\1"), (re.compile(r"([(\[{]) "), r"\1")]


def detokenize(line: str) -> str:
    """Undo LitBank's spaces before punctuation and clitics.

    >>> detokenize("Sir Walter , of Kellynch , was n't vain ; he said so .")
    "Sir Walter, of Kellynch, wasn't vain; he said so."
    """
    for rx, rep in _DETOK:
        line = rx.sub(rep, line)
    return line


def litbank_texts(folder: Path = LITBANK, *, work_words: int = 100_000, max_words: int | None = None) -> list[str]:
    """LitBank excerpts joined into works of about ``work_words`` words (at most ``max_words`` in all)."""
    works: list[str] = []
    cur: list[str] = []
    n = total = 0
    for f in sorted(folder.glob("*.txt")):
        lines = [detokenize(x.strip()) for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
        words = sum(len(x.split()) for x in lines)
        if max_words is not None and total >= max_words:
            break
        cur.append("\n".join(lines))
        n += words
        total += words
        if n >= work_words:
            works.append("\n\n".join(cur) + "\n")
            cur, n = [], 0
    if cur:
        works.append("\n\n".join(cur) + "\n")
    return works


@dataclass
class PassResult:
    words: int = 0
    tokens: int = 0
    cpu_s: float = 0.0
    wall_s: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)  # summed doc.timings (wall seconds)

    @property
    def words_per_s(self) -> float:
        return self.words / self.cpu_s if self.cpu_s else 0.0

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.cpu_s if self.cpu_s else 0.0


@dataclass
class ProfileResult:
    profile: str
    load_s: float
    bare: PassResult
    full: PassResult
    peak_rss_mb: float
    stage_names: list[str]


def _run_pass(pipe, works) -> PassResult:
    res = PassResult()
    c0, w0 = time.process_time(), time.perf_counter()
    for work in works:
        doc = pipe.run(work)
        res.words += doc.stats.words
        res.tokens += sum(1 for t in doc.tokens if not t.text.isspace())
        for k, v in doc.timings.items():
            res.stages[k] = res.stages.get(k, 0.0) + v
    res.cpu_s, res.wall_s = time.process_time() - c0, time.perf_counter() - w0
    return res


def measure_profile(profile: str, texts: list[tuple[str, str]]) -> ProfileResult:
    """Bare and full passes over ``texts`` ((name, text) pairs) with one NLP profile."""
    from .. import nlp
    from ..ingest import read_bytes
    from ..pipeline import Pipeline, default_pipeline

    works = [read_bytes(t.encode("utf-8"), path=name) for name, t in texts]
    t0 = time.perf_counter()
    nlp.load(profile)
    load_s = time.perf_counter() - t0
    bare, full = Pipeline([], nlp_profile=profile), default_pipeline(profile=profile)
    warm = read_bytes(b'"Ready?" she asked. He nodded, and they went out into the rain.\n', path="warm.txt")
    full.run(warm)  # first-call costs (lazy tables, caches) are not the corpus's
    return ProfileResult(
        profile,
        load_s,
        _run_pass(bare, works),
        _run_pass(full, works),
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        full.stage_names,
    )


def component_shares(profile: str, texts: list[tuple[str, str]]) -> dict[str, float]:
    """CPU seconds per spaCy component over the corpus's paragraphs (tokenizer included).

    Components run one after another over the whole corpus, each through its own ``pipe``
    with the NLP layer's batch size, so their costs separate; the sum is close to the bare
    pass's spaCy time.
    """
    from .. import nlp
    from ..ingest import read_bytes
    from ..text import paragraph_spans

    model = nlp.load(profile)
    paras: list[str] = []
    for name, t in texts:
        work = read_bytes(t.encode("utf-8"), path=name)
        paras += [work.text[a:b] for a, b in paragraph_spans(work.text, work.body.start, work.body.end)]
    list(model.pipe(paras[:50]))  # warm caches and lazy tables
    c0 = time.process_time()
    docs = [model.make_doc(p) for p in paras]
    out = {"tokenizer": time.process_time() - c0}
    for name, proc in model.pipeline:
        c0 = time.process_time()
        docs = list(proc.pipe(docs, batch_size=nlp.BATCH_SIZE)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        out[name] = time.process_time() - c0
    return out


def _measure(profile: str, texts: list[tuple[str, str]], components: bool):
    r = measure_profile(profile, texts)
    return r, (component_shares(profile, texts) if components else None)


def run_speed(texts: list[tuple[str, str]], profiles: list[str], components: bool = False) -> list[tuple]:
    """Measure each profile in its own fresh process: [(ProfileResult, component seconds or None)]."""
    out = []
    for p in profiles:
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as ex:
            out.append(ex.submit(_measure, p, texts, components).result())
    return out


def format_result(r: ProfileResult) -> list[str]:
    full_total = sum(r.full.stages.values()) or 1.0
    shares = ", ".join(f"{k} {v / full_total:.0%}" for k, v in r.full.stages.items())
    ratio = r.full.words_per_s / r.bare.words_per_s if r.bare.words_per_s else 0.0
    lines = [f"profile {r.profile}: model load {r.load_s:.1f} s; stages: {', '.join(r.stage_names) or 'none'}"]
    for name, p in (("bare spaCy pass", r.bare), ("full analysis", r.full)):
        lines.append(
            f"  {name:<16} {p.words_per_s:>9,.0f} words/s  {p.tokens_per_s:>9,.0f} tokens/s per CPU-s "
            f"({p.tokens_per_s / BOOKNLP_TOKENS_PER_S:.1f}x BookNLP)  wall {p.words / max(p.wall_s, 1e-9):,.0f} words/s"
        )
    lines.append(f"  full / bare: {ratio:.2f}; time shares of full: {shares}")
    lines.append(f"  peak memory: {r.peak_rss_mb:,.0f} MB")
    return lines


def speed(
    paths: list[Path] | None = typer.Argument(None, help="Works to time (default: LitBank excerpts, else examples/)."),
    words: int | None = typer.Option(None, help="Stop adding LitBank excerpts after this many words (default: all)."),
    work_words: int = typer.Option(100_000, help="Words per work when joining LitBank excerpts."),
    profiles: str = typer.Option("full", help="Comma-separated NLP profiles to measure (full,tagger,ner,fast)."),
    components: bool = typer.Option(False, "--components", help="Also time each spaCy component separately."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Words/s of the full analysis and of the bare spaCy pass, their ratio, stage shares, peak memory."""
    from ..errors import UsageError
    from ..ingest import iter_work_paths
    from ..nlp import PROFILES

    names = [p.strip() for p in profiles.split(",") if p.strip()]
    bad = [p for p in names if p not in PROFILES]
    if bad or not names:
        raise UsageError(f"unknown profile(s) {', '.join(bad)}; choose from {', '.join(PROFILES)}")
    if paths:
        texts = [(str(p), p.read_bytes().decode("utf-8", "replace")) for p in iter_work_paths(list(paths))]
        label = f"{len(texts)} files"
    elif LITBANK.is_dir():
        texts = [
            (f"litbank-{i + 1}.txt", t) for i, t in enumerate(litbank_texts(work_words=work_words, max_words=words))
        ]
        label = f"LitBank excerpts ({LITBANK})"
    else:
        texts = [(str(p), p.read_bytes().decode("utf-8", "replace")) for p in iter_work_paths([EXAMPLES])]
        label = "bundled examples"
    results = run_speed(texts, names, components)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {**asdict(r), "components_cpu_s": comp, "booknlp_tokens_per_s": BOOKNLP_TOKENS_PER_S}
                    for r, comp in results
                ],
                indent=1,
            )
        )
        return
    r0 = results[0][0]
    typer.echo(f"corpus: {len(texts)} works, {r0.full.words:,} words, {r0.full.tokens:,} tokens; {label}")
    typer.echo(
        f"machine: {sys.platform}, 1 process per profile; rates per CPU-second (BookNLP small: "
        f"{BOOKNLP_TOKENS_PER_S:.0f} tokens/s)"
    )
    for r, comp in results:
        for line in format_result(r):
            typer.echo(line)
        if comp:
            total = sum(comp.values()) or 1.0
            typer.echo("  spaCy CPU time by component: " + ", ".join(f"{k} {v / total:.0%}" for k, v in comp.items()))


def register(bench_app: typer.Typer) -> None:
    bench_app.command("speed")(speed)
