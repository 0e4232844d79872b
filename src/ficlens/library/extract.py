"""From one contract object (``ficlens.analysis/1``) to the rows the library stores.

Pure functions: no database. ``record_from_analysis`` is the only place that decides what a
work's searchable columns and tag rows are, so SQLite and PostgreSQL store the same thing.

Decisions worth knowing:

- Declared tags come from ``metadata``; inferred ones from ``tags`` (at or above
  ``MIN_INFERRED_CONFIDENCE``), plus focal characters from ``pov.focal``. Both are kept,
  each row marked with its ``source``; neither overwrites the other (contract rule).
- Tag values are compared by ``normalise_tag``: case-folded, spaces collapsed, and for
  relationships the names sorted, so ``Lois Lane/Clark Kent`` equals ``Clark Kent/Lois Lane``.
- ``rating`` is the declared rating when there is one, else the inferred one (for sorting
  and display; both stay searchable as tags).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..vocab import normalise_category, normalise_rating, normalise_warning

MIN_INFERRED_CONFIDENCE = 0.5
# tag type -> (metadata key, tags key)
TAG_KEYS = {
    "fandom": ("fandoms", "fandoms"),
    "relationship": ("relationships", "relationships"),
    "character": ("characters", "characters"),
    "freeform": ("freeform", "freeform"),
    "warning": ("warnings", "warnings"),
    "category": ("categories", "categories"),
}
_AO3_URL = re.compile(r"archiveofourown\.org/works/(\d+)")
_FFN_URL = re.compile(r"fanfiction\.net/s/(\d+)")
_SPACE = re.compile(r"\s+")
_REL_SPLIT = re.compile(r"\s*([/&])\s*")
_ARTICLE = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class TagRow:
    type: str
    value: str
    source: str  # "declared" | "inferred"
    confidence: float = 1.0

    @property
    def norm(self) -> str:
        return normalise_tag(self.type, self.value)


@dataclass
class WorkRecord:
    """Everything the store writes for one work (the analysis minus its text, plus columns)."""

    sha256: str
    site: str | None
    site_work_id: str | None
    source_path: str | None
    format: str
    title: str
    authors: list[str]
    summary: str | None
    words: int
    chapters: int
    complete: bool | None
    rating: str | None
    language: str | None
    published: str | None
    updated: str | None
    pov: str | None
    tense: str | None
    dialogue: float | None
    ending: str | None
    fandom_count: int
    text: str
    body_start: int
    body_end: int
    analysis: dict[str, Any]  # the contract object without "text"
    tags: list[TagRow] = field(default_factory=list)

    @property
    def title_sort(self) -> str:
        return _ARTICLE.sub("", self.title.strip().casefold())

    @property
    def author_sort(self) -> str:
        return self.authors[0].casefold() if self.authors else "\uffff"  # anonymous last, as on AO3

    @property
    def tags_text(self) -> str:
        return " ; ".join(sorted({t.value for t in self.tags if t.type not in ("author",)}))

    @property
    def body(self) -> str:
        return self.text[self.body_start : self.body_end]

    def analysis_json(self) -> str:
        return json.dumps(self.analysis, ensure_ascii=False, sort_keys=True)


def normalise_tag(kind: str, value: str) -> str:
    """The comparison key of a tag.

    >>> normalise_tag("relationship", "Lois Lane / Clark  Kent")
    'clark kent/lois lane'
    >>> normalise_tag("fandom", " Smallville (TV) ")
    'smallville (tv)'
    """
    v = _SPACE.sub(" ", value.strip().casefold())
    if kind == "relationship":
        parts = _REL_SPLIT.split(v)
        seps = set(parts[1::2])
        if len(seps) == 1:
            sep = seps.pop()
            return sep.join(sorted(p for p in parts[0::2] if p))
    return v


def record_from_analysis(obj: dict[str, Any]) -> WorkRecord:
    """The rows for one contract object (assumed schema-valid)."""
    meta = obj.get("metadata") or {}
    src = obj.get("source") or {}
    stats = obj.get("stats") or {}
    pov = obj.get("pov") or {}
    arc = obj.get("arc") or {}
    text = obj.get("text") or ""
    body = obj.get("body") or {"start": 0, "end": len(text)}
    site, site_id = _site_id(meta)
    words = int(stats.get("words") or meta.get("words") or 0)
    dialogue = round(100.0 * int(stats.get("dialogue_words") or 0) / words, 1) if words else None
    tags = _declared_tags(meta) + _inferred_tags(obj)
    fandoms = {t.norm for t in tags if t.type == "fandom" and t.source == "declared"} or {
        t.norm for t in tags if t.type == "fandom"
    }
    analysis = {k: v for k, v in obj.items() if k != "text"}
    rating = normalise_rating(meta.get("rating")) or ((obj.get("tags") or {}).get("rating") or {}).get("value")
    return WorkRecord(
        sha256=src.get("sha256") or "",
        site=site,
        site_work_id=site_id,
        source_path=src.get("path"),
        format=src.get("format") or "txt",
        title=(meta.get("title") or _title_from_path(src.get("path")) or "Untitled").strip(),
        authors=[a for a in meta.get("authors") or [] if a],
        summary=meta.get("summary") or obj.get("summary"),
        words=words,
        chapters=int(stats.get("chapters") or len(obj.get("chapters") or []) or 1),
        complete=_complete(meta),
        rating=rating,
        language=(meta.get("language") or None),
        published=meta.get("published"),
        updated=meta.get("updated") or meta.get("published"),
        pov=pov.get("person"),
        tense=pov.get("tense"),
        dialogue=dialogue,
        ending=arc.get("ending") if isinstance(arc, dict) else None,
        fandom_count=len(fandoms),
        text=text,
        body_start=int(body.get("start", 0)),
        body_end=int(body.get("end", len(text))),
        analysis=analysis,
        tags=_dedupe(tags),
    )


def _site_id(meta: dict[str, Any]) -> tuple[str | None, str | None]:
    """(site, work id): declared fields first, else read from the work's URL."""
    wid, site = meta.get("work_id"), meta.get("site")
    if wid:
        return (site or "ao3"), str(wid)
    url = meta.get("url") or ""
    if m := _AO3_URL.search(url):
        return "ao3", m.group(1)
    if m := _FFN_URL.search(url):
        return "ffn", m.group(1)
    return site, None


