"""AO3 categories (F/F, F/M, Gen, M/M, Multi, Other) from romantic relationships and genders.

Each romantic relationship votes for the category of its pair's genders (``Character.gender``,
else the KB's); a pair with a nonbinary side is "Other"; two or more categories, or one
character in two strong romances, add "Multi"; no romantic relationship means "Gen".

>>> pair_category("male", "female"), pair_category("female", "female"), pair_category("nonbinary", "male")
('F/M', 'F/F', 'Other')
>>> pair_category("male", None) is None
True
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..model import Doc, ScoredTag


MIN_WEIGHT = 0.3  # share of the strongest pair's evidence a romance needs to set the category


def pair_category(g1: str | None, g2: str | None) -> str | None:
    g = {g1, g2}
    if "nonbinary" in g:
        return "Other"
    if g == {"male"}:
        return "M/M"
    if g == {"female"}:
        return "F/F"
    if g == {"male", "female"}:
        return "F/M"
    return None


def _gender(doc: Doc, cid: str, kb: Any | None) -> str | None:
    c = doc.character(cid)
    if c is None:
        return None
    if c.gender in ("male", "female", "nonbinary"):
        return c.gender
    if kb is not None and c.kb and c.kb in kb.characters:
        g = kb.characters[c.kb].gender
        return g if g in ("male", "female", "nonbinary") else None
    return None


def infer(doc: Doc, kb: Any | None = None) -> list[ScoredTag]:
    # a romance the story spends time on: a husband's talk of his absent wife is not F/M
    romantic = [r for r in doc.relationships if r.type == "romantic" and r.confidence >= 0.3 and r.weight >= MIN_WEIGHT]
    best: dict[str, float] = {}
    partners: Counter = Counter()
    for r in romantic:
        cat = pair_category(_gender(doc, r.a, kb), _gender(doc, r.b, kb))
        conf = r.confidence * (0.6 + 0.4 * r.weight)
        if cat is None:
            continue
        best[cat] = max(best.get(cat, 0.0), conf)
        if r.weight >= 0.3:
            partners[r.a] += 1
            partners[r.b] += 1
    out = [ScoredTag(c, round(p, 4), []) for c, p in sorted(best.items(), key=lambda kv: -kv[1]) if p >= 0.3]
    strong = [t for t in out if t.confidence >= 0.4]
    if len(strong) >= 2 or any(n >= 2 for n in partners.values()):
        out.append(ScoredTag("Multi", round(min(t.confidence for t in out) * 0.9 if out else 0.4, 4), []))
    if not out:
        top = max((r.confidence for r in doc.relationships if r.type == "romantic"), default=0.0)
        has_people = bool(doc.characters)
        out.append(ScoredTag("Gen", round((0.85 if has_people else 0.6) * (1.0 - top), 4), []))
    return out
