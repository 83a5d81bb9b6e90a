"""Samsung `logs.db` (com.sec.android.provider.logsprovider): the `logs` table mixes calls and messages.

Samsung's LogsProvider keeps one row per call or message, told apart by `logtype`: 100 a voice
call, 500 a video call (both calls), 300 an SMS, 200 an MMS; other types (e-mail, chat apps'
entries) are not contacts a carrier or phone log would hold and are skipped with their type.
`date` is in milliseconds, `duration` in seconds; `type` uses Android's call-log codes for calls
(1 in, 2 out, 3 missed, 4 voicemail, 5 rejected, 6 blocked) and 1 received / 2 sent for messages.
`m_content` holds only the first characters of a message: imported as the text this file holds,
and when the phone's mmssms.db is imported as well each message becomes one event with both
sources (store/corroboration.py). A column this phone's schema lacks reads as empty.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..models import RawEvent, Skipped
from ..normalize import caller_kind
from .base import ImportOptions, Record, as_int, as_text, column, from_unix, open_sqlite, row_dict, table_rows
from .codes import CALL_TYPES, SMS_DIRECTIONS, SMS_NOT_SENT, call_direction_status

VERSION = "samsung-logs-1"
TABLE = "logs"
COLUMNS = frozenset({"logtype", "number", "date"})  # what tells this table from others named logs
CHANNELS = {100: "call", 500: "call", 300: "sms", 200: "mms"}


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with open_sqlite(path) as conn:
        for row in table_rows(conn, TABLE, "_id", options):
            yield _convert(row)


def _convert(row: sqlite3.Row) -> Record:
    ref = f"logs._id={column(row, '_id')}"
    logtype = as_int(column(row, "logtype"))
    channel = CHANNELS.get(logtype) if logtype is not None else None
    if channel is None:
        return Skipped(ref, f"not a call or message (logtype {column(row, 'logtype')!r})")
    date = as_int(column(row, "date"))
    if not date:
        return Skipped(ref, "no date")
    at = from_unix(date)
    if at is None:
        return Skipped(ref, "date out of range")
    kind = as_int(column(row, "type"))
    number = as_text(column(row, "number")) or ""
    caller = caller_kind(number, as_int(column(row, "presentation")), empty_is_unknown=True)
    if channel == "call":
        if kind not in CALL_TYPES:
            return Skipped(ref, f"unknown call type {column(row, 'type')!r}")
        duration = as_int(column(row, "duration"))
        direction, status = call_direction_status(kind, duration)
        return RawEvent(
            channel="call",
            direction=direction,
            number_raw=number,
            caller=caller,
            at=at,
            duration_s=duration,
            status=status,
            source_ref=ref,
            raw=row_dict(row),
        )
    if kind in SMS_NOT_SENT:
        return Skipped(ref, SMS_NOT_SENT[kind])
    if kind not in SMS_DIRECTIONS:
        return Skipped(ref, f"unknown message type {column(row, 'type')!r}")
    return RawEvent(
        channel=channel,
        direction=SMS_DIRECTIONS[kind],
        number_raw=number,
        caller=caller,
        at=at,
        text=as_text(column(row, "m_content")) or None,
        source_ref=ref,
        raw=row_dict(row),
    )