def _complete(meta: dict[str, Any]) -> bool | None:
    if meta.get("complete") is not None:
        return bool(meta["complete"])
    # AO3 writes "3/?" for a work in progress and "8/8" when the last chapter is posted
    chapters = str(meta.get("chapters") or "")
    if "/" in chapters:
        done, _, total = chapters.partition("/")
        return total.strip() != "?" and done.strip() == total.strip()
    return None


def _title_from_path(path: str | None) -> str | None:
    if not path:
        return None
    name = re.split(r"[\\/]", path)[-1]
    return name.rsplit(".", 1)[0].replace("_", " ") or None


def _declared_tags(meta: dict[str, Any]) -> list[TagRow]:
    out: list[TagRow] = []
    for kind, (mkey, _) in TAG_KEYS.items():
        for v in meta.get(mkey) or []:
            if kind == "warning":
                v = normalise_warning(v) or v
            elif kind == "category":
                v = normalise_category(v) or v
            if v and str(v).strip():
                out.append(TagRow(kind, str(v).strip(), "declared"))
    rating = normalise_rating(meta.get("rating"))
    if rating:
        out.append(TagRow("rating", rating, "declared"))
    out.extend(TagRow("author", a.strip(), "declared") for a in meta.get("authors") or [] if a and a.strip())
    return out


def _inferred_tags(obj: dict[str, Any]) -> list[TagRow]:
    tags = obj.get("tags") or {}
    out: list[TagRow] = []
    for kind, (_, tkey) in TAG_KEYS.items():
        for t in tags.get(tkey) or []:
            conf = float(t.get("confidence", 0))
            if t.get("value") and conf >= MIN_INFERRED_CONFIDENCE:
                out.append(TagRow(kind, t["value"].strip(), "inferred", conf))
    rating = tags.get("rating") or {}
    if rating.get("value") and float(rating.get("confidence", 0)) >= MIN_INFERRED_CONFIDENCE:
        out.append(TagRow("rating", rating["value"], "inferred", float(rating["confidence"])))
    names = {c["id"]: c["name"] for c in obj.get("characters") or []}
    if not any(t.type == "character" for t in out):
        # no tags stage: the most-mentioned characters stand in for inferred character tags
        ranked = sorted(obj.get("characters") or [], key=lambda c: -int(c.get("mentions", 0)))
        out.extend(TagRow("character", c["name"], "inferred", 0.5) for c in ranked[:8] if c.get("mentions", 0) >= 3)
    out.extend(TagRow("focal", n, "inferred", c) for n, c in _focal(obj, names))
    return out


def _focal(obj: dict[str, Any], names: dict[str, str]) -> list[tuple[str, float]]:
    """Focal characters holding at least a fifth of the focalised text (or the narrator)."""
    pov = obj.get("pov") or {}
    span: Counter[str] = Counter()
    for f in pov.get("focal") or []:
        span[f["character"]] += max(0, int(f["end"]) - int(f["start"]))
    total = sum(span.values())
    out = [(names.get(c, c), round(n / total, 3)) for c, n in span.most_common() if total and n / total >= 0.2]
    narrator = pov.get("narrator")
    if narrator and narrator in names and names[narrator] not in {n for n, _ in out}:
        out.append((names[narrator], 1.0))
    return out


def _dedupe(tags: list[TagRow]) -> list[TagRow]:
    seen: dict[tuple[str, str, str], TagRow] = {}
    for t in tags:
        key = (t.type, t.source, t.norm)
        if key not in seen or t.confidence > seen[key].confidence:
            seen[key] = t
    return list(seen.values())
