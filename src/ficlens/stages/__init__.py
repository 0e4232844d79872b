"""Analysis stages, one module each, run in ``ORDER``.

Every stage module exposes ``create(**config) -> Stage``: an object with ``name``,
``requires`` and ``assigns`` (names of ``Doc`` fields) and ``__call__(doc) -> doc``, which
reads what it requires from the document, computes, and writes what it assigns. Stages do
no I/O; learned models and data files load through ``ficlens.resources``.

Quotes and coreference feed each other: ``characters`` resolves names, nominals and
narration pronouns; ``quotes`` attributes speakers using those mentions, then resolves
I/you inside quotes to speaker and addressee and adds those mentions.
"""

from __future__ import annotations

import importlib
from typing import Sequence

ORDER = ("characters", "quotes", "pov", "relations", "tags", "arc", "summary")


def available() -> list[str]:
    """Stage names in ``ORDER`` whose module exists in this installation."""
    names = []
    for name in ORDER:
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        names.append(name)
    return names


def build_stages(names: Sequence[str] | None = None, **config) -> list:
    """Instantiate stages by name (default: every available stage, in ``ORDER``)."""
    names = list(names) if names is not None else available()
    unknown = [n for n in names if n not in ORDER]
    if unknown:
        raise ValueError(f"unknown stage(s): {', '.join(unknown)}; known: {', '.join(ORDER)}")
    names.sort(key=ORDER.index)
    return [importlib.import_module(f"{__name__}.{n}").create(**config.get(n, {})) for n in names]
