"""View models: library results and contract objects turned into what the templates show.

Pure functions over plain data (search hits, ``ficlens.analysis/1`` dicts); no I/O, no
library calls, so each is testable on a hand-built object. Naming follows AO3's work
blurb: the *required tags* square (rating, warnings, category, completion), the tag block in
AO3's display order, and the stats line.
"""

from __future__ import annotations

import html
import re
from dataclasses import asdict, is_dataclass
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

# AO3's tag display order, with its labels (singular, plural)
TAG_GROUPS = (
    ("rating", "Rating", "Rating"),
    ("warning", "Archive Warning", "Archive Warnings"),
    ("category", "Category", "Categories"),
    ("fandom", "Fandom", "Fandoms"),
    ("relationship", "Relationship", "Relationships"),
    ("character", "Character", "Characters"),
    ("freeform", "Additional Tags", "Additional Tags"),
)
# tag type -> key in contract ``metadata`` and ``tags``
CONTRACT_KEYS = {
    "rating": "rating",
    "warning": "warnings",
    "category": "categories",
    "fandom": "fandoms",
    "relationship": "relationships",
    "character": "characters",
    "freeform": "freeform",
}
FACET_LABELS = {
    "rating": "Ratings",
    "warning": "Warnings",
    "category": "Categories",
    "fandom": "Fandoms",
    "relationship": "Relationships",
    "character": "Characters",
    "freeform": "Additional Tags",
    "author": "Creators",
    "focal": "Focal characters (inferred)",
    "pov": "Point of view (inferred)",
    "tense": "Tense (inferred)",
    "ending": "Ending (inferred)",
    "complete": "Completion Status",
    "crossover": "Crossovers",
    "language": "Language",
    "site": "Archive",
}
RATING_SQUARE = {
    "General Audiences": ("rating-general-audience", "G"),
    "Teen And Up Audiences": ("rating-teen", "T"),
    "Mature": ("rating-mature", "M"),
    "Explicit": ("rating-explicit", "E"),
    "Not Rated": ("rating-notrated", ""),
}
# display names for the values of the narrative (column) facets
VALUE_LABELS = {
    ("complete", "yes"): "Complete works",
    ("complete", "no"): "Works in progress",
    ("crossover", "only"): "Crossovers only",
    ("crossover", "no"): "No crossovers",
    ("crossover", "yes"): "Crossovers",
    ("pov", "first"): "First person",
    ("pov", "second"): "Second person",
    ("pov", "third"): "Third person",
    ("pov", "mixed"): "Mixed person",
}
NO_WARNINGS = "No Archive Warnings Apply"
CHOSE_NOT = ("Choose Not To Use Archive Warnings", "Creator Chose Not To Use Archive Warnings")
SORT_LABELS = {
    "best": "Best Match",
    "author": "Creator",
    "title": "Title",
    "published": "Date Posted",
    "updated": "Date Updated",
    "added": "Date Added",
    "words": "Word Count",
    "dialogue": "Dialogue Share",
    "chapters": "Chapters",
}


def as_dict(obj: Any) -> dict[str, Any]:
    """A hit or record as a plain dict, whether the library hands back a dataclass or a dict."""
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    if is_dataclass(obj):
        return asdict(obj)
    return {k: getattr(obj, k) for k in dir(obj) if not k.startswith("_") and not callable(getattr(obj, k))}


def _list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v] if v else []
    return [str(x) for x in v if x]


