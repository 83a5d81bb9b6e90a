"""What the borrower asked for (requests: chained evidence) and what they owe (debts: chained facts)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..models import CHANNELS, REQUEST_KINDS, Request
from ..normalize import from_utc_iso, to_utc_iso
from ._sql import next_id, now_iso, rows
from .parties import group_key

if TYPE_CHECKING:
    from . import Store


class Requests:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def add(
        self,
        *,
        kind: str,
        party_id: int | None,
        start: datetime,
        end: datetime | None = None,
        channel: str | None = None,
        event_id: int | None = None,
        note: str | None = None,
    ) -> int:
        self._store.require_transaction()
        if kind not in REQUEST_KINDS:
            raise InputError(f"request kind must be one of {', '.join(REQUEST_KINDS)}, not {kind!r}")
        if channel is not None and channel not in CHANNELS:
            raise InputError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
        if kind == "stop_channel" and channel is None:
            raise InputError("a stop_channel request needs a channel (call, sms, visit...)")
        if end is not None and end <= start:
            raise InputError("a request's end must be after its start")
        if event_id is not None:
            self._store.events.get(event_id)
        request_id = next_id(self._conn, "requests")
        values = {
            "id": request_id,
            "kind": kind,
            "party_id": party_id,
            "start": to_utc_iso(start),
            "end": to_utc_iso(end) if end else None,
            "channel": channel,
            "event_id": event_id,
            "note": note,
            "recorded_at": now_iso(),
        }
        self._store.ledger.insert("requests", values)
        return request_id

    def list(self) -> list[Request]:
        parties = self._store.parties.index()
        result = []
        for r in rows(self._conn, "SELECT * FROM requests ORDER BY start, id"):
            pid = r["party_id"]
            result.append(
                Request(
                    id=r["id"],
                    kind=r["kind"],
                    party_id=pid,
                    party=parties[pid][0] if pid in parties else None,
                    group=group_key(pid, None, parties) if pid else "",
                    start=from_utc_iso(r["start"]),
                    end=from_utc_iso(r["end"]) if r["end"] else None,
                    channel=r["channel"],
                    event_id=r["event_id"],
                    note=r["note"],
                )
            )
        return result


class Debts:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def add(
        self,
        *,
        creditor: str,
        amount: str | None,
        currency: str | None,
        due: str | None,
        account: str | None,
        note: str | None = None,
    ) -> int:
        self._store.require_transaction()
        values = {
            "creditor_id": self._store.parties.ensure(creditor, kind="creditor"),
            "account_ref": account,
            "amount": amount,
            "currency": currency,
            "due_date": due,
            "note": note,
            "created_at": now_iso(),
        }
        return self._store.ledger.add_fact("debts", values)

    def list(self) -> list[dict[str, Any]]:
        return rows(
            self._conn,
            "SELECT d.id, p.name AS creditor, d.account_ref, d.amount, d.currency, d.due_date, d.note"
            " FROM debts d JOIN parties p ON p.id = d.creditor_id ORDER BY d.id",
        )
