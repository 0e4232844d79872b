"""``ficlens bench ingest [PATHS]``: words per second for reading + front matter + spaCy.

One process, one work at a time, as ``ficlens analyze`` runs: each file is read (format
sniffing, decoding, the format's reader, front matter of bare text), then the NLP layer
(``nlp.annotate``) runs over its body with the chosen profile. The spaCy model is loaded
before the clock starts, so the figure is steady-state throughput. Words are counted the
way AO3 counts them, over each work's body.

Default corpus: the LitBank texts (``../shared/data/litbank/entities/brat/*.txt``, 100
excerpts of public-domain novels, ~210k words), found relative to the checkout.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import typer

from ..errors import FiclensError, InputNotFound
from ..model import Doc
from ..text import ao3_word_count

LITBANK_BRAT = Path("shared", "data", "litbank", "entities", "brat")


@dataclass
class IngestBench:
    profile: str
    files: int = 0
    words: int = 0
    read_s: float = 0.0  # reading + front matter
    nlp_s: float = 0.0  # spaCy over the body
    cpu_s: float = 0.0  # process CPU time of both (steady when the machine is shared)
    failures: list[str] = field(default_factory=list)  # "path: reason"

    @property
    def total_s(self) -> float:
        return self.read_s + self.nlp_s

    @property
    def words_per_s(self) -> float:
        return self.words / self.total_s if self.total_s else 0.0

    @property
    def words_per_cpu_s(self) -> float:
        return self.words / self.cpu_s if self.cpu_s else 0.0

    @property
    def read_words_per_s(self) -> float:
        return self.words / self.read_s if self.read_s else 0.0

    def as_dict(self) -> dict:
        out = asdict(self)
        out.update(
            total_s=round(self.total_s, 3),
            words_per_s=round(self.words_per_s, 1),
            words_per_cpu_s=round(self.words_per_cpu_s, 1),
            cpu_s=round(self.cpu_s, 3),
            read_words_per_s=round(self.read_words_per_s, 1),
            read_s=round(self.read_s, 3),
            nlp_s=round(self.nlp_s, 3),
        )
        return out


def find_litbank(bases: list[Path] | None = None) -> Path:
    """The LitBank brat folder beside the checkout (``../shared/...``), searched upwards
    from the working directory and from this package."""
    bases = bases if bases is not None else [Path.cwd().resolve(), Path(__file__).resolve()]
    for base in bases:
        for parent in [base, *base.parents]:
            for cand in (parent / LITBANK_BRAT, parent.parent / LITBANK_BRAT):
                if cand.is_dir():
                    return cand
    raise InputNotFound(
        "LitBank corpus not found (looked for shared/data/litbank/entities/brat beside the checkout); "
        "pass work files or folders instead"
    )


def default_corpus() -> list[Path]:
    files = sorted(find_litbank().glob("*.txt"))
    if not files:
        raise InputNotFound("LitBank folder holds no .txt files", path=str(find_litbank()))
    return files


def run_bench(paths: list[Path], *, profile: str = "full", limit: int | None = None) -> IngestBench:
    """Read and annotate each work; a file that cannot be read is recorded, not fatal."""
    from .. import nlp
    from ..ingest import read

    nlp.load(profile)  # model load is not part of the throughput
    result = IngestBench(profile=profile)
    for path in paths[:limit] if limit else paths:
        c0, t0 = time.process_time(), time.perf_counter()
        try:
            work = read(path)
        except FiclensError as exc:
            result.failures.append(str(exc))
            continue
        t1 = time.perf_counter()
        nlp.annotate(Doc(work=work), profile)
        t2, c2 = time.perf_counter(), time.process_time()
        result.files += 1
        result.cpu_s += c2 - c0
        result.words += ao3_word_count(work.text[work.body.start : work.body.end])
        result.read_s += t1 - t0
        result.nlp_s += t2 - t1
    return result


def report_lines(r: IngestBench) -> list[str]:
    return [
        f"files           {r.files} ({len(r.failures)} failed)",
        f"words           {r.words:,}",
        f"profile         {r.profile}",
        f"read+front      {r.read_s:.2f} s ({r.read_words_per_s:,.0f} words/s)",
        f"spaCy           {r.nlp_s:.2f} s",
        f"total           {r.total_s:.2f} s",
        f"throughput      {r.words_per_s:,.0f} words/s (single process, wall clock)",
        f"per CPU second  {r.words_per_cpu_s:,.0f} words/CPU-s",
    ]


def ingest(
    paths: list[Path] | None = typer.Argument(None, help="Works or folders (default: the LitBank texts)."),
    profile: str = typer.Option("full", help="NLP profile: full, tagger, ner or fast."),
    limit: int | None = typer.Option(None, help="Only the first N files."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Words/second for reading + front matter + spaCy, single process."""
    from ..ingest import iter_work_paths
    from ..nlp import PROFILES

    if profile not in PROFILES:
        raise FiclensError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    files = iter_work_paths(list(paths)) if paths else default_corpus()
    result = run_bench(files, profile=profile, limit=limit)
    for failure in result.failures:
        typer.echo(f"error: {failure}", err=True)
    if as_json:
        typer.echo(json.dumps(result.as_dict()))
    else:
        typer.echo("\n".join(report_lines(result)))


def register(bench_app: typer.Typer) -> None:
    bench_app.command("ingest")(ingest)
