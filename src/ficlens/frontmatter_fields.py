"""Turn recognised front-matter items into ``Metadata``: AO3 ratings, warnings, relationship tags.

What a work declares is kept apart from what ficlens infers (the contract's rule), and an
AO3 name is only written where the author's words map to it; anything else is kept as written.

>>> parse_rating("T for language")
('Teen And Up Audiences', 'T for language')
>>> parse_rating("PG-13")
('Teen And Up Audiences', 'PG-13')
>>> parse_warnings("character death, angst")
(['Major Character Death'], ['angst'])
>>> parse_warnings("nobody dies, I promise")
([], ['nobody dies', 'I promise'])
>>> parse_warnings("None")
(['No Archive Warnings Apply'], [])
>>> parse_relationships("Clark x Lois, mentions of Chloe/Jimmy (past)")
['Clark/Lois', 'Chloe/Jimmy']
>>> parse_relationships("Clark & Chloe friendship")
['Clark & Chloe friendship']
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .frontmatter_patterns import ffn_info as parse_ffn_info
from .model import Metadata, Note
from .vocab import normalise_category, normalise_rating, normalise_warning

if TYPE_CHECKING:  # pragma: no cover
    from .frontmatter import Item

# item field -> contract note kind; fields not listed (and not in NO_NOTE) become "other"
NOTE_KIND = {
    "summary": "summary",
    "disclaimer": "disclaimer",
    "author_note": "author_note",
    "rating": "rating",
    "warning": "warning",
    "setting": "setting",
    "pov": "pov",
    "dedication": "dedication",
}
NO_NOTE = frozenset({"title", "authors", "separator", "heading"})

_GENERIC_POV = re.compile(
    r"^(?:normal|general|regular|third|3rd|first|1st|omniscient|narrator|nobody|no one|everyone|"
    r"switching|multiple|mixed|various|alternating|random)\b",
    re.IGNORECASE,
)


# ----------------------------------------------------------------------------- value parsers


def parse_rating(value: str) -> tuple[str | None, str]:
    """('Teen And Up Audiences', 'T for language') from what follows 'Rated'/'Rating:'."""
    raw = value.strip().rstrip(".")
    head = re.split(r"\s+(?:for|because|due)\b|[,(;]|\.\s", raw, maxsplit=1)[0].strip()
    words = head.split()
    for cand in (raw, head, " ".join(words[:3]), " ".join(words[:2]), words[0] if words else ""):
        name = normalise_rating(cand)
        if name:
            return name, raw
    return None, raw


_NO_WARNINGS = re.compile(r"^(?:none|no(?:ne)?\s*warnings?|n/?a|nothing|nope|none\s+apply|no\s+archive\s+warnings(?:\s+apply)?)$", re.IGNORECASE)
_NEGATED = re.compile(r"\b(?:no|not|nobody|no\s+one|doesn't|don't|isn't|won't|without|never)\b", re.IGNORECASE)
_SEXUAL = re.compile(r"\b(?:sex|sexual|smut|lemons?|nsfw|nudity|making out)\b", re.IGNORECASE)
_VIOLENT = re.compile(r"violen|gore|blood|torture|injur", re.IGNORECASE)
_SERIOUS = ("Major Character Death", "Graphic Depictions Of Violence", "Rape/Non-Con", "Underage Sex")


def parse_warnings(value: str) -> tuple[list[str], list[str]]:
    """(AO3 archive warnings, the items that match none) for a 'Warnings:' value."""
    matched: list[str] = []
    unmatched: list[str] = []
    for item in re.split(r"\s*(?:,|;|\n|\band\b|&|\+)\s*(?![^(]*\))", value):
        item = item.strip(" .!-–—*")
        if not item:
            continue
        # "character death (not Clark)": the aside qualifies the warning, it does not negate it
        core = re.sub(r"\s*\([^)]*\)", "", item).strip() or item
        if _NO_WARNINGS.match(core):
            name: str | None = "No Archive Warnings Apply"
        else:
            name = normalise_warning(core)
            # "nobody dies", "no graphic violence": a negated warning is not that warning
            if name in _SERIOUS and _NEGATED.search(core):
                name = None
            # "graphic sex" is a rating matter, not graphic violence
            if name == "Graphic Depictions Of Violence" and _SEXUAL.search(core) and not _VIOLENT.search(core):
                name = None
        if name:
            if name not in matched:
                matched.append(name)
        else:
            unmatched.append(item)
    return matched, unmatched


def _freeform_ok(item: str) -> bool:
    """A leftover warning ('angst', 'language') is worth a freeform tag; a sentence is not."""
    return len(item.split()) <= 5 and len(item) <= 40 and not re.search(r"[.?!:]", item)


_QUALIFIERS = re.compile(
    r"^(?:past|implied|mentioned|mentions?\s+of|hints?\s+of|hinted|slight|background|eventual|one-?sided|"
    r"some|minor|unrequited|established|pre-?slash|brief|possible|onesided)\s+",
    re.IGNORECASE,
)
_NO_PAIRING = {"none", "n/a", "na", "gen", "no pairing", "no pairings", "nothing", "no romance", "-"}


def parse_relationships(value: str) -> list[str]:
    """AO3-style relationship tags: 'Clark x Lois' -> 'Clark/Lois'; 'A & B' stays platonic."""
    out: list[str] = []
    for item in re.split(r"\s*(?:,|;|\n)\s*", value):
        item = re.sub(r"\s*\([^)]*\)", "", item).strip(" .")
        for _ in range(2):
            item = _QUALIFIERS.sub("", item)
        if not item or item.lower() in _NO_PAIRING:
            continue
        item = re.sub(r"\s+[xX×]\s+", "/", item)
        item = re.sub(r"\s*/\s*", "/", item)
        item = re.sub(r"\s*&\s*", " & ", item)
        if "/" not in item and "&" not in item:
            # "Pairing: Clark and Lois" names a couple
            m = re.match(r"^(\S+(?:\s\S+)?)\s+and\s+(\S+(?:\s\S+)?)$", item)
            if m:
                item = f"{m.group(1)}/{m.group(2)}"
        if item not in out:
            out.append(item)
    return out


def split_list(value: str, *, keep_parens: bool = False) -> list[str]:
    """'Clark, Lois & Chloe (mentioned)' -> ['Clark', 'Lois', 'Chloe'].

    ``keep_parens`` keeps qualifiers that are part of a name, as in AO3's 'Sherlock (TV)'.
    """
    if not keep_parens:
        value = re.sub(r"\s*\([^)]*\)", "", value)
    items = re.split(r"\s*(?:,|;|\n|&|\band\b)\s*", value)
    return [i.strip(" .") for i in items if i.strip(" .") and i.strip(" .").lower() not in _NO_PAIRING]


def split_genres(value: str) -> list[str]:
    """FFN genre strings: 'Family/Hurt/Comfort' -> ['Family', 'Hurt/Comfort'] (Hurt/Comfort is one genre)."""
    value = re.sub(r"hurt\s*/\s*comfort", "Hurt\x00Comfort", value.strip(" ."), flags=re.IGNORECASE)
    return [g.replace("\x00", "/") for g in re.split(r"\s*[,/;&]\s*", value) if g]


# ----------------------------------------------------------------------------- filling metadata


def _add(lst: list[str], values: list[str]) -> None:
    for v in values:
        if v and v not in lst:
            lst.append(v)


def _title(m: Metadata, it: Item) -> None:
    if m.title is None and it.value:
        m.title = it.value
    _add(m.authors, it.names)


def _summary(m: Metadata, it: Item) -> None:
    if m.summary is None and it.where == "head" and it.value:
        m.summary = it.value


def _rating(m: Metadata, it: Item) -> None:
    name, raw = parse_rating(it.value)
    if m.rating is None and name:
        m.rating = name
    m.extra.setdefault("rating_raw", raw)


def _warning(m: Metadata, it: Item) -> None:
    matched, unmatched = parse_warnings(it.value)
    _add(m.warnings, matched)
    if unmatched:
        _add(m.extra.setdefault("warnings_raw", []), unmatched)
        _add(m.freeform, [u[0].upper() + u[1:] for u in unmatched if _freeform_ok(u)])


def _categories(m: Metadata, it: Item) -> None:
    for item in re.split(r"\s*[,/;&]\s*", it.value):
        cat = normalise_category(item)
        if cat:
            _add(m.categories, [cat])
        elif item.strip():
            _add(m.genres, [item.strip(" .")])  # FFN calls its genres "categories" too


def _words(m: Metadata, it: Item) -> None:
    digits = re.search(r"\d[\d,.\s]*", it.value)
    if m.words is None and digits:
        m.words = int(re.sub(r"\D", "", digits.group()))


def _pov(m: Metadata, it: Item) -> None:
    name = it.value.strip()
    if not name or _GENERIC_POV.match(name):
        return
    if m.pov_note is None:
        m.pov_note = name
    _add(m.extra.setdefault("pov_notes", []), [name])


def _status(m: Metadata, it: Item) -> None:
    v = it.value.lower()
    if re.search(r"\b(?:complete|completed|finished|oneshot|one-shot)\b", v) and "incomplete" not in v:
        m.complete = True
    elif re.search(r"\b(?:wip|in progress|incomplete|ongoing|unfinished)\b", v):
        m.complete = False


def _setting(m: Metadata, it: Item) -> None:
    if m.setting is None and it.value:
        m.setting = it.value


def _language(m: Metadata, it: Item) -> None:
    if m.language is None and it.value:
        m.language = it.value.strip(" .")


def _iso_date(value: str) -> str | None:
    """FFN dates: '5/1/2010' (month first) or 'Jan 5, 2010' -> '2010-05-01' / '2010-01-05'."""
    from datetime import datetime

    for fmt in ("%m/%d/%Y", "%b %d, %Y", "%B %d, %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _ffn_info(m: Metadata, it: Item) -> None:
    """A FanFiction.Net info line pasted with the story: rating, genres, characters, dates."""
    d = parse_ffn_info(it.value) or {}
    if m.rating is None:
        m.rating = normalise_rating(d["rating"])
    m.extra.setdefault("rating_raw", d["rating"])
    if d.get("language") and m.language is None:
        m.language = d["language"]
    _add(m.genres, d["genres"])
    _add(m.characters, d["characters"])
    _add(m.relationships, d["relationships"])
    if d.get("words") and m.words is None:
        m.words = int(re.sub(r"\D", "", d["words"]) or 0) or None
    if d.get("chapters") and m.chapters is None:
        m.chapters = d["chapters"]
    for key in ("published", "updated"):
        if d.get(key) and getattr(m, key) is None:
            setattr(m, key, _iso_date(d[key]))
    if d.get("status"):
        m.complete = d["status"].lower().startswith("complete")
    if d.get("id") and m.work_id is None:
        m.work_id = d["id"]


def _pairing_line(m: Metadata, it: Item) -> None:
    """'Clark/Lana, Chloe POV': the pairings, and the POV named beside them."""
    _add(m.relationships, parse_relationships(it.value))
    for name in it.names:
        _pov(m, type(it)("pov", it.start, it.end, name))


def _extra(m: Metadata, it: Item) -> None:
    if it.value:
        m.extra.setdefault(it.field, it.value)


_HANDLERS: dict[str, Callable[[Metadata, Item], None]] = {
    "title": _title,
    "authors": lambda m, it: _add(m.authors, it.names),
    "summary": _summary,
    "rating": _rating,
    "warning": _warning,
    "relationships": lambda m, it: _add(m.relationships, parse_relationships(it.value)),
    "characters": lambda m, it: _add(m.characters, split_list(it.value)),
    "fandoms": lambda m, it: _add(m.fandoms, split_list(it.value, keep_parens=True)),
    "freeform": lambda m, it: _add(m.freeform, split_list(it.value)),
    "genres": lambda m, it: _add(m.genres, split_genres(it.value)),
    "categories": _categories,
    "words": _words,
    "pov": _pov,
    "status": _status,
    "setting": _setting,
    "language": _language,
    "series": lambda m, it: m.series.append({"title": it.value}) if it.value else None,
    "ffn_info": _ffn_info,
    "pairing_line": _pairing_line,
    "series_note": _extra,
    "beta": _extra,
    "spoilers": _extra,
    "prompt": _extra,
    "archive": _extra,
    "feedback": _extra,
}


def fill_metadata(m: Metadata, items: list[Item]) -> None:
    """Record every item as a note (with its offsets) and fill the fields it declares."""
    seen = {(n.kind, n.start, n.end) for n in m.notes}
    for it in items:
        if it.field not in NO_NOTE:
            note = Note(NOTE_KIND.get(it.field, "other"), it.start, it.end)
            if (note.kind, note.start, note.end) not in seen:
                seen.add((note.kind, note.start, note.end))
                m.notes.append(note)
        handler = _HANDLERS.get(it.field)
        if handler:
            handler(m, it)
    m.notes.sort(key=lambda n: (n.start, n.end))
