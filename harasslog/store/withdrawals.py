"""Withdrawals: an event entered by mistake is taken back by a chained fact, never deleted.

The event stays in the store and in the full log, marked with the reason; analysis leaves it out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError
from ._sql import now_iso

if TYPE_CHECKING:
    from . import Store


class Withdrawals:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def add(self, event_id: int, reason: str) -> str:
        """Withdraw an event with a reason; returns when it was recorded (UTC ISO)."""
        self._store.require_transaction()
        reason = reason.strip()
        if not reason:
            raise InputError("a withdrawal needs a reason (why the entry is wrong)", field="reason")
        self._store.events.get(event_id)  # the event must exist
        earlier = self.reason(event_id)
        if earlier is not None:
            raise InputError(f"event {event_id} is already withdrawn ({earlier!r})")
        recorded = now_iso()
        self._conn.execute(
            "INSERT INTO withdrawals (event_id, reason, recorded_at) VALUES (?, ?, ?)", (event_id, reason, recorded)
        )
        self._store.ledger.record("withdrawals", event_id, {"reason": reason, "recorded_at": recorded})
        return recorded

    def reason(self, event_id: int) -> str | None:
        found = self._conn.execute("SELECT reason FROM withdrawals WHERE event_id = ?", (event_id,)).fetchone()
        return None if found is None else str(found[0])
