"""The borrower's UTC offsets over time, as a table SQL can read (the store's views show local time).

SQLite knows no time zones, so the `timeline` and `flagged` views look up the offset in force at
each event in `local_offsets` (zone, starts, offset_min): one row per change of the profile zone's
offset (daylight saving, a law changing the zone) from 1970 to 2100. It is derived data, rebuilt
when the profile's zone is set; the views join it on the profile's zone, so rows of a zone that is
no longer the profile's are never used (a stale table shows no local time rather than a wrong one).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..normalize import to_utc_iso

if TYPE_CHECKING:
    import sqlite3

# Before the first change: the offset of 1970 applies (earlier events are not phone records).
BEFORE_ALL = "0000-01-01T00:00:00.000Z"
_FIRST_YEAR, _LAST_YEAR = 1970, 2100
# Offsets are sampled weekly and each change found to the second by bisection: no zone has two
# changes less than a week apart in this range (checked against a daily scan of every zone).
_WEEK = 7 * 86400


@cache
def offset_changes(zone_name: str) -> tuple[tuple[str, int], ...]:
    """(starts as stored UTC ISO, offset in minutes) for each offset `zone_name` had, oldest first."""
    tz = ZoneInfo(zone_name)

    def minutes(ts: int) -> int:
        offset = datetime.fromtimestamp(ts, tz).utcoffset()
        assert offset is not None  # a ZoneInfo always has one
        return int(offset.total_seconds() // 60)

    ts = int(datetime(_FIRST_YEAR, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(_LAST_YEAR, 1, 1, tzinfo=UTC).timestamp())
    current = minutes(ts)
    changes = [(BEFORE_ALL, current)]
    while ts < end:
        later = ts + _WEEK
        offset = minutes(later)
        if offset != current:
            low, high = ts, later  # the change is in (low, high]
            while high - low > 1:
                middle = (low + high) // 2
                if minutes(middle) == current:
                    low = middle
                else:
                    high = middle
            changes.append((to_utc_iso(datetime.fromtimestamp(high, UTC)), offset))
            current = offset
        ts = later
    return tuple(changes)


def write_offsets(conn: sqlite3.Connection, zone_name: str) -> None:
    """Make `local_offsets` hold `zone_name`'s offsets (and no other zone's). Inside a transaction."""
    if conn.execute("SELECT 1 FROM local_offsets WHERE zone = ? LIMIT 1", (zone_name,)).fetchone():
        conn.execute("DELETE FROM local_offsets WHERE zone != ?", (zone_name,))
        return
    conn.execute("DELETE FROM local_offsets")
    conn.executemany(
        "INSERT INTO local_offsets (zone, starts, offset_min) VALUES (?, ?, ?)",
        [(zone_name, starts, minutes) for starts, minutes in offset_changes(zone_name)],
    )
