"""Events: appended in chained batches, deduplicated on import, read through one EventQuery."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import integrity
from ..errors import InputError
from ..models import CHANNELS, DIRECTIONS, STATUSES, Event, EventRow, RawAttachment, RawEvent
from ..normalize import PRECISIONS, NumberInfo, from_utc_iso, normalize_number, to_utc_iso
from ..vocab import Caller, values
from ._sql import now_iso, row
from .parties import WITHHELD_GROUP, group_key
from .query import SELECT, EventQuery

if TYPE_CHECKING:
    from . import Store

BATCH = 2000
READ_ONCE_CACHE = -4096  # KiB of SQLite page cache while the analysis reads every event once
_COLUMNS = ", ".join((*integrity.EVENT_FIELDS, "hash", "prev_hash"))
_PLANS: dict[tuple[bool, ...], tuple[str, Callable[[list[Any]], tuple[Any, ...]]]] = {}  # see _insert_plan
# How events written before m003 entered the store, told by what they hold (see _stored_source).
_CASEFILE_REF = re.compile(r" events\[\d+\]$")
# The original record, in the source's own key order (faithful, and no sorting cost per event).
_RAW_JSON = json.JSONEncoder(ensure_ascii=False, default=str)
try:
    import orjson as _orjson
except ImportError:  # pragma: no cover
    _orjson = None  # type: ignore[assignment]


_ORJSON_OPTIONS = (
    _orjson.OPT_PASSTHROUGH_DATETIME | _orjson.OPT_PASSTHROUGH_DATACLASS | _orjson.OPT_NON_STR_KEYS
    if _orjson is not None
    else 0
)


def _raw_json(value: Any) -> str:
    """The record as JSON text: orjson when installed (a tenth of the time), else the stdlib."""
    if _orjson is not None:
        try:
            return _orjson.dumps(value, default=str, option=_ORJSON_OPTIONS).decode("utf-8")
        except (TypeError, _orjson.JSONEncodeError):  # what orjson refuses (an int over 64 bits)
            pass
    return _RAW_JSON.encode(value)


DedupeKey = tuple[Any, ...]
# An event ready to store (importers.base.Row describes the layout; a fast reader builds it).
Row = tuple[Any, ...]
CALLERS = values(Caller)


class Prepared(NamedTuple):  # a tuple: made per imported record, three times cheaper than a dataclass
    raw: RawEvent
    info: NumberInfo | None
    at: str

    @property
    def key(self) -> DedupeKey:
        return (self.raw.channel, self.raw.direction, self.info and self.info.number, self.at, self.raw.text)


# Secondary indexes on events that an import never reads (dedupe and corroboration find events
# through idx_events_at): a big import into a small store drops them and builds them again once,
# in its transaction, which sorts once instead of updating each index row by row (Events.bulk).
_KEPT_DURING_BULK = ("idx_events_at",)


class Events:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn
        self._numbers_written: set[str] | None = None  # during bulk(): the numbers rows it ensured

    def add_many(
        self,
        raws: Iterable[RawEvent],
        *,
        import_id: int | None = None,
        party_id: int | None = None,
        dedupe: bool = True,
        on_progress: Callable[[int], None] | None = None,
        source: str = "typed",
    ) -> list[int | None]:
        """Append events in batches; returns, per input, the new event id or None for a duplicate.

        `source` says how they entered the store ("typed", "casefile", "import:<file name>",
        "ocr:<image sha256>"); it is hashed with each row, like each one's `at_precision`.

        A duplicate is an event with the same channel, direction, number, instant and text as one
        already stored (earlier batches of this call included: they are in the same transaction)
        or earlier in its batch. Imports skip duplicates; hand-logged events keep `dedupe` off.
        """
        self._store.require_transaction()
        results: list[int | None] = []
        batch: list[RawEvent] = []
        for raw in chain(raws, [None]):  # None: the end, flush what is left
            if raw is not None:
                batch.append(raw)
            if batch and (raw is None or len(batch) >= BATCH):
                results.extend(self._add_batch(batch, import_id, party_id, dedupe, source))
                batch = []
                if on_progress:
                    on_progress(len(results))
        return results

    def add(self, raw: RawEvent, *, party_id: int | None = None, source: str = "typed") -> int:
        """Append one hand-logged event (never deduplicated: two identical calls are two calls)."""
        (event_id,) = self.add_many([raw], party_id=party_id, dedupe=False, source=source)
        assert event_id is not None  # without dedupe every event is new
        return event_id

    def set_meta(self, event_id: int, **changes: Any) -> None:
        """Change an event's party link or note (metadata), through a ledger entry."""
        self._store.require_transaction()
        unknown = set(changes) - set(integrity.CHAINED["events"][1])
        if unknown:
            raise ValueError(f"not metadata: {sorted(unknown)}")
        self.get(event_id)
        self._store.ledger.change("events", event_id, changes)

    def get(self, event_id: int) -> dict[str, Any]:
        """The stored row of one event, every column."""
        found = row(self._conn, "SELECT * FROM events WHERE id = ?", (event_id,))
        if found is None:
            raise InputError(f"no event with id {event_id}")
        return found

    def same_minute(
        self, channel: str, direction: str, number_raw: str, at: datetime, text: str | None = None
    ) -> list[int]:
        """Events not withdrawn with this channel, direction and number in the minute of `at`:
        what an entry typed twice by mistake would collide with. Two different texts are two
        messages, not one typed twice."""
        info = normalize_number(number_raw, self._store.region) if number_raw else None
        start = at.astimezone(UTC).replace(second=0, microsecond=0)
        sql = (
            "SELECT e.id FROM events e WHERE e.at >= ? AND e.at < ? AND e.channel = ? AND e.direction = ?"
            " AND e.number IS ? AND (? IS NULL OR e.text IS NULL OR e.text = ?)"
            " AND e.id NOT IN (SELECT event_id FROM withdrawals) ORDER BY e.id"
        )
        params = (to_utc_iso(start), to_utc_iso(start + timedelta(minutes=1)), channel, direction)
        number = info.number if info else None
        return [int(r[0]) for r in self._conn.execute(sql, (*params, number, text, text))]

    def recipients(self) -> dict[int, str]:
        """Who each third-party contact reached, as recorded (`add third-party --who`): event id -> words."""
        cursor = self._conn.execute(
            "SELECT id, json_extract(raw, '$.who') FROM events"
            " WHERE channel = 'third_party' AND json_valid(raw) AND json_extract(raw, '$.who') IS NOT NULL"
        )
        return {int(i): str(who) for i, who in cursor if str(who).strip()}

    def day_counts(self, since: datetime | None, until: datetime | None, flagged: set[int]) -> list[dict[str, Any]]:
        """`stats --by day` counted in SQL, without reading every event into Python: rows of {key
        (local date), total, calls, sms, other, flagged}, as stats.count_contacts makes them
        (withdrawn events left out). See daycounts: each local day a range of the index on `at`."""
        from .daycounts import day_counts

        return day_counts(self._conn, self._store.tz.key, since, until, flagged)

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def last_id(self) -> int:
        """The highest event id (0 for none): ids only grow, so it is about the count, at once."""
        return int(self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    def select(self, query: EventQuery | None = None, **filters: Any) -> Iterator[Event]:
        """Events in time order, with their effective party (own link, else their number's)."""
        query = query or EventQuery(**filters)
        parties = self._store.parties.index()
        sql, params = query.sql(self._store.region, parties)
        tz = self._store.tz
        for r in self._conn.execute(sql, params):
            pid = r[10]
            at = from_utc_iso(r[5])
            yield Event(
                id=r[0],
                channel=r[1],
                direction=r[2],
                number=r[3],
                number_raw=r[4],
                at=at,
                tz_offset_min=r[6],
                duration_s=r[7],
                status=r[8],
                text=r[9],
                party_id=pid,
                party=parties[pid][0] if pid in parties else None,
                group=WITHHELD_GROUP if r[19] and pid not in parties else group_key(pid, r[3] or r[4], parties),
                note=r[11],
                import_id=r[12],
                hash=r[13],
                source=r[14] or _stored_source(r[12], r[17], r[16]),
                at_precision=r[15] or _stored_precision(r[12], at.astimezone(tz)),
                withdrawn=r[18],
                caller=r[19],
            )

    def for_analysis(self, since: datetime | None = None, until: datetime | None = None) -> Iterator[EventRow]:
        """The events of [since, until) not withdrawn, in time order (at, then id), one row at a time:
        what `select` yields, as EventRows, for a pass over the whole store in constant memory (the
        cursor walks the index on `at`; nothing is kept)."""
        where = ["w.event_id IS NULL"]
        params: list[Any] = []
        if since is not None:
            where.append("e.at >= ?")
            params.append(to_utc_iso(since))
        if until is not None:
            where.append("e.at < ?")
            params.append(to_utc_iso(until))
        sql = f"{SELECT} WHERE {' AND '.join(where)} ORDER BY e.at, e.id"
        # The rows pass once: the page cache an import wants (db.py, 64 MiB) would only fill with
        # pages never read again, so the read keeps a small one and gives the store its own back.
        (cache_size,) = self._conn.execute("PRAGMA cache_size").fetchone()
        self._conn.execute(f"PRAGMA cache_size = {READ_ONCE_CACHE}")
        try:
            yield from self._analysis_rows(sql, params)
        finally:
            self._conn.execute(f"PRAGMA cache_size = {int(cache_size)}")

    def _analysis_rows(self, sql: str, params: list[Any]) -> Iterator[EventRow]:
        parties = self._store.parties.index()
        tz = self._store.tz
        groups: dict[tuple[int | None, str | None, bool], str] = {}  # one per number and party seen
        parse = datetime.fromisoformat
        for r in self._conn.execute(sql, params):
            pid = r[10]
            at = parse(r[5])  # stored with "Z": fromisoformat reads it as UTC
            withheld = bool(r[19]) and pid not in parties
            gkey = (pid, r[3] or r[4], withheld)
            group = groups.get(gkey)
            if group is None:
                group = groups[gkey] = WITHHELD_GROUP if withheld else group_key(pid, r[3] or r[4], parties)
            yield EventRow(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                at,
                r[7],
                r[8],
                r[9],
                pid,
                parties[pid][0] if pid in parties else None,
                group,
                r[14] or _stored_source(r[12], r[17], r[16]),
                r[15] or _stored_precision(r[12], at.astimezone(tz)),
                r[19],
            )

    def _add_batch(
        self, batch: list[RawEvent], import_id: int | None, party_id: int | None, dedupe: bool, source: str
    ) -> list[int | None]:
        prepared = self.rows(batch)
        if dedupe:
            from ..ingest import drop_duplicates  # the import path's dedupe step, one definition

            fresh: list[Row | None] = drop_duplicates(self._store, prepared)
        else:
            fresh = list(prepared)
        kept = [p for p in fresh if p is not None]
        ids = iter(self.append_rows(kept, import_id=import_id, party_id=party_id, source=source))
        return [None if p is None else next(ids) for p in fresh]

    def prepare(self, batch: list[RawEvent]) -> list[Prepared]:
        """Check each record and normalize its number and time (what dedupe and append need)."""
        region = self._store.region
        return [_prepare(raw, region) for raw in batch]

    def rows(self, batch: Sequence[RawEvent | Row]) -> list[Row]:
        """Each record as the Row append_rows stores (checked and normalized by `prepare`); a Row
        a fast reader built already (importers.base.Row) passes as it is."""
        region = self._store.region
        return [r if type(r) is tuple else row_of(_prepare(r, region)) for r in batch]  # type: ignore[arg-type]

    def others_near(self, instants: list[str], import_id: int) -> bool:
        """Whether any event from elsewhere than this import lies within corroboration's reach of
        these instants (stored form; Corroborations.absorb's own first test, over the same span):
        without one, nothing at these times can corroborate and absorb would return them all."""
        from .corroboration import _SPAN

        if not instants:
            return False
        start = to_utc_iso(from_utc_iso(min(instants)) - _SPAN)
        end = to_utc_iso(from_utc_iso(max(instants)) + _SPAN)
        sql = "SELECT 1 FROM events WHERE at >= ? AND at <= ? AND import_id IS NOT ? LIMIT 1"
        return self._conn.execute(sql, (start, end, import_id)).fetchone() is not None

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Many events about to be appended in this transaction: the secondary indexes an import
        does not read are dropped now and built again, exactly as they were, on leaving. Both
        happen inside the transaction, so no reader ever sees the table without them, and a
        failed import rolls the drop back with everything else."""
        self._store.require_transaction()
        kept = ", ".join(f"'{name}'" for name in _KEPT_DURING_BULK)
        dropped = self._conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'"
            f" AND sql IS NOT NULL AND name NOT IN ({kept}) AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
        ).fetchall()
        for name, _ in dropped:
            self._conn.execute(f'DROP INDEX "{name}"')
        self._numbers_written = set()
        try:
            yield
        finally:
            self._numbers_written = None
            if self._conn.in_transaction:  # else SQLite already rolled back, drop included
                for _, sql in dropped:
                    self._conn.execute(sql)

    def append(
        self,
        prepared: list[Prepared],
        *,
        import_id: int | None,
        party_id: int | None,
        source: str,
        index_text: bool = True,
    ) -> list[int]:
        """append_rows for prepared records (Events.prepare)."""
        rows = [row_of(p) for p in prepared]
        return self.append_rows(rows, import_id=import_id, party_id=party_id, source=source, index_text=index_text)

    def append_rows(
        self,
        rows: list[Row],
        *,
        import_id: int | None,
        party_id: int | None,
        source: str,
        index_text: bool = True,
    ) -> list[int]:
        """Insert these events, chained in their rows, with one ledger entry sealing them; their ids.

        Each event's hash covers the previous one's (the first's, the ledger head) and its columns
        (integrity.event_link); the seal's hash is the last event's, so the ledger's chain runs
        through every event and `verify` names the first row that differs. `index_text=False`:
        the caller indexes the text for search itself, before its transaction ends (an import
        does it once per file: a third cheaper than per batch)."""
        if not rows:
            return []
        # Each number once: a batch of 2,000 messages comes from a few dozen numbers, and a number
        # a bulk import has already written (in an earlier batch) is not written again.
        infos = list({r[2]: r[14] for r in rows if r[14] is not None}.values())
        written = self._numbers_written
        if written is None:
            self._store.numbers.ensure(infos)
        else:
            fresh = [i for i in infos if i.number not in written]
            self._store.numbers.ensure(fresh)
            written.update(i.number for i in fresh)
        if party_id is not None:
            self._store.numbers.claim((i.number for i in infos), party_id)
        first = self.last_id() + 1
        head = self._store.ledger.head() or integrity.GENESIS
        recorded = now_iso()
        raw_json = _raw_json
        dumps = integrity.link_json
        sha256 = hashlib.sha256
        tag = integrity.EVENT_TAG
        attachments: list[tuple[int, RawAttachment]] = []
        prev = head
        # Rows are inserted in id order, in runs that leave out the same columns (NULL written in
        # the statement, not bound: binding None costs Python's sqlite3 ~0.5 µs each, a tenth of
        # a row's whole insert, and most rows have five). The run's kind: which of the columns that
        # are often None (number, tz_offset_min, duration_s, text, caller) are; note is always, and
        # party_id and import_id are the same for every row. Any other None is bound, as before.
        fixed = (party_id is None, import_id is None)
        run: list[tuple[Any, ...]] = []
        run_kind: tuple[bool, ...] = ()
        sql = ""
        pick: Callable[[list[Any]], tuple[Any, ...]] = tuple
        executemany = self._conn.executemany
        for event_id, r in enumerate(rows, first):
            raw = r[10]
            # The row link's array (integrity.event_link: the tag, then EVENT_FIELDS in order), which,
            # with the hash and prev_hash appended, is also the row as inserted (the tag left out).
            values = [
                tag,
                event_id,
                r[0],  # channel
                r[1],  # direction
                r[2],  # number
                r[3],  # number_raw
                party_id,
                r[4],  # at
                r[5],  # tz_offset_min: the offset the source recorded; None for an instant alone
                r[6],  # duration_s
                r[7],  # status
                r[8],  # text
                import_id,
                r[9],  # source_ref
                raw_json(raw) if raw else None,
                None,  # note
                recorded,
                source,
                r[11],  # at_precision
                r[12],  # caller
            ]
            digest = sha256(prev.encode("utf-8", "surrogatepass") + b"\n" + dumps(values)).hexdigest()
            values.append(digest)
            values.append(prev)
            prev = digest
            kind = (r[2] is None, r[5] is None, r[6] is None, r[8] is None, r[12] is None)
            if kind != run_kind:
                if run:
                    executemany(sql, run)
                    run = []
                sql, pick = _insert_plan(kind + fixed)
                run_kind = kind
            run.append(pick(values))
            if r[13]:
                attachments.extend((event_id, a) for a in r[13])
        if run:
            executemany(sql, run)
        last = first + len(rows) - 1
        if index_text:
            self._store.search.index(first, last)  # search stays current
        meta = {"party_id": party_id, "note": None}
        self._store.ledger.seal_events(first, last, meta, head, prev)
        for event_id, attachment in attachments:
            self._store.attachments.add(event_id, attachment.data, name=attachment.name, mime=attachment.mime)
        return list(range(first, last + 1))

    def _any_between(self, start: str, end: str) -> bool:
        sql = "SELECT 1 FROM events WHERE at >= ? AND at <= ? LIMIT 1"
        return self._conn.execute(sql, (start, end)).fetchone() is not None

    def stored_keys(self, instants: list[str]) -> set[DedupeKey]:
        """Dedupe keys of stored events at these instants (found through the index on `at`)."""
        keys: set[DedupeKey] = set()
        unique = sorted(set(instants))
        if not unique or not self._any_between(unique[0], unique[-1]):
            return keys  # the common case in a big import: nothing stored at these times yet
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            sql = f"SELECT channel, direction, number, at, text FROM events WHERE at IN ({','.join('?' * len(chunk))})"
            keys.update(self._conn.execute(sql, chunk))
        return keys


# Where the values append_rows builds (the row link's array, then hash and prev_hash) hold the
# columns _insert_plan may write as NULL: number, tz_offset_min, duration_s, text, caller,
# party_id, import_id; and note, always NULL when an event is written.
_NULLABLE = (4, 8, 9, 11, 19, 6, 12)
_NOTE = 15


def _insert_plan(kind: tuple[bool, ...]) -> tuple[str, Callable[[list[Any]], tuple[Any, ...]]]:
    """The INSERT for rows whose _NULLABLE columns are None where `kind` says so (NULL written in
    it), and what picks the values it binds from append_rows' list (never the link's tag)."""
    plan = _PLANS.get(kind)
    if plan is None:
        null = {i for i, none in zip(_NULLABLE, kind, strict=True) if none} | {_NOTE}
        bound = [i for i in range(1, len(integrity.EVENT_FIELDS) + 3) if i not in null]
        marks = ", ".join("NULL" if i in null else "?" for i in range(1, len(integrity.EVENT_FIELDS) + 3))
        plan = _PLANS[kind] = (f"INSERT INTO events ({_COLUMNS}) VALUES ({marks})", itemgetter(*bound))
    return plan


def row_of(p: Prepared) -> Row:
    """A prepared record as the Row append_rows stores (importers.base.Row's layout)."""
    raw, info = p.raw, p.info
    return (
        raw.channel,
        raw.direction,
        info.number if info else None,
        raw.number_raw,
        p.at,
        raw.tz_offset_min,
        raw.duration_s,
        raw.status,
        raw.text,
        raw.source_ref,
        raw.raw,
        raw.at_precision,
        raw.caller,
        raw.attachments,
        info,
    )


def raw_event(r: Row) -> RawEvent:
    """A Row back as the record it was read as (what corroboration compares): the same fields,
    `at` the same instant in UTC."""
    return RawEvent(
        channel=r[0],
        direction=r[1],
        number_raw=r[3],
        at=from_utc_iso(r[4]),
        text=r[8],
        duration_s=r[6],
        status=r[7],
        source_ref=r[9],
        raw=r[10],
        attachments=r[13],
        tz_offset_min=r[5],
        at_precision=r[11],
        caller=r[12],
    )


def _prepare(raw: RawEvent, region: str) -> Prepared:
    _check_raw(raw)
    # A caller without a number has none: "-2" is no short code, and no number row is made for it.
    info = normalize_number(raw.number_raw, region) if raw.number_raw and raw.caller is None else None
    at = raw.at
    if at.tzinfo is UTC:  # what importers of instants make: to_utc_iso's text, without its checks
        return Prepared(raw, info, at.isoformat(timespec="milliseconds")[:-6] + "Z")
    return Prepared(raw, info, to_utc_iso(at))


def _stored_source(import_id: int | None, file_name: str | None, source_ref: str | None) -> str:
    """The source of an event written before m003 recorded it: an import names its file; a case
    file's events carry "<file> events[N]" and typed ones "hand" as their source_ref."""
    if import_id is not None:
        return f"import:{file_name}" if file_name else "unknown"
    if source_ref == "hand":
        return "typed"
    if source_ref and _CASEFILE_REF.search(source_ref):
        return "casefile"
    return "unknown"


def _stored_precision(import_id: int | None, local: datetime) -> str:
    """The precision of an event written before m003: phone records are to the second; a hand
    entry at exactly 00:00:00 may have been a date alone (unknown), else it shows what was typed."""
    if import_id is not None:
        return "second"
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return "unknown"
    return "minute" if local.second == 0 and local.microsecond == 0 else "second"


def _check_raw(raw: RawEvent) -> None:
    if raw.channel not in CHANNELS:
        raise InputError(f"{raw.source_ref or 'record'}: unknown channel {raw.channel!r}")
    if raw.direction not in DIRECTIONS:
        raise InputError(f"{raw.source_ref or 'record'}: unknown direction {raw.direction!r}")
    if raw.status not in STATUSES:
        raise InputError(f"{raw.source_ref or 'record'}: unknown status {raw.status!r}")
    if raw.at_precision not in PRECISIONS:
        raise InputError(f"{raw.source_ref or 'record'}: unknown time precision {raw.at_precision!r}")
    if raw.caller is not None and raw.caller not in CALLERS:
        raise InputError(f"{raw.source_ref or 'record'}: unknown caller kind {raw.caller!r}")
    if raw.at.tzinfo is None:
        raise ValueError(f"{raw.source_ref}: importer produced a naive datetime")
