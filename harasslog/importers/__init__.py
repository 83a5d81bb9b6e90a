"""Importers: phone exports in, RawEvent/Skipped out. They stream and never touch the store.

`IMPORTERS` is keyed by the format names of the command line (DESIGN.md); `detect(path)` tells the
format from the content (XML root, SQLite tables, CSV header), never from the file name.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from . import (
    android_calls,
    android_sms,
    carrier,
    csvfile,
    google_voice,
    ios_call_history,
    ios_calls,
    ios_sms,
    oppo,
    samsung_logs,
    sbr,
    superbackup,
    wechat,
    xlsx,
)
from .base import (
    SQLITE_MAGIC,
    Importer,
    ImportOptions,
    Record,
    one_line,
    open_sqlite,
    printable,
    table_columns,
    table_names,
)

__all__ = ["IMPORTERS", "FORMATS", "Importer", "ImportOptions", "Record", "detect", "read"]

IMPORTERS: dict[str, Importer] = {
    "sbr": Importer("sbr", sbr.VERSION, "SMS Backup & Restore XML (sms and calls)", sbr.read),
    "ios-sms": Importer("ios-sms", ios_sms.VERSION, "iOS sms.db (Messages; iOS 5 and older too)", ios_sms.read),
    "ios-calls": Importer("ios-calls", ios_calls.VERSION, "iOS CallHistory.storedata", ios_calls.read),
    "android-sms": Importer("android-sms", android_sms.VERSION, "Android mmssms.db", android_sms.read),
    "android-calls": Importer(
        "android-calls", android_calls.VERSION, "Android calllog.db / contacts2.db", android_calls.read
    ),
    "csv": Importer("csv", csvfile.VERSION, "CSV with a header (Chinese or English names)", csvfile.read),
    "google-voice": Importer(
        "google-voice",
        google_voice.VERSION,
        "Google Voice Takeout (Voice/Calls/*.html, takeout.zip)",
        google_voice.read,
    ),
    "wechat": Importer("wechat", wechat.VERSION, "WeChat chat export by MemoTrace/留痕 (CSV, HTML)", wechat.read),
    "superbackup": Importer("superbackup", superbackup.VERSION, "超级备份 Super Backup XML", superbackup.read),
    "oppo": Importer("oppo", oppo.VERSION, "OPPO/ColorOS backup (CallLog XML, .vmsg)", oppo.read),
    "samsung-logs": Importer(
        "samsung-logs", samsung_logs.VERSION, "Samsung logs.db (calls and SMS)", samsung_logs.read
    ),
    "ios-call-history": Importer(
        "ios-call-history", ios_call_history.VERSION, "iOS 3-7 call_history.db", ios_call_history.read
    ),
    "carrier": Importer(
        "carrier", carrier.VERSION, "Carrier itemised records 通话详单/短信详单 (.xlsx, CSV)", carrier.read
    ),
}
FORMATS = ("auto", *IMPORTERS)

_FIRST_TAG = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S)


def detect(path: Path, mapping: dict[str, str] | None = None, headerless: bool = False) -> str:
    """The format of a file from its content. InputError names the file when none fits.

    `mapping` (--map) lets a CSV with unknown header names count as one; `headerless` (--columns)
    makes any text file a CSV without a header."""
    name = path.name
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open("rb") as f:
        head = f.read(65536)
    if not head.strip():
        raise InputError(f"{name}: the file is empty")
    if head.startswith(SQLITE_MAGIC):
        return _detect_sqlite(path)
    if (kind := _detect_office(path, head)) is not None:
        return kind
    if head.startswith(google_voice.ZIP_MAGIC):
        return _detect_zip(path)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        return _detect_xml(text, name, path)
    if text.startswith(oppo.VMSG_MAGIC):
        return "oppo"
    if text.startswith((b"BEGIN:VCARD", b"BEGIN:VCALENDAR", b"BEGIN:BMSG")):
        kind = text.split(b"\n", 1)[0].strip().decode("ascii", "replace")[6:]
        raise InputError(f"{name}: a {kind} file, not messages or calls (export SMS as .vmsg or XML instead)")
    if b"\x00" in head[:1024] and not csvfile.sniff_encoding(path).startswith("utf-16"):
        raise InputError(f"{name}: not a phone export (a binary file of an unknown kind)")
    if headerless:
        return "csv"
    if carrier.sniff(path):
        return "carrier"
    _, header, _ = csvfile.read_header(path)
    if wechat.csv_header(header):
        return "wechat"
    if header and csvfile.looks_like_events(csvfile.resolve_columns(header, mapping or {}, name)):
        return "csv"
    if header and len(header) > 1:
        raise InputError(
            f"{name}: a CSV whose header names no time and number/text columns; "
            "use --format csv --map COLUMN=time --map COLUMN=number ..., or for a file without a header "
            "--columns time,number,type,text"
        )
    raise InputError(
        f"{name}: not a known phone export (SMS Backup & Restore, 超级备份 or OPPO XML, .vmsg, iOS or Android "
        "database, Google Voice Takeout, WeChat or phone-assistant CSV)"
    )


def _detect_xml(text: bytes, name: str, path: Path) -> str:
    prolog = _PROLOG.match(text)
    rest = text[prolog.end() :] if prolog else text
    match = _FIRST_TAG.match(rest)
    if match is None:
        if b"<!DOCTYPE" in text[:4096] or b"<!ENTITY" in text[:4096]:
            raise InputError(f"{name}: refused: the XML has a DOCTYPE (phone backups have none)")
        raise InputError(f"{name}: XML without a root element that could be read")
    root = match.group(1).decode("ascii", "replace")
    if root in sbr.ROOTS:
        return "sbr"
    if root in superbackup.ROOTS:
        return "superbackup"
    if root in oppo.ROOTS:
        return "oppo"
    if root.lower() == "html":
        return _detect_html(path)
    raise InputError(
        f"{name}: XML with root <{root}>, not a backup we read (SMS Backup & Restore <smses>/<calls>, "
        "超级备份 <allsms>/<alllogs>, OPPO <CallLog>)"
    )


def _detect_html(path: Path) -> str:
    """A web page: Google Voice's Takeout pages and MemoTrace's chat pages are exports; others are not."""
    with path.open("rb") as f:
        head = f.read(8 << 20)  # MemoTrace's page starts with its own script and styles
    if google_voice.is_page(head[: 1 << 20]):
        return "google-voice"
    if wechat.is_html(head):
        return "wechat"
    raise InputError(
        f"{path.name}: a web page that is neither a Google Voice Takeout page nor a MemoTrace WeChat export "
        "(save the messages from the phone as an SMS backup, or export the chat as CSV)"
    )


def _detect_zip(path: Path) -> str:
    members = google_voice.zip_names(path)
    if any(google_voice.CALLS_MEMBER.search(m) for m in members):
        return "google-voice"
    if "word/document.xml" in members:
        raise InputError(f"{path.name}: a Word document, not a phone export")
    raise InputError(
        f"{path.name}: a ZIP archive, not a Google Voice Takeout (no Voice/Calls/*.html inside); "
        "unzip it and import the backup files it holds"
    )


def _detect_sqlite(path: Path) -> str:
    try:
        with open_sqlite(path) as conn:
            tables = table_names(conn)
            if {"message", "handle"} <= tables:
                return "ios-sms"
            if "message" in tables and {"address", "flags", "date"} <= table_columns(conn, "message"):
                return "ios-sms"  # iOS 5 and older: no handle table
            if "ZCALLRECORD" in tables:
                return "ios-calls"
            if "sms" in tables and {"address", "body", "date"} <= table_columns(conn, "sms"):
                return "android-sms"
            if "calls" in tables and {"number", "date", "type"} <= table_columns(conn, "calls"):
                return "android-calls"
            if samsung_logs.TABLE in tables and samsung_logs.COLUMNS <= table_columns(conn, samsung_logs.TABLE):
                return "samsung-logs"
            if ios_call_history.TABLE in tables and ios_call_history.COLUMNS <= table_columns(conn, "call"):
                return "ios-call-history"
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path.name}: a damaged SQLite database ({one_line(exc)})") from None
    if {"raw_contacts", "data"} <= tables:
        raise InputError(
            f"{path.name}: an Android contacts2.db without a call log: since Android 7 calls are kept in "
            "calllog.db, in the same folder (com.android.providers.contacts/databases); import that file"
        )
    shown = printable(", ".join(sorted(tables)[:8]))
    raise InputError(f"{path.name}: a SQLite database, but not one we know (tables: {shown})")


_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files: Excel 97-2003 .xls


def _detect_office(path: Path, head: bytes) -> str | None:
    """Spreadsheets and PDFs carriers export: an .xlsx 详单 is read; .xls and PDF are named, with what to do."""
    if head.startswith(_OLE2_MAGIC):
        raise InputError(
            f"{path.name}: an old Excel .xls workbook (or another Office 97-2003 file), which is not read: "
            "open it and save it as .xlsx or .csv, then import that (旧版 .xls：请另存为 .xlsx 或 .csv 后再导入)"
        )
    if head.startswith(b"%PDF"):
        raise InputError(
            f"{path.name}: a PDF, which is not read: download the itemised record (详单) as Excel or CSV from the "
            "carrier's app or website, or save the PDF's table as .xlsx/.csv (PDF 不能导入：请导出 Excel 或 CSV 格式)"
        )
    if not head.startswith(xlsx.ZIP_MAGIC) or not xlsx.is_xlsx(path):
        return None
    if carrier.sniff(path):
        return "carrier"
    raise InputError(
        f"{path.name}: an Excel workbook whose first sheet is not a carrier itemised record we know "
        "(no header with 对方号码 and 起始时间 or 发送时间); save the sheet as CSV and import it with --format csv"
    )


def read(path: Path, format: str, options: ImportOptions) -> Iterator[Record]:
    """Records of one file in the given format ('auto' detects it)."""
    name = detect(path) if format == "auto" else format
    if name not in IMPORTERS:
        raise InputError(f"unknown format {format!r} (use one of {', '.join(FORMATS)})")
    return IMPORTERS[name].read(path, options)
