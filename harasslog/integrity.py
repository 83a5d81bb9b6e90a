"""The hash chain: canonical JSON, chained SHA-256, and verification of a whole store.

Every evidence write (event, attachment, request), every metadata change (a party link, a note)
and every fact a dossier states (the profile, parties, imports, debts, analysis runs) is one ledger
entry. An entry's hash is SHA-256 over the previous entry's hash and a canonical JSON of what it
records, so changing, inserting or removing anything after the fact breaks the chain at a row
`verify` can name. What the chain cannot show alone: a rewrite of the whole chain by someone with
the file, or a cut at its end; a head held outside the store (`verify --head`) shows both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

GENESIS = "0" * 64
EVIDENCE_TABLES = ("events", "attachments", "requests")
FINDINGS_DIGEST = "findings_sha256"
ROW_DIGEST = "row_sha256"
# Rows chained as facts (ledger entries of entity 'meta'): table → (key column, chained columns).
# events/numbers: the metadata a user may change later (an evidence row's other columns are hashed
# with the row itself); the others: every column a dossier states. A run's findings are chained as
# one digest, FINDINGS_DIGEST, over its findings rows.
CHAINED: dict[str, tuple[str, tuple[str, ...]]] = {
    "events": ("id", ("party_id", "note")),
    "numbers": ("number", ("party_id",)),
    "profile": (
        "id",
        ("name", "phone", "id_number", "region", "tz", "jurisdiction", "lang", "created_at", "updated_at"),
    ),
    "parties": ("id", ("name", "kind", "creditor_id", "note", "created_at")),
    "imports": (
        "id",
        (
            "file_name",
            "sha256",
            "size",
            "format",
            "importer_version",
            "started",
            "finished",
            "new",
            "duplicate",
            "skipped",
            "skipped_reasons",
        ),
    ),
    "debts": ("id", ("creditor_id", "account_ref", "amount", "currency", "due_date", "note", "created_at")),
    "runs": ("id", ("pack_id", "pack_version", "started", "finished", "params", "findings_count", FINDINGS_DIGEST)),
    "withdrawals": ("event_id", ("reason", "recorded_at")),
    # A second source of an event (m008): its row chained as one digest, and the row's hash and
    # prev_hash are those of the ledger entry that chained it.
    "corroborations": ("id", (ROW_DIGEST, "hash", "prev_hash")),
    "ocr_corrections": ("id", ("event_id", "text", "ocr_text", "reason", "recorded_at")),
    "reviews": (
        "id",
        ("finding_key", "rule_id", "event_ids", "decision", "category", "reason", "citations", "severity")
        + ("decided_at",),
    ),
    "anchors": (
        "id",
        ("created_at", "head_hash", "head_seq", "entries", "events", "tsq_sha256", "nonce", "token")
        + ("gen_time", "tsa_name", "signature", "verified_at"),
    ),
}
# Tables whose every row must have been chained (numbers rows appear unlinked, derived from events).
FACT_TABLES = (
    "profile",
    "parties",
    "imports",
    "debts",
    "runs",
    "withdrawals",
    "reviews",
    "corroborations",
    "ocr_corrections",
    "anchors",
)
META_COLUMNS = {table: CHAINED[table] for table in ("events", "numbers")}
_UNHASHED = ("hash", "prev_hash")
# Evidence columns added after rows were already hashed (m003, m005): hashed when set, so an older
# row, which has them NULL, keeps the hash it was written with.
_LATER = {"events": ("source", "at_precision", "caller")}


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
# Events chained in their rows (m010): each event's hash covers the previous event's hash and its
# columns as a JSON array in this fixed order (no keys to sort: a third of the cost of a sorted
# object); `party_id` and `note` as the event was written, like evidence_record. One ledger entry
# seals each batch: its payload names the ids, its hash is the batch's last event hash.
EVENT_FIELDS = (
    "id",
    "channel",
    "direction",
    "number",
    "number_raw",
    "party_id",
    "at",
    "tz_offset_min",
    "duration_s",
    "status",
    "text",
    "import_id",
    "source_ref",
    "raw",
    "note",
    "recorded_at",
    "source",
    "at_precision",
    "caller",
)
EVENT_TAG = "events/v2"  # first element of the array: never the same bytes as an older record
_ARRAY = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


try:  # orjson writes the same bytes for these arrays (str, int, None) ten times faster; see README
    import orjson as _orjson
except ImportError:  # pragma: no cover - the stdlib encoder is the reference, and the fallback
    _orjson = None  # type: ignore[assignment]


def compact_json(value: Any) -> bytes:
    """Compact JSON in UTF-8 (no spaces, non-ASCII as is): orjson when installed, else the stdlib."""
    if _orjson is not None:
        return bytes(_orjson.dumps(value))
    return _ARRAY.encode(value).encode("utf-8", "surrogatepass")


# compact_json without the call in between, for the import's loop (Events.append_rows).
link_json: Callable[[Any], bytes] = _orjson.dumps if _orjson is not None else compact_json


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8 kept as is."""
    return _CANONICAL.encode(value).encode("utf-8")


