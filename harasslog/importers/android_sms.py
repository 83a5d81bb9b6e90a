"""Android `mmssms.db` (telephony provider): `sms`, and MMS through `pdu`, `part` and `addr`.

sms `type` 1 inbox, 2 sent; 3 draft, 4 outbox, 5 failed, 6 queued are skipped; LG's 7 is a blocked
incoming message. Samsung's `spam_sms` (messages the phone filtered as spam: collectors often land
there) is read too, as blocked incoming messages. `sms.date` is milliseconds but `pdu.date` is
seconds: both are read by magnitude. MMS parts are files on the phone (`part._data`), not in the
database, so only their text is imported; the part rows stay in the raw record.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..models import RawEvent, Skipped
from .base import (
    PROGRESS_EVERY,
    ImportOptions,
    Record,
    as_int,
    from_unix,
    open_sqlite,
    row_dict,
    skip_reason,
    table_names,
)
from .sbr import MMS_BOXES, MMS_NOT_SENT, SMS_NOT_SENT, mms_number

VERSION = "android-sms-1"
SMS_TYPES = {1: ("in", "unknown"), 2: ("out", "unknown"), 7: ("in", "blocked")}


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with open_sqlite(path) as conn:
        tables = table_names(conn)
        sources = [t for t in ("sms", "spam_sms") if t in tables]
        has_mms = {"pdu", "part", "addr"} <= tables
        total = sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in sources)
        if has_mms:
            total += conn.execute("SELECT count(*) FROM pdu").fetchone()[0]
        done = 0
        for table in sources:
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY _id"):
                done += 1
                _tick(options, done, total)
                yield _sms(row, table)
        if has_mms:
            parts = _group(conn, "SELECT * FROM part ORDER BY mid, seq", "mid")
            addrs = _group(conn, "SELECT * FROM addr ORDER BY msg_id, _id", "msg_id")
            for row in conn.execute("SELECT * FROM pdu ORDER BY _id"):
                done += 1
                _tick(options, done, total)
                yield _mms(row, parts.get(row["_id"], []), addrs.get(row["_id"], []))
        if options.progress is not None:
            options.progress(total, total)


def _tick(options: ImportOptions, done: int, total: int) -> None:
    if options.progress is not None and done % PROGRESS_EVERY == 0:
        options.progress(done, total)


def _group(conn: sqlite3.Connection, sql: str, key: str) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in conn.execute(sql):
        grouped.setdefault(row[key], []).append(row_dict(row))
    return grouped


def _sms(row: sqlite3.Row, table: str) -> Record:
    ref = f"{table}._id={row['_id']}"
    kind = as_int(row["type"])
    reason = skip_reason(kind, SMS_TYPES, SMS_NOT_SENT, "sms type", row["type"])
    if reason:
        return Skipped(ref, reason)
    date = as_int(row["date"])
    if not date:
        return Skipped(ref, "no date")
    direction, status = SMS_TYPES[kind]
    if table == "spam_sms":
        status = "blocked"
    return RawEvent(
        channel="sms",
        direction=direction,
        number_raw=row["address"] or "",
        at=from_unix(date),
        text=row["body"],
        status=status,
        source_ref=ref,
        raw=row_dict(row),
    )


def _mms(row: sqlite3.Row, parts: list[dict[str, Any]], addrs: list[dict[str, Any]]) -> Record:
    ref = f"pdu._id={row['_id']}"
    box = as_int(row["msg_box"])
    reason = skip_reason(box, MMS_BOXES, MMS_NOT_SENT, "mms msg_box", row["msg_box"])
    if reason:
        return Skipped(ref, reason)
    date = as_int(row["date"])
    if not date:
        return Skipped(ref, "no date")
    direction = MMS_BOXES[box]
    texts = [p["text"] for p in parts if (p.get("ct") or "").lower() == "text/plain" and p.get("text") is not None]
    number = mms_number([(a.get("address") or "", str(a.get("type"))) for a in addrs], direction, "")
    return RawEvent(
        channel="mms",
        direction=direction,
        number_raw=number,
        at=from_unix(date),
        text="\n".join(texts) if texts else None,
        source_ref=ref,
        raw={"pdu": row_dict(row), "parts": parts, "addrs": addrs},
    )
