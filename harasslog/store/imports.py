"""Import batches: which file (name, SHA-256, size, format, importer) each event came from. Chained."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._sql import json_text, now_iso, rows

if TYPE_CHECKING:
    from . import Store


class Imports:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def begin(self, *, file_name: str, size: int, sha256: str, format: str, importer_version: str) -> int:
        self._store.require_transaction()
        values = {
            "file_name": file_name,
            "sha256": sha256,
            "size": size,
            "format": format,
            "importer_version": importer_version,
            "started": now_iso(),
            "finished": None,
            "new": 0,
            "duplicate": 0,
            "skipped": 0,
            "skipped_reasons": None,
        }
        return self._store.ledger.add_fact("imports", values)

    def finish(
        self,
        import_id: int,
        *,
        new: int,
        duplicate: int,
        skipped: int,
        skipped_reasons: dict[str, int] | None = None,
    ) -> None:
        changes = {
            "finished": now_iso(),
            "new": new,
            "duplicate": duplicate,
            "skipped": skipped,
            "skipped_reasons": json_text(skipped_reasons or {}),
        }
        self._store.ledger.change("imports", import_id, changes)

    def list(self) -> list[dict[str, Any]]:
        return rows(self._conn, "SELECT * FROM imports ORDER BY id")
