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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError

GENESIS = "0" * 64
EVIDENCE_TABLES = ("events", "attachments", "requests")
FINDINGS_DIGEST = "findings_sha256"
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
FACT_TABLES = ("profile", "parties", "imports", "debts", "runs", "withdrawals", "reviews", "anchors")
META_COLUMNS = {table: CHAINED[table] for table in ("events", "numbers")}
_UNHASHED = ("hash", "prev_hash")
# Evidence columns added after rows were already hashed (m003, m005): hashed when set, so an older
# row, which has them NULL, keeps the hash it was written with.
_LATER = {"events": ("source", "at_precision", "caller")}


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8 kept as is."""
    return _CANONICAL.encode(value).encode("utf-8")


def chain_hash(prev_hash: str, record: Any) -> str:
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(record))
    return digest.hexdigest()


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

    @property
    def ok(self) -> bool:
        return not self.problems

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
    for (payload_text,) in conn.execute("SELECT payload FROM ledger WHERE entity = 'meta' ORDER BY seq"):
        payload = json.loads(payload_text)
        facts.setdefault((payload["table"], payload["key"]), {}).update(payload["set"])
    return facts


def _check_chain(conn: Any, report: VerifyReport, facts: dict[tuple[str, Any], dict[str, Any]]) -> bool:
    """Walk the whole ledger; false when it stopped early, at the most problems worth listing."""
    prev = GENESIS
    cursor = conn.execute("SELECT seq, entity, entity_id, payload, hash, prev_hash FROM ledger ORDER BY seq")
    while chunk := cursor.fetchmany(2000):
        fetched = _fetch_rows(conn, chunk)
        for seq, entity, entity_id, payload_text, digest, entry_prev in chunk:
            report.entries += 1
            if entry_prev != prev and report.add(
                f"ledger entry {seq}: its link to the previous entry is broken (an entry was removed or altered)"
            ):
                return False
            prev = report.head = digest
            if digest == report.checked_head:
                report.head_seq = seq
                report.entries_after_head = 0
            elif report.entries_after_head is not None:
                report.entries_after_head += 1
            payload = json.loads(payload_text) if payload_text else None
            report.evidence += entity != "meta"
            if entity == "meta":
                record: Any = payload
            else:
                row = fetched[entity].get(entity_id)
                if row is None:
                    if report.add(f"{entity} row {entity_id} (ledger entry {seq}) is missing"):
                        return False
                    continue
                record = evidence_record(entity, row, payload)
                if _check_evidence_row(report, entity, entity_id, seq, digest, entry_prev, row, payload, facts):
                    return False
            if chain_hash(entry_prev, record) != digest:
                what = "metadata change" if entity == "meta" else f"{entity} row {entity_id}"
                if report.add(f"{what} (ledger entry {seq}) differs from what was recorded"):
                    return False
    return True


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
    if entity in META_COLUMNS:
        expected = {**(initial_meta or {}), **facts.get((entity, entity_id), {})}
        for column in META_COLUMNS[entity][1]:
            if row[column] != expected.get(column):
                stop = report.add(f"{entity} {entity_id}: {column} was changed without a ledger entry") or stop
    return stop


def _check_outside_rows(conn: Any, report: VerifyReport) -> None:
    for table in EVIDENCE_TABLES:
        outside = conn.execute(
            f"SELECT id FROM {table} WHERE id NOT IN (SELECT entity_id FROM ledger WHERE entity = ?)"
            " ORDER BY id LIMIT 1",
            (table,),
        ).fetchone()
        if outside:
            report.add(f"{table} row {outside[0]} is not in the ledger (added outside harasslog)")
    orphan = conn.execute("SELECT id FROM findings WHERE run_id NOT IN (SELECT id FROM runs) LIMIT 1").fetchone()
    if orphan:
        report.add(f"findings row {orphan[0]} belongs to no run (added outside harasslog)")


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
            expected = facts.get((table, key))
            if expected is None and table != "numbers":  # an unlinked number needs no entry
                report.add(f"{table} row {key} is not in the ledger (added outside harasslog)")
                continue
            for column in columns:
                if row[column] != (expected or {}).get(column):
                    what = "its findings were" if column == FINDINGS_DIGEST else f"{column} was"
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


def _is_hash(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def _fetch_rows(conn: Any, chunk: list[tuple]) -> dict[str, dict[int, dict[str, Any]]]:
    """The evidence rows a chunk of ledger entries refers to, by table and id."""
    fetched: dict[str, dict[int, dict[str, Any]]] = {table: {} for table in EVIDENCE_TABLES}
    for table in EVIDENCE_TABLES:
        ids = [entry[2] for entry in chunk if entry[1] == table]
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
