"""The library's query language, shared by ``ficlens search`` and the web app.

A query is a string of space-separated parts::

    lana "the barn" -kryptonite fandom:"Smallville (TV)" -warning:"Major Character Death"
    pov:first tense:present words:1000-5000 complete:yes sort:words

- ``word`` / ``"a phrase"`` / ``word*``: full text over title, authors, summary, tags and
  story text (ranked; every word must match, as on AO3). ``-word`` excludes works with it.
- ``field:value`` includes, ``-field:value`` excludes; values with spaces are quoted
  (``character:"Lana Lang"``). Tag fields: ``fandom``, ``relationship`` (``ship``),
  ``character``, ``freeform`` (``tag``), ``rating``, ``warning``, ``category``,
  ``author``, and the inferred ``focal`` (focal character of the narration).
  A ``declared.`` or ``inferred.`` prefix (``declared.fandom:``, ``inferred.character:``)
  matches only tags the work states about itself, or only what ficlens inferred; the plain
  field matches both. Tag values match whole tags, case-insensitively, and expand through
  the knowledge base's synonyms (``character:Superman`` finds works tagged ``Clark Kent``).
- AO3 semantics: every include must hold (AND); any exclude removes a work (OR).
- Ranges: ``words:>1000``, ``words:<500``, ``words:1000-5000``, ``words:2000``;
  ``dialogue:>40`` (percent of words inside quotation marks), ``chapters:>1``.
- ``complete:yes|no``; ``crossover:yes|no|only`` (AO3's include / exclude / only);
  ``pov:first|second|third|mixed``; ``tense:past|present|mixed``;
  ``ending:happy|sad|bittersweet|open``; ``site:ao3|ffn``; ``language:en``.
- ``sort:best|title|author|published|updated|added|words|dialogue|chapters`` (optionally
  ``sort:words:asc``) chooses the order, as the ``sort=`` argument does.

``parse_query`` turns the string into a ``Query`` (pure, no database); the SQL builders in
``ficlens.library.search`` turn a ``Query`` into statements.

>>> q = parse_query('lana -kryptonite fandom:"Smallville (TV)" words:>1000 pov:first')
>>> [(t.text, t.negated) for t in q.terms]
[('lana', False), ('kryptonite', True)]
>>> [(f.field, f.value, f.op) for f in q.filters]
[('fandom', 'Smallville (TV)', '='), ('words', 1000, '>'), ('pov', 'first', '=')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import UsageError
from ..vocab import normalise_category, normalise_rating, normalise_warning

# query field -> stored tag type
TAG_FIELDS = {
    "fandom": "fandom",
    "fandoms": "fandom",
    "relationship": "relationship",
    "relationships": "relationship",
    "ship": "relationship",
    "pairing": "relationship",
    "character": "character",
    "characters": "character",
    "freeform": "freeform",
    "tag": "freeform",
    "tags": "freeform",
    "additional": "freeform",
    "rating": "rating",
    "warning": "warning",
    "warnings": "warning",
    "category": "category",
    "categories": "category",
    "author": "author",
    "by": "author",
    "focal": "focal",
}
TAG_TYPES = ("fandom", "relationship", "character", "freeform", "rating", "warning", "category", "author", "focal")
NUMERIC_FIELDS = {"words": "words", "dialogue": "dialogue", "chapters": "chapters"}
ENUM_FIELDS = {
    "pov": ("first", "second", "third", "mixed"),
    "tense": ("past", "present", "mixed"),
    "ending": ("happy", "sad", "bittersweet", "open"),
    "complete": ("yes", "no"),
    "crossover": ("yes", "no", "only"),
    "site": ("ao3", "ffn"),
}
FREE_FIELDS = ("language", "format")
SOURCES = ("declared", "inferred")
SORTS = ("best", "title", "author", "published", "updated", "added", "words", "dialogue", "chapters")
# AO3 lists dates and counts newest/largest first, names A to Z
DEFAULT_ORDER = {"title": "asc", "author": "asc"}

_YES = {"yes", "y", "true", "1", "only", "complete", "completed"}
_NO = {"no", "n", "false", "0", "wip", "incomplete"}


@dataclass(frozen=True)
class Term:
    """A full-text word or phrase; ``prefix`` for ``word*``."""

    text: str
    phrase: bool = False
    negated: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Filter:
    """``field:value``. ``op`` is ``=`` for tags and enums, ``>``/``<``/``between`` for numbers."""

    field: str  # a TAG_TYPES member, a NUMERIC/ENUM/FREE field name
    value: object
    op: str = "="
    negated: bool = False
    source: str | None = None  # "declared", "inferred" or None for both
    high: float | None = None  # upper bound of "between"

    @property
    def is_tag(self) -> bool:
        return self.field in TAG_TYPES


@dataclass
class Query:
    terms: list[Term] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    sort: str | None = None
    order: str | None = None

    @property
    def positive_terms(self) -> list[Term]:
        return [t for t in self.terms if not t.negated]

    @property
    def negative_terms(self) -> list[Term]:
        return [t for t in self.terms if t.negated]

    def __str__(self) -> str:
        return format_query(self)


# a part: optional "-", then either field:"quoted", field:bare, "quoted", or bare
_PART_RE = re.compile(
    r'\s*(?P<neg>-)?(?:(?P<field>[A-Za-z][\w.]*):(?:"(?P<fq>[^"]*)"?|(?P<fv>\S*))|"(?P<phrase>[^"]*)"?|(?P<word>\S+))'
)
_RANGE_RE = re.compile(r"^(?P<lo>\d+(?:\.\d+)?k?)\s*(?:-|\.\.)\s*(?P<hi>\d+(?:\.\d+)?k?)%?$", re.IGNORECASE)
_CMP_RE = re.compile(r"^(?P<op>>=|<=|>|<|=)?\s*(?P<n>\d+(?:\.\d+)?)(?P<k>k)?%?$", re.IGNORECASE)


def parse_query(text: str | None) -> Query:
    """Parse the query language (see the module docstring); a bad part raises ``UsageError``."""
    q = Query()
    pos, text = 0, (text or "").strip()
    while pos < len(text):
        m = _PART_RE.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        neg = bool(m.group("neg"))
        if m.group("field") is not None:
            value = m.group("fq") if m.group("fq") is not None else m.group("fv")
            _add_field(q, m.group("field").lower(), value.strip(), neg, m.group(0).strip())
        elif m.group("phrase") is not None:
            words = m.group("phrase").split()
            if words:
                q.terms.append(Term(" ".join(words), phrase=len(words) > 1, negated=neg))
        else:
            word = m.group("word")
            if word in ("-", "*"):
                continue
            prefix = word.endswith("*") and len(word) > 1
            q.terms.append(Term(word.rstrip("*") if prefix else word, negated=neg, prefix=prefix))
    return q


def _add_field(q: Query, name: str, value: str, neg: bool, raw: str) -> None:
    source = None
    if "." in name:
        source, _, name = name.partition(".")
        if source not in SOURCES:
            raise UsageError(f"unknown prefix {source!r} in {raw!r}; use declared. or inferred.")
    if not value:
        raise UsageError(f"{raw!r} has no value")
    if name == "sort":
        key, _, order = value.lower().partition(":")
        if key not in SORTS or order not in ("", "asc", "desc"):
            raise UsageError(f"unknown sort {value!r}; choose one of {', '.join(SORTS)} (optionally :asc or :desc)")
        q.sort, q.order = key, order or None
        return
    if name in TAG_FIELDS:
        q.filters.append(Filter(TAG_FIELDS[name], _tag_value(TAG_FIELDS[name], value), negated=neg, source=source))
    elif name in NUMERIC_FIELDS:
        q.filters.append(_numeric(NUMERIC_FIELDS[name], value, neg, raw))
    elif name in ENUM_FIELDS:
        q.filters.append(Filter(name, _enum(name, value, raw), negated=neg))
    elif name in FREE_FIELDS:
        q.filters.append(Filter(name, value.lower(), negated=neg))
    else:
        known = sorted(set(TAG_FIELDS) | set(NUMERIC_FIELDS) | set(ENUM_FIELDS) | set(FREE_FIELDS) | {"sort"})
        raise UsageError(f"unknown field {name!r} in {raw!r}; known fields: {', '.join(known)}")
    if source and name not in TAG_FIELDS:
        raise UsageError(f"{raw!r}: declared./inferred. apply to tag fields only")


def _tag_value(kind: str, value: str) -> str:
    # ratings, warnings and categories have AO3's fixed names: accept the forms fans write
    norm = {"rating": normalise_rating, "warning": normalise_warning, "category": normalise_category}.get(kind)
    return (norm(value) if norm else None) or value


def _enum(name: str, value: str, raw: str) -> str:
    v = value.lower()
    if name in ("complete", "crossover"):
        if name == "crossover" and v == "only":
            return "only"
        v = "yes" if v in _YES else "no" if v in _NO else v
    if v not in ENUM_FIELDS[name]:
        raise UsageError(f"{raw!r}: {name} is one of {', '.join(ENUM_FIELDS[name])}")
    return v


def _numeric(name: str, value: str, neg: bool, raw: str) -> Filter:
    v = value.replace(",", "").replace("_", "").strip()
    m = _RANGE_RE.match(v)
    if m:
        lo, hi = _kilo(m.group("lo")), _kilo(m.group("hi"))
        return Filter(name, min(lo, hi), "between", negated=neg, high=max(lo, hi))
    m = _CMP_RE.match(v)
    if not m:
        raise UsageError(f"{raw!r}: expected a number, a comparison (>1000, <500) or a range (1000-5000)")
    n = float(m.group("n")) * (1000 if m.group("k") else 1)
    return Filter(name, _int(n), m.group("op") or "=", negated=neg)


def _kilo(s: str) -> float:
    # "2.5k" -> 2500: fans write word counts that way
    k = s.lower().endswith("k")
    return _int(float(s.rstrip("kK")) * (1000 if k else 1))


def _int(x: float) -> float:
    return int(x) if x == int(x) else x


def _quote(value: str) -> str:
    return f'"{value}"' if (" " in value or ":" in value or not value) else value


def format_query(q: Query) -> str:
    """The canonical text of a query (``parse_query(format_query(q))`` gives back ``q``)."""
    parts: list[str] = []
    for t in q.terms:
        body = f'"{t.text}"' if t.phrase else t.text + ("*" if t.prefix else "")
        parts.append(("-" if t.negated else "") + body)
    for f in q.filters:
        name = f"{f.source}.{f.field}" if f.source else f.field
        if f.op == "between":
            val = f"{_num(f.value)}-{_num(f.high)}"
        elif f.op in (">", "<", ">=", "<="):
            val = f"{f.op}{f.value}"
        else:
            val = _quote(str(f.value))
        parts.append(f"{'-' if f.negated else ''}{name}:{val}")
    if q.sort:
        parts.append(f"sort:{q.sort}" + (f":{q.order}" if q.order else ""))
    return " ".join(parts)


def _num(x: object) -> str:
    return "" if x is None else str(_int(x) if isinstance(x, (int, float)) else x)
