"""The README documents every command: an undocumented command fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from ficlens.cli import get_app
from ficlens.cli.bench import bench_app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _names(app: typer.Typer) -> list[str]:
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    return sorted(n for n in names if n)


@pytest.mark.parametrize("name", _names(get_app()))
def test_every_command_is_in_the_readme(name):
    assert f"ficlens {name}" in README


@pytest.mark.parametrize("name", _names(bench_app))
def test_every_benchmark_is_in_the_readme(name):
    assert name in README
