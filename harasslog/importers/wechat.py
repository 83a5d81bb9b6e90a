"""WeChat chats exported by MemoTrace / 留痕 (and WeChatMsg, its earlier name): the CSV and the HTML.

CSV columns (the tool's own): localId, TalkerId, Type, SubType, IsSender, CreateTime, Status,
StrContent, StrTime, Remark, NickName, Sender. `IsSender` 1 is a message the borrower sent, 0 one
received; `CreateTime` is the instant in Unix seconds (`StrTime` the same moment as the exporting
computer's wall clock: read only when CreateTime is missing, in the profile's zone). Remark, NickName
and Sender describe who sent that row: the contact for a received message, the borrower for a sent one.

HTML: the page holds the messages as JavaScript object literals, one per message,
`{ type:1, text: '...', is_send:0, timestamp:1763647980, is_chatroom:0, displayname:'...' }`, the
text HTML-escaped then JavaScript-escaped; the page title is the chat's name. They are read as data
by a small scanner (never evaluated).

A WeChat contact has no phone number. An event's `number_raw` is `wechat:` followed by the
account's WeChat ID (wxid) where the export has one (the CSV's Sender), else by the name the export
shows (the HTML has no IDs); the store keeps it as written, like any sender that is not a phone
number, so events of one account group together and `party link wechat:wxid_... NAME` works.
A message sent by the borrower goes to the chat's one other account (the CSV's received rows name
it) or, in a group or a chat with no received row, to `wechat:chat-<TalkerId>`.

Text messages (type 1) keep their text; images, voice messages, videos, stickers, files, links,
locations, cards and calls are contacts too and are stored with no text (their content as the
export wrote it stays in the raw record); system notices (type 10000, 10002; 0 in the HTML) are
not messages from anyone and are skipped with that reason.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..models import RawEvent, Skipped
from ..normalize import offset_minutes
from .base import ImportOptions, Record, as_int, from_unix, printable
from .csvfile import MAX_LINE, cell_precision, parse_time, sniff_encoding

VERSION = "wechat-1"
CSV_COLUMNS = ("localid", "talkerid", "type", "subtype", "issender", "createtime", "status", "strcontent")
REQUIRED = frozenset({"issender", "type", "strcontent"})
TEXT, SYSTEM = 1, frozenset({10000, 10002})
HTML_SYSTEM = 0
HTML_REPLY = (49, 57)  # a quoted reply: its own words are in `text`
MAX_PAGE = 64 << 20  # bytes of one HTML export read into memory (400,000 messages or so)
MAX_STRING = 1 << 20  # characters of one value in the page's script
_OBJECT = re.compile(r"\{\s*type\s*:")
_KEY = re.compile(r"\s*,?\s*([A-Za-z_]\w*)\s*:\s*")
_BARE = re.compile(r"[-\w.]*")
_STRINGS = {q: re.compile(q + r"((?:[^\\\n" + q + r"]|\\.)*)" + q) for q in "'\""}
_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)", re.S)
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_TAG = re.compile(r"<[^>]*>")


def csv_header(header: list[str]) -> bool:
    """Whether a CSV header is MemoTrace's (IsSender, StrContent and a Type are what no other export has)."""
    return REQUIRED <= {h.strip().lstrip("\ufeff").lower() for h in header}


