"""The lawyer's binder: Bates control, US counts and statutory figures, TCPA marks.

Pure: everything comes from the collected case data. The figures state the statute's limits and
multiply only what the store records; a ground the store does not record is never assumed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..deadlines import tcpa_ground
from ..errors import InputError
from ..models import Event, Request
from .common import local

DEFAULT_PREFIX = "HL-"
_PREFIX = re.compile(r"[\w.\-/]{0,24}")  # it goes into a CSS string: no quotes, backslashes or spaces


# Requests after which a collector's further calls are counted: a stop, a written cease, consent revoked.
STOP_KINDS = ("stop", "cease_written", "stop_channel")
TCPA_PER_CALL = 500  # 47 USC 227(b)(3)(B)
TCPA_WILLFUL = 1500  # 47 USC 227(b)(3): up to three times, if willful or knowing
FDCPA_PER_ACTION = 1000  # 15 USC 1692k(a)(2)(A): per action, not per violation


def check_bates(prefix: str | None, start: int | None) -> tuple[str, int]:
    """The Bates prefix and first number as given, or refused with one line."""
    prefix = DEFAULT_PREFIX if prefix is None else prefix
    start = 1 if start is None else start
    if not _PREFIX.fullmatch(prefix):
        raise InputError("--bates-prefix may hold up to 24 letters, digits and . _ - / (no spaces or quotes)")
    if not 1 <= start <= 99_999_999:
        raise InputError("--bates-start must be a whole number from 1 to 99999999")
    return prefix, start


def bates_label(prefix: str, number: int) -> str:
    """A Bates number as the PDF prints it (six digits at least, like the page foot)."""
    return f"{prefix}{number:06d}"


def _collector(e: Event) -> str:
    return e.party or e.number or e.number_raw or ""


def us_counts(events: list[Event], requests: list[Request], tz: ZoneInfo) -> dict[str, Any]:
    """Contacts per collector per day and per ISO week, calls after a stop, TCPA-marked calls."""
    incoming = [e for e in events if e.direction == "in"]
    per_day: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    per_week: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    keys: dict[date, tuple[str, str]] = {}  # a local day's row keys, made once a day (not per event)
    for e in incoming:
        day = e.at.astimezone(tz).date()
        day_keys = keys.get(day)
        if day_keys is None:
            year, week, _ = day.isocalendar()
            monday = day - timedelta(days=day.weekday())
            day_keys = keys[day] = (day.isoformat(), f"{year}-W{week:02d} ({monday})")
        who = _collector(e)
        kind = "calls" if e.channel == "call" else "texts" if e.channel in ("sms", "mms") else "other"
        for table, key in zip((per_day, per_week), day_keys, strict=True):
            counts = table[(who, key)]
            counts[kind] += 1
            counts["total"] += 1

    def rows(table: dict[tuple[str, str], Counter[str]], name: str) -> list[dict[str, Any]]:
        return [
            {"collector": who, name: key, **{k: c.get(k, 0) for k in ("total", "calls", "texts", "other")}}
            for (who, key), c in sorted(table.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        ]

    after = []
    for r in requests:
        if r.kind not in STOP_KINDS or (r.kind == "stop_channel" and r.channel not in (None, "call")):
            continue
        later = [
            e
            for e in incoming
            if e.group == r.group and e.at >= r.start and e.id != r.event_id and (r.end is None or e.at < r.end)
        ]
        calls = [e for e in later if e.channel == "call"]
        after.append(
            {
                "kind": r.kind,
                "party": r.party or "",
                "start": local(r.start, tz, "%Y-%m-%d %H:%M"),
                "calls": len(calls),
                "contacts": len(later),
                "first": local(calls[0].at, tz, "%Y-%m-%d %H:%M") if calls else None,
                "last": local(calls[-1].at, tz, "%Y-%m-%d %H:%M") if calls else None,
                "event_ids": [e.id for e in calls],
            }
        )
    # Only a note can record a ground: events without one need no search.
    marked = [(e, tcpa_ground(e.note) if e.note else None) for e in incoming if e.channel in ("call", "sms", "mms")]
    tcpa = [
        {"id": e.id, "time": local(e.at, tz, "%Y-%m-%d %H:%M"), "collector": _collector(e), "ground": g}
        for e, g in marked
        if g
    ]
    first_marked = min((e.at for e, g in marked if g), default=None)
    return {
        "per_day": rows(per_day, "date"),
        "per_week": rows(per_week, "week"),
        "after_stop": after,
        "tcpa": {
            "calls": tcpa,
            "count": len(tcpa),
            "per_call": f"{TCPA_PER_CALL:,}",
            "willful": f"{TCPA_WILLFUL:,}",
            "total_min": f"{len(tcpa) * TCPA_PER_CALL:,}",
            "total_max": f"{len(tcpa) * TCPA_WILLFUL:,}",
            # Four years from the first call marked with a ground (28 USC 1658(a)); none marked: no date.
            "deadline": _add_years(first_marked.astimezone(tz).date(), 4).isoformat() if first_marked else None,
            "counted_from": first_marked.astimezone(tz).date().isoformat() if first_marked else None,
        },
        "fdcpa_per_action": f"{FDCPA_PER_ACTION:,}",
    }


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
