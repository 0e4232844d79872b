"""Corpus-scale analysis: many works, in parallel, resumable, with a failures report.

``run_batch(paths, out, engine, settings)`` is the library entry point (``ficlens batch`` is
a thin shell over it). The per-work function and the driver are in ``runner``; engines in
``local`` (process pool) and ``ray_engine``; the failures report in ``report``; the
BookNLP-style export in ``booknlp``. Batch code needs only ``ingest.read``, the pipeline and
the contract JSON: it knows nothing about individual analysis stages.
"""

from __future__ import annotations

from .report import BatchReport
from .runner import BatchSettings, Engine, WorkResult, WorkTask, process_work, run_batch

ENGINES = ("local", "ray")


def make_engine(
    name: str = "local", *, workers: int | None = None, timeout: float | None = None, address: str | None = None
) -> Engine:
    """The engine called ``name`` ("local" or "ray")."""
    from ..errors import UsageError

    if name == "local":
        if address:
            raise UsageError("--address is for --engine ray")
        from .local import LocalEngine

        return LocalEngine(workers=workers, timeout=timeout)
    if name == "ray":
        from .ray_engine import RayEngine

        return RayEngine(address=address, workers=workers, timeout=timeout)
    raise UsageError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")


__all__ = [
    "ENGINES",
    "BatchReport",
    "BatchSettings",
    "Engine",
    "WorkResult",
    "WorkTask",
    "make_engine",
    "process_work",
    "run_batch",
]
