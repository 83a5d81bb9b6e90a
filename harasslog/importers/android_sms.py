"""Android `mmssms.db` (telephony provider): `sms`, and MMS through `pdu`, `part` and `addr`.

sms `type` 1 inbox, 2 sent; 3 draft, 4 outbox, 5 failed, 6 queued are skipped; LG's 7 is a blocked
incoming message. Samsung's `spam_sms` (messages the phone filtered as spam: collectors often land
there) is read too, as blocked incoming messages. `sms.date` is milliseconds but `pdu.date` is
seconds: both are read by magnitude. MMS parts are files on the phone (`part._data`), not in the
database, so only their text is imported; the part rows stay in the raw record. Only pdu rows whose
`m_type` is a message (128 sent, 130 notification of one waiting, 132 received) are events;
delivery and read reports and the other protocol receipts are skipped, saying which. A column this
phone's schema lacks reads as empty, and a table without `_id` is read in rowid order; without a
`type` column a message is received if a service centre delivered it, else skipped, saying why.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..models import RawEvent, Skipped
from ..normalize import caller_kind
from .base import (
    PROGRESS_EVERY,
    ImportOptions,
    Notice,
    Record,
    as_int,
    as_text,
    column,
    from_unix,
    open_sqlite,
    row_dict,
    skip_reason,
    table_columns,
    table_names,
)
from .codes import MMS_BOXES, MMS_MESSAGES, MMS_NOT_SENT, MMS_REPORTS, SMS_NOT_SENT
from .sbr import mms_number

VERSION = "android-sms-2"
SMS_TYPES = {1: ("in", "unknown"), 2: ("out", "unknown"), 7: ("in", "blocked")}
# Without a `type` column (some vendors' and old schemas) a message is known to be received only by
# the service centre that delivered it (the phone stores none for what it sent); the rest is skipped
# as "no sms type", and the import's warning says why.


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
            columns = table_columns(conn, table)
            if "type" not in columns:
                yield Notice(
                    f"{path.name}: its {table} table has no type column (an older or vendor schema): messages "
                    "with a service centre were read as received, the others skipped (no sms type)"
                )
            for row in conn.execute(f"SELECT *, rowid AS _rowid FROM {table} ORDER BY {_order(columns)}"):
                done += 1
                _tick(options, done, total)
                yield _sms(row, table, "type" in columns)
        if has_mms:
            parts = _group(conn, "part", "mid", ("mid", "seq", "_id"))
            addrs = _group(conn, "addr", "msg_id", ("msg_id", "_id"))
            pdu_columns = table_columns(conn, "pdu")
            for row in conn.execute(f"SELECT *, rowid AS _rowid FROM pdu ORDER BY {_order(pdu_columns)}"):
                done += 1
                _tick(options, done, total)
                pdu_id = column(row, "_id")
                yield _mms(row, parts.get(pdu_id, []), addrs.get(pdu_id, []))
        if options.progress is not None:
            options.progress(total, total)


def _order(columns: set[str]) -> str:
    """Rows in the phone's own order: by `_id`, or by rowid in a schema without one."""
    return "_id" if "_id" in columns else "rowid"


def _tick(options: ImportOptions, done: int, total: int) -> None:
    if options.progress is not None and done % PROGRESS_EVERY == 0:
        options.progress(done, total)


def _group(conn: sqlite3.Connection, table: str, key: str, order: tuple[str, ...]) -> dict[Any, list[dict[str, Any]]]:
    """A table's rows by `key`, ordered by those of `order` this schema has (a missing column is no crash)."""
    columns = table_columns(conn, table)
    if key not in columns:
        return {}
    by = ", ".join(c for c in order if c in columns) or "rowid"
    grouped: dict[Any, list[dict[str, Any]]] = {}
    for row in conn.execute(f"SELECT * FROM {table} ORDER BY {by}"):
        grouped.setdefault(column(row, key), []).append(row_dict(row))
    return grouped


def _ref(table: str, row: sqlite3.Row) -> str:
    ident = column(row, "_id")
    return f"{table}._id={ident}" if ident is not None else f"{table}.rowid={column(row, '_rowid')}"


def _raw(row: sqlite3.Row) -> dict[str, Any]:
    record = row_dict(row)
    record.pop("_rowid", None)  # ours, not the phone's
    return record


def _sms(row: sqlite3.Row, table: str, has_type: bool) -> Record:
    ref = _ref(table, row)
    written = column(row, "type")
    kind = as_int(written)
    if not has_type:
        kind = 1 if as_text(column(row, "service_center")) else None
        if kind is None:
            return Skipped(ref, "no sms type")
    reason = skip_reason(kind, SMS_TYPES, SMS_NOT_SENT, "sms type", written if has_type else kind)
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
    address = as_text(column(row, "address")) or ""
    return RawEvent(
        channel="sms",
        direction=direction,
        number_raw=address,
        at=at,
        text=as_text(column(row, "body")),
        status=status,
        source_ref=ref,
        raw=_raw(row),
        caller=caller_kind(address),
    )


def _mms(row: sqlite3.Row, parts: list[dict[str, Any]], addrs: list[dict[str, Any]]) -> Record:
    ref = _ref("pdu", row)
    written_type = column(row, "m_type")
    m_type = as_int(written_type)
    if written_type is not None and m_type not in MMS_MESSAGES:
        return Skipped(ref, MMS_REPORTS.get(m_type or 0) or f"mms m_type {written_type!r} (not a message)")
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
        as_text(p.get("text")) or ""
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
        raw={"pdu": _raw(row), "parts": parts, "addrs": addrs},
        caller=caller_kind(number),
    )