def required_tags(rating: str | None, warnings: list[str], categories: list[str], complete: bool | None) -> list[dict[str, str]]:
    """AO3's four-square symbol block: rating, warnings, category, completion (class, letter, title)."""
    r_cls, r_letter = RATING_SQUARE.get(rating or "Not Rated", ("rating-notrated", ""))
    real = [w for w in warnings if w != NO_WARNINGS and w not in CHOSE_NOT]
    if real:
        w_cls, w_letter = "warning-yes", "!"
    elif any(w in CHOSE_NOT for w in warnings) or not warnings:
        w_cls, w_letter = "warning-choosenotto", "?"
    else:
        w_cls, w_letter = "warning-no", ""
    if len(categories) > 1:
        c_cls, c_title = "category-multi", ", ".join(categories)
    elif categories:
        c_cls = "category-" + {"F/F": "femslash", "F/M": "het", "M/M": "slash", "Gen": "gen", "Multi": "multi"}.get(categories[0], "other")
        c_title = categories[0]
    else:
        c_cls, c_title = "category-none", "No category"
    status = {True: ("complete-yes", "\u2713", "Complete Work"), False: ("complete-no", "\u2026", "Work in Progress")}
    s_cls, s_letter, s_title = status.get(complete, ("complete-unknown", "", "Completion unknown"))
    return [
        {"cls": r_cls, "text": r_letter, "title": rating or "Not Rated"},
        {"cls": w_cls, "text": w_letter, "title": ", ".join(warnings) or "No warnings given"},
        {"cls": c_cls, "text": "", "title": c_title},
        {"cls": s_cls, "text": s_letter, "title": s_title},
    ]


def _best(values: Any) -> list[str]:
    """A hit's ``[{value, source}]`` tag list -> the declared values, else the inferred ones."""
    if not values:
        return []
    if isinstance(values[0], dict):
        declared = [v["value"] for v in values if v.get("source") == "declared"]
        return declared or [v["value"] for v in values]
    return _list(values)


