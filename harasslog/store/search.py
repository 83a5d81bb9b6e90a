"""Full-text search over message text (FTS5 trigram: finds Chinese substrings).

The index (`events_fts`) is kept current by a trigger on every event insert (m006), so it is
complete for every reader: `harasslog search`, a read-only store, Datasette's search box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from . import Store


class Search:
    def __init__(self, store: Store):
        self._conn = store.conn

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
            sql = "SELECT id FROM events WHERE text LIKE ? ESCAPE '\\' ORDER BY at DESC LIMIT ?"
            return [r[0] for r in self._conn.execute(sql, (f"%{escaped}%", limit))]
        phrase = '"' + query.replace('"', '""') + '"'
        sql = (
            "SELECT e.id FROM events_fts f JOIN events e ON e.id = f.rowid"
            " WHERE events_fts MATCH ? ORDER BY e.at DESC LIMIT ?"
        )
        return [r[0] for r in self._conn.execute(sql, (phrase, limit))]
