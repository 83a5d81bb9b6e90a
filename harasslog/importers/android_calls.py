"""Android call log: the `calls` table of `calllog.db` (Android 7+) or `contacts2.db` (older).

`type` 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 blocked, 7 answered on
another device; `date` in milliseconds, `duration` in seconds. Private numbers keep what the
phone wrote (often empty or "-2"); `presentation` stays in the raw record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..models import RawEvent, Skipped
from .base import ImportOptions, Record, as_int, from_unix, open_sqlite, row_dict, table_rows
from .sbr import CALL_TYPES

VERSION = "android-calls-1"


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with open_sqlite(path) as conn:
        for row in table_rows(conn, "calls", "_id", options):
            yield _convert(row)


def _convert(row: sqlite3.Row) -> Record:
    ref = f"calls._id={row['_id']}"
    kind = as_int(row["type"])
    if kind not in CALL_TYPES:
        return Skipped(ref, f"unknown call type {row['type']!r}")
    date = as_int(row["date"])
    if not date:
        return Skipped(ref, "no date")
    direction, status = CALL_TYPES[kind]
    duration = as_int(row["duration"])
    if status is None:
        status = "answered" if duration else "unknown"
    return RawEvent(
        channel="call",
        direction=direction,
        number_raw=row["number"] or "",
        at=from_unix(date),
        duration_s=duration,
        status=status,
        source_ref=ref,
        raw=row_dict(row),
    )