def chain_hash(prev_hash: str, record: Any) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(record))
    return digest.hexdigest()


def event_link(prev_hash: str, values: Sequence[Any]) -> str:
    """An event's hash in the chain kept in rows: SHA-256 over the previous event's hash and its
    EVENT_FIELDS values (metadata as written), as one JSON array."""
    payload = compact_json([EVENT_TAG, *values])
    # A stored hash is 64 hex digits (ASCII); verify may pass whatever a forger wrote instead.
    return hashlib.sha256(str(prev_hash).encode("utf-8", "surrogatepass") + b"\n" + payload).hexdigest()


def event_values(row: dict[str, Any], initial_meta: dict[str, Any] | None) -> list[Any]:
    """A stored event row's EVENT_FIELDS values, with party_id and note as the batch wrote them."""
    meta = initial_meta or {}
    return [meta.get(f) if f in ("party_id", "note") else row[f] for f in EVENT_FIELDS]


def evidence_record(table: str, row: dict[str, Any], initial_meta: dict[str, Any] | None = None) -> dict:
    """What an evidence row's hash covers: every column but the chain's own, with the metadata
    columns as they were when the row was written (later changes are ledger entries of their own)."""
    later = _LATER.get(table, ())
    fields = {k: v for k, v in row.items() if k not in _UNHASHED and not (k in later and v is None)}
    if table in META_COLUMNS:
        for column in META_COLUMNS[table][1]:
            fields[column] = (initial_meta or {}).get(column)
    return {"entity": table, "row": fields}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Findings columns added after runs were already chained (m006), with the value older rows read as:
# left out of the digest at that value, so an older run keeps its digest, and covered otherwise (a
# review item's tier and score, or any edit of them).
_FINDINGS_LATER = {"tier": "finding", "score": None}


def row_digest(row: dict[str, Any]) -> str:
    """SHA-256 over a chained row's columns but its own hash and prev_hash (a corroboration)."""
    return hashlib.sha256(canonical({k: v for k, v in row.items() if k not in _UNHASHED})).hexdigest()


def findings_digest(conn: Any, run_id: int) -> str:
    """SHA-256 over a run's findings rows, every column, in id order: what its ledger entry chains."""
    digest = hashlib.sha256()
    for row in _dict_rows(conn)("SELECT * FROM findings WHERE run_id = ? ORDER BY id", (run_id,)):
        for column, old in _FINDINGS_LATER.items():
            if column in row and row[column] == old:
                del row[column]
        digest.update(canonical(row) + b"\n")
    return digest.hexdigest()


@dataclass
class VerifyReport:
    entries: int = 0
    evidence: int = 0  # of the entries, those recording evidence (events, attachments, requests)
    head: str | None = None
    attachments_checked: int = 0
    problems: list[str] = field(default_factory=list)
    # With a head held outside the store: where the chain holds it, and how many entries came after.
    checked_head: str | None = None
    head_seq: int | None = None
    entries_after_head: int | None = None
    max_problems: int = 20
    # The evidence rows the chain holds, per table: [first id, last id] ranges, consecutive ones merged.
    covered: dict[str, list[list[int]]] = field(default_factory=dict, repr=False)
    found: dict[str, int] = field(default_factory=dict, repr=False)  # of those, the rows that are there

    @property
    def ok(self) -> bool:
        return not self.problems

    def cover(self, table: str, first: int, last: int) -> None:
        ranges = self.covered.setdefault(table, [])
        if ranges and ranges[-1][1] + 1 == first:
            ranges[-1][1] = last
        else:
            ranges.append([first, last])

    def add(self, text: str) -> bool:
        """Note a problem; true when enough are noted to stop looking."""
        self.problems.append(text)
        return len(self.problems) >= self.max_problems


