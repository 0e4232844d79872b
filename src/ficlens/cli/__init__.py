"""The ``ficlens`` command: a thin shell over the library.

Each module in this package registers its commands on the one Typer app through
``register(app)``; ``main`` turns every ``FiclensError`` into ``error: <one line>`` on stderr
and that error's exit code, never a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from ..errors import FiclensError

app = typer.Typer(
    name="ficlens",
    help="Read fan fiction and understand it: characters, who says what, POV, tags, a searchable library.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_registered = False


@app.callback()
def _root() -> None:
    """Read fan fiction and understand it."""


def _register_all() -> None:
    global _registered
    if _registered:
        return
    _registered = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(app)


def fail(exc: FiclensError) -> "typer.Exit":
    """Print a FiclensError as one line and return the Exit to raise."""
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(exc.exit_code)


def main(argv: list[str] | None = None) -> None:
    _register_all()
    try:
        app(args=argv, standalone_mode=True)
    except FiclensError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)


def get_app() -> typer.Typer:
    """The app with every command registered (for tests: ``CliRunner().invoke(get_app(), ...)``)."""
    _register_all()
    return app
