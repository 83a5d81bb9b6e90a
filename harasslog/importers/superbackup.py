"""超级备份 (Super Backup, com.idea.backup.smscontacts) XML: `<allsms>` with `<sms>`, `<alllogs>` with `<log>`.

The app copies the Android provider's rows into attributes, so the codes are Android's (codes.py):
sms `address`, `date` (milliseconds), `type` (1 received, 2 sent, 3-6 never delivered), `body`,
`name`; log `number`, `date`, `type` (1 in, 2 out, 3 missed, 5 rejected ...), `dur` (or `duration`),
`name`. `time` is the same moment written for people ("2020年11月17日 12:14:58", the phone's zone):
read only when `date` is missing, then in the profile's zone. An empty or -1/-2/-3 number is a
withheld/unknown caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ..models import RawEvent, Skipped
from ..normalize import caller_kind, offset_minutes
from .base import ImportOptions, Record, as_int, from_unix, skip_reason
from .codes import CALL_TYPES, SMS_DIRECTIONS, SMS_NOT_SENT, call_direction_status
from .csvfile import cell_precision, parse_time
from .xmlstream import numbered_children

VERSION = "superbackup-1"
ROOTS = ("allsms", "alllogs")
UNANSWERED = ("missed", "rejected", "blocked")


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    for tag, index, attrs, line, _children in numbered_children(path, ROOTS, options.progress):
        ref = f"{tag}[{index}] (line {line})"
        if tag == "sms":
            yield _sms(ref, attrs, options)
        elif tag == "log":
            yield _log(ref, attrs, options)
        else:
            yield Skipped(ref, f"unknown element <{tag}>")


def when(attrs: dict[str, str], options: ImportOptions) -> tuple[datetime, int | None, str] | str:
    """(time, offset the file recorded, precision) from `date`, else from `time`; or why there is none."""
    number = as_int(attrs.get("date"))
    if number:
        at = from_unix(number)
        return (at, None, "second") if at is not None else "date out of range"
    written = (attrs.get("time") or "").strip()
    if not written:
        return "no date"
    parsed = parse_time(written, options.tz)
    if parsed is None:
        return "unreadable time"
    return parsed, offset_minutes(parsed), cell_precision(written)


def _sms(ref: str, attrs: dict[str, str], options: ImportOptions) -> Record:
    kind = as_int(attrs.get("type"))
    reason = skip_reason(kind, SMS_DIRECTIONS, SMS_NOT_SENT, "sms type", attrs.get("type"))
    if reason or kind is None:
        return Skipped(ref, reason or "no sms type")
    found = when(attrs, options)
    if isinstance(found, str):
        return Skipped(ref, found)
    at, offset, precision = found
    address = attrs.get("address", "")
    return RawEvent(
        channel="sms",
        direction=SMS_DIRECTIONS[kind],
        number_raw=address,
        caller=caller_kind(address),
        at=at,
        tz_offset_min=offset,
        at_precision=precision,
        text=attrs.get("body"),
        source_ref=ref,
        raw=dict(attrs),
    )


def _log(ref: str, attrs: dict[str, str], options: ImportOptions) -> Record:
    kind = as_int(attrs.get("type"))
    if kind not in CALL_TYPES:
        return Skipped(ref, f"unknown call type {attrs.get('type')!r}")
    found = when(attrs, options)
    if isinstance(found, str):
        return Skipped(ref, found)
    at, offset, precision = found
    duration = as_int(attrs["dur"] if "dur" in attrs else attrs.get("duration"))
    direction, status = call_direction_status(kind, duration)
    if status in UNANSWERED:
        duration = None  # the app writes how long it rang (48 s for a missed call): no one spoke; raw keeps it
    number = attrs.get("number", "")
    return RawEvent(
        channel="call",
        direction=direction,
        number_raw=number,
        caller=caller_kind(number, empty_is_unknown=True),
        at=at,
        tz_offset_min=offset,
        at_precision=precision,
        duration_s=duration,
        status=status,
        source_ref=ref,
        raw=dict(attrs),
    )
