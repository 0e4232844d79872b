"""``ficlens analyze PATH...``: read and analyse works, print a summary or contract JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from .. import contract
from ..errors import FiclensError, SomeInputsFailed
from ..ingest import iter_work_paths, read
from ..nlp import PROFILES
from ..pipeline import default_pipeline


def analyze(
    paths: List[Path] = typer.Argument(..., help="Work files or folders (txt, AO3/FFN HTML, EPUB, HTML, Markdown)."),
    as_json: bool = typer.Option(False, "--json", help="Print one ficlens.analysis/1 JSON object per work (JSON lines)."),
    profile: Optional[str] = typer.Option(None, help=f"NLP profile: {', '.join(PROFILES)} (default: full)."),
    stages: Optional[str] = typer.Option(None, help="Comma-separated stages to run (default: all)."),
    max_bytes: Optional[int] = typer.Option(None, help="Size limit per work in bytes (default 20 MB, or FICLENS_MAX_BYTES)."),
) -> None:
    """Analyse works and print a readable summary of each (or --json)."""
    from rich.console import Console

    from .render import print_report

    files = iter_work_paths(list(paths))
    if profile and profile not in PROFILES:
        raise FiclensError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    pipe = default_pipeline(profile=profile, stages=stages.split(",") if stages else None)
    console = Console()
    failures: list[FiclensError] = []
    for f in files:
        try:
            work = read(f, max_bytes=max_bytes)
        except FiclensError as exc:
            typer.echo(f"error: {exc}", err=True)
            failures.append(exc)
            continue
        doc = pipe.run(work)
        obj = contract.to_json(doc)
        if as_json:
            typer.echo(json.dumps(obj, ensure_ascii=False))
        else:
            print_report(obj, console)
    if failures:
        if len(files) == 1:
            raise typer.Exit(failures[0].exit_code)
        typer.echo(f"{len(failures)} of {len(files)} files could not be read", err=True)
        raise typer.Exit(SomeInputsFailed.exit_code)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
