"""``ficlens bench NAME``: benchmarks. Each module in ``ficlens.bench`` registers one command.

A bench module defines ``register(bench_app: typer.Typer)`` and keeps its measuring code
in functions the tests can call on small inputs.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

bench_app = typer.Typer(help="Measure speed and accuracy (figures go in BENCHMARKS.md).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    from .. import bench as bench_pkg

    for info in sorted(pkgutil.iter_modules(bench_pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{bench_pkg.__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(bench_app)
    app.add_typer(bench_app, name="bench")
