"""Times as people type them: ISO 8601, `now`, `-2h`, and what people say (昨晚10点, 11/20 10pm).

Pure: every function takes the zone and `now` (default: the clock), never reads the store. A time
reports how precise it was typed (PRECISIONS), so a dossier never claims more than the input had:
前天下午 names a day, not a minute. What cannot be read, or could be read two ways, is an InputError
of one line in `lang`, from the catalog (cli.time.*), saying what was understood or why not.

Chinese forms are read in every profile. English words and day/month order depend on the region:
`yesterday 9pm` and `Nov 20` in English-speaking regions, 11/20 as month/day in the US and China
(月/日), as day/month in the UK and others that write the day first; elsewhere a slash date is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, cast

from .catalog import t
from .errors import InputError


class _Pattern:
    """A regular expression compiled on its first use: compiling the 17 below at import cost every
    command some 5 ms of start-up (issue 13.7), and most commands never read a typed time."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern, self.flags = pattern, flags

    def __getattr__(self, name: str) -> Any:  # match, search, sub...: the compiled pattern's, from now on
        compiled = re.compile(self.pattern, self.flags)
        for method in ("match", "search", "sub", "fullmatch"):
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


def _pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _Pattern(pattern, flags))


# How precise a time is; a time-of-day rule (quiet hours, bursts) cannot judge the last two.
PRECISIONS = ("second", "minute", "day", "unknown")
TIME_OF_DAY_UNKNOWN = frozenset({"day", "unknown"})
# A clock a few minutes fast is a clock; a contact further ahead than this has not happened yet.
CLOCK_SKEW = timedelta(minutes=10)
# A date typed without its year that would lie ahead is last year's only when last year's is this
# recent (12月25日 typed on 3 January); otherwise it is refused as ambiguous.
LAST_YEAR_WITHIN = timedelta(days=92)
# Contacts happen between the first SMS and the end of any agreed pause; outside this a time is a typo
# (9999-12-31, 0001-01-01) and would overflow on conversion to UTC.
MIN_YEAR = 1970
MAX_YEAR = 2199
# Longer than any time a person types: refused before any pattern sees it.
MAX_LENGTH = 80

ENGLISH_REGIONS = frozenset({"US", "GB", "IE", "AU", "NZ", "CA"})
MONTH_FIRST = frozenset({"US", "CN"})  # 11/20 is 20 November
DAY_FIRST = frozenset({"GB", "IE", "AU", "NZ"})  # 20/11 is 20 November


@dataclass(frozen=True)
class When:
    """A time as understood: the instant (aware), its precision, and how it was typed.

    `whole_day`: a date with no hour (2026-11-20, 昨天, 前天下午), so a period "until" it includes that day.
    `yearless`: a month and day without a year. `period_only`: the part of the day that was typed
    without an hour (下午 in 前天下午), which the instant does not keep; the caller says so."""

    at: datetime
    precision: str
    whole_day: bool = False
    yearless: bool = False
    period_only: str | None = None


@dataclass(frozen=True)
class TimeRange:
    """A period as a person reads it: `since` inclusive, `until` exclusive; None is open."""

    since: datetime | None = None
    until: datetime | None = None


def _error(lang: str, key: str, field: str | None = None, **values: object) -> InputError:
    # An error is one line: what the user typed is quoted with its line breaks written out.
    shown = {k: v.replace("\r", "\\r").replace("\n", "\\n") if isinstance(v, str) else v for k, v in values.items()}
    return InputError(t(lang, f"cli.time.{key}", **shown), field=field)


def _help(lang: str) -> str:
    return t(lang, "cli.time.help")


# ---------------------------------------------------------------- the forms that are not calendar words

_RELATIVE = _pattern(r"^-\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|hours?|d|days?|w|weeks?)$", re.I)
_RELATIVE_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "w": 604800}
_NOW = frozenset({"now", "现在"})
_JUST_NOW = frozenset({"刚才", "刚刚", "just now"})  # a moment ago: to the minute, no finer
_ISO_TIME = _pattern(r"[T ]\d{1,2}:\d{2}(:\d{2})?")
_ISO_DATE_ONLY = _pattern(r"^\d{4}-\d{2}-\d{2}$")


