"""OCR corrections: a person confirms or corrects what OCR read from a screenshot. Chained facts.

The event keeps the OCR text as stored; each correction keeps both texts and the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ._sql import now_iso, rows

if TYPE_CHECKING:
    from . import Store


class OcrCorrections:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def add(self, event_id: int, text: str | None, reason: str | None = None) -> dict[str, Any]:
        """Confirm (text None: as read) or correct an OCR event's text; returns the row recorded."""
        self._store.require_transaction()
        event = self._store.events.get(event_id)
        if not str(event["source"] or "").startswith("ocr:"):
            raise InputError(f"event {event_id} was not read from a screenshot (its source is {event['source']!r})")
        if text is not None and not text.strip():
            raise InputError("the corrected text is empty", field="text")
        values = {
            "event_id": event_id,
            "text": event["text"] if text is None else text,
            "ocr_text": event["text"],
            "reason": (reason or "").strip() or None,
            "recorded_at": now_iso(),
        }
        values["id"] = self._store.ledger.add_fact("ocr_corrections", values)
        return values

    def latest(self) -> dict[int, dict[str, Any]]:
        """The latest correction of each event: event id -> row."""
        found = rows(self._conn, "SELECT * FROM ocr_corrections ORDER BY id")
        return {int(r["event_id"]): r for r in found}
