"""Android `mmssms.db` (telephony provider): `sms`, and MMS through `pdu`, `part` and `addr`.

sms `type` 1 inbox, 2 sent; 3 draft, 4 outbox, 5 failed, 6 queued are skipped; LG's 7 is a blocked
incoming message. Samsung's `spam_sms` (messages the phone filtered as spam: collectors often land
there) is read too, as blocked incoming messages. `sms.date` is milliseconds but `pdu.date` is
seconds: both are read by magnitude. MMS parts are files on the phone (`part._data`), not in the
database, so only their text is imported; the part rows stay in the raw record. pdu rows whose
`m_type` is a delivery or read report are receipts, not messages, and are skipped. A column this
phone's schema lacks reads as empty (a message without `type` is skipped, saying so).
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
    as_text,
    column,
    from_unix,
    open_sqlite,
    row_dict,
    skip_reason,
    table_names,
)
from .codes import MMS_BOXES, MMS_NOT_SENT, MMS_REPORTS, SMS_NOT_SENT
from .sbr import mms_number

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
                pdu_id = column(row, "_id")
                yield _mms(row, parts.get(pdu_id, []), addrs.get(pdu_id, []))
        if options.progress is not None:
            options.progress(total, total)


def _tick(options: ImportOptions, done: int, total: int) -> None:
    if options.progress is not None and done % PROGRESS_EVERY == 0:
        options.progress(done, total)


def _group(conn: sqlite3.Connection, sql: str, key: str) -> dict[Any, list[dict[str, Any]]]:
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in conn.execute(sql):
        grouped.setdefault(column(row, key), []).append(row_dict(row))
    return grouped


def _sms(row: sqlite3.Row, table: str) -> Record:
    ref = f"{table}._id={column(row, '_id')}"
    written = column(row, "type")
    kind = as_int(written)
    reason = skip_reason(kind, SMS_TYPES, SMS_NOT_SENT, "sms type", written)
    if reason or kind is None:
        return Skipped(ref, reason or "no sms type")
    date = as_int(column(row, "date"))
    if not date:
        return Skipped(ref, "no date")
    at = from_unix(date)
    if at is None:
        return Skipped(ref, "date out of range")
    direction, status = SMS_TYPES[kind]
    if table == "spam_sms":
        status = "blocked"
    return RawEvent(
        channel="sms",
        direction=direction,
        number_raw=as_text(column(row, "address")) or "",
        at=at,
        text=as_text(column(row, "body")),
        status=status,
        source_ref=ref,
        raw=row_dict(row),
    )


def _mms(row: sqlite3.Row, parts: list[dict[str, Any]], addrs: list[dict[str, Any]]) -> Record:
    ref = f"pdu._id={column(row, '_id')}"
    report = MMS_REPORTS.get(as_int(column(row, "m_type")) or 0)
    if report:
        return Skipped(ref, report)
    written = column(row, "msg_box")
    box = as_int(written)
    reason = skip_reason(box, MMS_BOXES, MMS_NOT_SENT, "mms msg_box", written)
    if reason or box is None:
        return Skipped(ref, reason or "no mms msg_box")
    date = as_int(column(row, "date"))
    if not date:
        return Skipped(ref, "no date")
    at = from_unix(date)
    if at is None:
        return Skipped(ref, "date out of range")
    direction = MMS_BOXES[box]
    texts = [
        as_text(p["text"]) or ""
        for p in parts
        if str(p.get("ct") or "").lower() == "text/plain" and p.get("text") is not None
    ]
    number = mms_number([(as_text(a.get("address")) or "", str(a.get("type"))) for a in addrs], direction, "")
    return RawEvent(
        channel="mms",
        direction=direction,
        number_raw=number,
        at=at,
        text="\n".join(texts) if texts else None,
        source_ref=ref,
        raw={"pdu": row_dict(row), "parts": parts, "addrs": addrs},
    )
