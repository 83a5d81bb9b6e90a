"""The closed vocabularies of harasslog, in one place: the values of the contract (DESIGN.md).

Store columns, rule packs, `--json` fields and command-line choices all use these exact strings.
StrEnum members compare equal to their values, so `Channel.SMS == "sms"`; Typer offers them as
choices. Order matters where it is meaning: severities run from least to most severe.
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    CALL = "call"
    SMS = "sms"
    MMS = "mms"
    VISIT = "visit"
    LETTER = "letter"
    EMAIL = "email"
    IM = "im"
    THIRD_PARTY = "third_party"


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class Status(StrEnum):
    ANSWERED = "answered"
    MISSED = "missed"
    REJECTED = "rejected"
    VOICEMAIL = "voicemail"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"


class NumberKind(StrEnum):
    MOBILE = "mobile"
    FIXED = "fixed"
    SHORT_CODE = "short_code"
    SMS_GATEWAY = "sms_gateway"
    SERVICE = "service"
    VIRTUAL = "virtual"
    ALPHANUMERIC = "alphanumeric"
    INVALID = "invalid"  # parses, but no such number in its region: kept as written
    UNKNOWN = "unknown"


class Caller(StrEnum):
    """A caller or sender without a number (events.caller; events.number is NULL)."""

    WITHHELD = "withheld"  # private / restricted: the caller hid it
    UNKNOWN = "unknown"  # the network did not give one
    PAYPHONE = "payphone"


class PartyKind(StrEnum):
    CREDITOR = "creditor"
    AGENCY = "agency"
    LAW_FIRM = "law_firm"
    UNKNOWN = "unknown"


class RequestKind(StrEnum):
    STOP = "stop"
    STOP_CHANNEL = "stop_channel"
    PAUSE = "pause"
    CEASE_WRITTEN = "cease_written"
    DISPUTE = "dispute"
    ATTORNEY = "attorney"
    INCONVENIENT_TIME = "inconvenient_time"
    NO_WORKPLACE = "no_workplace"


class Severity(StrEnum):
    """Least to most severe: the order is the rank."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Lang(StrEnum):
    """Languages of the interface, the catalog and the dossiers."""

    ZH = "zh"
    EN = "en"


class Jurisdiction(StrEnum):
    """The shipped rule packs a profile can choose."""

    CN = "cn"
    US = "us"
    UK = "uk"


class StatsBy(StrEnum):
    DAY = "day"
    HOUR = "hour"
    PARTY = "party"


def values(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    """The plain strings, in order: ("call", "sms", ...)."""
    return tuple(member.value for member in vocabulary)


def severity_rank(severity: str) -> int:
    """0 for info up to 4 for critical; an unknown severity is a ValueError."""
    return values(Severity).index(severity)


# `import --format` names and CSV field names (the importers' FORMATS and csvfile.FIELDS; a test keeps
# them equal): help texts read them here, so `--help` does not load every importer.
IMPORT_FORMATS = (
    "auto",
    "sbr",
    "ios-sms",
    "ios-calls",
    "android-sms",
    "android-calls",
    "csv",
    "google-voice",
    "wechat",
    "superbackup",
    "oppo",
    "samsung-logs",
    "ios-call-history",
    "carrier",
)
CSV_FIELDS = ("time", "number", "type", "text", "duration", "status", "channel", "direction", "name", "ignore")


# How counts group channels in tables and dossiers: calls, texts (SMS and MMS), everything else.
BUCKETS = ("calls", "sms", "other")


def channel_bucket(channel: str) -> str:
    if channel == Channel.CALL:
        return "calls"
    if channel in (Channel.SMS, Channel.MMS):
        return "sms"
    return "other"
