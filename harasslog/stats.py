"""Counts of contacts per day, per hour of the day or per party: pure, no store, no Rich.

`harasslog stats` prints these rows; days and hours are the borrower's local time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import tzinfo
from typing import Any

from .models import Event
from .vocab import BUCKETS, StatsBy, channel_bucket, values

COLUMNS = ("total", *BUCKETS, "flagged")


def _key(event: Event, by: str, tz: tzinfo) -> Any:
    if by == StatsBy.PARTY:
        return event.party or (event.number or "")
    local = event.at.astimezone(tz)
    return local.date().isoformat() if by == StatsBy.DAY else local.hour


def count_contacts(events: Iterable[Event], flagged: set[int], tz: tzinfo, by: str) -> list[dict[str, Any]]:
    """Rows of {key, total, calls, sms, other, flagged}: days and hours in time order, parties busiest first.

    A withdrawn event (an entry mistake) is not a contact: it is left out of every count."""
    if by not in values(StatsBy):
        raise ValueError(f"unknown grouping {by!r}")
    buckets: dict[Any, Counter[str]] = {}
    for e in events:
        if e.withdrawn is not None:
            continue
        c = buckets.setdefault(_key(e, by, tz), Counter())
        c["total"] += 1
        c[channel_bucket(e.channel)] += 1
        c["flagged"] += e.id in flagged
    keys = sorted(buckets, key=lambda k: (-buckets[k]["total"], str(k))) if by == StatsBy.PARTY else sorted(buckets)
    return [{"key": k, **{f: buckets[k][f] for f in COLUMNS}} for k in keys]
