"""SQL for search, counts and facets, built apart from where it runs.

Every builder takes a parsed ``Query`` and a ``Dialect`` and returns ``(sql, params)``;
nothing here touches a connection, so a test can print a statement, assert it, and compare
the SQLite and PostgreSQL forms. SQLite and PostgreSQL differ only in full text (FTS5
``MATCH``/``bm25``/``snippet`` against ``tsvector @@``/``ts_rank_cd``/``ts_headline``) and
the placeholder.

Tag filters use one ``w.id IN (SELECT work_id FROM work_tags ...)`` per include (AO3: all
must hold) and a single ``NOT IN`` whose conditions are OR-ed for the excludes (AO3: any one
removes the work). Synonym expansion happens before SQL: a tag value becomes the list of
normalised values it stands for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .extract import normalise_tag
from .query import DEFAULT_ORDER, Filter, Query, Term

# the private-use characters snippets use to mark matches (turned into <mark> or plain text later)
MARK_START, MARK_END = "\ue000", "\ue001"
Expander = Callable[[str, str], Sequence[str]]  # (tag type, value) -> normalised values


@dataclass(frozen=True)
class Dialect:
    name: str  # "sqlite" | "postgresql"
    p: str  # the parameter placeholder

    @property
    def is_sqlite(self) -> bool:
        return self.name == "sqlite"


SQLITE = Dialect("sqlite", "?")
POSTGRES = Dialect("postgresql", "%s")

HIT_COLUMNS = (
    "w.id, w.title, w.authors, w.source_path, w.words, w.rating, w.updated, w.published, w.added, "
    "w.pov, w.tense, w.dialogue, w.ending, w.complete, w.chapters, w.summary, w.fandom_count, w.version"
)
HIT_FIELDS = tuple(c.strip().removeprefix("w.") for c in HIT_COLUMNS.split(","))
# SQLite FTS5 columns: title, authors, summary, tags, text; bm25 weights favour the title
BM25 = "bm25(works_fts, 10.0, 4.0, 2.0, 3.0, 1.0)"
NOT_NULL_SORTS = {"title", "author", "added", "words", "chapters", "updated"}
SORT_COLUMNS = {
    "title": "w.title_sort",
    "author": "w.author_sort",
    "published": "w.published",
    "updated": "coalesce(w.updated, w.added)",
    "added": "w.added",
    "words": "w.words",
    "dialogue": "w.dialogue",
    "chapters": "w.chapters",
}


def default_expander(kind: str, value: str) -> list[str]:
    return [normalise_tag(kind, value)]


# ----------------------------------------------------------------------------- WHERE pieces


def fts_match_expr(terms: Sequence[Term], joiner: str = " ") -> str:
    """An FTS5 MATCH expression with every word quoted, so user text is never FTS syntax.

    >>> fts_match_expr([Term("lana"), Term("the barn", phrase=True), Term("kry", prefix=True)])
    '"lana" "the barn" "kry" *'
    """
    parts = []
    for t in terms:
        quoted = '"' + t.text.replace('"', '""') + '"'
        parts.append(quoted + (" *" if t.prefix else ""))
    return joiner.join(parts)


def _pg_tsquery(terms: Sequence[Term], d: Dialect, op: str) -> tuple[str, list]:
    pieces, params = [], []
    for t in terms:
        if t.prefix:
            # 'simple': the English stemmer would turn the prefix "kry" into "kri"
            word = re.sub(r"\W+", "", t.text).lower()
            pieces.append(f"to_tsquery('simple', {d.p} || ':*')")
            params.append(word or "x")
        else:
            fn = "phraseto_tsquery" if t.phrase else "plainto_tsquery"
            pieces.append(f"{fn}('english', {d.p})")
            params.append(t.text)
    return "(" + f" {op} ".join(pieces) + ")", params


def tag_filter_sql(f: Filter, d: Dialect, expand: Expander) -> tuple[str, list]:
    """The condition on ``work_tags`` for one tag filter (values expanded by synonyms)."""
    values = sorted(set(expand(f.field, str(f.value)))) or [normalise_tag(f.field, str(f.value))]
    cond = f"type = {d.p} AND value_norm IN ({', '.join([d.p] * len(values))})"
    params: list = [f.field, *values]
    if f.source:
        cond += f" AND source = {d.p}"
        params.append(f.source)
    return cond, params


def tag_frequency_sql(f: Filter, d: Dialect, expand: Expander = default_expander) -> tuple[str, list]:
    """How many works carry a tag filter's values (from ``facet_counts``): a selectivity estimate."""
    cond, params = tag_filter_sql(f, d, expand)
    return f"SELECT coalesce(sum(n), 0) FROM facet_counts WHERE {cond}", params


