"""The library: analysed works stored in SQLite (default) or PostgreSQL, searchable.

Design
    One narrow row per work in ``works`` (the current version: only what search filters and
    sorts on), the contract object without its text in ``work_analysis`` (zlib-compressed
    JSON), its tags in ``work_tags`` (declared and inferred rows, each marked), its text in
    the full-text table (``works_fts`` on SQLite, ``work_text`` on PostgreSQL: the only copy
    of the current text), MinHash signatures in ``work_signatures``, replaced versions
    (analysis *and* text) in ``work_history``, and whole-library facet counts in
    ``facet_counts``. The schema comes from the named migrations in ``migrations.py``; SQL
    for reading comes from the ``*_sql`` builders in ``search.py``, ``facets.py`` and
    ``similar.py``.

Invariants
    - Identity is the content hash: a given ``source.sha256`` is stored at most once, in
      ``works`` or in ``work_history``. Adding it again changes nothing (``unchanged``).
    - A work that declares a site id (AO3 work id, FFN story id) has one row per
      (site, id). New content for the same id replaces the row in place (same library id,
      ``version`` + 1) after copying the old analysis and text to ``work_history``.
    - Each add or remove is one transaction covering every table (``add_many`` puts several
      whole works in one), so a crash at any point leaves a work either fully stored or
      absent: never a work without its analysis, text, tags or signatures, and
      ``facet_counts`` always equals the counts over ``work_tags`` and ``works``.
    - ``work_analysis`` + the stored text give back exactly the contract object that was
      added (``get`` returns it with library fields added under ``library``).
    - One writer at a time (SQLite's rule); readers never block it (WAL).
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import FiclensError, LibraryError, UsageError, WorkNotFound
from . import signatures as sigs
from .backend import Backend, SQLiteBackend
from .extract import WorkRecord, normalise_tag, record_from_analysis
from .facets import (
    FACET_SCOPE,
    ColumnFacet,
    FacetValue,
    LibraryFacets,
    TagFacet,
    column_facet_keys,
    count_down_sql,
    count_up_sql,
    facet_keys,
    prune_counts_sql,
    stored_keys_sql,
)
from .migrations import migrate
from .query import Query, parse_query
from .results import AddReport, AddResult, DuplicateGroup, Hit, SearchResult, mark_snippet
from .search import (
    HIT_FIELDS,
    Expander,
    count_sql,
    headline_sql,
    most_selective_first,
    scope_sql,
    search_sql,
    tag_frequency_sql,
)

ENV_VAR = "FICLENS_LIBRARY"


def default_library_path() -> Path:
    """``$FICLENS_LIBRARY``, else ``$XDG_DATA_HOME/ficlens/library.db`` (``~/.local/share/...``)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "ficlens" / "library.db"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------- the library


