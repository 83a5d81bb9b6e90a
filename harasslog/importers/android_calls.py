"""Android call log: the `calls` table of `calllog.db` (Android 7+) or `contacts2.db` (older).

`type` 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 blocked, 7 answered on
another device (codes.CALL_TYPES); `date` in milliseconds, `duration` in seconds. A caller without
a number (`number` empty or -1/-2/-3; `presentation` 2 restricted, 3 unknown, 4 payphone) is a
withheld/unknown caller: no number, `number_raw` keeps what the phone wrote. A column this phone's
schema lacks reads as empty.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..models import RawEvent, Skipped
from ..normalize import caller_kind
from .base import ImportOptions, Record, as_int, as_text, column, from_unix, open_sqlite, row_dict, table_rows
from .codes import CALL_TYPES, call_direction_status

VERSION = "android-calls-1"


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with open_sqlite(path) as conn:
        for row in table_rows(conn, "calls", "_id", options):
            yield _convert(row)


def _convert(row: sqlite3.Row) -> Record:
    ref = f"calls._id={column(row, '_id')}"
    kind = as_int(column(row, "type"))
    if kind not in CALL_TYPES:
        return Skipped(ref, f"unknown call type {column(row, 'type')!r}")
    date = as_int(column(row, "date"))
    if not date:
        return Skipped(ref, "no date")
    at = from_unix(date)
    if at is None:
        return Skipped(ref, "date out of range")
    duration = as_int(column(row, "duration"))
    direction, status = call_direction_status(kind, duration)
    number = as_text(column(row, "number")) or ""
    return RawEvent(
        channel="call",
        direction=direction,
        number_raw=number,
        caller=caller_kind(number, as_int(column(row, "presentation")), empty_is_unknown=True),
        at=at,
        duration_s=duration,
        status=status,
        source_ref=ref,
        raw=row_dict(row),
    )