def verify(conn: Any, attachment_path: Any, *, head: str | None = None, max_problems: int = 20) -> VerifyReport:
    """Recompute the chain, every chained fact and every attachment file's hash.

    `conn` is a sqlite3 connection. `head` is a chain head recorded earlier (in a dossier, a bundle,
    a note to oneself): the chain must still contain it, else the history up to it was rewritten or
    cut short. Streams the ledger in chunks and keeps only the facts in memory, so a store of
    millions of events verifies in bounded memory.
    """
    head = head.strip().lower() if head is not None else None
    if head is not None and not _is_hash(head):
        raise InputError(f"a chain head is 64 hexadecimal characters, not {head[:80]!r}")
    report = VerifyReport(checked_head=head, max_problems=max_problems)
    facts = _replay_facts(conn)
    walked = _check_chain(conn, report, facts)
    _check_outside_rows(conn, report)
    _check_facts(conn, report, facts)
    _check_attachments(conn, report, attachment_path)
    if head is not None and report.head_seq is None and walked:
        report.add(
            f"the chain does not contain head {head}: the history up to it was rewritten or cut short"
            f" (the chain now ends at {report.head or 'nothing: the store is empty'})"
        )
    return report


def _replay_facts(conn: Any) -> dict[tuple[str, Any], dict[str, Any]]:
    """The chained facts, replayed in order: the values each (table, key) must hold now."""
    facts: dict[tuple[str, Any], dict[str, Any]] = {}
    cursor = conn.execute("SELECT payload, hash, prev_hash FROM ledger WHERE entity = 'meta' ORDER BY seq")
    for payload_text, digest, prev in cursor:
        payload = json.loads(payload_text)
        fact = facts.setdefault((payload["table"], payload["key"]), {})
        fact.update(payload["set"])
        if ROW_DIGEST in payload["set"]:  # the row keeps the hash of the entry that chained it
            fact.update(hash=digest, prev_hash=prev)
    return facts


def _check_chain(conn: Any, report: VerifyReport, facts: dict[tuple[str, Any], dict[str, Any]]) -> bool:
    """Walk the whole ledger; false when it stopped early, at the most problems worth listing.

    An entry sealing a batch of events (payload {"batch": [first id, last id], "meta": ...}) is
    walked event by event (_check_batch), each counted as one entry of the chain."""
    prev = GENESIS
    cursor = conn.execute("SELECT seq, entity, entity_id, payload, hash, prev_hash FROM ledger ORDER BY seq")
    while chunk := cursor.fetchmany(2000):
        fetched = _fetch_rows(conn, chunk)
        for seq, entity, entity_id, payload_text, digest, entry_prev in chunk:
            if entry_prev != prev and report.add(
                f"ledger entry {seq}: its link to the previous entry is broken (an entry was removed or altered)"
            ):
                return False
            prev = report.head = digest
            payload = json.loads(payload_text) if payload_text else None
            if entity == "events" and isinstance(payload, dict) and "batch" in payload:
                added = payload["batch"][1] - payload["batch"][0] + 1
                _count(report, seq, digest, added, added)
                if _check_batch(conn, report, facts, seq, payload, digest, entry_prev):
                    return False
                continue
            _count(report, seq, digest, 1, int(entity != "meta"))
            if entity == "meta":
                record: Any = payload
            else:
                report.cover(entity, entity_id, entity_id)
                row = fetched[entity].get(entity_id)
                if row is None:
                    if report.add(f"{entity} row {entity_id} (ledger entry {seq}) is missing"):
                        return False
                    continue
                report.found[entity] = report.found.get(entity, 0) + 1
                record = evidence_record(entity, row, payload)
                if _check_evidence_row(report, entity, entity_id, seq, digest, entry_prev, row, payload, facts):
                    return False
            if chain_hash(entry_prev, record) != digest:
                what = "metadata change" if entity == "meta" else f"{entity} row {entity_id}"
                if report.add(f"{what} (ledger entry {seq}) differs from what was recorded"):
                    return False
    return True