class Library:
    """A library of analysed works. Open with ``open_library``; close when done."""

    def __init__(self, db: Backend, *, location: str, synonyms: Callable[[str], Iterable[str]] | None = None):
        self.db = db
        self.location = location
        self._synonyms = synonyms
        try:
            self.migrations_applied = migrate(db)
        except FiclensError:
            raise
        except Exception as exc:  # noqa: BLE001 - any driver error here means an unusable file
            raise LibraryError(f"cannot prepare the library: {' '.join(str(exc).split())}", path=location) from None

    # -- context manager
    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @property
    def dialect(self):
        return self.db.dialect

    # -- adding
    def add_analysis(self, obj: dict[str, Any]) -> AddResult:
        """Store one contract object (idempotent by sha256; a new version of a site id updates)."""
        rec, sig = self._prepare(obj)
        with self.db.transaction():
            return self._store(rec, sig)

    def add_many(self, objs: Iterable[dict[str, Any]], *, per_transaction: int = 200) -> list[AddResult]:
        """Store many contract objects, several works per transaction (bulk loads, benchmarks).

        Each transaction holds whole works only, so a crash still leaves every work whole or
        absent; it only loses up to ``per_transaction`` works of progress.
        """
        results: list[AddResult] = []
        batch: list[tuple[WorkRecord, sigs.Signatures]] = []
        for obj in objs:
            batch.append(self._prepare(obj))
            if len(batch) >= per_transaction:
                results.extend(self._store_batch(batch))
                batch = []
        results.extend(self._store_batch(batch))
        return results

    def _store_batch(self, batch: list[tuple[WorkRecord, sigs.Signatures]]) -> list[AddResult]:
        if not batch:
            return []
        with self.db.transaction():
            return [self._store(rec, sig) for rec, sig in batch]

    @staticmethod
    def _prepare(obj: dict[str, Any]) -> tuple[WorkRecord, sigs.Signatures]:
        # the costly pure part of an add, done outside the write lock
        rec = record_from_analysis(obj)
        if not rec.sha256:
            raise UsageError("analysis has no source.sha256")
        return rec, sigs.compute(rec.body)

    def _store(self, rec: WorkRecord, sig: sigs.Signatures) -> AddResult:
        """Write one work; the caller holds the transaction."""
        p = self.dialect.p
        known = self._known(rec.sha256, rec.source_path)
        if known:
            return known
        current = None
        if rec.site_work_id:
            current = self.db.query(
                f"SELECT id, version FROM works WHERE site = {p} AND site_work_id = {p}", [rec.site, rec.site_work_id]
            )
        now = _now()
        if current:
            wid, version = current[0][0], current[0][1] + 1
            self._archive(wid, now)
            self._delete_children(wid)
            self.db.execute(f"UPDATE works SET {_assignments(p)} WHERE id = {p}", [*_values(rec, version, now), wid])
            status = "updated"
        else:
            version = 1
            cols = ", ".join(_WORK_COLUMNS + ("added",))
            marks = ", ".join([p] * (len(_WORK_COLUMNS) + 1))
            wid = self._insert_work(f"INSERT INTO works ({cols}) VALUES ({marks})", [*_values(rec, 1, now), now])
            status = "added"
        self._write_children(wid, rec, sig)
        return AddResult(status, wid, rec.title, rec.source_path, version=version)

    def _insert_work(self, sql: str, params: list) -> int:
        if self.dialect.is_sqlite:
            return self.db.insert_id(sql, params)
        return self.db.insert_id(sql + " RETURNING id", params)

    def _archive(self, wid: int, now: str) -> None:
        p = self.dialect.p
        text = _pack(self._text(wid))
        self.db.execute(
            "INSERT INTO work_history (work_id, version, sha256, source_path, analysis, text, added, replaced) "
            f"SELECT w.id, w.version, w.sha256, w.source_path, a.analysis, {p}, w.modified, {p} "
            f"FROM works w JOIN work_analysis a ON a.work_id = w.id WHERE w.id = {p}",
            [text, now, wid],
        )

    def _delete_children(self, wid: int) -> None:
        """Remove everything derived from a work's current version (and its facet counts)."""
        p, d = self.dialect.p, self.dialect
        keys = [k[:3] for k in self.db.query(stored_keys_sql(d), [wid])]
        cols = self.db.query(f"SELECT pov, tense, ending, complete, fandom_count FROM works WHERE id = {p}", [wid])
        if cols:
            keys += [k[:3] for k in column_facet_keys(*cols[0])]
        self.db.executemany(count_down_sql(d), keys)
        self.db.execute(prune_counts_sql())
        self.db.execute(f"DELETE FROM work_tags WHERE work_id = {p}", [wid])
        self.db.execute(f"DELETE FROM work_signatures WHERE work_id = {p}", [wid])
        self.db.execute(f"DELETE FROM work_analysis WHERE work_id = {p}", [wid])
        table, key = ("works_fts", "rowid") if d.is_sqlite else ("work_text", "work_id")
        self.db.execute(f"DELETE FROM {table} WHERE {key} = {p}", [wid])

    def _write_children(self, wid: int, rec: WorkRecord, sig: sigs.Signatures) -> None:
        p = self.dialect.p
        self.db.execute(
            f"INSERT INTO work_analysis (work_id, analysis) VALUES ({p}, {p})", [wid, _pack(rec.analysis_json())]
        )
        self._write_tags(wid, rec)
        table, key = ("works_fts", "rowid") if self.dialect.is_sqlite else ("work_text", "work_id")
        self.db.execute(
            f"INSERT INTO {table} ({key}, title, authors, summary, tags, text) VALUES ({p}, {p}, {p}, {p}, {p}, {p})",
            [wid, rec.title, ", ".join(rec.authors), rec.summary or "", rec.tags_text, rec.text],
        )
        self.db.execute(
            f"INSERT INTO work_signatures (work_id, shingles, vocabulary, keywords) VALUES ({p}, {p}, {p}, {p})",
            [wid, sig.shingles, sig.vocabulary, " ".join(sig.keywords)],
        )
        self.db.executemany(count_up_sql(self.dialect), facet_keys(rec))

    def _write_tags(self, wid: int, rec: WorkRecord) -> None:
        p = self.dialect.p
        sql = (
            "INSERT INTO work_tags (work_id, type, source, value_norm, value, confidence) "
            f"VALUES ({p}, {p}, {p}, {p}, {p}, {p})"
        )
        self.db.executemany(sql, [(wid, t.type, t.source, t.norm, t.value, t.confidence) for t in rec.tags])

    def add_paths(
        self,
        paths: Sequence[str | Path],
        *,
        progress: Callable[[AddResult], None] | None = None,
        profile: str | None = None,
        stages: Sequence[str] | None = None,
        max_bytes: int | None = None,
    ) -> AddReport:
        """Read, analyse and store files and folders (recursive). A bad file is reported, not fatal."""
        from .. import contract
        from ..ingest import iter_work_paths, read
        from ..pipeline import default_pipeline

        report = AddReport()
        files = iter_work_paths(list(paths))
        pipe = None
        for f in files:
            try:
                work = read(f, max_bytes=max_bytes)
                # a known file skips the costly analysis
                res = self._known(work.source.sha256, str(f))
                if res is None:
                    pipe = pipe or default_pipeline(profile=profile, stages=stages)
                    res = self.add_analysis(contract.to_json(pipe.run(work)))
            except FiclensError as exc:
                res = AddResult("error", path=str(f), message=str(exc))
            except Exception as exc:  # noqa: BLE001 - one bad file never stops the batch
                res = AddResult("error", path=str(f), message=f"{type(exc).__name__}: {' '.join(str(exc).split())}")
            report.results.append(res)
            if progress:
                progress(res)
        return report

    def _known(self, sha: str, path: str | None) -> AddResult | None:
        """``unchanged`` when this content is stored, as the current or an older version."""
        p = self.dialect.p
        row = self.db.query(f"SELECT id, title, version FROM works WHERE sha256 = {p}", [sha])
        if row:
            return AddResult("unchanged", row[0][0], row[0][1], path, version=row[0][2])
        old = self.db.query(
            f"SELECT h.work_id, w.title, h.version FROM work_history h JOIN works w ON w.id = h.work_id "
            f"WHERE h.sha256 = {p}",
            [sha],
        )
        if old:  # an older version of a work we hold: never step back
            return AddResult("unchanged", old[0][0], old[0][1], path, "older version", old[0][2])
        return None

    # -- reading
    def _text(self, wid: int) -> str:
        p = self.dialect.p
        if self.dialect.is_sqlite:
            rows = self.db.query(f"SELECT text FROM works_fts WHERE rowid = {p}", [wid])
        else:
            rows = self.db.query(f"SELECT text FROM work_text WHERE work_id = {p}", [wid])
        return rows[0][0] if rows else ""

    def get(self, work_id: int) -> dict[str, Any] | None:
        """The stored contract object, with ``library`` = {id, added, updated, version, versions}."""
        p = self.dialect.p
        rows = self.db.query(
            "SELECT a.analysis, w.added, w.modified, w.version FROM works w "
            f"JOIN work_analysis a ON a.work_id = w.id WHERE w.id = {p}",
            [work_id],
        )
        if not rows:
            return None
        analysis, added, modified, version = rows[0]
        obj = json.loads(_unpack(analysis))
        obj["text"] = self._text(work_id)
        obj["library"] = {
            "id": work_id,
            "added": added,
            "updated": modified,
            "version": version,
            "versions": self.history(work_id),
        }
        return obj

    def history(self, work_id: int) -> list[dict[str, Any]]:
        """Replaced versions of a work, oldest first (without their analyses)."""
        p = self.dialect.p
        rows = self.db.query(
            "SELECT version, sha256, source_path, added, replaced FROM work_history "
            f"WHERE work_id = {p} ORDER BY version",
            [work_id],
        )
        keys = ("version", "sha256", "source_path", "added", "replaced")
        return [dict(zip(keys, r)) for r in rows]

    def get_version(self, work_id: int, version: int) -> dict[str, Any] | None:
        """A replaced version's contract object (text included), or None."""
        p = self.dialect.p
        rows = self.db.query(
            f"SELECT analysis, text FROM work_history WHERE work_id = {p} AND version = {p}", [work_id, version]
        )
        if not rows:
            return None
        obj = json.loads(_unpack(rows[0][0]))
        obj["text"] = _unpack(rows[0][1])
        return obj

    def remove(self, work_id: int) -> None:
        """Delete a work, its history and everything derived from it (one transaction)."""
        p = self.dialect.p
        with self.db.transaction():
            if not self.db.query(f"SELECT 1 FROM works WHERE id = {p}", [work_id]):
                raise WorkNotFound(f"no work with id {work_id} in the library")
            self._delete_children(work_id)
            self.db.execute(f"DELETE FROM work_history WHERE work_id = {p}", [work_id])
            self.db.execute(f"DELETE FROM works WHERE id = {p}", [work_id])

    def __len__(self) -> int:
        return int(self.db.query("SELECT count(*) FROM works")[0][0])

    def ids(self) -> list[int]:
        return [r[0] for r in self.db.query("SELECT id FROM works ORDER BY id")]

    # -- search
    def expander(self) -> Expander:
        """(type, value) -> normalised values it stands for, through the KB's synonyms."""
        from .synonyms import make_expander

        return make_expander(self._synonyms)

    def search(
        self,
        query: str | Query = "",
        *,
        sort: str | None = None,
        order: str | None = None,
        page: int = 1,
        per_page: int = 20,
        with_facets: bool = True,
        facet_limit: int = 20,
    ) -> SearchResult:
        """Run a query in the library's query language (see ``ficlens.library.query``)."""
        from .query import SORTS

        q = query if isinstance(query, Query) else parse_query(query)
        if sort and sort not in SORTS:
            raise UsageError(f"unknown sort {sort!r}; choose one of {', '.join(SORTS)}")
        expand = self.expander()
        q = self._plan(q, expand)
        d = self.dialect
        sql, params = search_sql(q, d, page=page, per_page=per_page, sort=sort, order=order, expand=expand)
        rows = self.db.query(sql, params)
        hits = self._hits(rows, q)
        result = SearchResult(hits, 0, page, per_page, q, sql=[sql])
        if (q.terms or q.filters) and with_facets:
            # one pass gives the total, the column facets and the ids the tag facets count over
            scope = self.db.query(*scope_sql(q, d, expand))
            result.total = len(scope)
            result.facets_exact = len(scope) <= FACET_SCOPE
            result.facets = self._scope_facets(scope[:FACET_SCOPE], facet_limit)
            return result
        if page > 1 or len(hits) >= per_page:
            result.total = (
                len(self) if not (q.terms or q.filters) else int(self.db.query(*count_sql(q, d, expand))[0][0])
            )
        else:
            result.total = len(hits)
        if with_facets:
            result.facets = self.facets("", limit=facet_limit)
        return result

    def _scope_facets(self, scope: Sequence[tuple], limit: int) -> dict[str, list[FacetValue]]:
        tf, cf = TagFacet(limit=limit), ColumnFacet()
        out = tf.read(self.db.query(*tf.ids_sql(self.dialect, [r[0] for r in scope]))) if scope else tf.read([])
        out.update(cf.from_scope(scope))
        return out

    def facets(
        self, query: str | Query = "", *, limit: int = 20, scope_limit: int | None = None
    ) -> dict[str, list[FacetValue]]:
        """Facet counts over the works a query matches (or its ``scope_limit`` best matches)."""
        q = query if isinstance(query, Query) else parse_query(query)
        if not q.terms and not q.filters:
            lf = LibraryFacets(limit)
            return lf.read(self.db.query(*lf.sql(self.dialect)))
        expand = self.expander()
        q = self._plan(q, expand)
        tf, cf = TagFacet(limit=limit), ColumnFacet()
        out = tf.read(self.db.query(*tf.sql(q, self.dialect, expand, scope_limit=scope_limit)))
        out.update(cf.read(self.db.query(*cf.sql(q, self.dialect, expand, scope_limit=scope_limit))))
        return out

    def _plan(self, q: Query, expand: Expander) -> Query:
        """Rarest include tag first, so the SQL starts from the fewest candidate works."""
        return most_selective_first(q, lambda f: int(self.db.query(*tag_frequency_sql(f, self.dialect, expand))[0][0]))

    def _hits(self, rows: Sequence[tuple], q: Query | None = None) -> list[Hit]:
        if not rows:
            return []
        snippets: dict[int, str] = {}
        if q is not None and q.positive_terms and not self.dialect.is_sqlite:
            snippets = dict(self.db.query(*headline_sql(q, self.dialect, [r[0] for r in rows])))
        tags = self._tags_for([r[0] for r in rows])
        hits = []
        for r in rows:
            rec = dict(zip(HIT_FIELDS + ("score", "snippet"), r))
            plain, safe = mark_snippet(snippets.get(rec["id"], rec["snippet"]))
            wt = tags.get(rec["id"], {})
            hits.append(
                Hit(
                    id=rec["id"],
                    title=rec["title"],
                    authors=json.loads(rec["authors"]),
                    source_path=rec["source_path"],
                    score=round(float(rec["score"] or 0.0), 4),
                    snippet=plain,
                    snippet_html=safe,
                    words=rec["words"],
                    rating=rec["rating"],
                    fandoms=_best_values(wt.get("fandom", [])),
                    summary=rec["summary"],
                    updated=rec["updated"],
                    published=rec["published"],
                    added=rec["added"],
                    pov=rec["pov"],
                    tense=rec["tense"],
                    dialogue=rec["dialogue"],
                    ending=rec["ending"],
                    complete=None if rec["complete"] is None else bool(rec["complete"]),
                    chapters=rec["chapters"],
                    crossover=rec["fandom_count"] > 1,
                    version=rec["version"],
                    tags=wt,
                )
            )
        return hits

    def _tags_for(self, ids: Sequence[int]) -> dict[int, dict[str, list[dict[str, str]]]]:
        if not ids:
            return {}
        p = self.dialect.p
        rows = self.db.query(
            f"SELECT work_id, type, source, value FROM work_tags WHERE work_id IN ({', '.join([p] * len(ids))}) "
            "ORDER BY work_id, type, source DESC, confidence DESC, value",
            list(ids),
        )
        out: dict[int, dict[str, list[dict[str, str]]]] = {}
        for wid, kind, source, value in rows:
            out.setdefault(wid, {}).setdefault(kind, []).append({"value": value, "source": source})
        return out

    def hits(self, ids: Sequence[int]) -> list[Hit]:
        """Hits (no score, no snippet) for the given ids, in that order."""
        if not ids:
            return []
        from .search import HIT_COLUMNS

        p = self.dialect.p
        sql = f"SELECT {HIT_COLUMNS}, 0.0, NULL, 0 FROM works w WHERE w.id IN ({', '.join([p] * len(ids))})"
        by_id = {h.id: h for h in self._hits(self.db.query(sql, list(ids)))}
        return [by_id[i] for i in ids if i in by_id]

    def list(self, *, sort: str = "added", order: str | None = None, page: int = 1, per_page: int = 50) -> SearchResult:
        """Every work, one page at a time (a search with no query)."""
        return self.search("", sort=sort, order=order, page=page, per_page=per_page, with_facets=False)

    # -- similarity
    def similar(self, work_id: int, n: int = 10) -> list[Hit]:
        """Works most like this one, by shared tags and shared vocabulary."""
        from .similar import similar_works

        if not self.db.query(f"SELECT 1 FROM works WHERE id = {self.dialect.p}", [work_id]):
            raise WorkNotFound(f"no work with id {work_id} in the library")
        return similar_works(self, work_id, n)

    def duplicates(self, *, threshold: float = 0.5) -> list[DuplicateGroup]:
        """Groups of near-duplicate works (same story saved twice, or two versions)."""
        from .dedup import duplicate_groups

        return duplicate_groups(self, threshold=threshold)

    # -- export
    def export_jsonl(self, fp, *, ids: Sequence[int] | None = None) -> int:
        """Write one contract object per line (with ``library`` fields); returns the count."""
        n = 0
        for wid in ids if ids is not None else self.ids():
            obj = self.get(wid)
            if obj is not None:
                fp.write(json.dumps(obj, ensure_ascii=False) + "\n")
                n += 1
        return n

    def iter_analyses(self, ids: Sequence[int] | None = None) -> Iterable[dict[str, Any]]:
        for wid in ids if ids is not None else self.ids():
            obj = self.get(wid)
            if obj is not None:
                yield obj


