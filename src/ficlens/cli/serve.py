"""``ficlens serve``: the local web app over a library (127.0.0.1 by default)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import typer

from ..errors import FiclensError, UsageError
from . import fail

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    library: str | None = typer.Option(
        None, "--library", "-L", help="Library file or postgresql:// URL (default: $FICLENS_LIBRARY or the per-user library)."
    ),
    host: str = typer.Option(DEFAULT_HOST, help="Address to listen on. Anything but loopback lets other machines read your library."),
    port: int = typer.Option(DEFAULT_PORT, help="Port to listen on."),
) -> None:
    """Serve the library as a local web app: search, facets, work pages and a reader."""
    try:
        _serve(library, host, port)
    except FiclensError as exc:
        raise fail(exc) from None


def _serve(library: str | None, host: str, port: int) -> None:
    import uvicorn

    from ..library import default_library_path, open_library
    from ..web.app import create_app

    if not 0 < port < 65536:
        raise UsageError(f"port {port} is out of range (1-65535)")
    target = library or str(default_library_path())
    if not target.startswith(("postgresql://", "postgres://")) and not Path(target).expanduser().is_file():
        # serving only reads: it never creates a library by accident (`ficlens add` does that)
        raise UsageError(f"no library at {target} (fill one with: ficlens add --library {target} PATH...)")
    lib = open_library(target)
    if not _is_loopback(host):
        typer.echo(f"warning: listening on {host}: other machines on the network can read this library", err=True)
    typer.echo(f"ficlens: serving {lib.location} ({len(lib)} works) at http://{host}:{port}/  (Ctrl+C to stop)", err=True)
    try:
        # on loopback, answer only to local names: a page in the user's browser cannot then
        # reach the library through DNS rebinding
        hosts = sorted({host, "127.0.0.1", "localhost", "::1", "[::1]"}) if _is_loopback(host) else None
        app = create_app(lib, allowed_hosts=hosts)
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
    finally:
        lib.close()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
