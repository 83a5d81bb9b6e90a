"""SMS Backup & Restore (SyncTech) XML: `<smses>` with `<sms>`/`<mms>`, and `<calls>` with `<call>`.

Mapping (formats.md §2): sms `type` 1 received, 2 sent; 3 draft, 4 outbox, 5 failed, 6 queued were
never delivered and are skipped with that reason. mms `msg_box` 1 in, 2 sent, others skipped; only
an mms whose `m_type` is a message (128 sent, 130 notification, 132 received) is one: delivery and
read reports and other receipts are skipped too, saying which.
call `type` 1 in/answered, 2 out, 3 missed, 4 voicemail, 5 rejected, 6 blocked, 7 answered
elsewhere. A caller without a number (`number` -1/-2/-3 or empty, `presentation` 2/3/4) is a
withheld/unknown caller (RawEvent.caller), never the short code "2". `date` is read by magnitude
(seconds or milliseconds); `readable_date` and the root's `count` are ignored (both are unreliable
in real files). Source references are XPath-like, one-based per element name (`sms[17]` is
`/smses/sms[17]`), with the line the element starts on.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..models import RawAttachment, RawEvent, Skipped
from ..normalize import NumberInfo, caller_kind, normalize_number
from . import xmlstream
from .base import MS_EXACT, MS_FROM, ImportOptions, Record, Row, as_int, from_unix, ms_iso, skip_reason
from .codes import (
    CALL_TYPES,
    MMS_BOXES,
    MMS_MESSAGES,
    MMS_NOT_SENT,
    MMS_REPORTS,
    SMS_DIRECTIONS,
    SMS_NOT_SENT,
    call_direction_status,
)
from .xmlstream import byte_progress, feed, iter_children, new_parser

VERSION = "sbr-1"
ROOTS = ("smses", "calls")

ADDR_FROM, ADDR_TO = "137", "151"
INSERT_TOKEN = "insert-address-token"  # Android's placeholder for "me"


@dataclass(slots=True)
class _Element:
    tag: str
    index: int
    line: int
    attrs: dict[str, str]
    children: list[tuple[str, dict[str, str]]]

    @property
    def ref(self) -> str:
        return f"{self.tag}[{self.index}] (line {self.line})"

    @property
    def parts(self) -> list[dict[str, str]]:
        return [a for t, a in self.children if t == "part"]

    @property
    def addrs(self) -> list[dict[str, str]]:
        return [a for t, a in self.children if t == "addr"]


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    counters: dict[str, int] = {}
    for tag, attrs, line, children in iter_children(path, ROOTS, byte_progress(path, options.progress)):
        index = counters[tag] = counters.get(tag, 0) + 1
        if tag == "sms":  # nearly every element of a big backup: read straight from its attributes
            yield _sms(attrs, f"sms[{index}] (line {line})")
            continue
        el = _Element(tag, index, line, attrs, children)
        if tag == "mms":
            yield _mms(el, path.name)
        elif tag == "call":
            yield _call(el)
        else:
            yield Skipped(el.ref, f"unknown element <{tag}>")


class _Addresses(dict[str, tuple[str | None, str | None, NumberInfo | None]]):
    """An sms `address` -> (stored number, caller kind, NumberInfo), each distinct one worked out
    once, as the general path does per record (events._prepare and caller_kind)."""

    def __init__(self, region: str) -> None:
        super().__init__()
        self.region = region

    def __missing__(self, address: str) -> tuple[str | None, str | None, NumberInfo | None]:
        caller = caller_kind(address)
        info = normalize_number(address, self.region) if address and caller is None else None
        found = self[address] = (info.number if info else None, caller, info)
        return found


_SMS_ROW = object()  # `current` while inside an <sms> read by read_rows' fast path


def read_rows(path: Path, options: ImportOptions, max_text: int) -> Iterator[tuple[list[Row | Record], bool]]:
    """What `read` yields, fused for a big import: lists (one per chunk of the file) in document
    order, where each ordinary `<sms>` (type 1 or 2, a date in milliseconds of 1973-2096, a body
    of at most `max_text` characters) is already the store's Row, built in expat's callback from
    its attributes, with its number normalized once per distinct address; every other element
    (mms, call, an sms with an odd type or date) is the Record `read` yields for it. Same records,
    same order. With each list: whether it holds Rows only (the common case)."""
    name = path.name
    parser = new_parser(name)
    addresses = _Addresses(options.region)
    out: list[Any] = []
    counters: dict[str, int] = {}
    sms_count = sms_line = depth = since = 0
    current: Any = None
    odd = False  # whether `out` holds an _Element to turn into its Record

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth, current, since, sms_count, sms_line, odd
        depth += 1
        if depth == 2:
            since = parser.CurrentByteIndex
            if tag == "sms":
                current = _SMS_ROW
                sms_count += 1
                sms_line = line = parser.CurrentLineNumber
                date = attrs.get("date")
                direction = _SMS_SENT.get(attrs.get("type"))  # type: ignore[arg-type]
                if (
                    direction is not None
                    and date is not None
                    and 12 <= len(date) <= 13
                    and date.isascii()
                    and date.isdigit()
                    and MS_FROM <= (ms := int(date)) < MS_EXACT
                    and ((body := attrs.get("body")) is None or len(body) <= max_text)
                ):
                    address = attrs.get("address", "")
                    number, caller, info = addresses[address]
                    out.append(
                        (
                            "sms",
                            direction,
                            number,
                            address,
                            ms_iso(ms),
                            None,
                            None,
                            "unknown",
                            body,
                            f"sms[{sms_count}] (line {line})",
                            attrs,
                            "second",
                            caller,
                            (),
                            info,
                        )
                    )
                else:
                    out.append(_Element(tag, sms_count, line, attrs, []))
                    odd = True
                return
            index = counters[tag] = counters.get(tag, 0) + 1
            current = _Element(tag, index, parser.CurrentLineNumber, attrs, [])
            out.append(current)
            odd = True
        elif depth > 2:
            if current is not None and current is not _SMS_ROW:
                current.children.append((tag, attrs))
        elif depth == 1:
            if tag not in ROOTS:
                expected = " or ".join(f"<{r}>" for r in ROOTS)
                raise InputError(f"{name}: the root element is <{tag}>, expected {expected}")
            since = parser.CurrentByteIndex

    def end(_tag: str) -> None:
        nonlocal depth, current, since
        if depth == 2:
            current = None
        depth -= 1
        if current is None:
            since = parser.CurrentByteIndex

    parser.StartElementHandler = start
    parser.EndElementHandler = end

    def oversize(fed: int) -> str | None:
        if fed - since <= xmlstream.MAX_ELEMENT:
            return None
        if current is None:
            return "one piece"
        return f"one <sms> (line {sms_line})" if current is _SMS_ROW else f"one <{current.tag}> (line {current.line})"

    for _ in feed(path, parser, oversize, byte_progress(path, options.progress)):
        plain = not odd
        if odd:  # an mms, a call, an odd sms: its Record, as `read` makes it (outside expat's callbacks)
            out[:] = [_record(item, name) if type(item) is _Element else item for item in out]
            odd = False
        if out:
            yield out, plain
            out = []


def _record(el: _Element, name: str) -> Record:
    if el.tag == "sms":
        return _sms(el.attrs, el.ref)
    if el.tag == "mms":
        return _mms(el, name)
    if el.tag == "call":
        return _call(el)
    return Skipped(el.ref, f"unknown element <{el.tag}>")


def _date(el: _Element) -> datetime | str:
    return _time(el.attrs.get("date"))


def _time(value: str | None) -> datetime | str:
    """The `date` attribute's time, or why there is none ("no date", "date out of range")."""
    number: int | None
    try:
        number = int(value) if value is not None else None
    except ValueError:
        number = as_int(value)
    if not number:
        return "no date"
    return from_unix(number) or "date out of range"


