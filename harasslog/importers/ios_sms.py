"""iOS `sms.db` (Messages): `message` joined to `handle`, `chat` and `attachment`.

`is_from_me` gives the direction; `date` counts seconds, or nanoseconds since iOS 11, from
2001-01-01 UTC. When `text` is empty the text is decoded from `attributedBody`. `service`
'iMessage' becomes channel `im`; SMS/RCS become `sms` (or `mms` with attachments). Tapback
reactions and group-change items are skipped with that reason, and so are messages that failed to
send (`is_from_me` with `is_sent` 0 and an `error`), as Android's failed messages are. Attachment
files are not in sms.db (they live under ~/Library/SMS/Attachments), so they are listed in the raw
record only. A column this phone's schema lacks reads as empty.
An iOS 5 or older sms.db (no `handle` table: the address and `flags` are in `message`) is read
by its own mapping (`_legacy`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..models import RawEvent, Skipped
from .base import (
    ImportOptions,
    Record,
    as_int,
    as_number,
    as_text,
    column,
    from_apple,
    from_unix,
    open_sqlite,
    row_dict,
    table_names,
    table_rows,
)
from .typedstream import decode_attributed_body

VERSION = "ios-sms-2"


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with open_sqlite(path) as conn:
        tables = table_names(conn)
        if "handle" not in tables:  # iOS 5 and older: one message table, addresses inline
            for row in table_rows(conn, "message", "ROWID", options):
                yield _legacy(row)
            return
        handles = {column(r, "ROWID"): r for r in conn.execute("SELECT * FROM handle")}
        chats = _chat_identifiers(conn, tables)
        attachments = _attachments(conn, tables)
        for row in table_rows(conn, "message", "ROWID", options):
            yield _convert(row, handles, chats, attachments)


def _chat_identifiers(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    if not {"chat", "chat_message_join"} <= tables:
        return {}
    rows = conn.execute(
        "SELECT j.message_id, c.chat_identifier FROM chat_message_join j JOIN chat c ON c.ROWID = j.chat_id"
    )
    return {message_id: as_text(ident) or "" for message_id, ident in rows if ident}


def _attachments(conn: sqlite3.Connection, tables: set[str]) -> dict[int, list[dict[str, Any]]]:
    if not {"attachment", "message_attachment_join"} <= tables:
        return {}
    found: dict[int, list[dict[str, Any]]] = {}
    rows = conn.execute(
        "SELECT j.message_id AS message_id, a.* FROM message_attachment_join j "
        "JOIN attachment a ON a.ROWID = j.attachment_id ORDER BY a.ROWID"
    )
    for row in rows:
        item = row_dict(row)
        item.pop("message_id")
        found.setdefault(column(row, "message_id"), []).append(
            {k: item.get(k) for k in ("ROWID", "guid", "filename", "mime_type", "transfer_name", "total_bytes")}
        )
    return found


def _convert(
    row: sqlite3.Row,
    handles: dict[int, sqlite3.Row],
    chats: dict[int, str],
    attachments: dict[int, list[dict[str, Any]]],
) -> Record:
    rowid = column(row, "ROWID")
    ref = f"message.ROWID={rowid}"
    if as_int(column(row, "associated_message_type")):
        return Skipped(ref, "reaction (tapback)")
    if as_int(column(row, "item_type")):
        return Skipped(ref, "group or system item")
    if as_int(column(row, "is_from_me")) and not as_int(column(row, "is_sent")) and as_int(column(row, "error")):
        return Skipped(ref, "failed to send")  # the red "Not Delivered": it never left the phone
    date = as_number(column(row, "date"))
    if not date:
        return Skipped(ref, "no date")
    at = from_apple(date)
    if at is None:
        return Skipped(ref, "date out of range")
    text = _message_text(row, "attributedBody")
    files = attachments.get(rowid, [])
    if not text and not files:
        return Skipped(ref, "empty message")
    handle = handles.get(column(row, "handle_id"))
    number = (as_text(column(handle, "id")) if handle is not None else None) or chats.get(rowid) or ""
    service = column(row, "service") or "SMS"
    if service == "iMessage":
        channel = "im"
    else:
        channel = "mms" if files else "sms"
    raw: dict[str, Any] = {"message": row_dict(row)}
    if handle is not None:
        raw["handle"] = row_dict(handle)
    if rowid in chats:
        raw["chat_identifier"] = chats[rowid]
    if files:
        raw["attachments"] = files
    return RawEvent(
        channel=channel,
        direction="out" if as_int(column(row, "is_from_me")) else "in",
        number_raw=number,
        at=at,
        text=text,
        source_ref=ref,
        raw=raw,
    )


# iOS 5 and older (no handle table): SMS `flags` 2 received, 3 sent; 33/35 failed to send, 131 an
# invalid recipient, 129 deleted. iMessages (`is_madrid` 1) say it in `madrid_flags`. SMS dates are
# Unix seconds, iMessage dates seconds since 2001.
LEGACY_SMS = {2: "in", 3: "out"}
LEGACY_SMS_SKIP = {33: "failed to send", 35: "failed to send", 131: "failed to send", 129: "deleted"}
LEGACY_IMESSAGE = {12289: "in", 4097: "in", 77825: "in", 36869: "out", 45061: "out", 102405: "out"}
LEGACY_IMESSAGE_SKIP = {32773: "failed to send"}


def _message_text(row: sqlite3.Row, body_column: str) -> str | None:
    """The message's text: the `text` column, else what its attributed body holds."""
    text = as_text(column(row, "text"))
    body = column(row, body_column)
    if not text and isinstance(body, bytes):
        text = decode_attributed_body(body) or text
    return text


def _legacy(row: sqlite3.Row) -> Record:
    ref = f"message.ROWID={column(row, 'ROWID')}"
    imessage = bool(as_int(column(row, "is_madrid")))
    flags = as_int(column(row, "madrid_flags" if imessage else "flags"))
    known, skip = (LEGACY_IMESSAGE, LEGACY_IMESSAGE_SKIP) if imessage else (LEGACY_SMS, LEGACY_SMS_SKIP)
    if flags in skip:
        return Skipped(ref, skip[flags])
    if flags not in known:
        return Skipped(ref, f"unknown {'madrid_flags' if imessage else 'flags'} {flags!r}")
    date = as_number(column(row, "date"))
    if not date:
        return Skipped(ref, "no date")
    at = from_apple(date) if imessage else from_unix(date)
    if at is None:
        return Skipped(ref, "date out of range")
    text = _message_text(row, "madrid_attributedBody")
    if not text:
        return Skipped(ref, "empty message")
    address = as_text(column(row, "madrid_handle" if imessage else "address")) or ""
    return RawEvent(
        channel="im" if imessage else "sms",
        direction=known[flags],
        number_raw=address,
        at=at,
        text=text,
        source_ref=ref,
        raw={"message": row_dict(row)},
    )
