"""iOS `CallHistory.storedata`: Core Data table `ZCALLRECORD`.

`ZDATE` is seconds since 2001-01-01 UTC; `ZORIGINATED` 1 is outgoing; an incoming call not
`ZANSWERED` is missed (iOS does not tell a rejected call from a missed one here). FaceTime and
third-party app calls (ZCALLTYPE 8/16/0) are calls too; `ZSERVICE_PROVIDER` stays in the raw record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..models import RawEvent, Skipped
from .base import ImportOptions, Record, as_int, from_apple, open_sqlite, row_dict, table_rows

VERSION = "ios-calls-1"


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with open_sqlite(path) as conn:
        for row in table_rows(conn, "ZCALLRECORD", "Z_PK", options):
            yield _convert(row)


def _convert(row: sqlite3.Row) -> Record:
    ref = f"ZCALLRECORD.Z_PK={row['Z_PK']}"
    if row["ZDATE"] is None:
        return Skipped(ref, "no date")
    address = row["ZADDRESS"]
    if isinstance(address, bytes):  # some iOS versions store the number as a BLOB
        address = address.decode("utf-8", errors="replace")
    duration = row["ZDURATION"]
    seconds = round(duration) if duration is not None else None
    answered = bool(as_int(row["ZANSWERED"]))
    if as_int(row["ZORIGINATED"]):
        direction, status = "out", ("answered" if answered or seconds else "unknown")
    else:
        direction, status = "in", ("answered" if answered else "missed")
    return RawEvent(
        channel="call",
        direction=direction,
        number_raw=address or "",
        at=from_apple(row["ZDATE"]),
        duration_s=seconds,
        status=status,
        source_ref=ref,
        raw=row_dict(row),
    )
