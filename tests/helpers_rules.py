"""Small builders for rule-engine tests: hand-made timelines of models.Event and models.Request."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from harasslog.models import Event, Request

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


def at(text: str, tz: ZoneInfo) -> datetime:
    """A local wall-clock time ("2026-11-20 22:00") in tz, as the aware UTC instant the store holds."""
    return datetime.fromisoformat(text).replace(tzinfo=tz).astimezone(UTC)


class Timeline:
    """Builds events with increasing ids: tl.call("2026-11-20 09:00", status="missed")."""

    def __init__(self, tz: ZoneInfo, group: str = "Acme") -> None:
        self.tz = tz
        self.group = group
        self.events: list[Event] = []

    def add(self, when: str, channel: str = "call", **fields) -> int:
        event_id = len(self.events) + 1
        fields.setdefault("group", self.group)
        fields.setdefault("direction", "in")
        if channel == "call":
            fields.setdefault("status", "answered")
        self.events.append(
            Event(
                id=event_id,
                channel=channel,
                number="+8613900000000",
                number_raw="13900000000",
                at=at(when, self.tz),
                **fields,
            )
        )
        return event_id

    def call(self, when: str, **fields) -> int:
        return self.add(when, "call", **fields)

    def sms(self, when: str, text: str = "请尽快还款", **fields) -> int:
        return self.add(when, "sms", text=text, **fields)


def request(
    kind: str,
    start: str,
    tz: ZoneInfo,
    *,
    end: str | None = None,
    group: str = "Acme",
    channel: str | None = None,
    note: str | None = None,
    event_id: int | None = None,
) -> Request:
    return Request(
        id=1,
        kind=kind,
        party_id=1,
        party=group,
        group=group,
        start=at(start, tz),
        end=at(end, tz) if end else None,
        channel=channel,
        event_id=event_id,
        note=note,
    )


# The [pack] table of the small packs tests write (rules follow it).
PACK_HEAD = """\
[pack]
id = "mine"
version = "1"
jurisdiction = "cn"
title_zh = "我的"
title_en = "Mine"
"""