def is_html(head: bytes) -> bool:
    return b"is_send:" in head and b"timestamp:" in head and _OBJECT.search(head.decode("utf-8", "ignore")) is not None


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with path.open("rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return _read_html(path, options)
    return _read_csv(path, options)


def wechat_id(value: str) -> str:
    """What a WeChat account is stored under: never a phone number, always marked as WeChat."""
    return f"wechat:{value.strip()}"


# --- CSV -------------------------------------------------------------------------------------


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    encoding = sniff_encoding(path)
    number = 1
    try:
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as f:
            reader = csv.reader(_bounded(f, path.name))
            header = next(reader, [])
            names = [h.strip().lstrip("\ufeff") for h in header]
            if not csv_header(names):
                raise InputError(
                    f"{path.name}: not a MemoTrace WeChat CSV (no IsSender/Type/StrContent columns; "
                    f"header: {printable(', '.join(names))})"
                )
            for number, row in enumerate(reader, 2):
                record: dict[str, str] = {}
                for i, cell in enumerate(row):
                    key = names[i] if i < len(names) and names[i] else f"column {i + 1}"
                    record[key if key not in record else f"{key} ({i + 1})"] = cell
                yield number, record
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: row {number + 1}: bytes that are not {encoding} text") from None
    except csv.Error as exc:
        raise InputError(f"{path.name}: row {number + 1}: {exc}") from None


def _bounded(f: io.TextIOBase, name: str) -> Iterator[str]:
    number = 0
    while line := f.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise InputError(f"{name}: line {number} is longer than {MAX_LINE} characters: not a CSV export")
        yield line


def _get(row: dict[str, str], column: str) -> str:
    for key, value in row.items():
        if key.lower() == column:
            return value.strip()
    return ""


def _read_csv(path: Path, options: ImportOptions) -> Iterator[Record]:
    # First pass: the accounts each chat received messages from, so a sent message has a recipient.
    senders: dict[str, set[str]] = {}
    total = 0
    for number, row in _rows(path):
        total = number
        if _get(row, "issender") == "0" and _get(row, "sender"):
            senders.setdefault(_get(row, "talkerid"), set()).add(_get(row, "sender"))
    for number, row in _rows(path):
        if options.progress is not None and number % 2000 == 0:
            options.progress(number, total)  # in rows
        yield _csv_record(f"row {number}", row, senders, options)
    if options.progress is not None:
        options.progress(total, total)


def _csv_record(ref: str, row: dict[str, str], senders: dict[str, set[str]], options: ImportOptions) -> Record:
    if not any(v.strip() for v in row.values()):
        return Skipped(ref, "empty row")
    kind = as_int(_get(row, "type"))
    if kind in SYSTEM:
        return Skipped(ref, f"WeChat system notice (type {kind}), not a message")
    if kind is None:
        return Skipped(ref, "no message type")
    is_sender = _get(row, "issender")
    if is_sender not in ("0", "1"):
        return Skipped(ref, f"IsSender {is_sender[:10]!r} is neither 0 (received) nor 1 (sent)")
    found = _csv_time(row, options)
    if isinstance(found, str):
        return Skipped(ref, found)
    at, offset, precision = found
    talker = _get(row, "talkerid")
    if is_sender == "0":
        direction, account = "in", _get(row, "sender") or f"chat-{talker}"
    else:
        others = senders.get(talker, set())
        direction, account = "out", (next(iter(others)) if len(others) == 1 else f"chat-{talker}")
    return RawEvent(
        channel="im",
        direction=direction,
        number_raw=wechat_id(account),
        at=at,
        tz_offset_min=offset,
        at_precision=precision,
        text=_get_raw(row, "strcontent") if kind == TEXT else None,
        source_ref=ref,
        raw=row,
    )


def _get_raw(row: dict[str, str], column: str) -> str:
    """A cell exactly as written (the text of a message is never trimmed)."""
    return next((value for key, value in row.items() if key.lower() == column), "")


def _csv_time(row: dict[str, str], options: ImportOptions) -> tuple[datetime, int | None, str] | str:
    seconds = as_int(_get(row, "createtime"))
    if seconds:
        at = from_unix(seconds)
        return (at, None, "second") if at is not None else "CreateTime out of range"
    written = _get(row, "strtime")
    if not written:
        return "no time"
    parsed = parse_time(written, options.tz)
    if parsed is None:
        return "unreadable StrTime"
    return parsed, offset_minutes(parsed), cell_precision(written)


# --- HTML ------------------------------------------------------------------------------------


def _read_html(path: Path, options: ImportOptions) -> Iterator[Record]:
    size = path.stat().st_size
    if size > MAX_PAGE:
        raise InputError(f"{path.name}: refused: an HTML page of more than {MAX_PAGE >> 20} MiB")
    try:
        page = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name}: byte {exc.start} is not UTF-8 (MemoTrace writes UTF-8)") from None
    title = re.search(r"<title>(.*?)</title>", page, re.S | re.I)
    chat = html.unescape(title.group(1)).strip() if title else ""
    pos, index, line, counted = 0, 0, 1, 0
    while match := _OBJECT.search(page, pos):
        parsed = _object(page, match.start())
        if parsed is None:
            pos = match.end()
            following = _OBJECT.search(page, pos)
            if "is_send:" in page[match.start() : following.start() if following else match.start() + 4096]:
                index += 1  # it looked like a message: counted as skipped, never dropped unseen
                line += page.count("\n", counted, match.start())
                counted = match.start()
                yield Skipped(f"message[{index}] (line {line})", "a message not written as plain data (not read)")
            continue
        values, end = parsed
        pos = end
        if "is_send" not in values or "timestamp" not in values:
            continue  # the page's own script, not a message
        index += 1
        line += page.count("\n", counted, match.start())  # counted on from the last message: linear
        counted = match.start()
        yield _html_record(f"message[{index}] (line {line})", values, page[match.start() : end], chat)
    if index == 0:
        raise InputError(f"{path.name}: not a MemoTrace WeChat page (its script holds no messages)")
    if options.progress is not None:
        options.progress(size, size)


