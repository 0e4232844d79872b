"""``ficlens batch INPUT... --out DIR``: analyse a corpus with progress, resume and a failures report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Self

import typer

from ..errors import SomeInputsFailed, UsageError
from ..nlp import PROFILES


def batch(
    inputs: list[Path] = typer.Argument(..., help="Work files or folders."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (works/, *.parquet, failures.jsonl, log.jsonl)."),
    workers: int | None = typer.Option(
        None, help="Worker processes (default: all cores; with Ray: the cluster's CPUs)."
    ),
    engine: str = typer.Option("local", help="local (process pool) or ray."),
    address: str | None = typer.Option(
        None, help="Ray cluster address (e.g. auto, ray://head:10001); default: start a local Ray."
    ),
    timeout: float | None = typer.Option(
        None, help="Per-work time limit in seconds (a stuck work is killed and reported)."
    ),
    max_bytes: int | None = typer.Option(
        None, help="Size limit per work in bytes (default 20 MB, or FICLENS_MAX_BYTES)."
    ),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="Skip works whose analysis is already in --out."),
    booknlp: bool = typer.Option(False, "--booknlp", help="Also write BookNLP-style .tokens/.entities/.quotes files."),
    profile: str | None = typer.Option(None, help=f"NLP profile: {', '.join(PROFILES)} (default: full)."),
    stages: str | None = typer.Option(None, help="Comma-separated stages to run (default: all; 'none': NLP only)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show the progress bar."),
) -> None:
    """Analyse many works in parallel into --out: per-work JSON, Parquet tables, failures report."""
    from ..batch import BatchSettings, make_engine, run_batch
    from ..ingest import iter_work_paths

    if profile and profile not in PROFILES:
        raise UsageError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    if workers is not None and workers < 1:
        raise UsageError("--workers must be at least 1")
    if timeout is not None and timeout <= 0:
        raise UsageError("--timeout must be positive")
    files = iter_work_paths(list(inputs))
    settings = BatchSettings(profile=profile, stages=_stages(stages), max_bytes=max_bytes, booknlp=booknlp)
    eng = make_engine(engine, workers=workers, timeout=timeout, address=address)
    with _Progress(files, enabled=progress) as bar:
        report = run_batch(files, out, eng, settings, resume=resume, on_result=bar.update)
    typer.echo(report.summary_line(), err=True)
    if report.failed:
        raise typer.Exit(SomeInputsFailed.exit_code)


def _stages(opt: str | None) -> tuple[str, ...] | None:
    if opt is None:
        return None
    if opt.strip().lower() == "none":
        return ()
    return tuple(s.strip() for s in opt.split(",") if s.strip())


class _Progress:
    """A Rich bar: works done / total, words/s over the works analysed in this run, and ETA.

    The ETA is by bytes, not works: fics range from drabbles to novels.
    """

    def __init__(self, files: list[Path], enabled: bool = True):
        self.enabled = enabled
        self.total_bytes = sum(_size(f) for f in files) or 1
        self.n = len(files)
        self.done_bytes = 0
        self.words = 0
        self.t0 = time.monotonic()

    def __enter__(self) -> Self:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("[bold]analysing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("works"),
                TextColumn("{task.fields[rate]}"),
                TextColumn("ETA {task.fields[eta]}"),
                transient=False,
            )
            self.bar.start()
            self.task = self.bar.add_task("batch", total=self.n, rate="- words/s", eta="-")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()

    def update(self, res) -> None:
        self.words += res.words
        if res.status == "analysed":
            self.done_bytes += res.bytes
        else:  # resumed, duplicate or failed works leave the estimate
            self.total_bytes = max(1, self.total_bytes - _size(Path(res.path)))
        if not self.enabled:
            return
        el = max(1e-6, time.monotonic() - self.t0)
        rate = self.done_bytes / el
        left = (self.total_bytes - self.done_bytes) / rate if rate > 0 else None
        eta = "-" if left is None else time.strftime("%H:%M:%S", time.gmtime(max(0, left)))
        self.bar.update(self.task, advance=1, rate=f"{self.words / el:,.0f} words/s", eta=eta)


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