def _count(report: VerifyReport, seq: int, digest: str, entries: int, evidence: int) -> None:
    """Count a ledger entry's records, and where the checked head sits among them."""
    report.entries += entries
    report.evidence += evidence
    if digest == report.checked_head:
        report.head_seq = seq
        report.entries_after_head = 0
    elif report.entries_after_head is not None:
        report.entries_after_head += entries


def _check_batch(
    conn: Any,
    report: VerifyReport,
    facts: dict[tuple[str, Any], dict[str, Any]],
    seq: int,
    payload: dict[str, Any],
    seal: str,
    entry_prev: str,
) -> bool:
    """Recompute a batch's events, chained in their rows from the entry before the seal to the
    seal itself (its hash is the last event's); names the first row that differs. True when
    enough problems are noted."""
    first, last = int(payload["batch"][0]), int(payload["batch"][1])
    meta = payload.get("meta")
    report.cover("events", first, last)
    where = f"(ledger entry {seq})"
    expected = entry_prev  # the hash the next row must link to
    previous: int | None = None  # the row before, if it was there
    cursor = conn.execute("SELECT * FROM events WHERE id BETWEEN ? AND ? ORDER BY id", (first, last))
    names = [d[0] for d in cursor.description]
    wanted = first
    while rows := cursor.fetchmany(1000):
        for values in rows:
            row = dict(zip(names, values, strict=True))
            event_id = row["id"]
            report.found["events"] = report.found.get("events", 0) + 1
            for gone in range(wanted, event_id):
                if report.add(f"events row {gone} {where} is missing"):
                    return True
            if event_id != wanted:  # after a gap, go on from what the row links to
                expected, previous = row["prev_hash"], None
            wanted = event_id + 1
            link = event_link(expected, event_values(row, meta))
            if row["prev_hash"] != expected:
                # Either the row before had its hash column rewritten (this row still links to its
                # old hash), or this row's own link was changed.
                if previous is not None and _links(row["prev_hash"], row, meta):
                    stop = report.add(f"events row {previous} {where}: its stored hash was changed")
                    link = row["hash"]
                else:
                    stop = report.add(f"events row {event_id} {where}: its stored hash was changed")
                if stop:
                    return True
            if link != row["hash"] and report.add(f"events row {event_id} {where} differs from what was recorded"):
                return True
            if _check_meta(report, "events", event_id, row, meta, facts):
                return True
            expected, previous = row["hash"], event_id
    for gone in range(wanted, last + 1):
        if report.add(f"events row {gone} {where} is missing"):
            return True
    if previous == last and expected != seal:
        return report.add(f"events row {last} {where}: its stored hash was changed")
    return False


def _check_evidence_row(
    report: VerifyReport,
    entity: str,
    entity_id: int,
    seq: int,
    digest: str,
    entry_prev: str,
    row: dict[str, Any],
    initial_meta: dict[str, Any] | None,
    facts: dict[tuple[str, Any], dict[str, Any]],
) -> bool:
    """The row's own hash columns and its metadata; true when enough problems are noted."""
    stop = False
    if row["hash"] != digest or row["prev_hash"] != entry_prev:
        stop = report.add(f"{entity} row {entity_id} (ledger entry {seq}): its stored hash was changed")
    return _check_meta(report, entity, entity_id, row, initial_meta, facts) or stop


def _check_meta(
    report: VerifyReport,
    entity: str,
    entity_id: int,
    row: dict[str, Any],
    initial_meta: dict[str, Any] | None,
    facts: dict[tuple[str, Any], dict[str, Any]],
) -> bool:
    """The row's metadata columns hold what it was written with, changed only by ledger entries."""
    stop = False
    if entity in META_COLUMNS:
        expected = {**(initial_meta or {}), **facts.get((entity, entity_id), {})}
        for column in META_COLUMNS[entity][1]:
            if row[column] != expected.get(column):
                stop = report.add(f"{entity} {entity_id}: {column} was changed without a ledger entry") or stop
    return stop


