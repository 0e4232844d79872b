"""Facets: counts of tag values and column values over the works a query matches.

A facet is a class that builds its SQL and reads its rows back, in the manner of
datasette's facets. ``TagFacet`` counts ``work_tags`` rows per (type, source, value) and
keeps each type's top values with a window function, in one statement for all tag types;
``ColumnFacet`` counts a ``works`` column (POV, tense, ending, completion, crossover).
Declared and inferred values are separate ``FacetValue``s (``source``), so a sidebar can show
"Clark Kent (12 declared, 3 inferred)".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .query import Query
from .search import Dialect, Expander, default_expander, matching_sql

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


class TagFacet:
    """Top values of every tag type among the matching works."""

    def __init__(self, types: Sequence[str] = FACET_TAG_TYPES, limit: int = 20):
        self.types, self.limit = tuple(types), limit

    def sql(self, q: Query, d: Dialect, expand: Expander = default_expander) -> tuple[str, list]:
        types = ", ".join([d.p] * len(self.types))
        params: list[Any] = list(self.types)
        scope = ""
        if q.terms or q.filters:
            frm, where, mparams = matching_sql(q, d, expand)
            scope = f" AND t.work_id IN (SELECT w.id FROM {frm}{where})"
            params.extend(mparams)
        counted = (
            f"SELECT t.type, t.source, t.value_norm, min(t.value) AS value, count(*) AS n FROM work_tags t "
            f"WHERE t.type IN ({types}){scope} GROUP BY t.type, t.source, t.value_norm"
        )
        ranked = (
            "SELECT type, source, value, n, row_number() OVER "
            f"(PARTITION BY type, source ORDER BY n DESC, value) AS rn FROM ({counted}) c"
        )
        sql = f"SELECT type, source, value, n FROM ({ranked}) r WHERE rn <= {d.p} ORDER BY type, n DESC, value"
        return sql, [*params, self.limit]

    def read(self, rows: Sequence[Sequence[Any]]) -> dict[str, list[FacetValue]]:
        out: dict[str, list[FacetValue]] = {t: [] for t in self.types}
        for kind, source, value, n in rows:
            out[kind].append(FacetValue(value, int(n), source, kind))
        for kind in out:
            out[kind].sort(key=lambda v: (-v.count, v.value.casefold(), v.source))
        return out


class ColumnFacet:
    """Counts of the narrative columns no archive has (POV, tense, ending) and completion."""

    def __init__(self, names: Sequence[str] = tuple(COLUMN_FACETS)):
        self.names = tuple(names)

    def sql(self, q: Query, d: Dialect, expand: Expander = default_expander) -> tuple[str, list]:
        frm, where, params = matching_sql(q, d, expand)
        parts = []
        for name in self.names:
            expr, _ = COLUMN_FACETS[name]
            parts.append(f"SELECT '{name}' AS facet, {expr} AS value, count(*) AS n FROM {frm}{where} GROUP BY 2")
        sql = " UNION ALL ".join(parts)
        return sql, params * len(self.names)

    def read(self, rows: Sequence[Sequence[Any]]) -> dict[str, list[FacetValue]]:
        out: dict[str, list[FacetValue]] = {n: [] for n in self.names}
        for name, value, n in rows:
            if value is not None:
                out[name].append(FacetValue(str(value), int(n), COLUMN_FACETS[name][1], name))
        for name in out:
            out[name].sort(key=lambda v: (-v.count, v.value))
        return out
