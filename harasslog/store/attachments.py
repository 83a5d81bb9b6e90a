"""Attachments: a chained row per file, the file itself kept by Blobs."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._sql import next_id, now_iso, rows

if TYPE_CHECKING:
    from . import Store


class Attachments:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def add(
        self,
        event_id: int | None,
        data: bytes | Path,
        *,
        name: str | None = None,
        mime: str | None = None,
        note: str | None = None,
    ) -> int:
        """Store a file content-addressed beside the store and chain a record of it.

        The file is written before the row; if the transaction rolls back, an unreferenced file may
        remain, which is harmless (it is addressed by its own hash) and never counted as evidence.
        """
        self._store.require_transaction()
        if event_id is not None:
            self._store.events.get(event_id)
        digest, size = self._store.blobs.write(data)
        if mime is None and name:
            mime = mimetypes.guess_type(name)[0]
        attachment_id = next_id(self._conn, "attachments")
        values = {
            "id": attachment_id,
            "sha256": digest,
            "event_id": event_id,
            "name": name,
            "mime": mime,
            "size": size,
            "note": note,
            "recorded_at": now_iso(),
        }
        self._store.ledger.insert("attachments", values)
        return attachment_id

    def list(self, event_id: int | None = None) -> list[dict[str, Any]]:
        """Attachments (of one event, or all), each with the path of its file."""
        sql = "SELECT id, sha256, event_id, name, mime, size, note, recorded_at FROM attachments"
        found = rows(
            self._conn,
            sql + (" WHERE event_id = ?" if event_id is not None else "") + " ORDER BY id",
            (event_id,) if event_id is not None else (),
        )
        for found_row in found:
            found_row["path"] = str(self._store.blobs.path(found_row["sha256"]))
        return found