def _check_outside_rows(conn: Any, report: VerifyReport) -> None:
    """Evidence rows the chain does not hold: counted first (one query a table), and only when the
    counts differ looked for, walking the ids against the chain's ranges."""
    for table in EVIDENCE_TABLES:
        ranges = sorted((first, last) for first, last in report.covered.get(table, []))
        if conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == report.found.get(table, 0):
            continue  # every row is one the walk found inside the chain's ranges: none is outside
        outside = _first_outside(conn.execute(f"SELECT id FROM {table} ORDER BY id"), ranges)
        if outside is not None:
            report.add(f"{table} row {outside} is not in the ledger (added outside harasslog)")
    orphan = conn.execute("SELECT id FROM findings WHERE run_id NOT IN (SELECT id FROM runs) LIMIT 1").fetchone()
    if orphan:
        report.add(f"findings row {orphan[0]} belongs to no run (added outside harasslog)")


def _first_outside(ids: Any, ranges: list[tuple[int, int]]) -> int | None:
    """The first id (ascending) in none of the sorted ranges."""
    at = 0
    for (row_id,) in ids:
        while at < len(ranges) and ranges[at][1] < row_id:
            at += 1
        if at == len(ranges) or row_id < ranges[at][0]:
            return int(row_id)
    return None


def _check_facts(conn: Any, report: VerifyReport, facts: dict[tuple[str, Any], dict[str, Any]]) -> None:
    """Every row of a chained table holds what the ledger says, and no chained row is gone."""
    for table in ("numbers", *FACT_TABLES):
        key_column, columns = CHAINED[table]
        unseen = {key for (fact_table, key) in facts if fact_table == table}
        for row in _dict_rows(conn)(f"SELECT * FROM {table} ORDER BY {key_column}"):
            key = row[key_column]
            unseen.discard(key)
            if table == "runs":
                row[FINDINGS_DIGEST] = findings_digest(conn, key)
            elif ROW_DIGEST in columns:
                row[ROW_DIGEST] = row_digest(row)
            expected = facts.get((table, key))
            if expected is None and table != "numbers":  # an unlinked number needs no entry
                report.add(f"{table} row {key} is not in the ledger (added outside harasslog)")
                continue
            for column in columns:
                if row[column] != (expected or {}).get(column):
                    what = {FINDINGS_DIGEST: "its findings were", ROW_DIGEST: "its record was"}.get(
                        column, f"{column} was"
                    )
                    report.add(f"{table} {key}: {what} changed without a ledger entry")
        for key in sorted(unseen, key=str):
            if table != "numbers" or facts[(table, key)].get("party_id") is not None:
                report.add(f"{table} row {key} was removed (the ledger records it)")


def _check_attachments(conn: Any, report: VerifyReport, attachment_path: Any) -> None:
    for att in _dict_rows(conn)("SELECT id, sha256, size FROM attachments ORDER BY id"):
        report.attachments_checked += 1
        path = attachment_path(att["sha256"])
        if not path.is_file():
            report.add(f"attachment {att['id']}: file {path} is missing")
        elif file_sha256(path) != att["sha256"]:
            report.add(f"attachment {att['id']}: file {path} was changed (SHA-256 differs)")


def _links(prev_hash: Any, row: dict[str, Any], meta: dict[str, Any] | None) -> bool:
    """Whether a row's hash is its link from this (stored, maybe altered) previous hash."""
    return (
        isinstance(prev_hash, str)
        and _is_hash(prev_hash)
        and event_link(prev_hash, event_values(row, meta)) == row["hash"]
    )


def _is_hash(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _fetch_rows(conn: Any, chunk: list[tuple]) -> dict[str, dict[int, dict[str, Any]]]:
    """The evidence rows a chunk of ledger entries refers to, by table and id."""
    fetched: dict[str, dict[int, dict[str, Any]]] = {table: {} for table in EVIDENCE_TABLES}
    for table in EVIDENCE_TABLES:
        # (a batch's seal names its first event, but _check_batch reads the batch itself)
        ids = [entry[2] for entry in chunk if entry[1] == table and not (entry[3] or "").startswith('{"batch"')]
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for row in _dict_rows(conn)(f"SELECT * FROM {table} WHERE id IN ({marks})", tuple(part)):
                fetched[table][row["id"]] = row
    return fetched


def _dict_rows(conn: Any) -> Callable[..., Iterator[dict[str, Any]]]:
    def run(sql: str, params: tuple = ()) -> Iterator[dict[str, Any]]:
        cursor = conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield dict(zip(names, values, strict=True))

    return run
