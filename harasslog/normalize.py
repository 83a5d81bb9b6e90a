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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InputError

if TYPE_CHECKING:
    import phonenumbers
else:

    class _Phonenumbers:
        """phonenumbers, imported on first use: its metadata is some 25 ms of start-up, and most
        commands that open a store (list, show, verify) never read a number."""

        def __getattr__(self, name: str) -> Any:
            import phonenumbers as module

            globals()["phonenumbers"] = module  # every later use goes straight to the module
            return getattr(module, name)

    phonenumbers = _Phonenumbers()

# Chinese mobile prefixes allotted to virtual network operators (虚拟运营商), favoured by collectors.
CN_VIRTUAL_PREFIXES = ("162", "165", "167", "170", "171")

_SEPARATORS = re.compile(r"[\s\-().\u00a0\u2000-\u200f\u2212/]")


@lru_cache(maxsize=1)
def _type_to_kind() -> dict[int, str]:
    types = phonenumbers.PhoneNumberType
    return {
        types.MOBILE: "mobile",
        types.FIXED_LINE: "fixed",
        types.TOLL_FREE: "service",
        types.SHARED_COST: "service",
        types.PREMIUM_RATE: "service",
        types.UAN: "service",
        types.VOIP: "virtual",
        types.PERSONAL_NUMBER: "virtual",
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
    kind = _type_to_kind().get(phonenumbers.number_type(parsed), "unknown")
    if number_region == "CN" and kind == "mobile" and str(parsed.national_number).startswith(CN_VIRTUAL_PREFIXES):
        kind = "virtual"
    return NumberInfo(e164, kind, number_region)


@dataclass(frozen=True)
class NumberProblem:
    """Why a typed number looks mistyped: `cn_mobile_length` (a Chinese mobile number with 10 or 12
    digits: `digits` says how many) or `not_valid` (no such number in `region`). It is still stored
    as written; the user is told, once, so a slip of the finger is seen while it can be corrected."""

    code: str
    region: str
    digits: int = 0


_CN_MOBILE_SLIP = re.compile(r"1[3-9]\d{8}(\d{2})?")  # 10 or 12 digits: one short, one long


def number_problem(raw: str | None, region: str = "CN") -> NumberProblem | None:
    """A warning for a number a person typed, or None when it reads as a real number (or is not
    meant as one: names, short codes, 106 gateways, 95xxx service numbers)."""
    info = normalize_number(raw, region)
    if info is None or info.kind not in ("invalid", "unknown"):
        return None
    compact = _SEPARATORS.sub("", (raw or "").strip())
    if not re.fullmatch(r"\+?\d+", compact, re.A):
        return None  # *21#, or letters: not a phone number typed wrong
    if info.kind == "unknown" and _is_valid(compact, region):
        return None  # valid, only of a type phonenumbers cannot tell (US FIXED_LINE_OR_MOBILE)
    national = _cn_national(compact, region)
    if national is not None and _CN_MOBILE_SLIP.fullmatch(national):
        return NumberProblem("cn_mobile_length", "CN", len(national))
    return NumberProblem("not_valid", info.region or region)


def _cn_national(compact: str, region: str) -> str | None:
    """The Chinese national digits of a number written with +86 / 0086, or in a CN profile."""
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            return compact[len(prefix) :]
    return compact if region == "CN" and not compact.startswith(("+", "00")) else None


def _is_valid(compact: str, region: str) -> bool:
    try:
        return bool(phonenumbers.is_valid_number(phonenumbers.parse(compact, region)))
    except phonenumbers.NumberParseException:
        return False


def region_from_locale(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The country a system locale names (zh_CN.UTF-8 → CN, en_GB → GB) and the locale itself, read
    from LC_ALL, LC_MESSAGES, LANG as the C library does; None for C, POSIX or no country."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if not value:
            continue
        match = re.match(r"[A-Za-z]{2,3}[_-]([A-Za-z]{2})\b", value)
        if match is None:
            return None  # the first one set decides, as for the C library (LANG=C: no country)
        region = match.group(1).upper()
        region = "GB" if region == "UK" else region
        return (region, value) if region in regions() else None
    return None


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


# Reading what people type for a time lives in times.py; these names stay importable from here.
# (Imported here, not at the top, so this module's number code and its time code stay apart.)
from .times import (  # noqa: E402, F401 (re-exported)
    CLOCK_SKEW,
    LAST_YEAR_WITHIN,
    MAX_YEAR,
    MIN_YEAR,
    PRECISIONS,
    TIME_OF_DAY_UNKNOWN,
    TimeRange,
    parse_past_when,
    parse_range,
    parse_when,
    when_precision,
)


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