def most_selective_first(q: Query, frequency: Callable[[Filter], int]) -> Query:
    """The same query with its include tag filters ordered rarest first (results unchanged)."""
    includes = [f for f in q.filters if f.is_tag and not f.negated]
    if len(includes) < 2:
        return q
    rest = [f for f in q.filters if not (f.is_tag and not f.negated)]
    ordered = sorted(includes, key=frequency)
    return Query(terms=list(q.terms), filters=ordered + rest, sort=q.sort, order=q.order)


def _column_filter_sql(f: Filter, d: Dialect) -> tuple[str, list]:
    """A condition on a ``works`` column (numbers, enums), or ``("", [])`` for no condition."""
    if f.field in ("words", "dialogue", "chapters"):
        col = f"w.{f.field}"
        if f.op == "between":
            cond, params = f"{col} BETWEEN {d.p} AND {d.p}", [f.value, f.high]
        else:
            cond, params = f"{col} {f.op} {d.p}", [f.value]
        return (f"NOT ({cond})" if f.negated else cond), params
    if f.field == "crossover":
        want = {"yes": None, "no": False, "only": True}[str(f.value)]
        if want is None:  # "include crossovers" is the default: no condition
            return ("w.fandom_count > 1", []) if f.negated else ("", [])
        only = want != f.negated
        return ("w.fandom_count > 1" if only else "w.fandom_count <= 1"), []
    if f.field == "complete":
        yes = (f.value == "yes") != f.negated
        return f"w.complete = {d.p}", [1 if yes else 0]
    col = {"language": "lower(w.language)"}.get(f.field, f"w.{f.field}")
    if f.negated:
        return f"({col} IS NULL OR {col} <> {d.p})", [f.value]
    return f"{col} = {d.p}", [f.value]


def where_sql(q: Query, d: Dialect, expand: Expander = default_expander) -> tuple[list[str], list]:
    """The WHERE conditions (on alias ``w``) for a query's filters and excluded words."""
    conds: list[str] = []
    params: list = []
    ex_conds: list[str] = []
    ex_params: list = []
    driven = False
    for f in q.filters:
        if f.is_tag:
            cond, ps = tag_filter_sql(f, d, expand)
            if f.negated:
                ex_conds.append(f"({cond})")
                ex_params.extend(ps)
            elif not driven:
                # the first include yields the candidate ids (put the rarest tag first:
                # ``most_selective_first``); the others are probed per candidate by primary key
                conds.append(f"w.id IN (SELECT work_id FROM work_tags WHERE {cond})")
                params.extend(ps)
                driven = True
            else:
                conds.append(f"EXISTS (SELECT 1 FROM work_tags p WHERE p.work_id = w.id AND {cond})")
                params.extend(ps)
        else:
            cond, ps = _column_filter_sql(f, d)
            if cond:
                conds.append(cond)
                params.extend(ps)
    if ex_conds:
        conds.append(f"w.id NOT IN (SELECT work_id FROM work_tags WHERE {' OR '.join(ex_conds)})")
        params.extend(ex_params)
    neg = q.negative_terms
    if neg:
        if d.is_sqlite:
            conds.append(f"w.id NOT IN (SELECT rowid FROM works_fts WHERE works_fts MATCH {d.p})")
            params.append(fts_match_expr(neg, " OR "))
        else:
            tsq, ps = _pg_tsquery(neg, d, "||")
            conds.append(f"w.id NOT IN (SELECT work_id FROM work_text WHERE tsv @@ {tsq})")
            params.extend(ps)
    return conds, params


def from_sql(q: Query, d: Dialect) -> tuple[str, list[str], list]:
    """FROM clause plus the full-text condition (when the query has words to match)."""
    pos = q.positive_terms
    if not pos:
        return "works w", [], []
    if d.is_sqlite:
        return "works_fts JOIN works w ON w.id = works_fts.rowid", [f"works_fts MATCH {d.p}"], [fts_match_expr(pos)]
    tsq, ps = _pg_tsquery(pos, d, "&&")
    return "works w JOIN work_text x ON x.work_id = w.id", [f"x.tsv @@ {tsq}"], ps


def _where(conds: Sequence[str]) -> str:
    return (" WHERE " + " AND ".join(conds)) if conds else ""


def matching_sql(q: Query, d: Dialect, expand: Expander = default_expander) -> tuple[str, str, list]:
    """(FROM ..., WHERE ..., params) shared by the search, count and facet statements."""
    frm, fconds, fparams = from_sql(q, d)
    wconds, wparams = where_sql(q, d, expand)
    return frm, _where([*fconds, *wconds]), [*fparams, *wparams]


