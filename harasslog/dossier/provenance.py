"""Where the evidence came from, in sentences generated from the store's own facts.

A dossier may say only what the store can show: which records were imported from which file (its
name and SHA-256), which were typed by hand, which were withdrawn as mistakes and which have a date
but no time. Nothing here claims a record is an original or that the log is complete.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..models import Event
from ..normalize import from_utc_iso

TYPED = "typed"


def source_of(event: Event, imports: dict[int, dict[str, Any]]) -> str:
    """The event's source; an event with an import batch but no source recorded yet is that import's."""
    if event.source == TYPED and event.import_id is not None and event.import_id in imports:
        return f"import:{imports[event.import_id].get('file_name') or ''}"
    return event.source or ""


def label(source: str, t: dict[str, Any]) -> str:
    """A short marker for a table cell: typed, imported: FILE, case file, OCR, or a visible blank."""
    p = t["provenance"]
    kind, _, rest = source.partition(":")
    if kind == TYPED:
        return str(p["src_typed"])
    if kind == "casefile":
        return str(p["src_casefile"])
    if kind == "import":
        return str(p["src_import"] % {"file": rest or p["unknown"]})
    if kind == "ocr":
        return str(p["src_ocr"] % {"sha256": rest[:12] or p["unknown"]})
    return str(p["unknown"])


def time_label(event: Event, time: str, date: str, t: dict[str, Any]) -> str:
    """The time as shown: a date-only entry says its time was not recorded, never 00:00."""
    p = t["provenance"]
    if event.at_precision == "day":
        return f"{date} {p['time_not_recorded']}"
    if event.at_precision == "unknown":
        return f"{time} {p['time_uncertain']}"
    return time


def statements(
    events: list[Event], withdrawn: list[Event], imports: dict[int, dict[str, Any]], t: dict[str, Any]
) -> list[str]:
    """One sentence per source, counted over the events the dossier counts (not withdrawn ones)."""
    p = t["provenance"]
    out: list[str] = []
    by_import = Counter(e.import_id for e in events if source_of(e, imports).startswith("import:"))
    for import_id, count in sorted(by_import.items(), key=lambda kv: kv[0] or 0):
        batch = imports.get(import_id or -1, {})
        out.append(
            p["imported"]
            % {
                "count": count,
                "file": batch.get("file_name") or p["unknown"],
                "format": batch.get("format") or p["unknown"],
                "sha256": batch.get("sha256") or p["unknown"],
                "date": (batch.get("started") or "")[:10] or p["unknown"],
            }
        )
    kinds = Counter(source_of(e, imports).partition(":")[0] for e in events)
    if kinds[TYPED]:
        out.append(p["typed"] % {"count": kinds[TYPED]})
    if kinds["casefile"]:
        out.append(p["casefile"] % {"count": kinds["casefile"]})
    ocr = Counter(source_of(e, imports) for e in events if source_of(e, imports).startswith("ocr:"))
    for source, count in sorted(ocr.items()):
        out.append(p["ocr"] % {"count": count, "sha256": source.partition(":")[2] or p["unknown"]})
    other = sum(n for k, n in kinds.items() if k not in (TYPED, "casefile", "import", "ocr"))
    if other:
        out.append(p["unknown_source"] % {"count": other})
    if events and kinds[TYPED] == len(events):
        out.append(p["typed_only"])
    day_only = sum(1 for e in events if e.at_precision == "day")
    if day_only:
        out.append(p["day_only"] % {"count": day_only})
    if withdrawn:
        out.append(p["withdrawn"] % {"count": len(withdrawn)})
    return out


_PATTERN = {"second": "%Y-%m-%d %H:%M:%S", "minute": "%Y-%m-%d %H:%M"}


def time_pattern(precision: str | None) -> str:
    """The strftime pattern that shows a time as precisely as it was recorded (minute: no seconds)."""
    return _PATTERN.get(precision or "second", _PATTERN["second"])


def source_time(at: datetime, precision: str, tz: ZoneInfo, t: dict[str, Any]) -> str:
    """A time as one source gives it, no more precise than that source recorded it."""
    p = t["provenance"]
    moment = at.astimezone(tz)
    if precision == "day":
        return f"{moment:%Y-%m-%d} {p['time_not_recorded']}"
    text = moment.strftime(_PATTERN.get(precision, _PATTERN["second"]))
    return f"{text} {p['time_uncertain']}" if precision == "unknown" else text


def sources(
    event: Event,
    shown_time: str,
    imports: dict[int, dict[str, Any]],
    corroborations: list[dict[str, Any]],
    t: dict[str, Any],
    tz: ZoneInfo,
) -> list[dict[str, Any]]:
    """Every source of one event (issue 12): the one it was stored from, then each corroboration,
    each with its file (or screenshot), the file's SHA-256 and the time as that source records it.
    They are references to one contact: counted once, as one event."""
    own = source_of(event, imports)
    batch = imports.get(event.import_id or -1, {}) if own.startswith("import:") else {}
    out = [_source(own, batch, shown_time, t, own=True)]
    for c in corroborations:
        batch = {k: c.get(k) for k in ("file_name", "sha256", "format")}
        at = source_time(from_utc_iso(c["at"]), c.get("at_precision") or "unknown", tz, t)
        out.append({**_source(str(c.get("source") or ""), batch, at, t, own=False), "ref": c.get("source_ref") or ""})
    return out


def _source(source: str, batch: dict[str, Any], time: str, t: dict[str, Any], *, own: bool) -> dict[str, Any]:
    kind, _, rest = source.partition(":")
    sha256 = rest if kind == "ocr" else batch.get("sha256")
    return {
        "own": own,
        "kind": kind,
        "label": label(source, t),
        "file": batch.get("file_name") or (rest if kind == "import" else ""),
        "format": batch.get("format") or "",
        "sha256": sha256 or "",
        "time": time,
        "ref": "",
    }
