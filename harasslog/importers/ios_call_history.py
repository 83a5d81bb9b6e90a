"""iOS 3 to 7 `call_history.db`: the table `call`, before CallHistory.storedata replaced it (iOS 8).

`date` is seconds since 1970 (Unix time, UTC), `duration` seconds. `flags` is a bit field: bit 0
set is an outgoing call (the database's own triggers add a call to timer_outgoing on
`flags & 1`), so flags 4 is incoming and 5 outgoing; 16 marks FaceTime (a call too; flags stay in
the raw record). The table records no "answered" bit: an incoming call that lasted was answered,
one that did not was missed; an outgoing one that did not last is of unknown outcome. An empty
`address` is a caller iOS could not identify (caller "unknown", no number). A column this phone's
schema lacks reads as empty.
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
    from_unix,
    open_sqlite,
    row_dict,
    table_rows,
)

VERSION = "ios-call-history-1"
TABLE = "call"
COLUMNS = frozenset({"address", "date", "flags"})
OUTGOING = 1


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with open_sqlite(path) as conn:
        for row in table_rows(conn, TABLE, "ROWID", options):
            yield _convert(row)


def _convert(row: sqlite3.Row) -> Record:
    ref = f"call.ROWID={column(row, 'ROWID')}"
    date = as_number(column(row, "date"))
    if not date:
        return Skipped(ref, "no date")
    at = from_unix(int(date))
    if at is None:
        return Skipped(ref, "date out of range")
    flags = as_int(column(row, "flags"))
    if flags is None:
        return Skipped(ref, "no flags (the direction is not recorded)")
    seconds = as_int(column(row, "duration"))
    if flags & OUTGOING:
        direction, status = "out", ("answered" if seconds else "unknown")
    else:
        direction, status = "in", ("answered" if seconds else "missed")
    address = as_text(column(row, "address"))
    return RawEvent(
        channel="call",
        direction=direction,
        number_raw=address or "",
        caller=caller_kind(address, empty_is_unknown=True),
        at=at,
        duration_s=seconds,
        status=status,
        source_ref=ref,
        raw=row_dict(row),
    )