_SMS_SENT = {"1": "in", "2": "out"}  # `type` as written by every phone: no parsing needed


def _sms(attrs: dict[str, str], ref: str) -> Record:
    written = attrs.get("type")
    direction = _SMS_SENT.get(written) if written is not None else None
    if direction is None:
        kind = _small_int(written)
        reason = skip_reason(kind, SMS_DIRECTIONS, SMS_NOT_SENT, "sms type", written)
        if reason or kind is None:
            return Skipped(ref, reason or "no sms type")
        direction = SMS_DIRECTIONS[kind]
    at = _time(attrs.get("date"))
    if isinstance(at, str):
        return Skipped(ref, at)
    address = attrs.get("address", "")
    return RawEvent(
        channel="sms",
        direction=direction,
        number_raw=address,
        caller=caller_kind(address),
        at=at,
        text=attrs.get("body"),
        source_ref=ref,
        raw=attrs,
    )


def _small_int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else as_int(value)


def _mms(el: _Element, name: str) -> Record:
    written_type = el.attrs.get("m_type")
    m_type = as_int(written_type)
    if written_type not in (None, "", "null") and m_type not in MMS_MESSAGES:
        return Skipped(el.ref, MMS_REPORTS.get(m_type or 0) or f"mms m_type {written_type!r} (not a message)")
    box = as_int(el.attrs.get("msg_box"))
    reason = skip_reason(box, MMS_BOXES, MMS_NOT_SENT, "mms msg_box", el.attrs.get("msg_box"))
    if reason or box is None:
        return Skipped(el.ref, reason or "no mms msg_box")
    at = _date(el)
    if isinstance(at, str):
        return Skipped(el.ref, at)
    direction = MMS_BOXES[box]
    texts: list[str] = []
    attachments: list[RawAttachment] = []
    raw_parts: list[dict[str, Any]] = []
    for part in sorted(el.parts, key=lambda p: as_int(p.get("seq")) or 0):
        ct = (part.get("ct") or "").lower()
        raw_part: dict[str, Any] = dict(part)
        if ct == "text/plain" and part.get("text") is not None:
            texts.append(part["text"])
        elif "data" in part and ct != "application/smil":
            try:
                data = base64.b64decode(part["data"], validate=False)
            except (binascii.Error, ValueError):
                raise InputError(f"{name}: {el.ref}: a part's data is not valid base64") from None
            # The bytes go to the attachment store; the raw record keeps their hash, not megabytes.
            raw_part["data"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            attachments.append(RawAttachment(name=_part_name(part), mime=part.get("ct"), data=data))
        elif "data" in part:
            raw_part["data"] = {"size": len(part["data"])}
        raw_parts.append(raw_part)
    number = _mms_number(el, direction)
    return RawEvent(
        channel="mms",
        direction=direction,
        number_raw=number,
        caller=caller_kind(number),
        at=at,
        text="\n".join(texts) if texts else None,
        source_ref=el.ref,
        raw={**el.attrs, "parts": raw_parts, "addrs": [dict(a) for a in el.addrs]},
        attachments=tuple(attachments),
    )


def _part_name(part: dict[str, str]) -> str | None:
    for key in ("cl", "name", "fn"):
        value = part.get(key)
        if value and value != "null":
            return value
    return None


def mms_number(addrs: list[tuple[str, str]], direction: str, fallback: str) -> str:
    """The other side of an MMS from its (address, type) list: the sender for an incoming one,
    the recipients ('~'-joined, as Android writes groups) for a sent one."""
    wanted = ADDR_FROM if direction == "in" else ADDR_TO
    found = [a for a, t in addrs if str(t) == wanted and a and a != INSERT_TOKEN]
    if direction == "in":
        return found[0] if found else fallback
    return "~".join(found) if found else fallback


def _mms_number(el: _Element, direction: str) -> str:
    addrs = [(a.get("address", ""), a.get("type", "")) for a in el.addrs]
    if direction == "out" and el.attrs.get("address"):
        return el.attrs["address"]
    return mms_number(addrs, direction, el.attrs.get("address", ""))


def _call(el: _Element) -> Record:
    kind = as_int(el.attrs.get("type"))
    if kind not in CALL_TYPES:
        return Skipped(el.ref, f"unknown call type {el.attrs.get('type')!r}")
    at = _date(el)
    if isinstance(at, str):
        return Skipped(el.ref, at)
    duration = as_int(el.attrs.get("duration"))
    direction, status = call_direction_status(kind, duration)
    number = el.attrs.get("number", "")
    return RawEvent(
        channel="call",
        direction=direction,
        number_raw=number,
        at=at,
        duration_s=duration,
        status=status,
        source_ref=el.ref,
        raw=dict(el.attrs),
        caller=caller_kind(number, as_int(el.attrs.get("presentation")), empty_is_unknown=True),
    )
