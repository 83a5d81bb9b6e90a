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


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


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
    """Recompute the chain and every attachment file's hash. `conn` is a sqlite3 connection."""
    report = VerifyReport()
    conn_rows = _dict_rows(conn)
    prev = GENESIS
    seen: dict[str, set[int]] = {t: set() for t in EVIDENCE_TABLES}
    meta_expected: dict[tuple[str, Any], dict[str, Any]] = {}

    def problem(text: str) -> bool:
        report.problems.append(text)
        return len(report.problems) >= max_problems

    for entry in conn_rows("SELECT * FROM ledger ORDER BY seq"):
        report.entries += 1
        seq = entry["seq"]
        if entry["prev_hash"] != prev:
            if problem(
                f"ledger entry {seq}: its link to the previous entry is broken (an entry was removed or altered)"
            ):
                break
        entity = entry["entity"]
        payload = json.loads(entry["payload"]) if entry["payload"] else None
        if entity == "meta":
            record: Any = payload
            table, key = payload["table"], payload["key"]
            meta_expected.setdefault((table, key), {}).update(payload["set"])
        else:
            row = _fetch_one(conn, entity, entry["entity_id"])
            if row is None:
                if problem(f"{entity} row {entry['entity_id']} (ledger entry {seq}) is missing"):
                    break
                prev = entry["hash"]
                continue
            seen[entity].add(row["id"])
            record = evidence_record(entity, row, payload)
            if entity in META_COLUMNS:
                meta_expected.setdefault((entity, row["id"]), {}).update(payload or {})
            if row["hash"] != entry["hash"] or row["prev_hash"] != entry["prev_hash"]:
                if problem(f"{entity} row {row['id']} (ledger entry {seq}): its stored hash was changed"):
                    break
        if chain_hash(entry["prev_hash"], record) != entry["hash"]:
            what = "metadata change" if entity == "meta" else f"{entity} row {entry['entity_id']}"
            if problem(f"{what} (ledger entry {seq}) differs from what was recorded"):
                break
        prev = entry["hash"]
    report.head = prev if report.entries else None

    for table in EVIDENCE_TABLES:
        for (row_id,) in conn.execute(f"SELECT id FROM {table} ORDER BY id"):
            if row_id not in seen[table]:
                problem(f"{table} row {row_id} is not in the ledger (added outside harasslog)")
                break

    for table, (key_column, columns) in META_COLUMNS.items():
        cols = ", ".join([key_column, *columns])
        for row in conn_rows(f"SELECT {cols} FROM {table}"):
            expected = meta_expected.get((table, row[key_column]), {})
            for column in columns:
                if row[column] != expected.get(column):
                    problem(f"{table} {row[key_column]}: {column} was changed without a ledger entry")

    for att in conn_rows("SELECT id, sha256, size FROM attachments ORDER BY id"):
        report.attachments_checked += 1
        path = attachment_path(att["sha256"])
        if not path.is_file():
            problem(f"attachment {att['id']}: file {path} is missing")
        elif file_sha256(path) != att["sha256"]:
            problem(f"attachment {att['id']}: file {path} was changed (SHA-256 differs)")
    return report


def _dict_rows(conn: Any):
    def run(sql: str, params: tuple = ()) -> Iterator[dict[str, Any]]:
        cursor = conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield dict(zip(names, values, strict=True))

    return run


def _fetch_one(conn: Any, table: str, row_id: int) -> dict[str, Any] | None:
    cursor = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,))
    values = cursor.fetchone()
    if values is None:
        return None
    return dict(zip([d[0] for d in cursor.description], values, strict=True))
