"""Pure normalization: phone numbers, times, durations. No I/O, no store.

Numbers become E.164 with phonenumbers using the profile's region; what does not parse as a
phone number (short codes, 106 SMS gateways, alphanumeric senders) is kept as written and
classified. A number that parses but is not valid where it would ring (a Thai local number read
under GB) is kept as written, without separators, and marked "invalid": it is never turned into a
number of a country it is not. Withheld and unknown callers (the phone's -1/-2/-3 markers or its
`presentation` field) have no number at all: see `caller_kind`. Times become aware datetimes,
stored as UTC with the source offset kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from .errors import InputError

# Chinese mobile prefixes allotted to virtual network operators (虚拟运营商), favoured by collectors.
CN_VIRTUAL_PREFIXES = ("162", "165", "167", "170", "171")

_SEPARATORS = re.compile(r"[\s\-().\u00a0\u2000-\u200f\u2212/]")
_TYPE_TO_KIND = {
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE: "fixed",
    phonenumbers.PhoneNumberType.TOLL_FREE: "service",
    phonenumbers.PhoneNumberType.SHARED_COST: "service",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "service",
    phonenumbers.PhoneNumberType.UAN: "service",
    phonenumbers.PhoneNumberType.VOIP: "virtual",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "virtual",
}


def regions() -> frozenset[str]:
    """Every region phonenumbers has metadata for (ISO 3166 codes: CN, US, GB, TH, ...)."""
    return frozenset(phonenumbers.SUPPORTED_REGIONS)


def check_region(value: str) -> str:
    """A region as the profile stores it (upper case; UK is GB); InputError if phonenumbers does not know it."""
    region = value.strip().upper()
    if region == "UK":
        region = "GB"
    if region not in regions():
        raise InputError(
            f"unknown region {value!r}: use a two-letter country code phone numbers are read for (CN, US, GB, TH, ...)"
        )
    return region


# Android's CallerInfo numbers for a caller without one (SBR and calllog.db keep them as `number`),
# and the `presentation` codes (1 allowed): what the phone knew about the caller it could not name.
CALLER_MARKERS = {"-1": "unknown", "-2": "withheld", "-3": "payphone"}
PRESENTATIONS = {2: "withheld", 3: "unknown", 4: "payphone"}
CALLER_KINDS = ("withheld", "unknown", "payphone")


def caller_kind(
    number_raw: str | None, presentation: int | None = None, *, empty_is_unknown: bool = False
) -> str | None:
    """ "withheld", "unknown" or "payphone" for a caller the phone could not name, else None.

    Only an address that is empty or one of Android's -1/-2/-3 markers is a caller without a
    number (a real number stays a number whatever `presentation` says). Android's presentation
    code says which kind when present, else the marker does; an empty address with neither is an
    unknown caller when `empty_is_unknown` (a call log: a call always has a caller)."""
    trimmed = (number_raw or "").strip()
    if trimmed and trimmed not in CALLER_MARKERS:
        return None
    if presentation in PRESENTATIONS:
        return PRESENTATIONS[presentation]
    if trimmed:
        return CALLER_MARKERS[trimmed]
    return "unknown" if empty_is_unknown else None


@dataclass(frozen=True)
class NumberInfo:
    """A sender or caller: `number` is E.164 when it parses, else the trimmed original."""

    number: str
    kind: str  # one of models.NUMBER_KINDS
    region: str | None = None


@lru_cache(maxsize=65536)
def normalize_number(raw: str | None, region: str = "CN") -> NumberInfo | None:
    """Classify and normalize one address. Cached: imports see the same few numbers many times."""
    if raw is None:
        return None
    trimmed = raw.strip()
    if not trimmed:
        return None
    compact = _SEPARATORS.sub("", trimmed)
    if re.search(r"[^\d+*#]", compact):
        # Letters (after removing separators): "CoopMobile", "M-Money", "中国银行"...
        return NumberInfo(trimmed, "alphanumeric")
    digits = compact.lstrip("+")
    if not digits.isdigit():
        return NumberInfo(trimmed, "unknown")
    if not compact.startswith("+") and not digits.startswith("00"):
        national = _classify_cn_national(digits) if region == "CN" else None
        if national:
            return NumberInfo(digits, national, "CN")
        if len(digits) <= 6:
            return NumberInfo(digits, "short_code", region)
    try:
        parsed = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        return NumberInfo(trimmed, "unknown")
    if not phonenumbers.is_possible_number(parsed):
        return NumberInfo(trimmed, "unknown")
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    number_region = phonenumbers.region_code_for_number(parsed)
    if not phonenumbers.is_valid_number(parsed):
        # Possible in length but no such number there: keep what was written, marked, rather
        # than store a number of a country it is not (a Thai 08x number under GB is no +44 one).
        return NumberInfo(compact, "invalid", number_region or region)
    kind = _TYPE_TO_KIND.get(phonenumbers.number_type(parsed), "unknown")
    if number_region == "CN" and kind == "mobile" and str(parsed.national_number).startswith(CN_VIRTUAL_PREFIXES):
        kind = "virtual"
    return NumberInfo(e164, kind, number_region)


def _classify_cn_national(digits: str) -> str | None:
    """Chinese service ranges that phonenumbers cannot type: 106 gateways, 95xxx, 400/800."""
    if digits.startswith("106") and 8 <= len(digits) <= 21:
        return "sms_gateway"  # 106 bulk-SMS gateway numbers: not callable, kept as written
    if re.fullmatch(r"9[56]\d{3}(\d{1,3})?", digits):
        return "service"  # 95xxx / 96xxx: banks, insurers, carriers
    if re.fullmatch(r"[48]00\d{7}", digits):
        return "service"  # 400 / 800 corporate service numbers
    return None


# ---------------------------------------------------------------- times


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)") from None


_RELATIVE = re.compile(r"^-\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|hours?|d|days?|w|weeks?)$", re.I)
_RELATIVE_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400, "w": 604800}
_CHINESE = re.compile(
    r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"
    r"(?:\s*(上午|下午|晚上|早上|凌晨|中午)?\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})?\s*分?(?:\s*[:：]?\s*(\d{1,2})\s*秒?)?)?$"
)


# Contacts happen between the first SMS and the end of any agreed pause; outside this a time is a typo
# (9999-12-31, 0001-01-01) and would overflow on conversion to UTC.
MIN_YEAR = 1970
MAX_YEAR = 2199
_TIME_HELP = "use ISO 8601 (2026-11-20T22:13 or 2026-11-20T22:13+08:00), 'now', '-2h' or 2026年11月20日 22:13"
_BARE_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}|(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号])\s*$")


def parse_when(text: str, tz: tzinfo, *, now: datetime | None = None) -> datetime:
    """Parse a WHEN the user typed into an aware datetime.

    Accepts ISO 8601 with or without offset (none: the profile's zone `tz`), a bare date (its first
    instant), `now`, relative `-2h` / `-30m` / `-3d`, and `2026年11月20日 22:13` (also 晚上10点 forms).
    Anything else, and any time outside the years MIN_YEAR..MAX_YEAR, is an InputError.
    """
    try:
        moment = _parse_when(text, tz, now or datetime.now(UTC))
    except (OverflowError, ValueError):  # relative times beyond datetime's range
        raise InputError(f"the time {text!r} is out of range: {_TIME_HELP}") from None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise InputError(f"the time {text!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    return moment


# How precise a time is; a time-of-day rule (quiet hours, bursts) cannot judge the last two.
PRECISIONS = ("second", "minute", "day", "unknown")
TIME_OF_DAY_UNKNOWN = frozenset({"day", "unknown"})
# A clock a few minutes fast is a clock; a contact further ahead than this has not happened yet.
CLOCK_SKEW = timedelta(minutes=10)
# A date typed without its year that would lie ahead is last year's only when last year's is this
# recent (12月25日 typed on 3 January); otherwise it is refused as ambiguous.
LAST_YEAR_WITHIN = timedelta(days=92)
_ISO_TIME = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2})?")


def when_precision(text: str) -> str:
    """How precise a WHEN is, as typed: a date only (or `-3d`) → "day", 22:13, 晚上10点 or `-2h`
    → "minute", with seconds (or `now`, `-90s`) → "second"."""
    value = text.strip()
    if value.lower() == "now":
        return "second"
    relative = _RELATIVE.match(value)
    if relative:  # "-3d" says which day, not at what time; "-2h" is to the minute at best
        unit = relative.group(2).lower()[0]
        return "day" if unit in "dw" else "minute" if unit in "hm" else "second"
    chinese = _CHINESE.match(value)
    if chinese:
        if chinese.group(5) is None:
            return "day"
        return "second" if chinese.group(7) else "minute"
    timed = _ISO_TIME.search(value)
    if timed is None:
        return "day"
    return "second" if timed.group(1) else "minute"


def parse_past_when(text: str, tz: tzinfo, *, now: datetime | None = None) -> tuple[datetime, str]:
    """A WHEN for something that happened: the instant and its precision (when_precision).

    Refuses a time more than CLOCK_SKEW ahead of `now`. A date typed without a year that would lie
    ahead is taken as last year's when that is at most LAST_YEAR_WITHIN ago, else refused."""
    current = now or datetime.now(UTC)
    moment = parse_when(text, tz, now=current)
    precision = when_precision(text)
    chinese = _CHINESE.match(text.strip())
    if chinese and chinese.group(1) is None and moment > current + CLOCK_SKEW:
        try:
            earlier = moment.replace(year=moment.year - 1)
        except ValueError:  # 2月29日 has no day last year
            earlier = None
        if earlier is not None and current - earlier <= LAST_YEAR_WITHIN:
            moment = earlier
        else:
            raise InputError(
                f"{text!r} without a year would be {moment.date().isoformat()}, in the future;"
                f" write the year (e.g. {moment.year - 1}年{text.strip()}) if you mean last year"
            )
    if moment > current + CLOCK_SKEW:
        local_now = current.astimezone(tz).isoformat(timespec="minutes")
        raise InputError(f"the time {text!r} is in the future (it is now {local_now}); nothing was recorded")
    return moment, precision


