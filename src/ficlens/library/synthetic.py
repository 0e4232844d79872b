"""Contract objects built without the NLP pipeline: for tests and the library benchmark.

``make_analysis`` turns a title, a text and tags into a schema-valid ``ficlens.analysis/1``
object (declared tags go in ``metadata``, inferred ones in ``tags``). ``generate`` makes any
number of distinct works by recombining the building blocks in
``data/library/synthetic.json`` (names, fandoms, tags, and sentences written for ficlens),
so ``ficlens bench library`` can fill a 100,000-work library in minutes instead of running
spaCy 100,000 times.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from typing import Any

from ..resources import load_json
from ..text import ao3_word_count


def _scored(values: Sequence[str] | None, conf: float = 0.8) -> list[dict[str, Any]]:
    return [{"value": v, "confidence": conf} for v in values or []]


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_") or "x"


def make_analysis(
    text: str,
    *,
    title: str | None = None,
    authors: Sequence[str] = (),
    path: str | None = None,
    fmt: str = "txt",
    summary: str | None = None,
    declared: dict[str, Any] | None = None,
    inferred: dict[str, Any] | None = None,
    pov: str | None = None,
    tense: str | None = None,
    focal: Sequence[str] = (),
    ending: str | None = None,
    dialogue_words: int = 0,
    characters: Sequence[str] = (),
    site: str | None = None,
    work_id: str | None = None,
    complete: bool | None = None,
    updated: str | None = None,
    published: str | None = None,
    sha256: str | None = None,
) -> dict[str, Any]:
    """A schema-valid contract object. ``declared``/``inferred`` map contract tag keys
    (``fandoms``, ``relationships``, ``characters``, ``freeform``, ``warnings``,
    ``categories``, ``rating``) to values."""
    declared, inferred = declared or {}, inferred or {}
    names = list(dict.fromkeys([*characters, *focal]))
    chars = [
        {"id": _slug(n), "name": n, "aliases": [{"text": n, "count": 3}], "gender": None, "mentions": 3,
         "present": True, "quotes": 0, "kb": None}
        for n in names
    ]  # fmt: skip
    metadata: dict[str, Any] = {
        "title": title, "authors": list(authors), "summary": summary, "notes": [],
        "rating": declared.get("rating"), "language": "en", "url": None,
        "site": site, "work_id": work_id, "complete": complete, "updated": updated, "published": published,
    }  # fmt: skip
    for key in ("warnings", "categories", "fandoms", "relationships", "characters", "freeform"):
        metadata[key] = list(declared.get(key) or [])
    step = len(text) // max(1, len(focal)) if focal else 0
    return {
        "schema": "ficlens.analysis/1",
        "source": {
            "path": path,
            "format": fmt,
            "sha256": sha256 or hashlib.sha256(text.encode()).hexdigest(),
            "encoding": "utf-8",
        },
        "text": text,
        "body": {"start": 0, "end": len(text)},
        "chapters": [],
        "scenes": [],
        "metadata": metadata,
        "stats": {"words": ao3_word_count(text), "dialogue_words": dialogue_words, "sentences": 0},
        "characters": chars,
        "mentions": [],
        "quotes": [],
        "pov": {
            "person": pov,
            "tense": tense,
            "focal": [
                {"character": _slug(n), "start": i * step, "end": (i + 1) * step, "confidence": 0.9}
                for i, n in enumerate(focal)
            ],
        },
        "relationships": [],
        "tags": {
            "fandoms": _scored(inferred.get("fandoms")),
            "rating": {"value": inferred["rating"], "confidence": 0.8} if inferred.get("rating") else None,
            "warnings": _scored(inferred.get("warnings")),
            "categories": _scored(inferred.get("categories")),
            "relationships": _scored(inferred.get("relationships")),
            "characters": _scored(inferred.get("characters")),
            "freeform": _scored(inferred.get("freeform")),
        },
        "arc": {"points": [], "shape": None, "ending": ending} if ending else None,
        "summary": None,
    }


def blocks() -> dict[str, Any]:
    return load_json("data", "library", "synthetic.json")


def generate(n: int, *, seed: int = 0, start: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` distinct synthetic works (numbered from ``start``): casts, tags and text recombined."""
    b = blocks()
    rng = random.Random(seed)
    fandoms = b["fandoms"]
    for i in range(start, start + n):
        fandom = rng.choice(fandoms)
        cast = fandom["characters"]
        crossover = rng.random() < 0.08
        other = rng.choice(fandoms) if crossover else None
        pool = cast + (other["characters"] if other else [])
        chars = rng.sample(pool, k=min(len(pool), rng.randint(2, 4)))
        a, c = chars[0], chars[1]
        ship = f"{a}/{c}" if rng.random() < 0.6 else f"{a} & {c}"
        text = _story(rng, b, chars, rng.randint(8, 30))
        words = ao3_word_count(text)
        yield make_analysis(
            text,
            title=f"{rng.choice(b['title_a'])} {rng.choice(b['title_b'])}",
            authors=[f"{rng.choice(b['author_a'])}{rng.choice(b['author_b'])}{i % 97}"],
            path=f"synthetic/{i:06d}.txt",
            summary=" ".join(rng.sample(b["sentences"], 2)).replace("{a}", a).replace("{b}", c),
            declared={
                "fandoms": [fandom["name"]] + ([other["name"]] if other else []),
                "relationships": [ship],
                "characters": chars,
                "freeform": rng.sample(b["freeform"], k=rng.randint(1, 4)),
                "rating": rng.choice(b["ratings"]),
                "warnings": [rng.choice(b["warnings"])],
                "categories": [rng.choice(b["categories"])],
            },
            inferred={"characters": chars[:2], "freeform": rng.sample(b["freeform"], k=1)},
            pov=rng.choice(["first", "third", "third", "third", "second"]),
            tense=rng.choice(["past", "past", "present"]),
            focal=[a] if rng.random() < 0.7 else [a, c],
            ending=rng.choice(["happy", "sad", "bittersweet", "open", None]),
            dialogue_words=int(words * rng.uniform(0.0, 0.6)),
            characters=chars,
            site="ao3" if rng.random() < 0.7 else None,
            work_id=str(100000 + i),
            complete=rng.random() < 0.7,
            updated=f"20{rng.randint(10, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        )


def _story(rng: random.Random, b: dict[str, Any], chars: Sequence[str], n_sentences: int) -> str:
    paras = []
    for _ in range(max(1, n_sentences // 4)):
        sents = [
            s.replace("{a}", rng.choice(chars)).replace("{b}", rng.choice(chars))
            for s in rng.choices(b["sentences"], k=rng.randint(2, 6))
        ]
        paras.append(" ".join(sents))
    return "\n\n".join(paras) + "\n"
