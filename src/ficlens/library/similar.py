"""More like this: works that share tags and vocabulary with a given work.

Candidates come from two cheap indexed queries: works sharing the most (weighted) tags,
and the full-text hits for the work's keywords (the ``more_like_this`` idea). Each candidate
is then scored in Python::

    score = TAG_WEIGHT * weighted Jaccard of (type, value) tag sets
          + TEXT_WEIGHT * estimated Jaccard of the vocabulary MinHash signatures

and the best ``n`` are returned with ``reasons`` (the shared tags that count most).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import signatures as sigs
from .query import Term
from .search import Dialect, fts_match_expr

if TYPE_CHECKING:  # pragma: no cover
    from .store import Hit, Library

# how much a shared tag of each type says about two works being alike
TYPE_WEIGHTS = {"relationship": 3.0, "fandom": 2.0, "character": 1.0, "focal": 1.0, "freeform": 1.0, "author": 1.0}
TAG_WEIGHT, TEXT_WEIGHT = 0.6, 0.4
N_CANDIDATES = 200


def _weight_case(d: Dialect, column: str) -> str:
    whens = " ".join(f"WHEN '{t}' THEN {w}" for t, w in TYPE_WEIGHTS.items())
    return f"CASE {column} {whens} ELSE 0 END"


def tag_candidates_sql(d: Dialect, work_id: int, limit: int = N_CANDIDATES) -> tuple[str, list]:
    """Other works ranked by the summed weight of the tags they share with ``work_id``."""
    types = ", ".join(f"'{t}'" for t in TYPE_WEIGHTS)
    sql = (
        f"SELECT o.work_id, sum({_weight_case(d, 'o.type')}) AS shared "
        "FROM work_tags t JOIN work_tags o ON o.type = t.type AND o.value_norm = t.value_norm "
        f"AND o.work_id <> t.work_id WHERE t.work_id = {d.p} AND t.type IN ({types}) "
        f"GROUP BY o.work_id ORDER BY shared DESC, o.work_id LIMIT {d.p}"
    )
    return sql, [work_id, limit]


def text_candidates_sql(d: Dialect, work_id: int, keywords: Sequence[str], limit: int = 100) -> tuple[str, list]:
    """Other works ranked by full-text relevance to the work's keywords (any of them)."""
    if d.is_sqlite:
        sql = (
            f"SELECT rowid FROM works_fts WHERE works_fts MATCH {d.p} AND rowid <> {d.p} "
            f"ORDER BY bm25(works_fts) LIMIT {d.p}"
        )
        return sql, [fts_match_expr([Term(k) for k in keywords], " OR "), work_id, limit]
    q = " || ".join([f"plainto_tsquery('english', {d.p})"] * len(keywords))
    sql = (
        f"SELECT work_id FROM work_text WHERE tsv @@ ({q}) AND work_id <> {d.p} "
        f"ORDER BY ts_rank_cd(tsv, ({q})) DESC LIMIT {d.p}"
    )
    return sql, [*keywords, work_id, *keywords, limit]


def tag_sets_sql(d: Dialect, ids: Sequence[int]) -> tuple[str, list]:
    types = ", ".join(f"'{t}'" for t in TYPE_WEIGHTS)
    marks = ", ".join([d.p] * len(ids))
    return (
        f"SELECT work_id, type, value_norm, value FROM work_tags WHERE work_id IN ({marks}) AND type IN ({types})",
        list(ids),
    )


def signatures_sql(d: Dialect, ids: Sequence[int]) -> tuple[str, list]:
    marks = ", ".join([d.p] * len(ids))
    return f"SELECT work_id, vocabulary, keywords FROM work_signatures WHERE work_id IN ({marks})", list(ids)


def weighted_jaccard(a: dict[tuple[str, str], str], b: dict[tuple[str, str], str]) -> float:
    """Jaccard of two tag sets, each tag counted with its type's weight."""
    union = set(a) | set(b)
    if not union:
        return 0.0
    inter = set(a) & set(b)
    w = lambda keys: sum(TYPE_WEIGHTS.get(k[0], 0.0) for k in keys)
    total = w(union)
    return w(inter) / total if total else 0.0


def similar_works(lib: Library, work_id: int, n: int = 10) -> list[Hit]:
    d, db = lib.dialect, lib.db
    own = db.query(*signatures_sql(d, [work_id]))
    keywords = own[0][2].split() if own and own[0][2] else []
    cands = [r[0] for r in db.query(*tag_candidates_sql(d, work_id))]
    if keywords:
        cands += [r[0] for r in db.query(*text_candidates_sql(d, work_id, keywords))]
    cands = list(dict.fromkeys(c for c in cands if c != work_id))
    if not cands:
        return []
    tags: dict[int, dict[tuple[str, str], str]] = {}
    for wid, kind, norm, value in db.query(*tag_sets_sql(d, [work_id, *cands])):
        tags.setdefault(wid, {})[(kind, norm)] = value
    vocab = {wid: v for wid, v, _ in db.query(*signatures_sql(d, [work_id, *cands]))}
    mine, my_vocab = tags.get(work_id, {}), vocab.get(work_id)
    scored = []
    for c in cands:
        t = weighted_jaccard(mine, tags.get(c, {}))
        x = sigs.jaccard(my_vocab, vocab[c]) if my_vocab is not None and c in vocab else 0.0
        scored.append((TAG_WEIGHT * t + TEXT_WEIGHT * x, c))
    scored.sort(key=lambda sc: (-sc[0], sc[1]))
    top = [(s, c) for s, c in scored[:n] if s > 0]
    hits = lib.hits([c for _, c in top])
    for h, (s, c) in zip(hits, top):
        h.score = round(s, 4)
        shared = sorted(set(mine) & set(tags.get(c, {})), key=lambda k: (-TYPE_WEIGHTS.get(k[0], 0), k))
        h.reasons = [f"{k[0]}: {mine[k]}" for k in shared[:6]]
    return hits
