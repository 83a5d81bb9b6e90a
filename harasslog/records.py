"""Events as records for people and scripts: the `--json` fields of DESIGN.md, in one place."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from .models import Event
from .normalize import local_iso

RECORD_FIELDS = (
    "id",
    "channel",
    "direction",
    "number",
    "number_raw",
    "party",
    "at",
    "duration_s",
    "status",
    "text",
    "import_id",
    "hash",
)


def event_record(event: Event, tz: tzinfo) -> dict[str, Any]:
    """An event as `list --json` prints it: `at` in ISO 8601 with the borrower's offset."""
    return {
        "id": event.id,
        "channel": event.channel,
        "direction": event.direction,
        "number": event.number,
        "number_raw": event.number_raw,
        "party": event.party,
        "at": local_iso(event.at, tz),
        "duration_s": event.duration_s,
        "status": event.status,
        "text": event.text,
        "import_id": event.import_id,
        "hash": event.hash,
    }
