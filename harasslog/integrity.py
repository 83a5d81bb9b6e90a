"""The hash chain: canonical JSON, chained SHA-256, and verification of a whole store.

Every evidence write (event, attachment, request) and every metadata change (a party link,
a note) is one ledger entry. An entry's hash is SHA-256 over the previous entry's hash and a
canonical JSON of what it records, so changing, inserting or removing anything after the fact
breaks the chain at a row `verify` can name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
EVIDENCE_TABLES = ("events", "attachments", "requests")
# Metadata a user may change after the fact, through a ledger entry: (table, key column, columns).
META_COLUMNS = {"events": ("id", ("party_id", "note")), "numbers": ("number", ("party_id",))}
_UNHASHED = ("hash", "prev_hash")


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
    fields = {k: v for k, v in row.items() if k not in _UNHASHED}
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


@dataclass
class VerifyReport:
    entries: int = 0
    head: str | None = None
    attachments_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(conn: Any, attachment_path: Any, *, max_problems: int = 20) -> VerifyReport:
    """Recompute the chain and every attachment file's hash. `conn` is a sqlite3 connection.

    Streams the ledger in chunks (rows fetched per chunk, not one query per row) and keeps only
    the metadata changes in memory, so a store of millions of events verifies in bounded memory.
    """
    report = VerifyReport()
    rows = _dict_rows(conn)

    def problem(text: str) -> bool:
        report.problems.append(text)
        return len(report.problems) >= max_problems

    # Metadata changes, replayed in order: the value each (table, key) must hold now.
    meta_changes: dict[tuple[str, Any], dict[str, Any]] = {}
    for (payload_text,) in conn.execute("SELECT payload FROM ledger WHERE entity = 'meta' ORDER BY seq"):
        payload = json.loads(payload_text)
        meta_changes.setdefault((payload["table"], payload["key"]), {}).update(payload["set"])

    prev = GENESIS
    cursor = conn.execute("SELECT seq, entity, entity_id, payload, hash, prev_hash FROM ledger ORDER BY seq")
    stop = False
    while not stop:
        chunk = cursor.fetchmany(2000)
        if not chunk:
            break
        fetched = _fetch_rows(conn, chunk)
        for seq, entity, entity_id, payload_text, digest, entry_prev in chunk:
            report.entries += 1
            if entry_prev != prev and problem(
                f"ledger entry {seq}: its link to the previous entry is broken (an entry was removed or altered)"
            ):
                stop = True
                break
            prev = digest
            payload = json.loads(payload_text) if payload_text else None
            if entity == "meta":
                record: Any = payload
            else:
                row = fetched[entity].get(entity_id)
                if row is None:
                    stop = problem(f"{entity} row {entity_id} (ledger entry {seq}) is missing")
                    if stop:
                        break
                    continue
                record = evidence_record(entity, row, payload)
                if row["hash"] != digest or row["prev_hash"] != entry_prev:
                    stop = problem(f"{entity} row {entity_id} (ledger entry {seq}): its stored hash was changed")
                if entity in META_COLUMNS:
                    expected = {**(payload or {}), **meta_changes.get((entity, entity_id), {})}
                    for column in META_COLUMNS[entity][1]:
                        if row[column] != expected.get(column):
                            stop = problem(f"{entity} {entity_id}: {column} was changed without a ledger entry")
            if chain_hash(entry_prev, record) != digest:
                what = "metadata change" if entity == "meta" else f"{entity} row {entity_id}"
                stop = problem(f"{what} (ledger entry {seq}) differs from what was recorded")
            if stop:
                break
    report.head = prev if report.entries else None

    for table in EVIDENCE_TABLES:
        outside = conn.execute(
            f"SELECT id FROM {table} WHERE id NOT IN (SELECT entity_id FROM ledger WHERE entity = ?)"
            " ORDER BY id LIMIT 1",
            (table,),
        ).fetchone()
        if outside:
            problem(f"{table} row {outside[0]} is not in the ledger (added outside harasslog)")

    for row in rows("SELECT number, party_id FROM numbers"):
        expected = meta_changes.get(("numbers", row["number"]), {})
        if row["party_id"] != expected.get("party_id"):
            problem(f"numbers {row['number']}: party_id was changed without a ledger entry")

    for att in rows("SELECT id, sha256, size FROM attachments ORDER BY id"):
        report.attachments_checked += 1
        path = attachment_path(att["sha256"])
        if not path.is_file():
            problem(f"attachment {att['id']}: file {path} is missing")
        elif file_sha256(path) != att["sha256"]:
            problem(f"attachment {att['id']}: file {path} was changed (SHA-256 differs)")
    return report


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


def _dict_rows(conn: Any):
    def run(sql: str, params: tuple = ()) -> Iterator[dict[str, Any]]:
        cursor = conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield dict(zip(names, values, strict=True))

    return run
