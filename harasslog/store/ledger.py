"""The ledger: the only writer of the `ledger` table, an append-only hash chain.

Three kinds of entry: an evidence row (events before m010, attachments, requests), whose hash
covers the row; a batch of events chained in their own rows, whose hash is the last event's (see
Events.append); and a fact (`entity = 'meta'`, payload {table, key, set}): a row of a chained table written or
changed (a party, a number's link, the profile, an import, a debt, a run), whose hash covers the
payload. `verify` replays the facts and compares them with the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import integrity
from ._sql import json_text, now_iso

if TYPE_CHECKING:
    from . import Store

_INSERT = "INSERT INTO ledger (entity, entity_id, payload, recorded_at, hash, prev_hash) VALUES (?, ?, ?, ?, ?, ?)"


class Ledger:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def head(self) -> str | None:
        row = self._conn.execute("SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
        return str(row[0]) if row else None

    def append(self, entity: str, entity_id: int | None, payload: Any, record: Any) -> tuple[str, str]:
        """Add one entry after the current head; returns (hash, prev_hash)."""
        self._store.require_transaction()
        prev = self.head() or integrity.GENESIS
        digest = integrity.chain_hash(prev, record)
        self._conn.execute(
            _INSERT, (entity, entity_id, None if payload is None else json_text(payload), now_iso(), digest, prev)
        )
        return digest, prev

    def insert(self, table: str, values: dict[str, Any]) -> None:
        """Insert one evidence row (an attachment, a request) with its ledger entry: its hash covers
        `values` and the previous entry's hash. `values` holds every column but hash and prev_hash."""
        record = integrity.evidence_record(table, values)
        digest, prev = self.append(table, values["id"], None, record)
        columns = ", ".join(f'"{column}"' for column in (*values, "hash", "prev_hash"))
        self._conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * (len(values) + 2))})",
            (*values.values(), digest, prev),
        )

    def append_chained(self, entries: Sequence[tuple[Any, ...]]) -> None:
        """Entries the caller chained itself, in order after the head (a batch of corroborations):
        (entity, entity_id, payload JSON, recorded_at, hash, prev_hash)."""
        self._store.require_transaction()
        self._conn.executemany(_INSERT, entries)

    def seal_events(self, first: int, last: int, meta: dict[str, Any], prev: str, last_hash: str) -> None:
        """One entry for a batch of events chained in their rows (ids first..last, the first linked
        to `prev`, the head): its hash is the last event's, so the chain runs through all of them.
        `meta` is the party link and note they were written with (later changes are facts)."""
        self._store.require_transaction()
        payload = json_text({"batch": [first, last], "meta": meta})
        self._conn.execute(_INSERT, ("events", first, payload, now_iso(), last_hash, prev))

    def record(self, table: str, key: Any, values: dict[str, Any]) -> None:
        """Chain a fact: these columns of this row of `table` now hold these values."""
        payload = {"table": table, "key": key, "set": values}
        self.append("meta", None, payload, payload)

    def add_fact(self, table: str, values: dict[str, Any]) -> int:
        """Insert a fact row (a party, an import, a debt, a review) and chain it; returns its id."""
        columns = ", ".join(f'"{column}"' for column in values)
        cursor = self._conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(values))})", tuple(values.values())
        )
        row_id = int(cursor.lastrowid or 0)
        self.record(table, row_id, values)
        return row_id

    def change(self, table: str, key: Any, changes: dict[str, Any]) -> None:
        """Change columns of a chained row, with the ledger entry that makes the change provable."""
        key_column = integrity.CHAINED[table][0]
        sets = ", ".join(f'"{column}" = ?' for column in changes)
        self._store.require_transaction()
        self._conn.execute(f"UPDATE {table} SET {sets} WHERE {key_column} = ?", (*changes.values(), key))
        self.record(table, key, changes)
