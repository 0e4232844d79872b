"""The fandom knowledge base as the tag stages see it: loaded once, optional.

``ficlens.kb.load_kb`` owns the data and its format; tagging only reads fandoms, their
markers and parents, characters' fandoms, genders, identities and canon relations. When the
KB cannot be loaded (a broken user file), tagging goes on without it rather than failing
the work: fandoms then come out as unknown ("Original Work" at low confidence).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def get_kb(extra_paths: Iterable[str] = ()) -> Any | None:
    try:
        from ..kb import load_kb

        return load_kb(tuple(extra_paths))
    except Exception:  # noqa: BLE001 - a missing or broken KB degrades tagging, never stops it
        return None
