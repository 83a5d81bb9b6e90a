"""Full-text search over message text (FTS5 trigram: finds Chinese substrings).

The index (`events_fts`) is kept current by the store itself: each batch of events is indexed in
the transaction that adds it (`index`, called by Events), so it is complete for every reader:
`harasslog search`, a read-only store, Datasette's search box. Indexing a batch with one statement
costs about a fifth of a per-row trigger (measured on 200,000 messages).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from . import Store


_BIG_RANGE = 10_000  # ids indexed at once that use the larger buffer
_HASH, _BIG_HASH = 1 << 20, 16 << 20  # FTS5's default hashsize, and the one for a big range
# Up to this many matches, sorting them by time beats walking the index (measured on 1,000,000).
_SORT_AT_MOST = 20_000


class Search:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def index(self, first_id: int, last_id: int) -> None:
        """Index the text of the events just added with ids first_id..last_id."""
        self._store.require_transaction()
        # A big range (an import's file) is indexed with a larger in-memory buffer of pending terms
        # (FTS5's hashsize, 1 MiB by default): fewer segments written and merged, a third less
        # time (measured on 200,000 messages); set back to the default after.
        big = last_id - first_id >= _BIG_RANGE
        if big:
            self._conn.execute("INSERT INTO events_fts (events_fts, rank) VALUES ('hashsize', ?)", (_BIG_HASH,))
        self._conn.execute(
            "INSERT INTO events_fts (rowid, text) SELECT id, text FROM events"
            " WHERE id BETWEEN ? AND ? AND text IS NOT NULL",
            (first_id, last_id),
        )
        if big:
            self._conn.execute("INSERT INTO events_fts (events_fts, rank) VALUES ('hashsize', ?)", (_HASH,))

    def find(self, query: str, *, limit: int = 100) -> list[int]:
        """Event ids whose text contains `query` (any language), newest first.

        The trigram index needs three characters; shorter queries (two Chinese characters such as
        起诉 are common) fall back to a substring scan.
        """
        query = query.strip()
        if not query:
            raise InputError("search needs some text to look for")
        if len(query) < 3:
            escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            sql = "SELECT id FROM events WHERE text LIKE ? ESCAPE '\\' ORDER BY at DESC, id DESC LIMIT ?"
            return [r[0] for r in self._conn.execute(sql, (f"%{escaped}%", limit))]
        phrase = '"' + query.replace('"', '""') + '"'
        # Newest first, two ways to the same ids: a few matches are sorted by time (3 us each); many
        # (a collector's signature in 140,000 of 1,000,000 messages) are found by walking the index
        # on `at` backwards until `limit` of them are seen (at most the whole index, ~0.2 s).
        matches = self._conn.execute("SELECT COUNT(*) FROM events_fts WHERE events_fts MATCH ?", (phrase,))
        if matches.fetchone()[0] <= _SORT_AT_MOST:
            sql = (
                "SELECT e.id FROM events_fts f JOIN events e ON e.id = f.rowid"
                " WHERE events_fts MATCH ? ORDER BY e.at DESC, e.id DESC LIMIT ?"
            )
        else:
            sql = (
                "SELECT id FROM events INDEXED BY idx_events_at"
                " WHERE id IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)"
                " ORDER BY at DESC, id DESC LIMIT ?"
            )
        return [r[0] for r in self._conn.execute(sql, (phrase, limit))]