def order_sql(q: Query, sort: str | None = None, order: str | None = None, d: Dialect = SQLITE) -> str:
    """ORDER BY for a sort key; ``best`` is relevance with words, else newest first (AO3).

    Works without a value (no publication date, say) go last. ``NULLS LAST`` is written only
    where the database would otherwise put them first (PostgreSQL descending, SQLite
    ascending), because SQLite cannot walk an index for an explicit NULLS clause.
    """
    key = sort or q.sort or "best"
    direction = (order or q.order or DEFAULT_ORDER.get(key, "desc")).upper()
    if key == "best":
        if q.positive_terms:
            return f"score {direction if order or q.order else 'DESC'}, w.id DESC"
        key = "updated"
    col = SORT_COLUMNS[key]
    nulls_first_by_default = (direction == "DESC") != d.is_sqlite
    nulls = " NULLS LAST" if key not in NOT_NULL_SORTS and nulls_first_by_default else ""
    return f"{col} {direction}{nulls}, w.id {direction}"


def search_sql(
    q: Query,
    d: Dialect,
    *,
    page: int = 1,
    per_page: int = 20,
    sort: str | None = None,
    order: str | None = None,
    expand: Expander = default_expander,
) -> tuple[str, list]:
    """One page of hits: the hit columns, ``score`` (higher is better) and ``snippet``."""
    frm, where, params = matching_sql(q, d, expand)
    limit = f" LIMIT {d.p} OFFSET {d.p}"
    paging = [max(1, per_page), (max(1, page) - 1) * max(1, per_page)]
    orderby = " ORDER BY " + order_sql(q, sort, order, d)
    if not q.positive_terms:
        sql = f"SELECT {HIT_COLUMNS}, 0.0 AS score, NULL AS snippet FROM {frm}{where}{orderby}{limit}"
        return sql, [*params, *paging]
    if d.is_sqlite:
        snip = f"snippet(works_fts, -1, '{MARK_START}', '{MARK_END}', '…', 24)"
        sql = f"SELECT {HIT_COLUMNS}, -{BM25} AS score, {snip} AS snippet FROM {frm}{where}{orderby}{limit}"
        return sql, [*params, *paging]
    # PostgreSQL: ts_headline is costly, so snippets come from headline_sql for the page only
    tsq, tparams = _pg_tsquery(q.positive_terms, d, "&&")
    sql = f"SELECT {HIT_COLUMNS}, ts_rank_cd(x.tsv, {tsq}) AS score, NULL AS snippet FROM {frm}{where}{orderby}{limit}"
    return sql, [*tparams, *params, *paging]


def headline_sql(q: Query, d: Dialect, ids: Sequence[int]) -> tuple[str, list]:
    """PostgreSQL snippets (``ts_headline``) for the works on one page."""
    tsq, tparams = _pg_tsquery(q.positive_terms, d, "&&")
    opts = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=1"
    marks = ", ".join([d.p] * len(ids))
    sql = f"SELECT work_id, ts_headline('english', text, {tsq}, '{opts}') FROM work_text WHERE work_id IN ({marks})"
    return sql, [*tparams, *ids]


def count_sql(q: Query, d: Dialect, expand: Expander = default_expander) -> tuple[str, list]:
    frm, where, params = matching_sql(q, d, expand)
    return f"SELECT count(*) FROM {frm}{where}", params


SCOPE_COLUMNS = "w.id, w.pov, w.tense, w.ending, w.complete, w.fandom_count"


def scope_sql(q: Query, d: Dialect, expand: Expander = default_expander) -> tuple[str, list]:
    """Every matching work's id and narrative columns, in one pass: the total, the column
    facets, and the id list the tag facets are counted over all come from these rows."""
    frm, where, params = matching_sql(q, d, expand)
    return f"SELECT {SCOPE_COLUMNS} FROM {frm}{where}", params


def id_list_sql(d: Dialect, ids: Sequence[int]) -> tuple[str, list]:
    """A subquery yielding the given ids, as one parameter (a JSON array / a PostgreSQL array)."""
    if d.is_sqlite:
        import json

        return f"SELECT value FROM json_each({d.p})", [json.dumps(list(ids))]
    return f"SELECT unnest({d.p}::bigint[])", [list(ids)]


def ids_sql(q: Query, d: Dialect, expand: Expander = default_expander, *, limit: int | None = None) -> tuple[str, list]:
    """The ids a query matches; with ``limit``, only the best-ranked (text) or newest ``limit``."""
    frm, where, params = matching_sql(q, d, expand)
    if limit is None:
        return f"SELECT w.id FROM {frm}{where}", params
    if not q.positive_terms:
        return f"SELECT w.id FROM {frm}{where} ORDER BY w.id DESC LIMIT {d.p}", [*params, limit]
    if d.is_sqlite:
        return f"SELECT w.id FROM {frm}{where} ORDER BY {BM25} LIMIT {d.p}", [*params, limit]
    tsq, tparams = _pg_tsquery(q.positive_terms, d, "&&")
    sql = f"SELECT w.id FROM {frm}{where} ORDER BY ts_rank_cd(x.tsv, {tsq}) DESC LIMIT {d.p}"
    return sql, [*params, *tparams, limit]
