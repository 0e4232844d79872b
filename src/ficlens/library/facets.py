"""Facets: counts of tag values and column values over the works a query matches.

A facet is a class that builds its SQL and reads its rows back, in the manner of
datasette's facets. ``TagFacet`` counts ``work_tags`` rows per (type, source, value) and
keeps each type's top values with a window function, in one statement for all tag types;
``ColumnFacet`` counts a ``works`` column (POV, tense, ending, completion, crossover).
Declared and inferred values are separate ``FacetValue``s (``source``), so a sidebar can show
"Clark Kent (12 declared, 3 inferred)".

Cost: counting is linear in the number of matching works. The unfiltered library reads the
maintained ``facet_counts`` table (``LibraryFacets``); a query matching more than
``FACET_SCOPE`` works counts over the first ``FACET_SCOPE`` of them (in library order), and
the search result says so (``facets_exact`` false), so a broad query stays interactive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .query import Query
from .search import Dialect, Expander, default_expander, id_list_sql, ids_sql, matching_sql

if TYPE_CHECKING:  # pragma: no cover
    from .extract import WorkRecord

FACET_SCOPE = 5000
FACET_TAG_TYPES = ("rating", "warning", "category", "fandom", "relationship", "character", "freeform", "focal")
# facet name -> (column expression, source label)
COLUMN_FACETS = {
    "pov": ("w.pov", "inferred"),
    "tense": ("w.tense", "inferred"),
    "ending": ("w.ending", "inferred"),
    "complete": ("CASE w.complete WHEN 1 THEN 'yes' WHEN 0 THEN 'no' END", "declared"),
    "crossover": ("CASE WHEN w.fandom_count > 1 THEN 'only' ELSE 'no' END", "declared"),
}


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    source: str  # "declared" | "inferred"
    facet: str = ""  # the query field: "fandom", "pov", ...

    @property
    def filter_text(self) -> str:
        """The query part that selects this value (``declared.fandom:"Smallville (TV)"``)."""
        v = f'"{self.value}"' if (" " in self.value or ":" in self.value) else self.value
        if self.facet in COLUMN_FACETS:
            return f"{self.facet}:{v}"
        return f"{self.source}.{self.facet}:{v}"


def top_values_sql(counted: str, d: Dialect) -> str:
    """The ``limit`` (last parameter) most frequent values per (type, source) of a counted query
    yielding ``type, source, value, n``: one statement for every facet, not one per type."""
    ranked = (
        "SELECT type, source, value, n, row_number() OVER "
        f"(PARTITION BY type, source ORDER BY n DESC, value) AS rn FROM ({counted}) c"
    )
    return f"SELECT type, source, value, n FROM ({ranked}) r WHERE rn <= {d.p}"


class TagFacet:
    """Top values of every tag type among the matching works."""

    def __init__(self, types: Sequence[str] = FACET_TAG_TYPES, limit: int = 20):
        self.types, self.limit = tuple(types), limit

    def sql(
        self, q: Query, d: Dialect, expand: Expander = default_expander, *, scope_limit: int | None = None
    ) -> tuple[str, list]:
        """Counts over the works ``q`` matches (only its ``scope_limit`` best, when given)."""
        types = ", ".join([d.p] * len(self.types))
        params: list[Any] = list(self.types)
        scope = ""
        if q.terms or q.filters or scope_limit is not None:
            ids, mparams = ids_sql(q, d, expand, limit=scope_limit)
            scope = f" AND t.work_id IN ({ids})"
            params.extend(mparams)
        counted = (
            f"SELECT t.type, t.source, t.value_norm, min(t.value) AS value, count(*) AS n FROM work_tags t "
            f"WHERE t.type IN ({types}){scope} GROUP BY t.type, t.value_norm, t.source"
        )
        return top_values_sql(counted, d), [*params, self.limit]

    def ids_sql(self, d: Dialect, ids: Sequence[int]) -> tuple[str, list]:
        """Counts over the given works (ids from ``scope_sql``: no second pass over the filters)."""
        types = ", ".join([d.p] * len(self.types))
        sub, sparams = id_list_sql(d, ids)
        counted = (
            f"SELECT t.type, t.source, t.value_norm, min(t.value) AS value, count(*) AS n FROM work_tags t "
            f"WHERE t.work_id IN ({sub}) AND t.type IN ({types}) GROUP BY t.type, t.value_norm, t.source"
        )
        return top_values_sql(counted, d), [*sparams, *self.types, self.limit]

    def read(self, rows: Sequence[Sequence[Any]]) -> dict[str, list[FacetValue]]:
        out: dict[str, list[FacetValue]] = {t: [] for t in self.types}
        for kind, source, value, n in rows:
            out[kind].append(FacetValue(value, int(n), source, kind))
        for kind in out:
            out[kind].sort(key=lambda v: (-v.count, v.value.casefold(), v.source))
        return out


class ColumnFacet:
    """Counts of the narrative columns no archive has (POV, tense, ending) and completion.

    One scan groups by all the columns at once (a few hundred combinations at most); the
    per-column counts are summed in Python, instead of one scan per column.
    """

    def __init__(self, names: Sequence[str] = tuple(COLUMN_FACETS)):
        self.names = tuple(names)

    def sql(
        self, q: Query, d: Dialect, expand: Expander = default_expander, *, scope_limit: int | None = None
    ) -> tuple[str, list]:
        cols = ", ".join(COLUMN_FACETS[n][0] for n in self.names)
        keys = ", ".join(str(i + 1) for i in range(len(self.names)))
        if scope_limit is None:
            frm, where, params = matching_sql(q, d, expand)
            return f"SELECT {cols}, count(*) FROM {frm}{where} GROUP BY {keys}", params
        ids, params = ids_sql(q, d, expand, limit=scope_limit)
        return f"SELECT {cols}, count(*) FROM works w WHERE w.id IN ({ids}) GROUP BY {keys}", params

    def from_scope(self, rows: Sequence[Sequence[Any]]) -> dict[str, list[FacetValue]]:
        """Column facets from ``scope_sql`` rows (id, pov, tense, ending, complete, fandom_count)."""
        grouped: dict[tuple, int] = {}
        for _, pov, tense, ending, complete, fandoms in rows:
            key = (pov, tense, ending, None if complete is None else ("yes" if complete else "no"),
                   "only" if (fandoms or 0) > 1 else "no")  # fmt: skip
            grouped[key] = grouped.get(key, 0) + 1
        order = ("pov", "tense", "ending", "complete", "crossover")
        picked = [order.index(n) for n in self.names]
        return self.read([(*(k[i] for i in picked), n) for k, n in grouped.items()])

    def read(self, rows: Sequence[Sequence[Any]]) -> dict[str, list[FacetValue]]:
        counts: dict[str, dict[str, int]] = {n: {} for n in self.names}
        for row in rows:
            n = int(row[-1])
            for name, value in zip(self.names, row):
                if value is not None:
                    counts[name][str(value)] = counts[name].get(str(value), 0) + n
        return {
            name: sorted(
                (FacetValue(v, c, COLUMN_FACETS[name][1], name) for v, c in vals.items()),
                key=lambda v: (-v.count, v.value),
            )
            for name, vals in counts.items()
        }


# ----------------------------------------------------------------------------- whole-library counts


def column_facet_keys(pov, tense, ending, complete, fandom_count) -> list[tuple[str, str, str, str]]:
    """(type, source, value_norm, value) rows a work adds to ``facet_counts`` for its columns."""
    values = {
        "pov": pov,
        "tense": tense,
        "ending": ending,
        "complete": None if complete is None else ("yes" if complete else "no"),
        "crossover": "only" if (fandom_count or 0) > 1 else "no",
    }
    return [(k, COLUMN_FACETS[k][1], v, v) for k, v in values.items() if v is not None]


def facet_keys(rec: WorkRecord) -> list[tuple[str, str, str, str]]:
    """Every ``facet_counts`` row one stored work counts in."""
    tags = [(t.type, t.source, t.norm, t.value) for t in rec.tags if t.type in FACET_TAG_TYPES]
    return tags + column_facet_keys(rec.pov, rec.tense, rec.ending, rec.complete, rec.fandom_count)


def count_up_sql(d: Dialect) -> str:
    """Add one to a facet value's count (creating it), the same statement on both databases."""
    p = d.p
    return (
        f"INSERT INTO facet_counts (type, source, value_norm, value, n) VALUES ({p}, {p}, {p}, {p}, 1) "
        "ON CONFLICT (type, source, value_norm) DO UPDATE SET n = facet_counts.n + 1"
    )