def _object(page: str, start: int) -> tuple[dict[str, Any], int] | None:
    """The keys and values of one object literal of strings and numbers, and where it ends."""
    pos = start + 1
    values: dict[str, Any] = {}
    while True:
        while pos < len(page) and page[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(page):
            return None
        if page[pos] == "}":
            return values, pos + 1
        key = _KEY.match(page, pos)
        if key is None:
            return None
        pos = key.end()
        if pos < len(page) and page[pos] in "'\"":
            text, pos = _string(page, pos)
            if text is None:
                return None
            values[key.group(1)] = text
        else:
            bare = _BARE.match(page, pos)
            if bare is None or not bare.group(0):
                return None
            values[key.group(1)] = bare.group(0)
            pos = bare.end()


def _string(page: str, pos: int) -> tuple[str | None, int]:
    """A quoted JavaScript string at `pos`, its escapes undone, and where it ends (None: not one)."""
    match = _STRINGS[page[pos]].match(page, pos)
    if match is None or match.end() - pos > MAX_STRING:
        return None, pos + 1  # unterminated on its line (a JavaScript string never spans lines), or huge
    return _ESCAPE.sub(_unescape, match.group(1)), match.end()


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return chr(int(code[1:], 16)) if len(code) == 5 else _ESCAPES.get(code, code)


def _plain(text: str) -> str:
    """The page's text as the sender wrote it: the tool escaped it as HTML and added line breaks
    and emoji images as markup, so markup goes and the escapes are undone."""
    return html.unescape(_TAG.sub("", re.sub(r"<br\s*/?>", "\n", text, flags=re.I)))


def _html_record(ref: str, values: dict[str, Any], source: str, chat: str) -> Record:
    raw = {"chat": chat, "js": source}
    kind = as_int(values.get("type"))
    if kind == HTML_SYSTEM or kind in SYSTEM:
        return Skipped(ref, "WeChat system notice, not a message")
    is_send = str(values.get("is_send", "")).strip()
    if is_send not in ("0", "1"):
        return Skipped(ref, f"is_send {is_send[:10]!r} is neither 0 (received) nor 1 (sent)")
    seconds = as_int(values.get("timestamp"))
    at = from_unix(seconds) if seconds else None
    if at is None:
        return Skipped(ref, "no time" if not seconds else "timestamp out of range")
    group = str(values.get("is_chatroom", "0")).strip() == "1"
    name = str(values.get("displayname", "")).strip()
    if is_send == "0":
        account = name if group and name else chat
    else:
        account = chat
    has_text = kind == TEXT or (kind, as_int(values.get("sub_type"))) == HTML_REPLY
    return RawEvent(
        channel="im",
        direction="out" if is_send == "1" else "in",
        number_raw=wechat_id(account) if account else "",
        caller=None if account else "unknown",
        at=at,
        text=_plain(str(values.get("text", ""))) if has_text else None,
        source_ref=ref,
        raw=raw,
    )
