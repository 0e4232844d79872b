"""Tag synonyms from the fandom knowledge base, applied at query time.

``character:Superman`` should find works that declare ``Clark Kent``: the query value is
expanded to every name the KB knows for the same entity before the SQL is built, so stored
tags stay exactly as the work declared them. Relationship tags expand name by name
(``Superman/Lois`` -> ``Clark Kent/Lois Lane``, ...), capped so a query stays small.

The KB (``ficlens.kb``) is optional: without it, or for a tag it does not know, a value
stands only for itself.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from functools import lru_cache

from .extract import _REL_SPLIT, normalise_tag

MAX_EXPANSIONS = 64
Synonyms = Callable[[str], Iterable[str]]


@lru_cache(maxsize=1)
def kb_synonyms() -> Synonyms | None:
    """The knowledge base's ``synonyms(tag)``, or None when the KB is not available."""
    try:
        from ..kb import load_kb  # type: ignore[attr-defined]

        kb = load_kb()
        fn = getattr(kb, "synonyms", None)
        return fn if callable(fn) else None
    except Exception:  # noqa: BLE001 - no KB (or a broken one) means no expansion, not a failed search
        return None


def _names(synonyms: Synonyms | None, value: str) -> list[str]:
    out = [value]
    if synonyms is not None:
        try:
            out.extend(str(s) for s in synonyms(value) or () if s)
        except Exception:  # noqa: BLE001 - same reason as above
            pass
    return out


def make_expander(synonyms: Synonyms | None = None) -> Callable[[str, str], list[str]]:
    """(tag type, value) -> the normalised values that match it.

    >>> expand = make_expander(lambda v: {"superman": ["Clark Kent", "Kal-El"]}.get(v.lower(), []))
    >>> expand("character", "Superman")
    ['clark kent', 'kal-el', 'superman']
    >>> expand("relationship", "Lois Lane/Superman")
    ['clark kent/lois lane', 'kal-el/lois lane', 'lois lane/superman']
    """
    syn = synonyms if synonyms is not None else kb_synonyms()

    def expand(kind: str, value: str) -> list[str]:
        if kind in ("rating", "warning", "category", "author"):
            return [normalise_tag(kind, value)]
        if kind == "relationship":
            parts = _REL_SPLIT.split(value.strip())
            names = [_names(syn, p) for p in parts[0::2]]
            seps = parts[1::2]
            combos = itertools.islice(itertools.product(*names), MAX_EXPANSIONS)
            values = {"".join(x for pair in itertools.zip_longest(c, seps, fillvalue="") for x in pair) for c in combos}
            return sorted({normalise_tag(kind, v) for v in values})
        return sorted({normalise_tag(kind, v) for v in _names(syn, value)})

    return expand