def _parse_when(text: str, tz: tzinfo, current: datetime) -> datetime:
    value = text.strip()
    if not value:
        raise InputError(f"empty time: {_TIME_HELP}")
    if value.lower() == "now":
        return current.astimezone(tz)
    relative = _RELATIVE.match(value)
    if relative:
        unit = relative.group(2).lower()
        unit = unit[0] if unit[0] in "dw" or unit.startswith("h") else unit
        return (current - timedelta(seconds=float(relative.group(1)) * _RELATIVE_UNITS[unit])).astimezone(tz)
    chinese = _CHINESE.match(value)
    if chinese:
        return _from_chinese(chinese, tz, current)
    iso = value.replace(" ", "T", 1) if re.match(r"^\d{4}-\d{2}-\d{2} \d", value) else value
    iso = re.sub(r"Z$", "+00:00", iso)
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        raise InputError(f"cannot read the time {text!r}: {_TIME_HELP}") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise InputError(f"the time {text!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
        # fold=0 picks the first of a repeated hour; a skipped hour (DST gap) is rejected.
        if parsed.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != parsed.replace(tzinfo=None):
            raise InputError(f"the time {text!r} does not exist in {tz} (daylight-saving change)")
    return parsed


def _from_chinese(m: re.Match[str], tz: tzinfo, current: datetime) -> datetime:
    year = int(m.group(1)) if m.group(1) else current.astimezone(tz).year
    month, day = int(m.group(2)), int(m.group(3))
    hour = int(m.group(5) or 0)
    minute = int(m.group(6) or 0)
    second = int(m.group(7) or 0)
    period = m.group(4)
    if period in ("下午", "晚上") and hour < 12:
        hour += 12
    elif period == "中午" and hour < 11:
        hour += 12
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=tz)
    except ValueError:
        raise InputError(f"no such date or time: {m.group(0)!r}") from None


