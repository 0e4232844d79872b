"""The one loader for data shipped inside the package (``ficlens/data/``, ``ficlens/kb/``).

Learned models, lexicons and alias tables are files; stages get them through here, cached
per process, so no stage does I/O of its own and nothing is ever downloaded.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

PACKAGE = "ficlens"


def _path(*parts: str):
    return resources.files(PACKAGE).joinpath(*parts)


@lru_cache(maxsize=None)
def load_json(*parts: str) -> Any:
    """``load_json("data", "quotes_model.json")`` -> parsed JSON, cached."""
    return json.loads(_path(*parts).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def load_lines(*parts: str) -> tuple[str, ...]:
    """Non-empty, non-comment (``#``) lines of a text data file, stripped, cached."""
    text = _path(*parts).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def exists(*parts: str) -> bool:
    return _path(*parts).is_file()


def listdir(*parts: str) -> list[str]:
    base = _path(*parts)
    return sorted(p.name for p in base.iterdir()) if base.is_dir() else []
