"""iOS `CallHistory.storedata`: Core Data table `ZCALLRECORD`.

`ZDATE` is seconds since 2001-01-01 UTC; `ZORIGINATED` 1 is outgoing; an incoming call not
`ZANSWERED` is missed (iOS does not tell a rejected call from a missed one here). FaceTime and
third-party app calls (ZCALLTYPE 8/16/0) are calls too; `ZSERVICE_PROVIDER` stays in the raw record.
An empty `ZADDRESS` is a caller iOS could not identify: caller "unknown", no number. A column this
phone's schema lacks reads as empty; a value of the wrong type as missing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..models import RawEvent, Skipped
from ..normalize import caller_kind
from .base import (
    ImportOptions,
    Record,
    as_int,
    as_number,
    as_text,
    column,
    from_apple,
    open_sqlite,
    row_dict,
    table_rows,
)

VERSION = "ios-calls-1"


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with open_sqlite(path) as conn:
        for row in table_rows(conn, "ZCALLRECORD", "Z_PK", options):
            yield _convert(row)


def _convert(row: sqlite3.Row) -> Record:
    ref = f"ZCALLRECORD.Z_PK={column(row, 'Z_PK')}"
    date = as_number(column(row, "ZDATE"))
    if date is None:
        return Skipped(ref, "no date")
    at = from_apple(date)
    if at is None:
        return Skipped(ref, "date out of range")
    address = as_text(column(row, "ZADDRESS"))  # some iOS versions store the number as a BLOB
    duration = as_number(column(row, "ZDURATION"))
    seconds = as_int(round(duration)) if duration is not None else None
    answered = bool(as_int(column(row, "ZANSWERED")))
    if as_int(column(row, "ZORIGINATED")):
        direction, status = "out", ("answered" if answered or seconds else "unknown")
    else:
        direction, status = "in", ("answered" if answered else "missed")
    return RawEvent(
        channel="call",
        direction=direction,
        number_raw=address or "",
        # iOS leaves the address empty for a caller it could not identify (it does not say why).
        caller=caller_kind(address, empty_is_unknown=True),
        at=at,
        duration_s=seconds,
        status=status,
        source_ref=ref,
        raw=row_dict(row),
    )
