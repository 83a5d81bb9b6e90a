"""OPPO / ColorOS backups (备份与恢复): the call log as `<CallLog>` XML, messages as vMessage `.vmsg`.

Call log: each child of `<CallLog>` is one call, its Android provider columns as attributes
(`number`, `date` in milliseconds, `duration` in seconds, `type` 1 in, 2 out, 3 missed, 5 rejected
..., `name`); codes as in codes.py.

vMessage (the MTK/ColorOS form of vCard 2.1 for SMS), one block per message:

    BEGIN:VMSG / VERSION:1.1 / BEGIN:VCARD / TEL:10086 / END:VCARD / BEGIN:VBODY
    X-BOX:INBOX / X-READ:READ / X-TYPE:SMS / Date:2026/11/20 22:13:05
    Subject;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=E4=BD=A0=E5=A5=BD / END:VBODY / END:VMSG

`X-BOX` INBOX is received, SENDBOX (or SENTBOX) sent; drafts, outbox and failed boxes were never
delivered and are skipped. `Date` has no zone: it is the phone's wall clock, read in the profile's
zone, to the second. Quoted-printable values may be cut with soft line breaks (`=` at the end of a
line); a body without `Subject` is the plain lines inside VBODY. Each record keeps its block as written.
"""

from __future__ import annotations

import binascii
import codecs
import quopri
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError
from ..models import RawEvent, Skipped
from ..normalize import caller_kind, offset_minutes
from .base import ImportOptions, Record, as_int, from_unix
from .codes import CALL_TYPES, call_direction_status
from .xmlstream import numbered_children

VERSION = "oppo-1"
ROOTS = ("CallLog",)
VMSG_MAGIC = b"BEGIN:VMSG"
MAX_LINE = 1 << 20  # bytes in one line
MAX_BLOCK = 4 << 20  # bytes in one message block: far beyond any SMS, bounds memory
BOXES = {"INBOX": "in", "SENDBOX": "out", "SENTBOX": "out", "SENT": "out"}
NOT_SENT = {
    "DRAFT": "draft",
    "DRAFTBOX": "draft",
    "OUTBOX": "outbox (not sent)",
    "FAILED": "failed to send",
    "FAILBOX": "failed to send",
}
UNANSWERED = ("missed", "rejected", "blocked")
_DATE = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?")


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with path.open("rb") as f:
        head = f.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(VMSG_MAGIC):
        return read_vmsg(path, options)
    return read_calllog(path, options)


def read_calllog(path: Path, options: ImportOptions) -> Iterator[Record]:
    for tag, index, attrs, line, _children in numbered_children(path, ROOTS, options.progress):
        yield _call(f"{tag}[{index}] (line {line})", attrs)


def _call(ref: str, attrs: dict[str, str]) -> Record:
    kind = as_int(attrs.get("type"))
    if kind not in CALL_TYPES:
        return Skipped(ref, f"unknown call type {attrs.get('type')!r}" if "type" in attrs else "no call type")
    number_ms = as_int(attrs.get("date"))
    if not number_ms:
        return Skipped(ref, "no date")
    at = from_unix(number_ms)
    if at is None:
        return Skipped(ref, "date out of range")
    duration = as_int(attrs.get("duration"))
    direction, status = call_direction_status(kind, duration)
    number = attrs.get("number", "")
    return RawEvent(
        channel="call",
        direction=direction,
        number_raw=number,
        caller=caller_kind(number, as_int(attrs.get("presentation")), empty_is_unknown=True),
        at=at,
        duration_s=None if status in UNANSWERED else duration,
        status=status,
        source_ref=ref,
        raw=dict(attrs),
    )


def read_vmsg(path: Path, options: ImportOptions) -> Iterator[Record]:
    total = path.stat().st_size
    with path.open("rb") as f:
        for index, (line, block) in enumerate(_blocks(f, path.name), 1):
            if options.progress is not None:
                options.progress(f.tell(), total)
            yield _message(f"VMSG[{index}] (line {line})", block, path.name, options)


def _blocks(f: BinaryIO, name: str) -> Iterator[tuple[int, list[bytes]]]:
    """(line of BEGIN:VMSG, the block's lines without line ends), each block once it has ended."""
    number, start, block, size = 0, 0, None, 0
    while raw := f.readline(MAX_LINE + 1):
        number += 1
        if len(raw) > MAX_LINE:
            raise InputError(f"{name}: line {number} is longer than {MAX_LINE} bytes: not a vMessage file")
        line = raw.rstrip(b"\r\n")
        if number == 1:
            line = line.removeprefix(b"\xef\xbb\xbf")
        if block is None:
            if line.strip().upper() == b"BEGIN:VMSG":
                number_start, block, size = number, [line], len(line)
                start = number_start
            elif line.strip():
                raise InputError(f"{name}: line {number}: text outside a BEGIN:VMSG ... END:VMSG block")
            continue
        block.append(line)
        size += len(line)
        if size > MAX_BLOCK:
            raise InputError(f"{name}: line {start}: one message is larger than {MAX_BLOCK >> 20} MiB")
        if line.strip().upper() == b"END:VMSG":
            yield start, block
            block = None
    if block is not None:
        raise InputError(f"{name}: line {start}: a message without END:VMSG (the file is truncated)")


