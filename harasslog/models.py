"""The plain data that flows between modules: importers → normalize → store → analyze → render.

Frozen dataclasses, no behaviour beyond small conveniences; every module agrees on these shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from .vocab import Channel, Direction, NumberKind, PartyKind, RequestKind, Severity, Status, values
from .vocab import severity_rank as severity_rank  # the one severity order, for the rules

# The vocabularies live in vocab.py; these tuples of their values stay for existing callers.
CHANNELS = values(Channel)
DIRECTIONS = values(Direction)
STATUSES = values(Status)
NUMBER_KINDS = values(NumberKind)
PARTY_KINDS = values(PartyKind)
REQUEST_KINDS = values(RequestKind)
SEVERITIES = values(Severity)  # mildest first: the one severity order (vocab.severity_rank)


@dataclass(frozen=True)
class RawAttachment:
    """A file carried inside an import (an MMS image, say): stored content-addressed."""

    name: str | None
    mime: str | None
    data: bytes


@dataclass(frozen=True)
class RawEvent:
    """One record as an importer read it, before normalization. Importers never touch the store.

    `at` must be timezone-aware. `tz_offset_min` is the offset the source recorded, when it
    recorded one (None: the source stored an absolute instant only). `number_raw` is the address
    exactly as the source wrote it. `text` is the message body exactly as decoded from the source.
    `source_ref` locates the record in its file ("sms[17]", "message.ROWID=52", "row 9").
    `raw` is the original record as JSON-serializable data (attributes, columns).
    """

    channel: str
    direction: str
    number_raw: str
    at: datetime
    text: str | None = None
    duration_s: int | None = None
    status: str = "unknown"
    source_ref: str = ""
    raw: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[RawAttachment, ...] = ()
    tz_offset_min: int | None = None
    # How precise `at` is: "second" (phone databases), "minute" (22:13), "day" (a date only: the
    # time was not recorded, `at` is that day's 00:00 local) or "unknown".
    at_precision: str = "second"
    # A caller the phone could not name ("withheld", "unknown", "payphone": vocab.Caller); the
    # event then has no number, and `number_raw` keeps what the phone wrote (-2, or nothing).
    caller: str | None = None


@dataclass(frozen=True)
class Skipped:
    """A record an importer chose not to import (a draft, an empty row), and why."""

    source_ref: str
    reason: str


@dataclass(frozen=True)
class Event:
    """An event as stored, as the analysis and dossiers see it.

    `at` is timezone-aware UTC. `party` is the display name of the party the event is linked to
    (directly, or through its number), `group` the collector group key used by conduct rules: the
    root creditor's name for linked parties, or "number:<number>" for unknown numbers
    ("number:withheld" for every caller without a number: one unidentified caller to the rules).
    """

    id: int
    channel: str
    direction: str
    number: str | None
    number_raw: str | None
    at: datetime
    tz_offset_min: int | None = None
    duration_s: int | None = None
    status: str = "unknown"
    text: str | None = None
    party_id: int | None = None
    party: str | None = None
    group: str = ""
    note: str | None = None
    import_id: int | None = None
    hash: str = ""
    # How the event entered the store: "typed" (harasslog add), "casefile", "import:<file name>"
    # or "ocr:<image sha256>"; how precise its time is ("second", "minute", "day", "unknown");
    # and, once withdrawn as a mistake, the reason (the event stays in the store and the log).
    source: str = "typed"
    at_precision: str = "second"
    withdrawn: str | None = None
    # A caller without a number (vocab.Caller), shown as "withheld number" / "隐藏号码"; `number` is None.
    caller: str | None = None


class EventRow(NamedTuple):
    """An event as the analysis reads it (store.events.Events.for_analysis): the fields of Event that
    the rules use, as a tuple (a tenth of the cost of an Event; a million of them stream through)."""

    id: int
    channel: str
    direction: str
    number: str | None
    number_raw: str | None
    at: datetime
    duration_s: int | None
    status: str
    text: str | None
    party_id: int | None
    party: str | None
    group: str
    source: str
    at_precision: str
    caller: str | None
    withdrawn: str | None = None  # never set: withdrawn events are not read


@dataclass(frozen=True)
class Request:
    """What the borrower asked for or agreed with a collector (a stop, a pause...)."""

    id: int
    kind: str
    party_id: int | None
    party: str | None
    group: str
    start: datetime  # aware UTC: from when the request binds
    end: datetime | None = None  # aware UTC, exclusive: until when (a pause); None = open-ended
    channel: str | None = None  # for stop_channel
    event_id: int | None = None  # the event that proves it
    note: str | None = None


@dataclass(frozen=True)
class Citation:
    instrument: str
    article: str
    tag: str  # "V" verified, "S" secondary source, "U" unverified
    url: str = ""
    channels: tuple[str, ...] = ()  # the channels whose conduct it governs; () = every channel


@dataclass(frozen=True)
class Match:
    """A wording match: the exact span of the original (not normalized) text."""

    rule_id: str
    category: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ReviewItem:
    """Wording that is probably a breach but not certain: for a person to accept or reject.

    `text` is the span [start, end) of the ORIGINAL text that led to it, `score` how likely (0-1) it
    is a breach of `category`, `why` one sentence saying what makes it so (in the reader's language).
    """

    category: str
    score: float
    text: str
    start: int
    end: int
    why: str
    rule_id: str = ""


@dataclass(frozen=True)
class Finding:
    rule_id: str
    category: str
    severity: str
    event_ids: tuple[int, ...]
    start: datetime
    end: datetime
    explanation: str
    title: str = ""
    group: str = ""
    matches: tuple[Match, ...] = ()
    citations: tuple[Citation, ...] = ()
    # "finding" (what a dossier may state) or "review" (for a person to look at; a dossier uses it
    # only once accepted); a review item's score is how likely it is a breach (0-1).
    tier: str = "finding"
    score: float | None = None