@dataclass(frozen=True)
class TimeRange:
    """A period as a person reads it: `since` inclusive, `until` exclusive; None is open."""

    since: datetime | None = None
    until: datetime | None = None


def parse_range(since: str | None, until: str | None, tz: tzinfo, *, now: datetime | None = None) -> TimeRange:
    """The one reading of a since/until pair, for every command that filters by time.

    A bare date as `since` starts at 00:00 local; as `until` it includes that whole day (the period
    ends at the next day's 00:00), as a person means "until 20 November". A time is taken as given.
    An end not after the start is an InputError naming the field "until".
    """
    start = _field(since, tz, now, "since") if since else None
    end = None
    if until:
        end = _field(until, tz, now, "until")
        if _BARE_DATE.match(until):
            day = end.date() + timedelta(days=1)
            end = datetime(day.year, day.month, day.day, tzinfo=tz)
    if start is not None and end is not None and end <= start:
        raise InputError(f"the end {until!r} is not after the start {since!r}", field="until")
    return TimeRange(start, end)


def _field(text: str, tz: tzinfo, now: datetime | None, field: str) -> datetime:
    try:
        return parse_when(text, tz, now=now)
    except InputError as exc:
        raise InputError(str(exc), field=field) from None


def to_utc_iso(moment: datetime) -> str:
    """Stored form: UTC, millisecond precision, fixed width, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every time in harasslog carries its zone")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"  # drop "+00:00"


def from_utc_iso(stored: str) -> datetime:
    return datetime.fromisoformat(stored.replace("Z", "+00:00"))


def offset_minutes(moment: datetime) -> int | None:
    offset = moment.utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def local_iso(stored_utc: str | datetime, tz: tzinfo) -> str:
    """ISO 8601 in the borrower's zone, with its offset: what people and --json see."""
    moment = from_utc_iso(stored_utc) if isinstance(stored_utc, str) else stored_utc
    local = moment.astimezone(tz)
    spec = "milliseconds" if local.microsecond else "seconds"
    return local.isoformat(timespec=spec)