def _properties(block: list[bytes]) -> tuple[list[tuple[str, dict[str, str], bytes, int]], list[bytes]]:
    """(name, parameters, value, line offset) of each property, joining quoted-printable soft breaks
    and folded lines; and the lines of VBODY that are no property (a plain body)."""
    props: list[tuple[str, dict[str, str], bytes, int]] = []
    plain: list[bytes] = []
    in_body = False
    i = 0
    while i < len(block):
        line, at = block[i], i
        i += 1
        head, sep, value = line.partition(b":")
        upper = line.strip().upper()
        if upper in (b"BEGIN:VBODY", b"END:VBODY"):
            in_body = upper == b"BEGIN:VBODY"
            continue
        if not sep or not re.fullmatch(rb"[A-Za-z][\w-]*(;[^:]*)?", head):
            if in_body:
                plain.append(line)
            continue
        name, *params = head.decode("ascii", "replace").split(";")
        parameters = {}
        for p in params:
            key, _, val = p.partition("=")
            parameters[key.strip().upper()] = val.strip() if val else key.strip().upper()
        quoted = parameters.get("ENCODING", "").upper() in ("QUOTED-PRINTABLE", "QP")
        while quoted and value.endswith(b"=") and i < len(block):
            value = value[:-1] + block[i]  # a soft line break
            i += 1
        while not quoted and i < len(block) and block[i][:1] in (b" ", b"\t"):
            value += block[i][1:]  # a folded line
            i += 1
        props.append((name.strip().upper(), parameters, value, at))
    return props, plain


def _decode(value: bytes, parameters: dict[str, str], name: str, ref: str) -> str:
    charset = parameters.get("CHARSET", "UTF-8")
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        raise InputError(f"{name}: {ref}: a charset nobody knows ({charset[:40]!r})") from None
    data = value
    if parameters.get("ENCODING", "").upper() in ("QUOTED-PRINTABLE", "QP"):
        try:
            data = quopri.decodestring(value)
        except (ValueError, binascii.Error):
            raise InputError(f"{name}: {ref}: a body that is not valid quoted-printable") from None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise InputError(f"{name}: {ref}: bytes that are not {charset[:40]} text") from None


def _message(ref: str, block: list[bytes], name: str, options: ImportOptions) -> Record:
    raw_text = b"\n".join(block).decode("utf-8", "backslashreplace")
    raw = {"vmsg": raw_text}
    props, plain = _properties(block)
    found: dict[str, tuple[dict[str, str], bytes]] = {}
    for key, parameters, value, _line in props:
        found.setdefault(key, (parameters, value))  # the first TEL is the other side's (the VCARD)
    box = found.get("X-BOX", ({}, b""))[1].decode("ascii", "replace").strip().upper()
    if box in NOT_SENT:
        return Skipped(ref, NOT_SENT[box])
    if box not in BOXES:
        return Skipped(ref, f"unknown message box {box!r}" if box else "no X-BOX (neither received nor sent)")
    kind = found.get("X-TYPE", ({}, b"SMS"))[1].decode("ascii", "replace").strip().upper()
    if kind not in ("SMS", ""):
        return Skipped(ref, f"message type {kind[:20]!r} (only SMS is read)")
    written = found.get("DATE", ({}, b""))[1].decode("ascii", "replace").strip()
    match = _DATE.fullmatch(written)
    if match is None:
        return Skipped(ref, "no date" if not written else "unreadable date")
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    try:
        at = datetime(y, mo, d, h, mi, s, tzinfo=options.tz)
    except ValueError:
        return Skipped(ref, "unreadable date")
    text: str | None
    if "SUBJECT" in found:
        parameters, value = found["SUBJECT"]
        text = _decode(value, parameters, name, ref)
    else:
        text = "\n".join(_decode(line, {}, name, ref) for line in plain) if plain else None
    number = _decode(found["TEL"][1], found["TEL"][0], name, ref).strip() if "TEL" in found else ""
    return RawEvent(
        channel="sms",
        direction=BOXES[box],
        number_raw=number,
        caller=caller_kind(number),
        at=at,
        tz_offset_min=offset_minutes(at),
        at_precision="second" if match.group(6) else "minute",
        text=text,
        source_ref=ref,
        raw=raw,
    )
