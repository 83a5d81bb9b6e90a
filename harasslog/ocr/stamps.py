"""The centred time separators of SMS and chat screenshots, read as local times with their precision.

    今天 22:13 · 昨天 下午10:13 · 星期一 22:13 · 周一 · 2026年11月20日 22:13 · 11月20日 · 22:13
    Today 10:13 PM · Yesterday 22:13 · Monday 10:13 PM · 11/20 10:13 PM · Nov 20, 2026 10:13 PM

Words like 今天, 昨天 and a weekday are relative to the day the screenshot was taken (`reference`),
which the caller takes from the file name or, failing that, the file's modification time. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

# OCR often reads 一 (one) as a dash: 星期— is 星期一.
WEEKDAYS_ZH = {"—": 0, "－": 0, "-": 0, "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
WEEKDAYS_EN = {n: i for i, n in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
MONTHS_EN = {n: i + 1 for i, n in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
# 上午/下午... before a 12-hour time; 晚上 10:13 is 22:13, 凌晨 1:00 is 01:00, 中午 12:30 is 12:30.
_PM_WORDS = ("下午", "晚上", "傍晚", "中午")
_AM_WORDS = ("上午", "早上", "凌晨", "清晨")

_CLOCK = re.compile(
    r"(?P<zh>上午|下午|晚上|傍晚|中午|早上|凌晨|清晨)?\s*(?P<h>\d{1,2})\s*[:：.]\s*(?P<m>\d{2})"
    r"(?:\s*[:：]\s*\d{2})?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*$"
)
_ZH_DATE = re.compile(r"^(?:(?P<y>\d{4})\s*年\s*)?(?P<mo>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]")
_NUM_DATE = re.compile(
    r"^(?:(?P<y>\d{4})\s*[-/.]\s*)?(?P<mo>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?:\s*[-/.]\s*(?P<y2>\d{2,4}))?"
)
_EN_DATE = re.compile(
    r"^(?:[A-Za-z]{3,9},?\s*)?(?P<mon>[A-Za-z]{3,9})\.?\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s*(?P<y>\d{4}))?",
)
_RELATIVE = re.compile(r"^(?P<w>今天|昨天|前天|today|yesterday)", re.IGNORECASE)
_WEEKDAY_ZH = re.compile(r"^(?:星期|周|礼拜)(?P<w>[一二三四五六日天—－-])")
_WEEKDAY_EN = re.compile(r"^(?P<w>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?", re.IGNORECASE)


@dataclass(frozen=True)
class Stamp:
    """A separator's time: local wall-clock `at` and how precise it is ("minute" or "day")."""

    at: datetime
    precision: str
    text: str


def parse(text: str, reference: date) -> Stamp | None:
    """The time a separator states, or None when the text is not a time separator."""
    flat = " ".join(text.split())
    if not flat or len(flat) > 40:
        return None
    day, rest = _day(flat, reference)
    rest = rest.strip(" ,")
    if not rest:
        if day is None:
            return None
        return Stamp(datetime.combine(day, time()), "day", text)
    clock = _clock(rest)
    if clock is None:
        return None
    return Stamp(datetime.combine(day or reference, clock), "minute", text)


def clock_only(text: str) -> time | None:
    """The time of a bare clock ("22:13", "10:13 PM", "下午10:13"), as Android prints under each
    bubble; None for anything else (a date, a day word, message text)."""
    flat = " ".join(text.split())
    if not flat or len(flat) > 12:
        return None
    return _clock(flat)


def _day(text: str, reference: date) -> tuple[date | None, str]:
    """The date at the start of the text (None: no date, a time alone means the reference day) and the rest."""
    if m := _RELATIVE.match(text):
        back = {"今天": 0, "today": 0, "昨天": 1, "yesterday": 1, "前天": 2}[m["w"].lower()]
        return reference - timedelta(days=back), text[m.end() :]
    if m := _WEEKDAY_ZH.match(text):
        return _last_weekday(reference, WEEKDAYS_ZH[m["w"]]), text[m.end() :]
    if m := _ZH_DATE.match(text):
        return _dated(reference, m["y"], m["mo"], m["d"]), text[m.end() :]
    if (m := _EN_DATE.match(text)) and m["mon"][:3].lower() in MONTHS_EN:
        return _dated(reference, m["y"], str(MONTHS_EN[m["mon"][:3].lower()]), m["d"]), text[m.end() :]
    if (m := _WEEKDAY_EN.match(text)) and not _EN_DATE.match(text[m.end() :].strip()):
        return _last_weekday(reference, WEEKDAYS_EN[m["w"][:3].lower()]), text[m.end() :]
    if (m := _NUM_DATE.match(text)) and ("/" in m[0] or "-" in m[0] or m["y"]):
        year = m["y"] or m["y2"]
        if year and len(year) == 2:
            year = "20" + year
        return _dated(reference, year, m["mo"], m["d"]), text[m.end() :]
    return None, text


def _dated(reference: date, year: str | None, month: str, day: str) -> date | None:
    """A calendar date; without a year, the latest one not after the reference day."""
    try:
        if year:
            return date(int(year), int(month), int(day))
        found = date(reference.year, int(month), int(day))
        return found if found <= reference else date(reference.year - 1, int(month), int(day))
    except ValueError:
        return None


def _last_weekday(reference: date, weekday: int) -> date:
    """Apps name a weekday for the days of the past week: the latest such day before the reference."""
    back = (reference.weekday() - weekday) % 7 or 7
    return reference - timedelta(days=back)


def _clock(text: str) -> time | None:
    m = _CLOCK.match(text)
    if m is None:
        return None
    hour, minute = int(m["h"]), int(m["m"])
    ampm = (m["ampm"] or "").replace(".", "").replace(" ", "").lower()
    word = m["zh"] or ""
    if ampm or word:
        if not 1 <= hour <= 12 and not (word and hour <= 23):
            return None
        if (ampm == "pm" or word in _PM_WORDS) and hour < 12 and not (word == "中午" and hour >= 11):
            hour += 12
        elif (ampm == "am" or word in _AM_WORDS) and hour == 12:
            hour = 0
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