_DURATION_PART = re.compile(r"(\d+)\s*(h|m|s|小时|时|分钟|分|秒)", re.I)


def _count(digits: str, text: str) -> int:
    """Digits as a number, refusing absurd lengths before int() (and SQLite) see them."""
    if len(digits.lstrip("0")) > 12:
        raise InputError(f"the duration {text[:40]!r} is longer than a year")
    return int(digits)


# No phone call lasts a year; beyond this a duration is a broken record (and would overflow SQLite).
MAX_DURATION_S = 366 * 86400


def parse_duration(text: str) -> int:
    """90, 1m30s, 1:30, 1:02:03, 2分30秒 → seconds (at most MAX_DURATION_S)."""
    seconds = _parse_duration(text)
    if seconds > MAX_DURATION_S:
        raise InputError(f"the duration {text[:40]!r} is longer than a year")
    return seconds


def _parse_duration(text: str) -> int:
    value = text.strip().lower()
    if value.isdigit() and value.isascii():
        return _count(value, text)
    if re.fullmatch(r"\d+(:\d{1,2}){1,2}", value, re.A):
        total = 0
        for part in value.split(":"):
            total = total * 60 + _count(part, text)
        return total
    parts = _DURATION_PART.findall(value)
    if parts and _DURATION_PART.sub("", value).strip() == "":
        scale = {"h": 3600, "小时": 3600, "时": 3600, "m": 60, "分钟": 60, "分": 60, "s": 1, "秒": 1}
        return sum(_count(n, text) * scale[u] for n, u in parts)
    raise InputError(f"cannot read the duration {text[:40]!r}: use seconds (90), 1m30s or 1:30")