def _best_values(values: list[dict[str, str]]) -> list[str]:
    """Declared values when there are any, else inferred (the contract's "best answer")."""
    declared = [v["value"] for v in values if v["source"] == "declared"]
    return declared or [v["value"] for v in values]


_WORK_COLUMNS = (
    "sha256", "site", "site_work_id", "source_path", "format", "title", "title_sort", "authors", "author_sort",
    "summary", "words", "chapters", "complete", "rating", "language", "published", "updated", "pov", "tense",
    "dialogue", "ending", "fandom_count", "body_start", "body_end", "version", "modified",
)  # fmt: skip


def _pack(text: str) -> bytes:
    """Analyses and old texts are stored zlib-compressed (JSON shrinks about five times)."""
    return zlib.compress(text.encode("utf-8"), 6)


def _unpack(blob: bytes) -> str:
    return zlib.decompress(bytes(blob)).decode("utf-8")


def _assignments(p: str) -> str:
    return ", ".join(f"{c} = {p}" for c in _WORK_COLUMNS)


def _values(rec: WorkRecord, version: int, now: str) -> list[Any]:
    return [
        rec.sha256, rec.site, rec.site_work_id, rec.source_path, rec.format, rec.title, rec.title_sort,
        json.dumps(rec.authors, ensure_ascii=False), rec.author_sort, rec.summary, rec.words, rec.chapters,
        None if rec.complete is None else int(rec.complete), rec.rating, rec.language, rec.published, rec.updated,
        rec.pov, rec.tense, rec.dialogue, rec.ending, rec.fandom_count, rec.body_start, rec.body_end,
        version, now,
    ]  # fmt: skip


# ----------------------------------------------------------------------------- opening


def open_library(
    path_or_url: str | Path | None = None, *, synonyms: Callable[[str], Iterable[str]] | None = None
) -> Library:
    """Open (creating and migrating if needed) a library.

    ``None`` -> ``$FICLENS_LIBRARY`` or the per-user default; a ``postgresql://`` URL ->
    PostgreSQL; anything else -> a SQLite file. ``synonyms(tag) -> names`` overrides the
    knowledge base's synonyms (tests use this).
    """
    target = str(path_or_url) if path_or_url is not None else str(default_library_path())
    if target.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresBackend

        return Library(PostgresBackend(target), location=_redact(target), synonyms=synonyms)
    path = Path(target).expanduser()
    if path.is_dir():
        raise LibraryError("is a directory; give the library file (e.g. library.db)", path=str(path))
    return Library(SQLiteBackend(path), location=str(path), synonyms=synonyms)


def _redact(url: str) -> str:
    """A URL fit for messages: the password replaced by ``***``."""
    import re

    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


__all__ = [
    "AddReport",
    "AddResult",
    "DuplicateGroup",
    "Hit",
    "Library",
    "SearchResult",
    "default_library_path",
    "normalise_tag",
    "open_library",
]
