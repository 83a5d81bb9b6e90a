"""One query object for every event filter (list, report, analysis, export, show)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import InputError
from ..models import CHANNELS
from ..normalize import normalize_number, to_utc_iso
from .parties import PartyIndex

SELECT = (
    "SELECT e.id, e.channel, e.direction, e.number, e.number_raw, e.at, e.tz_offset_min, e.duration_s,"
    " e.status, e.text, COALESCE(e.party_id, n.party_id) AS party_id, e.note, e.import_id, e.hash,"
    " e.source, e.at_precision, e.source_ref, i.file_name, w.reason, e.caller"
    " FROM events e LEFT JOIN numbers n ON n.number = e.number"
    " LEFT JOIN imports i ON i.id = e.import_id LEFT JOIN withdrawals w ON w.event_id = e.id"
)


@dataclass(frozen=True)
class EventQuery:
    """Which events: within [since, until), of a party (own link, else the number's), a channel,
    a number (as typed or normalized), some ids; at most `limit`, in time order."""

    since: datetime | None = None
    until: datetime | None = None
    party: str | None = None
    channel: str | None = None
    number: str | None = None
    ids: Iterable[int] | None = None
    limit: int | None = None

    def sql(self, region: str, parties: PartyIndex) -> tuple[str, list[Any]]:
        where: list[str] = []
        params: list[Any] = []
        if self.since is not None:
            where.append("e.at >= ?")
            params.append(to_utc_iso(self.since))
        if self.until is not None:
            where.append("e.at < ?")
            params.append(to_utc_iso(self.until))
        if self.channel:
            if self.channel not in CHANNELS:
                raise InputError(f"channel must be one of {', '.join(CHANNELS)}, not {self.channel!r}")
            where.append("e.channel = ?")
            params.append(self.channel)
        if self.number:
            # An event has its number normalized when it has one (then typed any way, it is found
            # through idx_events_number); else its number as written (idx_events_number_raw, m010).
            info = normalize_number(self.number, region)
            where.append("(e.number = ? OR (e.number IS NULL AND e.number_raw = ?))")
            params.extend([info.number if info else self.number, self.number])
        if self.party:
            wanted = [pid for pid, (name, _) in parties.items() if name == self.party]
            if not wanted:
                raise InputError(f"no party named {self.party!r} (see `harasslog party list`)")
            where.append("COALESCE(e.party_id, n.party_id) = ?")
            params.append(wanted[0])
        if self.ids is not None:
            id_list = sorted(set(self.ids))
            where.append(f"e.id IN ({','.join('?' * len(id_list))})")
            params.extend(id_list)
        sql = SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY e.at, e.id"
        if self.limit:
            sql += f" LIMIT {int(self.limit)}"
        return sql, params
