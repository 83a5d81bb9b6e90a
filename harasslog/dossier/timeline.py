"""The timeline: one row per event (the appendix is all of them), contacts per day, the heat map."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from .. import charts
from ..models import Event, Finding
from . import provenance
from .common import dedupe, duration, label


def event_rows(
    events: list[Event],
    findings: list[Finding],
    findings_of_event: dict[int, list[int]],
    finding_no: dict[int, int],
    *,
    t: dict[str, Any],
    tz: ZoneInfo,
    imports: dict[int, dict[str, Any]] | None = None,
    corroborations: dict[int, list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """Every event as the templates show it, in time order; exhibits are added by `exhibits`.

    Each row says where the event came from and, for a date-only entry, that its time was not
    recorded; a withdrawn event carries the reason (it belongs in the full log only)."""
    rows = []
    imports = imports or {}
    corroborations = corroborations or {}
    labels: dict[str, str] = {}  # a source's marker, made once per file (a binder has a few)
    for seq, e in enumerate(events, start=1):
        mine = findings_of_event.get(e.id, [])
        matches = [m for i in mine for m in findings[i].matches]
        cats = dedupe(findings[i].category for i in mine) if mine else []
        source = provenance.source_of(e, imports)
        moment = e.at.astimezone(tz)
        day = _day(moment)
        shown = provenance.time_label(e, _time(moment, e.at_precision, day), day, t)
        source_label = labels.get(source)
        if source_label is None:
            source_label = labels[source] = provenance.label(source, t)
        rows.append(
            {
                "id": e.id,
                "seq": seq,
                "anchor": f"ev-{e.id}",
                "time": shown,
                "date": day,
                "at_precision": e.at_precision,
                "source": source,
                "source_label": source_label,
                # Its own source first, then every other source of the same contact (issue 12).
                "sources": provenance.sources(e, shown, imports, corroborations.get(e.id, []), t, tz),
                "ocr": None,  # filled in by `exhibits` for an event read from a screenshot
                "withdrawn": e.withdrawn,
                "withdrawn_label": t["provenance"]["withdrawn_mark"] % {"reason": e.withdrawn}
                if e.withdrawn is not None
                else "",
                "iso": moment.isoformat(),
                "channel": e.channel,
                "channel_label": label(t["channels"], e.channel),
                "direction": e.direction,
                "direction_label": t[e.direction] if e.direction in ("in", "out") else e.direction,
                "number": e.number or (t["caller"][e.caller] if e.caller else e.number_raw) or "",
                "number_raw": e.number_raw or "",
                "party": e.party or "",
                "status": e.status,
                "status_label": label(t["statuses"], e.status),
                "duration": duration(e.duration_s),
                "text": e.text,
                "segments": segments(e.text, matches),
                "note": e.note,
                "hash": e.hash,
                "flagged": bool(mine),
                "categories": cats,
                "category_labels": [label(t["categories"], c) for c in cats],
                "findings": sorted(finding_no[i] for i in mine),
                "exhibit": None,
                "attachments": [],
            }
        )
    return rows


def _day(moment: datetime) -> str:
    """strftime("%Y-%m-%d") of a local time (the years a store accepts have four digits), made
    without strftime, which costs ten times more and runs twice per row of a 10,000-event log."""
    return moment.date().isoformat() if moment.year >= 1000 else moment.strftime("%Y-%m-%d")


def _time(moment: datetime, precision: str | None, day: str) -> str:
    """strftime(provenance.time_pattern(precision)), from the day already made."""
    pattern = provenance.time_pattern(precision)
    if moment.year < 1000 or not pattern.startswith("%Y-%m-%d "):
        return moment.strftime(pattern)
    clock = pattern[9:]
    if clock == "%H:%M:%S":
        return f"{day} {moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    if clock == "%H:%M":
        return f"{day} {moment.hour:02d}:{moment.minute:02d}"
    return moment.strftime(pattern)


def segments(text: str | None, matches: list[Any]) -> list[dict[str, Any]]:
    """Split text into plain and highlighted pieces at the matched spans (which index the original)."""
    if not text:
        return []
    spans = sorted(
        {(m.start, m.end) for m in matches if 0 <= m.start < m.end <= len(text) and text[m.start : m.end] == m.text}
    )
    pieces: list[dict[str, Any]] = []
    pos = 0
    for start, end in spans:
        if start < pos:  # overlapping spans: extend the current highlight
            if end > pos:
                pieces[-1]["text"] += text[pos:end]
                pos = end
            continue
        if start > pos:
            pieces.append({"text": text[pos:start], "hit": False})
        pieces.append({"text": text[start:end], "hit": True})
        pos = end
    if pos < len(text):
        pieces.append({"text": text[pos:], "hit": False})
    return pieces


def build(rows: list[dict[str, Any]], events: list[Event], t: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """Contacts per day and the hour × weekday grid, as tables and as inline SVG."""
    days = _per_day(rows)
    heat = _heat(events, tz)
    per_day_svg = charts.per_day_svg(days, labels={**t["categories"]}, title=t["contacts_per_day"])
    heat_svg = charts.heatmap_svg(heat, weekdays=t["weekdays"], title=t["heatmap"]) if events else ""
    return {
        "flagged_events": [r for r in rows if r["flagged"]],
        # charts.py escapes every label it writes, so its SVG may go into the page as markup.
        "charts": {"per_day": Markup(per_day_svg), "heatmap": Markup(heat_svg)},
        "days": [
            {
                "date": d.isoformat(),
                "total": sum(c.values()),
                "flagged": sum(n for k, n in c.items() if k != charts.UNFLAGGED),
            }
            for d, c in days
        ],
        "heat": heat,
    }


def _per_day(rows: list[dict[str, Any]]) -> list[tuple[date, dict[str, int]]]:
    """Contacts per local day, each counted once under its first (worst) finding's category."""
    days: dict[date, Counter[str]] = defaultdict(Counter)
    for row in rows:
        key = row["categories"][0] if row["categories"] else charts.UNFLAGGED
        days[date.fromisoformat(row["date"])][key] += 1
    return [(d, dict(days[d])) for d in sorted(days)]


def _heat(events: list[Event], tz: ZoneInfo) -> list[list[int]]:
    grid = [[0] * 24 for _ in range(7)]
    for e in events:
        moment = e.at.astimezone(tz)
        grid[moment.weekday()][moment.hour] += 1
    return grid