def snippet_markup(snippet_html: str | None) -> Markup:
    """A search snippet with its ``<mark>`` highlights, everything else escaped afresh.

    The library already escapes snippets; unescaping and escaping again means the page
    never depends on that, and only ``<mark>`` can come out as markup.

    >>> str(snippet_markup("a &lt;b&gt; <mark>barn</mark>"))
    'a &lt;b&gt; <mark>barn</mark>'
    """
    if not snippet_html:
        return Markup("")
    text = str(escape(html.unescape(snippet_html)))
    return Markup(text.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


def blurb(hit: Any) -> dict[str, Any]:
    """One search hit as an AO3-like blurb: heading, tags, summary, stats (missing fields are empty)."""
    h = as_dict(hit)
    tags = h.get("tags") if isinstance(h.get("tags"), dict) else {}

    def tag_list(kind: str) -> list[str]:
        return _list(h.get(CONTRACT_KEYS[kind])) or _best(tags.get(kind))

    warnings = tag_list("warning")
    categories = tag_list("category")
    rating = h.get("rating") or next(iter(tag_list("rating")), None)
    view = {
        "id": h.get("id"),
        "title": h.get("title") or "Untitled",
        "authors": _list(h.get("authors")),
        "fandoms": tag_list("fandom"),
        "warnings": warnings,
        "relationships": tag_list("relationship"),
        "characters": tag_list("character"),
        "freeform": tag_list("freeform"),
        "summary": h.get("summary"),
        "snippet": snippet_markup(h.get("snippet_html")) if h.get("snippet_html") else h.get("snippet"),
        "source_path": h.get("source_path"),
        "score": h.get("score"),
        "reasons": _list(h.get("reasons")),
        "square": required_tags(rating, warnings, categories, h.get("complete")),
    }
    view["stats"] = stats_line(h)
    return view


def stats_line(h: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs for the stats line, AO3's first, then what only ficlens knows."""
    out: list[tuple[str, str]] = []
    if h.get("language"):
        out.append(("Language", str(h["language"])))
    if h.get("published"):
        out.append(("Published", str(h["published"])[:10]))
    if h.get("updated"):
        out.append(("Updated", str(h["updated"])[:10]))
    if h.get("words") is not None:
        out.append(("Words", f"{int(h['words']):,}"))
    if h.get("chapters"):
        ch = h["chapters"]
        total = h.get("expected_chapters") or ("?" if h.get("complete") is False else ch)
        out.append(("Chapters", ch if isinstance(ch, str) else f"{ch}/{total}"))
    if h.get("dialogue") is not None:
        out.append(("Dialogue", f"{float(h['dialogue']):.0f}%"))
    if h.get("pov"):
        out.append(("POV", str(h["pov"]).capitalize() + " person"))
    if h.get("tense"):
        out.append(("Tense", str(h["tense"]).capitalize()))
    if h.get("ending"):
        out.append(("Ending", str(h["ending"]).capitalize()))
    return out


def tag_blocks(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """Declared and inferred tags side by side, one row per AO3 tag type.

    Each row: ``{"type", "label", "declared": [str], "inferred": [(value, confidence, evidence)]}``
    where ``evidence`` is the first passage that triggered the inference (or ""), so a reader
    can check it; rows with neither are left out.
    """
    meta = obj.get("metadata") or {}
    tags = obj.get("tags") or {}
    text = obj.get("text") or ""
    rows = []
    for kind, singular, plural in TAG_GROUPS:
        key = CONTRACT_KEYS[kind]
        declared = _list(meta.get(key))
        raw = tags.get(key)
        if isinstance(raw, dict):  # rating is a single scored value
            raw = [raw] if raw.get("value") else []
        inferred = [
            (t["value"], float(t.get("confidence") or 0), _evidence(text, t.get("evidence")))
            for t in raw or []
            if t.get("value")
        ]
        if declared or inferred:
            n = max(len(declared), len(inferred))
            rows.append({"type": kind, "label": plural if n > 1 else singular, "declared": declared, "inferred": inferred})
    return rows


def _evidence(text: str, spans: list[dict[str, int]] | None, limit: int = 240) -> str:
    """The first evidence passage of an inferred tag, shortened, for a tooltip."""
    for sp in spans or []:
        passage = " ".join(text[sp["start"] : sp["end"]].split())
        if passage:
            return passage if len(passage) <= limit else passage[: limit - 1] + "\u2026"
    return ""


def character_rows(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """The character table: mentions, quotes and each one's share of the dialogue.

    Share is of dialogue words when the analysis counts them per character, else of quotes.
    """
    chars = obj.get("characters") or []
    total_words = sum(int(c.get("dialogue_words") or 0) for c in chars)
    total_quotes = sum(int(c.get("quotes") or 0) for c in chars)
    focal = {f["character"] for f in (obj.get("pov") or {}).get("focal") or []}
    rows = []
    for c in chars:
        if total_words:
            share = int(c.get("dialogue_words") or 0) / total_words
        elif total_quotes:
            share = int(c.get("quotes") or 0) / total_quotes
        else:
            share = 0.0
        rows.append(
            {
                "id": c["id"],
                "name": c.get("name") or c["id"],
                "aliases": [a["text"] for a in c.get("aliases") or [] if a.get("text") != c.get("name")][:6],
                "gender": c.get("gender") or "",
                "mentions": int(c.get("mentions") or 0),
                "quotes": int(c.get("quotes") or 0),
                "dialogue_words": int(c.get("dialogue_words") or 0),
                "share": share,
                "present": c.get("present"),
                "focal": c["id"] in focal,
            }
        )
    rows.sort(key=lambda r: (-r["mentions"], -r["quotes"], r["name"]))
    return rows


def quote_rows(obj: dict[str, Any], limit: int = 200) -> list[dict[str, Any]]:
    """Quotes in text order with speaker and addressee names (the first ``limit``)."""
    text = obj.get("text") or ""
    names = {c["id"]: c.get("name") or c["id"] for c in obj.get("characters") or []}
    rows = []
    for q in sorted(obj.get("quotes") or [], key=lambda q: q["start"])[:limit]:
        rows.append(
            {
                "text": text[q["start"] : q["end"]],
                "speaker": names.get(q.get("speaker") or "", None),
                "speaker_id": q.get("speaker"),
                "addressee": names.get(q.get("addressee") or "", None),
                "kind": q.get("kind") or "speech",
                "attribution": q.get("attribution") or "unknown",
                "confidence": float(q.get("confidence") or 0),
            }
        )
    return rows


def chapter_marks(obj: dict[str, Any]) -> list[float]:
    """Where chapters 2.. start, as fractions of the body (for the arc plot)."""
    body = obj.get("body") or {"start": 0, "end": len(obj.get("text") or "")}
    length = max(1, body["end"] - body["start"])
    starts = sorted(c["start"] for c in obj.get("chapters") or [])[1:]
    return [min(1.0, max(0.0, (s - body["start"]) / length)) for s in starts]


# ----------------------------------------------------------------------------- search form


def _quote_value(value: str) -> str:
    # the query language has no escape for '"' inside a quoted value
    return '"' + value.replace('"', "").strip() + '"'


def facet_term(kind: str, value: str, source: str | None = None) -> str:
    """The query-language filter for one facet value.

    >>> facet_term("fandom", "Smallville (TV)")
    'fandom:"Smallville (TV)"'
    >>> facet_term("character", "Lana Lang", "inferred")
    'inferred.character:"Lana Lang"'
    """
    name = f"{source}.{kind}" if source in ("declared", "inferred") else kind
    return f"{name}:{_quote_value(value)}"


_CONTROLS = re.compile(r"[\x00-\x1f\x7f]+")


def strip_controls(text: str) -> str:
    r"""Control characters (NUL, escape, newlines...) replaced by a space.

    >>> strip_controls("lana\x00 barn\n")
    'lana  barn '
    """
    return _CONTROLS.sub(" ", text)


def build_query(q: str, include: list[str], exclude: list[str]) -> str:
    """The search box text plus the sidebar's ticked facets, as one query string.

    >>> build_query("barn", ['fandom:"Smallville"'], ['warning:"Major Character Death"'])
    'barn fandom:"Smallville" -warning:"Major Character Death"'
    """
    parts = [q.strip()] if q and q.strip() else []
    parts += [t for t in include if t]
    parts += ["-" + t for t in exclude if t]
    return " ".join(parts)


def term_key(term: str) -> Any:
    """What a query part means, so ``fandom:Smallville`` and ``fandom:"smallville"`` tick one box.

    >>> term_key('declared.fandom:Smallville') == term_key('declared.fandom:"smallville"')
    True
    >>> term_key('declared.fandom:Smallville') == term_key('inferred.fandom:Smallville')
    False
    """
    try:
        from ..library.query import parse_query

        q = parse_query(term)
    except Exception:  # noqa: BLE001 - a term the parser refuses is compared as text
        return term.strip()
    return (
        tuple((f.field, str(f.value).casefold(), f.op, f.source, f.high) for f in q.filters),
        tuple((t.text.casefold(), t.phrase, t.prefix) for t in q.terms),
    )


def facet_groups(facets: Any, include: list[str], exclude: list[str], limit: int = 10) -> list[dict[str, Any]]:
    """The sidebar: per facet type its top values with counts and include/exclude state."""
    inc_keys, exc_keys = {term_key(t) for t in include}, {term_key(t) for t in exclude}
    groups = []
    for kind, values in (facets or {}).items():
        rows = []
        for fv in list(values)[:limit]:
            d = as_dict(fv)
            value = str(d.get("value"))
            # the library knows its own query syntax best; fall back to ours for plain dicts
            term = getattr(fv, "filter_text", None) or facet_term(kind, value, d.get("source"))
            rows.append(
                {
                    "value": value,
                    "label": VALUE_LABELS.get((kind, value)) or (value.capitalize() if kind in ("tense", "ending") else value),
                    "count": d.get("count"),
                    "source": d.get("source"),
                    "term": term,
                    "included": term_key(term) in inc_keys,
                    "excluded": term_key(term) in exc_keys,
                }
            )
        if rows:
            groups.append({"type": kind, "label": FACET_LABELS.get(kind, kind.capitalize()), "values": rows})
    order = {k: i for i, k in enumerate(FACET_LABELS)}
    groups.sort(key=lambda g: order.get(g["type"], len(order)))
    return groups


def page_links(page: int, total: int, per_page: int, params: dict[str, Any]) -> dict[str, Any]:
    """AO3-style pagination: previous/next and page numbers with gaps (``None`` is a gap)."""
    pages = max(1, -(-total // per_page))
    shown = sorted({1, 2, pages - 1, pages, *range(page - 2, page + 3)} & set(range(1, pages + 1)))
    items: list[int | None] = []
    for n in shown:
        if items and items[-1] is not None and n - items[-1] > 1:
            items.append(None)
        items.append(n)

    def url(n: int) -> str:
        return "?" + urlencode([(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs]) if v not in (None, "")] + [("page", n)])

    return {
        "page": page,
        "pages": pages,
        "items": [(n, url(n) if n else None) for n in items],
        "prev": url(page - 1) if page > 1 else None,
        "next": url(page + 1) if page < pages else None,
    }
