"""The PostgreSQL backend (psycopg 3), chosen by a ``postgresql://`` library URL.

Same schema and same SQL builders as SQLite (``Dialect`` ``postgresql``: ``%s`` placeholders,
``tsvector`` full text). One connection in autocommit mode guarded by a lock; transactions
are explicit (``conn.transaction()``), one per added or removed work, as on SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..errors import LibraryError
from .backend import Backend
from .search import POSTGRES


class PostgresBackend(Backend):
    dialect = POSTGRES

    def __init__(self, url: str):
        try:
            import psycopg
        except ImportError:  # pragma: no cover - psycopg is a pinned dependency
            raise LibraryError("PostgreSQL libraries need psycopg (pip install 'psycopg[binary]')") from None
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            msg = " ".join(str(exc).split())
            raise LibraryError(f"cannot connect to PostgreSQL: {msg}") from None
        self._lock = threading.RLock()
        self._tx = None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            return self.conn.execute(sql, list(params) if params else None)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self._lock, self.conn.cursor() as cur:
                cur.executemany(sql, [list(r) for r in rows])

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        with self._lock:
            return int(self.conn.execute(sql, list(params)).fetchone()[0])

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._lock:
            return self.conn.execute(sql, list(params) if params else None).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._tx is not None:
                yield
                return
            with self.conn.transaction() as tx:
                self._tx = tx
                try:
                    yield
                finally:
                    self._tx = None

    def close(self) -> None:
        self.conn.close()
