"""Corroboration: one contact recorded by two sources stays one event, with every source kept.

A carrier's itemised record at 22:13 and the SMS the phone holds at 22:13:41 are one contact, not
two: counting both would double every figure a complaint states. When an import brings a record
that matches an event already stored from another source, the event stays as it is and the new
record is kept here, as that source wrote it (its time, precision, duration, raw record), under the
hash chain: each row is a chained fact (its digest), written in the import's transaction.

What matches (`_agrees`): the same channel, direction and number; times less than a minute apart,
a time recorded to the minute standing for its whole minute; texts that agree when both sources
hold one (equal, or one the start of the other: Samsung's logs.db keeps a message's first
characters only). An event from this same import, or an earlier import of the same file, never
matches (two calls in one minute of one file are two calls), nor a withdrawn one, nor one whose
time of day is not recorded. A record identical to a stored event (channel, direction, number,
instant and text) is a duplicate, as before, and not a corroboration. Each event takes at most
one record of an import, the nearest in time, so three calls confirm three calls.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..integrity import GENESIS, ROW_DIGEST, chain_hash, row_digest
from ..models import RawEvent
from ..normalize import from_utc_iso, normalize_number, to_utc_iso
from ._sql import json_text, next_id, now_iso, rows

if TYPE_CHECKING:
    from . import Store

TABLE = "corroborations"
WITHIN = timedelta(minutes=1)  # two sources' times of one contact: "the same minute"
# How long an instant of each precision stands for; others (day, unknown) never corroborate.
_WIDTH = {"second": timedelta(0), "minute": timedelta(minutes=1)}
_SPAN = WITHIN + _WIDTH["minute"]  # how far apart two matching instants can be, at most
_RAW_JSON = json.JSONEncoder(ensure_ascii=False, default=str)
_COLUMNS = (
    "id, event_id, import_id, source, source_ref, number_raw, at, tz_offset_min, at_precision, duration_s,"
    " status, text, raw, recorded_at, hash, prev_hash"
)


@dataclass
class Absorbed:
    """What one batch gave: the records still to store as events, and the corroborations written."""

    remaining: list[RawEvent]
    corroborated: int = 0
    duplicate: int = 0  # records already kept as corroborations
    # Of those, records holding more text than the event (a phone's SMS matching a carrier record,
    # or Samsung's cut copy, imported before it): kept with the source, not read by the rules.
    with_text: int = 0


@dataclass(frozen=True)
class _Candidate:
    id: int
    at: datetime
    precision: str
    text: str | None
    key: tuple[Any, ...]


class Corroborations:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def absorb(
        self, batch: list[RawEvent], *, import_id: int, source: str, taken: set[int], party_id: int | None = None
    ) -> Absorbed:
        """Record as corroboration each record of `batch` that matches an event from another
        source; returns the others, to be stored as events (duplicates among them are found there).

        `taken` holds the events this import has already matched (kept by the caller across
        batches): an event is corroborated once per import, and an exact duplicate takes its event.
        A record already kept as a corroboration (the same carrier file, or an overlapping one,
        imported again) is a duplicate: counted, not stored twice."""
        self._store.require_transaction()
        if not batch or not self._others_near(batch, import_id):
            return Absorbed(batch)  # the common case: nothing from another source at these times
        region = self._store.region
        numbers: list[tuple[RawEvent, str | None]] = [(raw, _number(raw, region)) for raw in batch]
        candidates, kept = self._candidates([(raw, n) for raw, n in numbers if n is not None], import_id)
        result = Absorbed([])
        matched: list[tuple[int, RawEvent, str]] = []
        for raw, number in numbers:
            if number is None:
                result.remaining.append(raw)
                continue
            at = to_utc_iso(raw.at)
            pool = candidates.get((raw.channel, raw.direction, number), [])
            same = next((c for c in pool if c.key[3] == at and c.key[4] == raw.text), None)
            if same is not None:  # an identical event: a duplicate, found as one when stored, as before
                taken.add(same.id)
                result.remaining.append(raw)
                continue
            again = next((c for c in pool if (c.id, at, raw.text) in kept), None)
            if again is not None:  # already kept as a corroboration (this file's twin row included)
                taken.add(again.id)
                result.duplicate += 1
                continue
            found = _match(raw, [c for c in pool if c.id not in taken])
            if found is None:
                result.remaining.append(raw)
                continue
            taken.add(found.id)
            kept.add((found.id, at, raw.text))
            matched.append((found.id, raw, number))
            result.with_text += bool(raw.text and len(raw.text) > len(found.text or ""))
        self._write(matched, import_id, source)
        if party_id is not None and matched:  # --party: these numbers are the party's too
            self._store.numbers.claim((n for _, _, n in matched), party_id)
        result.corroborated = len(matched)
        return result

    def for_event(self, event_id: int) -> list[dict[str, Any]]:
        """Every other source of one event, in the order they were recorded: where each came
        from (import id, file, its SHA-256), its time as that source says, and its raw record."""
        found = rows(
            self._conn,
            "SELECT c.*, i.file_name, i.sha256, i.format FROM corroborations c"
            " LEFT JOIN imports i ON i.id = c.import_id WHERE c.event_id = ? ORDER BY c.id",
            (event_id,),
        )
        for record in found:
            record["raw"] = json.loads(record["raw"]) if record["raw"] else None
        return found

    def count_for_import(self, import_id: int) -> int:
        """How many records of one import were kept as corroborations."""
        (count,) = self._conn.execute(f"SELECT count(*) FROM {TABLE} WHERE import_id = ?", (import_id,)).fetchone()
        return int(count)

    def record(self, matched: list[tuple[int, RawEvent]], *, import_id: int, source: str) -> None:
        """Record these (event id, record) pairs as corroborations, matched by the caller by its own
        test (a screenshot's bubble: same number, text and minute as a stored message)."""
        self._store.require_transaction()
        region = self._store.region
        self._write([(event_id, raw, _number(raw, region) or "") for event_id, raw in matched], import_id, source)

    def _write(self, matched: list[tuple[int, RawEvent, str]], import_id: int, source: str) -> None:
        """Insert the corroborations of one batch, each chained as a fact holding its row's digest
        (verify replays facts in memory, so a digest keeps that small); each row carries the hash
        of its ledger entry, as evidence rows do."""
        if not matched:
            return
        row_id = next_id(self._conn, TABLE)
        prev = self._store.ledger.head() or GENESIS
        recorded = now_iso()
        table_rows: list[tuple[Any, ...]] = []
        entries: list[tuple[Any, ...]] = []
        for event_id, raw, _ in matched:
            values = {
                "id": row_id,
                "event_id": event_id,
                "import_id": import_id,
                "source": source,
                "source_ref": raw.source_ref,
                "number_raw": raw.number_raw,
                "at": to_utc_iso(raw.at),
                "tz_offset_min": raw.tz_offset_min,
                "at_precision": raw.at_precision,
                "duration_s": raw.duration_s,
                "status": raw.status,
                "text": raw.text,
                "raw": _RAW_JSON.encode(raw.raw) if raw.raw else None,
                "recorded_at": recorded,
            }
            payload = {"table": TABLE, "key": row_id, "set": {ROW_DIGEST: row_digest(values)}}
            digest = chain_hash(prev, payload)
            table_rows.append((*values.values(), digest, prev))
            entries.append(("meta", None, json_text(payload), recorded, digest, prev))
            prev = digest
            row_id += 1
        marks = ", ".join("?" * len(table_rows[0]))
        self._conn.executemany(f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES ({marks})", table_rows)
        self._store.ledger.append_chained(entries)

    def _others_near(self, batch: list[RawEvent], import_id: int) -> bool:
        """Whether any event from elsewhere than this import lies in the batch's time span (found
        through the index on `at`): without one, nothing in the batch can corroborate."""
        start, end = to_utc_iso(min(r.at for r in batch) - _SPAN), to_utc_iso(max(r.at for r in batch) + _SPAN)
        sql = "SELECT 1 FROM events WHERE at >= ? AND at <= ? AND import_id IS NOT ? LIMIT 1"
        return self._conn.execute(sql, (start, end, import_id)).fetchone() is not None

    def _candidates(
        self, records: list[tuple[RawEvent, str]], import_id: int
    ) -> tuple[dict[tuple[Any, ...], list[_Candidate]], set[tuple[int, str, str | None]]]:
        """Stored events that could match these records, by (channel, direction, number), and the
        corroborations they already have, as (event id, at, text)."""
        found: dict[tuple[Any, ...], list[_Candidate]] = {}
        if not records:
            return found, set()
        start = to_utc_iso(min(raw.at for raw, _ in records) - _SPAN)
        end = to_utc_iso(max(raw.at for raw, _ in records) + _SPAN)
        wanted = sorted({number for _, number in records})
        for first in range(0, len(wanted), 500):
            chunk = wanted[first : first + 500]
            sql = (
                "SELECT id, channel, direction, number, at, at_precision, text, import_id FROM events"
                f" WHERE number IN ({','.join('?' * len(chunk))}) AND at >= ? AND at <= ?"
                # Not from this import, nor from an earlier import of the same file (all duplicates).
                " AND (import_id IS NULL OR import_id NOT IN"
                " (SELECT id FROM imports WHERE sha256 = (SELECT sha256 FROM imports WHERE id = ?)))"
                " AND id NOT IN (SELECT event_id FROM withdrawals)"
            )
            for eid, channel, direction, number, at, precision, text, from_import in self._conn.execute(
                sql, (*chunk, start, end, import_id)
            ):
                # Rows from before m003 hold no precision: phone records are to the second, typed ones
                # are read as minutes (the widest a typed time of day can be).
                precision = precision or ("second" if from_import is not None else "minute")
                key = (channel, direction, number)
                found.setdefault(key, []).append(
                    _Candidate(int(eid), from_utc_iso(at), precision, text, (channel, direction, number, at, text))
                )
        ids = sorted(c.id for pool in found.values() for c in pool)
        kept: set[tuple[int, str, str | None]] = set()
        for first in range(0, len(ids), 500):
            part = ids[first : first + 500]
            sql = f"SELECT event_id, at, text FROM corroborations WHERE event_id IN ({','.join('?' * len(part))})"
            kept.update((int(e), at, text) for e, at, text in self._conn.execute(sql, part))
        return found, kept


def corroborations(store: Store, event_id: int) -> list[dict[str, Any]]:
    """Every other source recorded for one event (for dossiers' provenance): see Corroborations.for_event."""
    return store.corroborations.for_event(event_id)


def _number(raw: RawEvent, region: str) -> str | None:
    """The stored number this record would have; None when it cannot corroborate (no number, or
    a time of day the source did not record)."""
    if raw.caller is not None or not raw.number_raw or raw.at_precision not in _WIDTH:
        return None
    info = normalize_number(raw.number_raw, region)
    return info.number if info else None


def _match(raw: RawEvent, pool: list[_Candidate]) -> _Candidate | None:
    """The stored event this record is a second source of: the nearest agreeing one."""
    agreeing = [c for c in pool if _agrees(raw, c)]
    if not agreeing:
        return None
    return min(agreeing, key=lambda c: (_gap(raw.at, raw.at_precision, c.at, c.precision), abs(raw.at - c.at), c.id))


def _agrees(raw: RawEvent, c: _Candidate) -> bool:
    if c.precision not in _WIDTH or _gap(raw.at, raw.at_precision, c.at, c.precision) >= WITHIN:
        return False
    if raw.text and c.text:
        a, b = " ".join(raw.text.split()), " ".join(c.text.split())
        return a.startswith(b) or b.startswith(a)
    return True


def _gap(a: datetime, a_precision: str, b: datetime, b_precision: str) -> timedelta:
    """The time between two recorded times, each standing for [at, at + its precision)."""
    a_end, b_end = a + _WIDTH[a_precision], b + _WIDTH[b_precision]
    return max(timedelta(0), max(a, b) - min(a_end, b_end))
