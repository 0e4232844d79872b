"""The analysis contract: ``Doc`` -> ``ficlens.analysis/1`` JSON object, and schema checks.

The contract (``shared/contract/README.md``) is the only thing the library, web, batch and
export layers need from an analysis. Fields the contract names are always present; our
additions are optional keys, which the schema allows within version 1.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .model import Doc, ScoredTag, Span

SCHEMA_ID = "ficlens.analysis/1"


def _span(s: Span) -> dict[str, int]:
    return {"start": s.start, "end": s.end}


def _scored(tags: list[ScoredTag]) -> list[dict[str, Any]]:
    return [_scored_one(t) for t in tags]


def _scored_one(t: ScoredTag) -> dict[str, Any]:
    out: dict[str, Any] = {"value": t.value, "confidence": round(float(t.confidence), 4)}
    if t.evidence:
        out["evidence"] = [_span(e) for e in t.evidence]
    return out


def _metadata(doc: Doc) -> dict[str, Any]:
    m = doc.metadata
    out = asdict(m)
    out["notes"] = [{"kind": n.kind, "start": n.start, "end": n.end} for n in m.notes]
    return out


def to_json(doc: Doc, *, include_text: bool = True) -> dict[str, Any]:
    """The contract object for one analysed document."""
    w = doc.work
    src = w.source
    tags = doc.tags
    out: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "source": {"path": src.path, "format": src.format, "sha256": src.sha256, "encoding": src.encoding},
        "text": w.text if include_text else "",
        "body": _span(w.body),
        "chapters": [{"start": c.start, "end": c.end, "title": c.title} for c in w.chapters],
        "scenes": [_span(s) for s in w.scenes],
        "metadata": _metadata(doc),
        "stats": {
            "words": doc.stats.words,
            "dialogue_words": doc.stats.dialogue_words,
            "sentences": doc.stats.sentences,
            "chapters": doc.stats.chapters,
            "paragraphs": doc.stats.paragraphs,
        },
        "characters": [
            {
                "id": c.id,
                "name": c.name,
                "aliases": [{"text": t, "count": n} for t, n in sorted(c.aliases.items(), key=lambda kv: (-kv[1], kv[0]))],
                "gender": c.gender,
                "mentions": c.mentions,
                "present": c.present,
                "quotes": c.quotes,
                "kb": c.kb,
                "dialogue_words": c.dialogue_words,
                "fandom": c.fandom,
            }
            for c in doc.characters
        ],
        "mentions": [
            {"start": m.start, "end": m.end, "character": m.character, "kind": m.kind} for m in doc.mentions
        ],
        "quotes": [
            {
                "start": q.start,
                "end": q.end,
                "speaker": q.speaker,
                "addressee": q.addressee,
                "kind": q.kind,
                "attribution": q.attribution,
                "confidence": round(float(q.confidence), 4),
            }
            for q in doc.quotes
        ],
        "pov": {
            "person": doc.pov.person,
            "tense": doc.pov.tense,
            "focal": [
                {"character": f.character, "start": f.start, "end": f.end, "confidence": round(f.confidence, 4)}
                for f in doc.pov.focal
            ],
            "person_confidence": doc.pov.person_confidence,
            "tense_confidence": doc.pov.tense_confidence,
            "narrator": doc.pov.narrator,
        },
        "relationships": [
            {
                "a": r.a,
                "b": r.b,
                "type": r.type,
                **({"tag": r.tag} if r.tag else {}),
                "weight": round(float(r.weight), 4),
                "confidence": round(float(r.confidence), 4),
            }
            for r in doc.relationships
        ],
        "tags": {
            "fandoms": _scored(tags.fandoms),
            "rating": _scored_one(tags.rating) if tags.rating else None,
            "warnings": _scored(tags.warnings),
            "categories": _scored(tags.categories),
            "relationships": _scored(tags.relationships),
            "characters": _scored(tags.characters),
            "freeform": _scored(tags.freeform),
        },
        "arc": (
            {
                "points": [
                    {"position": round(p.position, 4), "valence": round(p.valence, 4), "emotions": p.emotions}
                    for p in doc.arc.points
                ],
                "shape": doc.arc.shape,
                "ending": doc.arc.ending,
            }
            if doc.arc
            else None
        ),
        "summary": doc.summary,
        "timings": {k: round(v, 4) for k, v in doc.timings.items()},
    }
    if doc.errors:
        out["errors"] = list(doc.errors)
    return out


# ----------------------------------------------------------------------------- validation


def find_schema() -> Path | None:
    """The contract schema beside the checkout (``../shared/contract``), if there is one."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "shared" / "contract" / "analysis-v1.schema.json"
        if cand.is_file():
            return cand
    return None


_VALIDATOR = None


def validate(obj: dict[str, Any], schema_path: Path | None = None) -> None:
    """Raise ``jsonschema.ValidationError`` unless ``obj`` is a valid contract object.

    Also checks the rules the schema cannot say: spans inside ``text`` and every character
    reference naming a character in ``characters``.
    """
    global _VALIDATOR
    import jsonschema

    if _VALIDATOR is None or schema_path is not None:
        path = schema_path or find_schema()
        if path is None:
            raise FileNotFoundError("analysis-v1.schema.json not found beside the checkout")
        schema = json.loads(Path(path).read_text())
        _VALIDATOR = jsonschema.Draft202012Validator(schema)
    _VALIDATOR.validate(obj)
    check_references(obj)


def check_references(obj: dict[str, Any]) -> None:
    n = len(obj["text"]) if obj.get("text") else None
    ids = {c["id"] for c in obj["characters"]}

    def span_ok(s: dict[str, Any], what: str) -> None:
        if not (0 <= s["start"] <= s["end"]) or (n is not None and s["end"] > n):
            raise ValueError(f"{what} span {s['start']}:{s['end']} is outside text of length {n}")

    def ref_ok(cid: str | None, what: str) -> None:
        if cid is not None and cid not in ids:
            raise ValueError(f"{what} refers to unknown character {cid!r}")

    span_ok(obj["body"], "body")
    for c in obj.get("chapters", []):
        span_ok(c, "chapter")
    for s in obj.get("scenes", []):
        span_ok(s, "scene")
    for note in obj["metadata"].get("notes", []):
        span_ok(note, "note")
    for m in obj.get("mentions", []):
        span_ok(m, "mention")
        ref_ok(m["character"], "mention")
    for q in obj["quotes"]:
        span_ok(q, "quote")
        ref_ok(q.get("speaker"), "quote speaker")
        ref_ok(q.get("addressee"), "quote addressee")
    for f in obj["pov"].get("focal", []):
        span_ok(f, "focal")
        ref_ok(f["character"], "focal")
    for r in obj["relationships"]:
        ref_ok(r["a"], "relationship")
        ref_ok(r["b"], "relationship")
