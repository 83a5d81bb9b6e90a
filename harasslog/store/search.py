"""Full-text search over message text (FTS5 trigram: finds Chinese substrings).

The index is derived data, brought up to date by `sync()` (a write, inside a transaction) or
`sync_if_free()` (only when no one holds the write lock: a search never waits for an import).
`find()` only reads and is complete even when the index is behind: events not indexed yet are
scanned directly, so a read-only store, or one in the middle of an import, is searchable too.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from . import Store


class Search:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def indexed_through(self) -> int:
        found = self._conn.execute("SELECT value FROM settings WHERE key = 'fts_indexed_through'").fetchone()
        return int(found[0]) if found else 0

    def sync(self) -> None:
        """Index events added since the last sync (imports stay fast; search pays once)."""
        self._store.require_transaction()
        done = self.indexed_through()
        top = int(self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])
        if top > done:
            self._conn.execute(
                "INSERT INTO events_fts (rowid, text) SELECT id, text FROM events WHERE id > ? AND text IS NOT NULL",
                (done,),
            )
            self._conn.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES ('fts_indexed_through', ?)", (str(top),)
            )

    def behind(self) -> bool:
        top = self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
        return int(top) > self.indexed_through()

    def sync_if_free(self) -> bool:
        """Sync in a transaction of its own if the write lock is free right now; false if it was not
        (an import is running) or the store cannot be written (read-only media)."""
        timeout = self._conn.execute("PRAGMA busy_timeout").fetchone()[0]
        self._conn.execute("PRAGMA busy_timeout = 0")
        try:
            with self._store.transaction():
                self.sync()
            return True
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_READONLY):
                return False
            raise
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")

    def find(self, query: str, *, limit: int = 100) -> list[int]:
        """Event ids whose text contains `query` (any language), newest first.

        The trigram index needs three characters; shorter queries (two Chinese characters such as
        起诉 are common) fall back to a substring scan, as do events not indexed yet.
        """
        query = query.strip()
        if not query:
            raise InputError("search needs some text to look for")
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        scan = "SELECT id, at FROM events WHERE id > ? AND text LIKE ? ESCAPE '\\'"
        if len(query) < 3:
            sql = f"SELECT id FROM ({scan}) ORDER BY at DESC LIMIT ?"
            return [r[0] for r in self._conn.execute(sql, (0, f"%{escaped}%", limit))]
        phrase = '"' + query.replace('"', '""') + '"'
        sql = (
            "SELECT id FROM (SELECT e.id, e.at FROM events_fts f JOIN events e ON e.id = f.rowid"
            f" WHERE events_fts MATCH ? UNION ALL {scan}) ORDER BY at DESC LIMIT ?"
        )
        return [r[0] for r in self._conn.execute(sql, (phrase, self.indexed_through(), f"%{escaped}%", limit))]