# ---------------------------------------------------------------- calendar words: the grammar
# [day word | date] [period] [time] (English also [time] [day word]); each piece one anchored
# pattern without nested repetition, tried in turn at one position: linear in the (short) text.

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL = _pattern("[零〇一二两三四五六七八九十]+")

# Day words: (offset in days, period they imply). Longest first, so 大前天 is not read as 前天.
_DAY_WORDS: dict[str, tuple[int, str | None]] = {
    "the day before yesterday": (-2, None),
    "this afternoon": (0, "afternoon"),
    "this morning": (0, "morning"),
    "this evening": (0, "evening"),
    "last night": (-1, "evening"),
    "yesterday": (-1, None),
    "tomorrow": (1, None),
    "tonight": (0, "evening"),
    "today": (0, None),
    "大前天": (-3, None),
    "前天": (-2, None),
    "昨天": (-1, None),
    "昨日": (-1, None),
    "今天": (0, None),
    "今日": (0, None),
    "明天": (1, None),
    "后天": (2, None),
    "前晚": (-2, "evening"),
    "昨晚": (-1, "evening"),
    "昨夜": (-1, "evening"),
    "今晚": (0, "evening"),
    "今夜": (0, "evening"),
    "明晚": (1, "evening"),
    "今早": (0, "morning"),
    "今晨": (0, "morning"),
    "明早": (1, "morning"),
}
_ENGLISH_DAY_WORDS = frozenset(w for w in _DAY_WORDS if w.isascii())
# Parts of the day: the word as typed → how it reads an hour (see _hour_of_day).
_PERIODS: dict[str, str] = {
    "凌晨": "small_hours",
    "清晨": "morning",
    "早上": "morning",
    "早晨": "morning",
    "上午": "morning",
    "中午": "noon",
    "下午": "afternoon",
    "傍晚": "afternoon",
    "晚上": "evening",
    "夜里": "evening",
    "夜间": "evening",
    "半夜": "evening",
    "深夜": "evening",
    "早": "morning",
    "晚": "evening",
    "夜": "evening",
    "in the morning": "morning",
    "in the afternoon": "afternoon",
    "in the evening": "evening",
    "at night": "evening",
    "morning": "morning",
    "afternoon": "afternoon",
    "evening": "evening",
    "night": "evening",
}
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_DAY_WORD = _pattern(rf"(?:{_alternation(_DAY_WORDS)})(?![a-z])")
_PERIOD = _pattern(rf"(?:{_alternation(_PERIODS)})(?![a-z])")
_YMD_CN = _pattern(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_MD_CN = _pattern(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_YMD_NUM = _pattern(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})(?![\d.:/])")
_AB_SLASH = _pattern(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\d/])")
_MON_D = _pattern(r"([a-z]{3,9})\.?\s*(\d{1,2})(?:st|nd|rd|th)?(?:\s*,?\s*(\d{4}))?(?![\d:])")
_D_MON = _pattern(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?(?:\s*,?\s*(\d{4}))?(?![a-z\d])")
_HOUR_CN = _pattern(r"(\d{1,2})\s*[点时]\s*(?:(半|整)|(\d{1,2})\s*刻|(\d{1,2})\s*分?)?(?:\s*(\d{1,2})\s*秒)?")
# 22:13, 22:13:05, and the Chinese spellings the old reader took: 22:5, 22:13分, 22:13分05秒.
_CLOCK = _pattern(r"(\d{1,2}):(\d{1,2})(?!\d)(?:\s*分)?(?::(\d{1,2})(?!\d)|\s*(\d{1,2})\s*秒)?")
_AMPM = _pattern(r"\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])")
_HOUR_AMPM = _pattern(r"(\d{1,2})(?=\s*(?:am|pm|a\.m\.|p\.m\.)(?![a-z]))")
_SEPARATOR = _pattern(r"(?:\s*,\s*|\s+at\s+|\s+)")


@dataclass
class _Parts:
    """What the grammar found, before `now` and the zone make it an instant."""

    offset: int | None = None  # days from today (day words)
    year: int | None = None
    month: int | None = None
    day: int | None = None
    period: str | None = None  # a key of _PERIODS' values
    period_text: str | None = None
    hour: int | None = None
    minute: int = 0
    second: int | None = None
    ampm: str | None = None

    @property
    def dated(self) -> bool:
        return self.offset is not None or self.month is not None


def _arabic(match: re.Match[str]) -> str:
    """Chinese numerals as digits: 十点 → 10点, 二十二 → 22, 二〇二六 → 2026, 零五 → 05."""
    run = match.group(0)
    if "十" not in run:
        return "".join(str(_CN_DIGIT[c]) for c in run)
    tens, _, units = run.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return run  # not a number people write for a time (十十, 一二十): left to fail
    return str((_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0))


def _prepare(text: str) -> str:
    """Full-width digits and colons (NFKC), lower case, Chinese numerals as digits, one space."""
    value = unicodedata.normalize("NFKC", text).strip().lower()
    value = _CN_NUMERAL.sub(_arabic, value)
    return re.sub(r"\s+", " ", value)


def _scan(value: str, region: str | None, lang: str, text: str) -> _Parts | None:
    """The grammar over a prepared text: its parts, or None when it is not this grammar's."""
    english = region in ENGLISH_REGIONS
    parts = _Parts()
    pos = _date(value, 0, parts, region, english, lang, text)
    pos = _skip(value, pos, parts.dated)
    m = _PERIOD.match(value, pos)
    if m and (english or not m.group(0).isascii()):
        if parts.period is not None:
            return None  # 昨晚晚上: two parts of the day
        parts.period, parts.period_text = _PERIODS[m.group(0)], m.group(0)
        pos = _skip(value, m.end(), True)
    pos = _time(value, pos, parts, english)
    if parts.hour is not None and not parts.dated and pos < len(value):
        pos = _date(value, _skip(value, pos, True), parts, region, english, lang, text)  # 9pm yesterday
    if pos != len(value) or not (parts.dated or parts.period or parts.hour is not None):
        return None
    if parts.offset is None and parts.month is None and parts.hour is None:
        return None  # a part of the day alone (下午): which day?
    return parts


def _skip(value: str, pos: int, after_something: bool) -> int:
    if not after_something:
        return pos
    m = _SEPARATOR.match(value, pos)
    return m.end() if m else pos


def _date(value: str, pos: int, parts: _Parts, region: str | None, english: bool, lang: str, text: str) -> int:
    """A day word or a date at `pos`, written into `parts`; the position after it."""
    m = _DAY_WORD.match(value, pos)
    if m and (english or m.group(0) not in _ENGLISH_DAY_WORDS):
        parts.offset, period = _DAY_WORDS[m.group(0)]
        if period is not None:
            parts.period, parts.period_text = period, m.group(0)
        return m.end()
    m = _YMD_CN.match(value, pos) or _YMD_NUM.match(value, pos)
    if m:
        groups = [g for g in m.groups() if g not in ("/", ".")]
        parts.year, parts.month, parts.day = (int(g) for g in groups)
        return m.end()
    m = _MD_CN.match(value, pos)
    if m:
        parts.month, parts.day = int(m.group(1)), int(m.group(2))
        return m.end()
    m = _AB_SLASH.match(value, pos)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if region in MONTH_FIRST:
            parts.month, parts.day = a, b
        elif region in DAY_FIRST:
            parts.day, parts.month = a, b
        else:
            raise _error(lang, "slash_ambiguous", text=text[:40])
        parts.year = int(m.group(3)) if m.group(3) else None
        return m.end()
    if english:
        m = _MON_D.match(value, pos)
        if m and _month(m.group(1)):
            parts.month, parts.day = _month(m.group(1)), int(m.group(2))
            parts.year = int(m.group(3)) if m.group(3) else None
            return m.end()
        m = _D_MON.match(value, pos)
        if m and _month(m.group(2)):
            parts.day, parts.month = int(m.group(1)), _month(m.group(2))
            parts.year = int(m.group(3)) if m.group(3) else None
            return m.end()
    return pos


def _month(name: str) -> int | None:
    """jan, Nov, sept, November → its number; anything else (pm, noon) is no month."""
    for number, full in enumerate(_MONTHS, 1):
        if len(name) >= 3 and full.startswith(name):
            return number
    return None


def _time(value: str, pos: int, parts: _Parts, english: bool) -> int:
    """A time of day at `pos` (10点半, 22:13, 10:13pm, 10pm), written into `parts`."""
    m = _HOUR_CN.match(value, pos)
    if m:
        parts.hour = int(m.group(1))
        half, quarters, minutes, seconds = m.group(2), m.group(3), m.group(4), m.group(5)
        parts.minute = 30 if half == "半" else 15 * int(quarters) if quarters else int(minutes or 0)
        if quarters and not 1 <= int(quarters) <= 3:
            parts.minute = 60  # 4刻 and beyond: refused as minutes out of range
        parts.second = int(seconds) if seconds else None
        return m.end()
    m = _CLOCK.match(value, pos)
    if m:
        parts.hour, parts.minute = int(m.group(1)), int(m.group(2))
        seconds = m.group(3) or m.group(4)
        parts.second = int(seconds) if seconds else None
        end = m.end()
    elif english and (m := _HOUR_AMPM.match(value, pos)):
        parts.hour = int(m.group(1))
        end = m.end()
    else:
        return pos
    if english and (ampm := _AMPM.match(value, end)):
        parts.ampm = ampm.group(1).replace(".", "")
        end = ampm.end()
    return end


# ---------------------------------------------------------------- from parts to an instant


_AMPM_CONFLICTS = frozenset({("pm", "morning"), ("pm", "small_hours"), ("am", "afternoon"), ("am", "noon")})


def _hour_of_day(parts: _Parts, named: date, lang: str, text: str) -> tuple[int, int]:
    """The 24-hour clock hour and how many days after the named day it falls (晚上12点: midnight
    ending that evening, the next day's 00:00). Contradictions and night hours that could be either
    side of midnight are refused."""
    hour, period = parts.hour, parts.period
    assert hour is not None
    conflict = _Conflict(lang, text, parts.period_text, hour)
    if parts.ampm:
        if not 1 <= hour <= 12:
            raise _error(lang, "no_hour", text=text[:40], hour=hour)
        if period == "evening" and parts.ampm == "am":
            raise _night(parts, named, lang, text)  # last night 2am: yesterday's or today's 02:00?
        if hour != 12 and (parts.ampm, period) in _AMPM_CONFLICTS:
            raise conflict.error()  # yesterday morning 9pm
        return (hour % 12) + (12 if parts.ampm == "pm" else 0), 0
    if not 0 <= hour <= 23:
        raise _error(lang, "no_hour", text=text[:40], hour=hour)
    if period is None:
        return hour, 0
    if period == "small_hours":  # 凌晨: the early hours of the named day; 凌晨12点 is its 00:00
        if hour == 12:
            return 0, 0
        if hour > 6:
            raise conflict.error()
        return hour, 0
    if period == "morning":  # 上午12点 is noon
        if hour > 12:
            raise conflict.error()
        return hour, 0
    if period == "noon":
        if hour in (11, 12, 13, 14):
            return hour, 0
        if 1 <= hour <= 3:
            return hour + 12, 0
        raise conflict.error()
    if period == "afternoon":
        if hour == 0:
            raise conflict.error()
        return (hour + 12 if hour < 12 else hour), 0
    # evening
    if hour in (0, 12):
        return 0, 1
    if 5 <= hour <= 11:
        return hour + 12, 0
    if hour >= 17:
        return hour, 0
    if hour <= 4:
        raise _night(parts, named, lang, text)
    raise conflict.error()


@dataclass(frozen=True)
class _Conflict:
    """A part of the day that does not go with the hour (上午15点); its message is made only if raised."""

    lang: str
    text: str
    period: str | None
    hour: int

    def error(self) -> InputError:
        return _error(self.lang, "period_conflict", text=self.text[:40], period=self.period, hour=self.hour)


def _night(parts: _Parts, named: date, lang: str, text: str) -> InputError:
    """昨晚2点: the small hours of the named day, or of the day after? Both are said back."""
    hour = parts.hour or 0
    after = named + timedelta(days=1)
    return _error(
        lang,
        "night_ambiguous",
        text=text[:40],
        hour=hour,
        early=f"{named.isoformat()} {hour:02d}:{parts.minute:02d}",
        late=f"{after.isoformat()} {hour:02d}:{parts.minute:02d}",
    )


def _resolve(parts: _Parts, tz: tzinfo, current: datetime, lang: str, text: str) -> When:
    today = current.astimezone(tz).date()
    if parts.offset is not None:
        day = today + timedelta(days=parts.offset)
        year, month, dom = day.year, day.month, day.day
    elif parts.month is not None:
        year, month, dom = parts.year or today.year, parts.month, parts.day or 0
    else:
        year, month, dom = today.year, today.month, today.day
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _error(lang, "outside_years", text=text[:40], low=MIN_YEAR, high=MAX_YEAR)
    try:
        named = date(year, month, dom)
    except ValueError:
        raise _error(lang, "no_date", text=text[:40], year=year, month=month, day=dom) from None
    yearless = parts.month is not None and parts.year is None
    if parts.hour is None:
        start = _local(datetime(named.year, named.month, named.day), tz, lang, text)
        return When(start, "day", whole_day=True, yearless=yearless, period_only=parts.period_text)
    hour, days_after = _hour_of_day(parts, named, lang, text)
    if parts.minute > 59 or (parts.second or 0) > 59:
        raise _error(lang, "no_minute", text=text[:40])
    day = named + timedelta(days=days_after)
    moment = datetime(day.year, day.month, day.day, hour, parts.minute, parts.second or 0)
    precision = "second" if parts.second is not None else "minute"
    return When(_local(moment, tz, lang, text), precision, yearless=yearless)


def _local(naive: datetime, tz: tzinfo, lang: str, text: str) -> datetime:
    """A wall-clock time in `tz`: fold=0 picks the first of a repeated hour; a skipped hour (DST gap)
    is refused."""
    moment = naive.replace(tzinfo=tz)
    if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise _error(lang, "dst_gap", text=text[:40], zone=str(tz))
    return moment


# ---------------------------------------------------------------- the public functions


def read_when(
    text: str, tz: tzinfo, *, now: datetime | None = None, region: str | None = None, lang: str = "en"
) -> When:
    """A WHEN the user typed, as understood: the instant, its precision and how it was typed.

    ISO 8601 with or without offset (none: the zone `tz`), a bare date (its first instant), `now`,
    relative `-2h` / `-30m` / `-3d`, 刚才, and calendar words (昨晚10点, 11月20日晚上10点,
    2026/11/20 22:13; for English-speaking regions yesterday 9pm, Nov 20 10:13pm). Anything else,
    and any time outside the years MIN_YEAR..MAX_YEAR, is an InputError in `lang`."""
    current = now or datetime.now(UTC)
    try:
        when = _read(text, tz, current, region, lang)
    except (OverflowError, ValueError):  # relative times beyond datetime's range
        raise _error(lang, "out_of_range", text=text[:40], help=_help(lang)) from None
    if not MIN_YEAR <= when.at.year <= MAX_YEAR:
        raise _error(lang, "outside_years", text=text[:40], low=MIN_YEAR, high=MAX_YEAR)
    return when


def _read(text: str, tz: tzinfo, current: datetime, region: str | None, lang: str) -> When:
    value = text.strip()
    if not value:
        raise _error(lang, "empty", help=_help(lang))
    if len(value) > MAX_LENGTH:
        raise _error(lang, "unreadable", text=value[:40] + "…", help=_help(lang))
    if value.lower() in _NOW:
        return When(current.astimezone(tz), "second")
    if value.lower() in _JUST_NOW:
        return When(current.astimezone(tz).replace(second=0, microsecond=0), "minute")
    relative = _RELATIVE.match(value)
    if relative:
        unit = relative.group(2).lower()
        unit = unit[0] if unit[0] in "dw" or unit.startswith("h") else unit
        moment = (current - timedelta(seconds=float(relative.group(1)) * _RELATIVE_UNITS[unit])).astimezone(tz)
        # "-3d" says which day, not at what time; "-2h" is to the minute at best
        return When(moment, "day" if unit in "dw" else "minute" if unit in ("h", "m", "min") else "second")
    prepared = _prepare(value)
    parts = _scan(prepared, region, lang, value)
    if parts is not None:
        return _resolve(parts, tz, current, lang, value)
    return _iso(value, tz, lang)


def _iso(value: str, tz: tzinfo, lang: str) -> When:
    iso = value.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", value) else value
    iso = re.sub(r"Z$", "+00:00", iso)
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        if value.isdigit() and len(value) <= 4:
            raise _error(lang, "bare_number", text=value) from None
        raise _error(lang, "unreadable", text=value[:40], help=_help(lang)) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise _error(lang, "outside_years", text=value[:40], low=MIN_YEAR, high=MAX_YEAR)
    if parsed.tzinfo is None:
        parsed = _local(parsed, tz, lang, value)
    timed = _ISO_TIME.search(value)
    precision = "day" if timed is None else "second" if timed.group(1) else "minute"
    return When(parsed, precision, whole_day=bool(_ISO_DATE_ONLY.match(value)))


def parse_when(
    text: str, tz: tzinfo, *, now: datetime | None = None, region: str | None = None, lang: str = "en"
) -> datetime:
    """The instant of read_when."""
    return read_when(text, tz, now=now, region=region, lang=lang).at


def when_precision(text: str, region: str | None = None) -> str:
    """How precise a WHEN is, as typed: a date only (or `-3d`, 前天下午) → "day", 22:13, 晚上10点 or
    `-2h` → "minute", with seconds (or `now`, `-90s`) → "second"; "unknown" when it cannot be read."""
    try:  # the precision does not depend on the day or zone: any will do
        return read_when(text, UTC, now=datetime(2024, 6, 1, tzinfo=UTC), region=region).precision
    except InputError:
        return "unknown"


def read_past_when(
    text: str, tz: tzinfo, *, now: datetime | None = None, region: str | None = None, lang: str = "en"
) -> When:
    """A WHEN for something that happened (read_when), refused more than CLOCK_SKEW ahead of `now`.

    A date typed without a year that would lie ahead is taken as last year's when that is at most
    LAST_YEAR_WITHIN ago, else refused."""
    current = now or datetime.now(UTC)
    when = read_when(text, tz, now=current, region=region, lang=lang)
    moment = when.at
    if when.yearless and moment > current + CLOCK_SKEW:
        try:
            earlier = moment.replace(year=moment.year - 1)
        except ValueError:  # 2月29日 has no day last year
            earlier = None
        if earlier is not None and current - earlier <= LAST_YEAR_WITHIN:
            when = When(earlier, when.precision, when.whole_day, when.yearless, when.period_only)
            moment = earlier
        else:
            raise _error(
                lang, "no_year_future", text=text.strip()[:40], date=moment.date().isoformat(), year=moment.year - 1
            )
    if moment > current + CLOCK_SKEW:
        raise _error(
            lang,
            "future",
            text=text.strip()[:40],
            at=moment.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            now=current.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        )
    return when


def parse_past_when(
    text: str, tz: tzinfo, *, now: datetime | None = None, region: str | None = None, lang: str = "en"
) -> tuple[datetime, str]:
    """The instant and precision of read_past_when."""
    when = read_past_when(text, tz, now=now, region=region, lang=lang)
    return when.at, when.precision


def parse_range(
    since: str | None,
    until: str | None,
    tz: tzinfo,
    *,
    now: datetime | None = None,
    region: str | None = None,
    lang: str = "en",
) -> TimeRange:
    """The one reading of a since/until pair, for every command that filters by time.

    A date alone as `since` starts at 00:00 local; as `until` it includes that whole day (the period
    ends at the next day's 00:00), as a person means "until 20 November". A time is taken as given.
    An end not after the start is an InputError naming the field "until".
    """
    start = _field(since, tz, now, "since", region, lang).at if since else None
    end = None
    if until:
        when = _field(until, tz, now, "until", region, lang)
        end = when.at
        if when.whole_day:
            day = end.date() + timedelta(days=1)
            end = datetime(day.year, day.month, day.day, tzinfo=tz)
    if start is not None and end is not None and end <= start:
        raise _error(lang, "end_before_start", "until", until=(until or "")[:40], since=(since or "")[:40])
    return TimeRange(start, end)


def _field(text: str, tz: tzinfo, now: datetime | None, field: str, region: str | None, lang: str) -> When:
    try:
        return read_when(text, tz, now=now, region=region, lang=lang)
    except InputError as exc:
        raise InputError(str(exc), field=field) from None
