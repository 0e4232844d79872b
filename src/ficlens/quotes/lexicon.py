"""Word lists for quotations, loaded from ``ficlens/data/quotes/`` through ``resources``.

>>> speech_verbs()["mumbled"]
'mumble'
>>> "thought" in thought_verbs()
True
>>> "sign" in written_nouns()
True
>>> "desk" in thing_nouns()
True
"""

from __future__ import annotations

from functools import cache

from ..resources import load_lines

DATA = ("data", "quotes")


def _families(name: str) -> dict[str, str]:
    """``"say said says saying"`` lines -> {form: base}."""
    out: dict[str, str] = {}
    for line in load_lines(*DATA, name):
        forms = line.lower().split()
        for f in forms:
            out.setdefault(f, forms[0])
    return out


@cache
def speech_verbs() -> dict[str, str]:
    return _families("speech_verbs.txt")


@cache
def thought_verbs() -> dict[str, str]:
    return _families("thought_verbs.txt")


@cache
def _written() -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for line in load_lines(*DATA, "written_cues.txt"):
        key, _, words = line.partition(":")
        out[key.strip()] = out.get(key.strip(), frozenset()) | frozenset(words.lower().split())  # a key may take several lines
    return out


def written_verbs() -> frozenset[str]:
    return _written()["verb"]


def written_nouns() -> frozenset[str]:
    return _written()["noun"]


@cache
def thing_nouns() -> frozenset[str]:
    """Nouns for things that never speak ("said the car"): ``things.txt``."""
    return frozenset(w for line in load_lines(*DATA, "things.txt") for w in line.lower().split())


@cache
def elisions() -> frozenset[str]:
    return frozenset(w.lower() for w in load_lines(*DATA, "elisions.txt"))
