"""Everything a dossier shows, read from the store (and the attachment files) in one go.

This is the only part of the dossier code that reads: the builders after it are pure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .. import anchor
from ..errors import InputError
from ..models import Event, Finding, Request
from . import images


@dataclass
class CaseData:
    """What a dossier may show, read from the store in one go (filters already applied)."""

    profile: dict[str, Any]
    events: list[Event]
    findings: list[Finding]
    run: dict[str, Any] | None
    requests: list[Request]
    attachments: list[dict[str, Any]]
    parties: list[dict[str, Any]]
    numbers: list[dict[str, Any]]
    debts: list[dict[str, Any]]
    chain_head: str | None
    total_events: int
    filters: dict[str, Any] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)  # sha256 → data: URI, for images drawn inline
    imports: dict[int, dict[str, Any]] = field(default_factory=dict)  # import id → its batch row
    reviews: list[dict[str, Any]] = field(default_factory=list)  # the signer's decisions, oldest first
    # The last run's review items (uncertain wording): shown only once a person accepted them.
    review_items: list[Finding] = field(default_factory=list)
    # Every other source of an event (issue 12): event id → its corroborations, oldest first.
    corroborations: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # Events read from a screenshot: event id → the bubble's box, the person's check, the crop drawn.
    ocr: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Every `harasslog anchor` (issue 14.4): the chain heads sent for an RFC 3161 time stamp.
    anchors: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    since: datetime | None = None
    until: datetime | None = None
    party: str | None = None

    def as_dict(self, tz: ZoneInfo) -> dict[str, Any]:
        return {
            "since": self.since.astimezone(tz).strftime("%Y-%m-%d %H:%M") if self.since else None,
            "until": self.until.astimezone(tz).strftime("%Y-%m-%d %H:%M") if self.until else None,
            "party": self.party,
        }


def parse_filters(store: Any, since: str | None, until: str | None, party: str | None) -> Filters:
    """The period as the user typed it; a bare end date includes that whole day."""
    from ..normalize import parse_when

    tz = store.tz
    start = parse_when(since, tz) if since else None
    end = None
    if until:
        end = parse_when(until, tz)
        if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", until):
            end = end + timedelta(days=1)
    if start and end and end <= start:
        raise InputError("the end of the period must be after its start")
    return Filters(since=start, until=end, party=party)


def collect(store: Any, filters: Filters | None = None) -> CaseData:
    """Read everything a dossier needs. Findings are kept when they touch a selected event."""
    filters = filters or Filters()
    events = list(store.events.select(since=filters.since, until=filters.until, party=filters.party))
    selected = {e.id for e in events}
    # A period or a party: SQLite picks the findings of these events (not every one in the store).
    touching = selected if filters.party or filters.since or filters.until else None
    findings = [f for f in store.runs.findings(touching=touching) if selected.intersection(f.event_ids)]
    review_items = [f for f in store.runs.review_items(touching=touching) if selected.intersection(f.event_ids)]
    attachments = [a for a in store.attachments.list() if a.get("event_id") is None or a["event_id"] in selected]
    if filters.party or filters.since or filters.until:
        attachments = [a for a in attachments if a.get("event_id") in selected]
    return CaseData(
        profile=dict(store.profile.get()),
        events=events,
        findings=findings,
        run=store.runs.last(),
        requests=store.requests.list(),
        attachments=attachments,
        parties=store.parties.list(),
        numbers=store.numbers.list(),
        debts=store.debts.list(),
        chain_head=store.ledger.head(),
        total_events=store.events.count(),
        filters=filters.as_dict(store.tz),
        images=images.load_inline(attachments),
        imports={int(b["id"]): b for b in store.imports.list()},
        reviews=store.reviews.list(),
        review_items=review_items,
        corroborations=_corroborations(store, selected),
        ocr=_ocr(store, events, attachments),
        anchors=anchor.anchors(store),
    )


def _corroborations(store: Any, selected: set[int]) -> dict[int, list[dict[str, Any]]]:
    """The corroborations of the selected events; only events that have one are asked for theirs."""
    having = {int(r[0]) for r in store.conn.execute("SELECT DISTINCT event_id FROM corroborations")}
    return {i: store.corroborations.for_event(i) for i in sorted(having & selected)}


def _ocr(store: Any, events: list[Event], attachments: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """For each event read from a screenshot: its bubble's box (from its raw record), whether the
    OCR cut it at the screen's edge, the latest person's check, and the bubble cropped from the image."""
    shots = [e for e in events if (e.source or "").startswith("ocr:")]
    if not shots:
        return {}
    checks = store.ocr_corrections.latest()
    files = {a["sha256"]: a for a in attachments}
    out: dict[int, dict[str, Any]] = {}
    for e in shots:
        sha256 = (e.source or "").partition(":")[2]
        try:
            raw = json.loads(store.events.get(e.id)["raw"] or "{}")
        except ValueError:
            raw = {}
        box = raw.get("box") if isinstance(raw, dict) else None
        image = files.get(sha256)
        out[e.id] = {
            "image_sha256": sha256,
            "box": box,
            "cropped": bool(raw.get("cropped")) if isinstance(raw, dict) else False,
            "check": checks.get(e.id),
            "crop": images.crop_inline(Path(image["path"]), box) if image and image.get("path") and box else None,
        }
    return out
