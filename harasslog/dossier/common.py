"""Small helpers every section builder uses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

# Numbers of these kinds belong to institutions (95588, 10690...), not people: never masked.
INSTITUTIONAL_KINDS = ("short_code", "sms_gateway", "service", "alphanumeric")

T = TypeVar("T")


def local(moment: datetime, tz: ZoneInfo, pattern: str) -> str:
    return moment.astimezone(tz).strftime(pattern)


def duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def dedupe(items: Iterable[T]) -> list[T]:
    seen: dict[T, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def label(table: dict[str, Any], key: str) -> Any:
    """A word from the strings table, or the key itself when the table has none."""
    return table.get(key, key)