def count_down_sql(d: Dialect) -> str:
    p = d.p
    return f"UPDATE facet_counts SET n = n - 1 WHERE type = {p} AND source = {p} AND value_norm = {p}"


def prune_counts_sql() -> str:
    return "DELETE FROM facet_counts WHERE n <= 0"


def stored_keys_sql(d: Dialect) -> str:
    """A stored work's facet rows (before it is replaced or removed)."""
    types = ", ".join(f"'{t}'" for t in FACET_TAG_TYPES)
    return f"SELECT type, source, value_norm, value FROM work_tags WHERE work_id = {d.p} AND type IN ({types})"


class LibraryFacets:
    """Every facet of the unfiltered library, read from the maintained ``facet_counts``."""

    def __init__(self, limit: int = 20):
        self.limit = limit

    def sql(self, d: Dialect) -> tuple[str, list]:
        return top_values_sql("SELECT type, source, value, n FROM facet_counts WHERE n > 0", d), [self.limit]

    def read(self, rows: Sequence[Sequence[Any]]) -> dict[str, list[FacetValue]]:
        out: dict[str, list[FacetValue]] = {t: [] for t in (*FACET_TAG_TYPES, *COLUMN_FACETS)}
        for kind, source, value, n in rows:
            out.setdefault(kind, []).append(FacetValue(value, int(n), source, kind))
        for kind in out:
            out[kind].sort(key=lambda v: (-v.count, v.value.casefold(), v.source))
        return out
