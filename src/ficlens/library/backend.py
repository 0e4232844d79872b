"""Connections: the SQLite backend (default) and the interface the PostgreSQL one shares.

SQLite: one writer connection guarded by a lock (SQLite allows one writer at a time; WAL lets
readers go on while it writes) and one reader connection per thread, as datasette does, so
the web app can serve several requests while ``ficlens add`` writes. Transactions are
explicit (``BEGIN IMMEDIATE`` ... ``COMMIT``): the sqlite3 module's implicit transactions are
turned off so that no statement commits behind our back.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import LibraryError
from .search import SQLITE, Dialect


class Backend:
    """What the store needs from a database: execute, query, a transaction, close."""

    dialect: Dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...  # pragma: no cover

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]: ...  # pragma: no cover

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...  # pragma: no cover

    @contextmanager
    def transaction(self) -> Iterator[None]:  # pragma: no cover
        yield

    def close(self) -> None: ...  # pragma: no cover

    def insert_id(self, sql: str, params: Sequence[Any]) -> int: ...  # pragma: no cover


class SQLiteBackend(Backend):
    dialect = SQLITE

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            parent = Path(self.path).expanduser().resolve().parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LibraryError(f"cannot create the library folder: {exc.strerror}", path=str(parent)) from None
        self._lock = threading.RLock()
        self._local = threading.local()
        self._in_tx = False
        self._writer = self._connect()
        try:
            self._writer.execute("PRAGMA journal_mode=WAL")
        except sqlite3.Error as exc:
            raise LibraryError(f"cannot open the library ({exc})", path=self.path) from None

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable at checkpoints, never corrupt
        except sqlite3.DatabaseError as exc:
            raise LibraryError(f"not a ficlens library ({exc})", path=self.path) from None
        except sqlite3.Error as exc:
            raise LibraryError(f"cannot open the library: {exc}", path=self.path) from None
        return conn

    def _reader(self) -> sqlite3.Connection:
        # inside a transaction, read through the writer so we see our own uncommitted rows
        if self._in_tx and self._lock._is_owned():  # type: ignore[attr-defined]
            return self._writer
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            self._readers = getattr(self, "_readers", []) + [conn]
        return conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._writer.execute(sql, list(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock:
            self._writer.executemany(sql, [list(r) for r in rows])

    def insert_id(self, sql: str, params: Sequence[Any]) -> int:
        with self._lock:
            return int(self._writer.execute(sql, list(params)).lastrowid)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self._reader().execute(sql, list(params)).fetchall()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._in_tx:  # nested: part of the outer transaction
                yield
                return
            self._writer.execute("BEGIN IMMEDIATE")
            self._in_tx = True
            try:
                yield
            except BaseException:
                self._writer.execute("ROLLBACK")
                raise
            else:
                self._writer.execute("COMMIT")
            finally:
                self._in_tx = False

    def close(self) -> None:
        for conn in getattr(self, "_readers", []):
            conn.close()
        self._readers = []
        self._local = threading.local()
        self._writer.close()
