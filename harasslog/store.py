"""The store: the only module that writes SQL.

Evidence (events, attachments, requests) is appended, never updated; each write is a ledger
entry in the hash chain (see integrity.py). Metadata that may change later (which party an
event or a number belongs to, a note) changes through a ledger entry of its own.
Every command writes inside one `transaction()`: all of it lands, or none of it.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlite_utils import Database

from . import integrity
from .errors import InputError
from .models import (
    CHANNELS,
    DIRECTIONS,
    PARTY_KINDS,
    REQUEST_KINDS,
    STATUSES,
    Citation,
    Event,
    Finding,
    Match,
    RawAttachment,
    RawEvent,
    Request,
)
from .normalize import from_utc_iso, normalize_number, to_utc_iso, zone
from .paths import attachments_dir

BATCH = 2000
JURISDICTIONS = ("cn", "us", "uk")
_DEFAULT_JURISDICTION = {"CN": "cn", "US": "us", "GB": "uk"}
_DEFAULT_TZ = {"CN": "Asia/Shanghai", "GB": "Europe/London", "US": "America/New_York"}


def now_iso() -> str:
    return to_utc_iso(datetime.now(UTC))


class Store:
    def __init__(self, db: Database, path: Path):
        self.db = db
        self.path = path
        self.conn: sqlite3.Connection = db.conn
        self._profile: dict[str, Any] | None = None
        self._in_transaction = False

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ transactions

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction. IMMEDIATE takes the write lock at once, so the chain's head
        cannot move under us when several processes add at the same moment."""
        if self._in_transaction:
            yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._in_transaction = False
            self._profile = None

    def _require_transaction(self) -> None:
        if not self._in_transaction:
            raise RuntimeError("store writes must run inside store.transaction()")

    # ------------------------------------------------------------ profile

    def has_profile(self) -> bool:
        return self.conn.execute("SELECT 1 FROM profile WHERE id = 1").fetchone() is not None

    def profile(self) -> dict[str, Any]:
        if self._profile is None:
            row = _row(self.conn, "SELECT * FROM profile WHERE id = 1")
            self._profile = row or {"region": "CN", "tz": "Asia/Shanghai", "jurisdiction": "cn"}
        return self._profile

    def set_profile(
        self,
        *,
        name: str | None = None,
        phone: str | None = None,
        region: str | None = None,
        tz: str | None = None,
        jurisdiction: str | None = None,
        lang: str | None = None,
        id_number: str | None = None,
    ) -> dict[str, Any]:
        """Create or update the borrower's profile; unspecified fields keep their value."""
        current = _row(self.conn, "SELECT * FROM profile WHERE id = 1") or {}
        region = (region or current.get("region") or "CN").upper()
        if region == "UK":
            region = "GB"
        if len(region) != 2 or not region.isalpha():
            raise InputError(f"--region must be a two-letter country code such as CN, US or GB, not {region!r}")
        tz_name = tz or current.get("tz") or _DEFAULT_TZ.get(region, "UTC")
        zone(tz_name)
        juris = (jurisdiction or current.get("jurisdiction") or _DEFAULT_JURISDICTION.get(region, "cn")).lower()
        if juris not in JURISDICTIONS:
            raise InputError(f"--jurisdiction must be one of {', '.join(JURISDICTIONS)}, not {juris!r}")
        if lang is not None and lang not in ("zh", "en"):
            raise InputError(f"--lang must be zh or en, not {lang!r}")
        values = {
            "id": 1,
            "name": name if name is not None else current.get("name"),
            "phone": phone if phone is not None else current.get("phone"),
            "id_number": id_number if id_number is not None else current.get("id_number"),
            "region": region,
            "tz": tz_name,
            "jurisdiction": juris,
            "lang": lang if lang is not None else current.get("lang"),
            "created_at": current.get("created_at") or now_iso(),
            "updated_at": now_iso(),
        }
        with self.transaction():
            self.db["profile"].upsert(values, pk="id")
        return values

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.profile()["tz"])

    @property
    def region(self) -> str:
        return str(self.profile()["region"])

    @property
    def jurisdiction(self) -> str:
        return str(self.profile()["jurisdiction"])

    # ------------------------------------------------------------ ledger

    def chain_head(self) -> str | None:
        row = self.conn.execute("SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def _append_ledger(self, entity: str, entity_id: Any, payload: Any, record: Any) -> tuple[str, str]:
        """Add one entry after the current head; returns (hash, prev_hash)."""
        prev = self.chain_head() or integrity.GENESIS
        digest = integrity.chain_hash(prev, record)
        self.conn.execute(
            "INSERT INTO ledger (entity, entity_id, payload, recorded_at, hash, prev_hash) VALUES (?, ?, ?, ?, ?, ?)",
            (entity, entity_id, None if payload is None else _json(payload), now_iso(), digest, prev),
        )
        return digest, prev

    def _change_meta(self, table: str, key: Any, changes: dict[str, Any]) -> None:
        """Metadata changes are ledger entries too: who changed what is provable afterwards."""
        key_column = integrity.META_COLUMNS[table][0]
        sets = ", ".join(f"{column} = ?" for column in changes)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE {key_column} = ?", (*changes.values(), key))
        payload = {"table": table, "key": key, "set": changes}
        self._append_ledger("meta", None, payload, payload)

    # ------------------------------------------------------------ parties and numbers

    def party_id(self, name: str, *, create: bool = True, kind: str = "unknown") -> int:
        name = name.strip()
        if not name:
            raise InputError("a party needs a name")
        row = self.conn.execute("SELECT id FROM parties WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row[0])
        if not create:
            raise InputError(f"no party named {name!r} (see `harasslog party list`)")
        return self.add_party(name, kind=kind)

    def add_party(
        self, name: str, *, kind: str = "unknown", creditor: str | None = None, note: str | None = None
    ) -> int:
        if kind not in PARTY_KINDS:
            raise InputError(f"--kind must be one of {', '.join(PARTY_KINDS)}, not {kind!r}")
        self._require_transaction()
        creditor_id = self.party_id(creditor, kind="creditor") if creditor else None
        existing = self.conn.execute("SELECT id FROM parties WHERE name = ?", (name.strip(),)).fetchone()
        if existing:
            self.conn.execute(
                "UPDATE parties SET kind = ?, creditor_id = COALESCE(?, creditor_id), note = COALESCE(?, note) "
                "WHERE id = ?",
                (kind, creditor_id, note, existing[0]),
            )
            return int(existing[0])
        cursor = self.conn.execute(
            "INSERT INTO parties (name, kind, creditor_id, note, created_at) VALUES (?, ?, ?, ?, ?)",
            (name.strip(), kind, creditor_id, note, now_iso()),
        )
        return int(cursor.lastrowid or 0)

    def parties(self) -> list[dict[str, Any]]:
        rows = _rows(
            self.conn,
            """SELECT p.id, p.name, p.kind, c.name AS creditor, p.note,
                      (SELECT COUNT(*) FROM events e LEFT JOIN numbers n ON n.number = e.number
                        WHERE COALESCE(e.party_id, n.party_id) = p.id) AS events
               FROM parties p LEFT JOIN parties c ON c.id = p.creditor_id ORDER BY p.name""",
        )
        numbers: dict[int, list[str]] = {}
        for number, party in self.conn.execute("SELECT number, party_id FROM numbers WHERE party_id IS NOT NULL"):
            numbers.setdefault(party, []).append(number)
        for row in rows:
            row["numbers"] = sorted(numbers.get(row["id"], []))
        return rows

    def link_number(self, number_raw: str, party_id: int) -> str:
        """Say that a number belongs to a party; returns the normalized number."""
        self._require_transaction()
        info = normalize_number(number_raw, self.region)
        if info is None:
            raise InputError("an empty number cannot be linked")
        self._ensure_numbers([info])
        current = self.conn.execute("SELECT party_id FROM numbers WHERE number = ?", (info.number,)).fetchone()
        if current[0] != party_id:
            self._change_meta("numbers", info.number, {"party_id": party_id})
        return info.number

    def _ensure_numbers(self, infos: Iterable[Any]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO numbers (number, kind, region) VALUES (?, ?, ?)",
            [(i.number, i.kind, i.region) for i in infos],
        )

    def numbers(self) -> list[dict[str, Any]]:
        return _rows(
            self.conn,
            "SELECT n.number, n.kind, n.region, p.name AS party FROM numbers n "
            "LEFT JOIN parties p ON p.id = n.party_id ORDER BY n.number",
        )

    # ------------------------------------------------------------ events

    def add_events(
        self,
        raws: Iterable[RawEvent],
        *,
        import_id: int | None = None,
        party_id: int | None = None,
        dedupe: bool = True,
        on_progress: Callable[[int], None] | None = None,
    ) -> list[int | None]:
        """Append events in batches; returns, per input, the new event id or None for a duplicate.

        A duplicate is an event with the same channel, direction, number, instant and text as one
        already stored (earlier batches of this call included: they are in the same transaction)
        or earlier in its batch. Imports skip duplicates; hand-logged events keep `dedupe` off.
        """
        self._require_transaction()
        results: list[int | None] = []
        batch: list[RawEvent] = []
        for raw in raws:
            batch.append(raw)
            if len(batch) >= BATCH:
                results.extend(self._add_batch(batch, import_id, party_id, dedupe))
                batch = []
                if on_progress:
                    on_progress(len(results))
        if batch:
            results.extend(self._add_batch(batch, import_id, party_id, dedupe))
            if on_progress:
                on_progress(len(results))
        return results

    def add_event(self, raw: RawEvent, **options: Any) -> int | None:
        return self.add_events([raw], **options)[0]

    def _stored_keys(self, instants: list[str]) -> set[tuple[Any, ...]]:
        """Dedupe keys of stored events at these instants (found through the index on `at`)."""
        keys: set[tuple[Any, ...]] = set()
        unique = sorted(set(instants))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            sql = f"SELECT channel, direction, number, at, text FROM events WHERE at IN ({','.join('?' * len(chunk))})"
            keys.update(self.conn.execute(sql, chunk))
        return keys

    def _add_batch(
        self, batch: list[RawEvent], import_id: int | None, party_id: int | None, dedupe: bool
    ) -> list[int | None]:
        region = self.region
        prepared = []
        for raw in batch:
            _check_raw(raw)
            info = normalize_number(raw.number_raw, region) if raw.number_raw else None
            at = to_utc_iso(raw.at)
            # The offset the source recorded; None when it stored an instant only (epoch times).
            offset = raw.tz_offset_min
            prepared.append((raw, info, at, offset, (raw.channel, raw.direction, info and info.number, at, raw.text)))
        seen = self._stored_keys([p[2] for p in prepared]) if dedupe else set()
        self._ensure_numbers([p[1] for p in prepared if p[1] is not None])
        if party_id is not None:
            for number in sorted({p[1].number for p in prepared if p[1] is not None}):
                current = self.conn.execute("SELECT party_id FROM numbers WHERE number = ?", (number,)).fetchone()
                if current[0] is None:
                    self._change_meta("numbers", number, {"party_id": party_id})

        next_id = (self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]) + 1
        prev = self.chain_head() or integrity.GENESIS
        recorded = now_iso()
        event_rows, ledger_rows, results = [], [], []
        attachments: list[tuple[int, RawAttachment]] = []
        # The metadata an event starts with; the common case (none) needs no payload at all.
        initial_meta = {"party_id": party_id, "note": None}
        initial_meta_json = None if party_id is None else _json(initial_meta)
        for raw, info, at, offset, key in prepared:
            if dedupe:
                if key in seen:
                    results.append(None)
                    continue
                seen.add(key)
            row = {
                "id": next_id,
                "channel": raw.channel,
                "direction": raw.direction,
                "number": info.number if info else None,
                "number_raw": raw.number_raw,
                "party_id": party_id,
                "at": at,
                "tz_offset_min": offset,
                "duration_s": raw.duration_s,
                "status": raw.status,
                "text": raw.text,
                "import_id": import_id,
                "source_ref": raw.source_ref,
                "raw": _RAW_JSON.encode(raw.raw) if raw.raw else None,
                "note": None,
                "recorded_at": recorded,
            }
            digest = integrity.chain_hash(prev, integrity.evidence_record("events", row, initial_meta))
            event_rows.append((*row.values(), digest, prev))
            ledger_rows.append(("events", next_id, initial_meta_json, recorded, digest, prev))
            prev = digest
            attachments.extend((next_id, a) for a in raw.attachments)
            results.append(next_id)
            next_id += 1
        if event_rows:
            columns = ", ".join([*row.keys(), "hash", "prev_hash"])
            marks = ", ".join("?" * len(event_rows[0]))
            self.conn.executemany(f"INSERT INTO events ({columns}) VALUES ({marks})", event_rows)
            self.conn.executemany(
                "INSERT INTO ledger (entity, entity_id, payload, recorded_at, hash, prev_hash)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                ledger_rows,
            )
        for event_id, attachment in attachments:
            self.add_attachment(event_id, attachment.data, name=attachment.name, mime=attachment.mime)
        return results

    def set_event_meta(self, event_id: int, **changes: Any) -> None:
        """Change an event's party link or note (metadata), through a ledger entry."""
        self._require_transaction()
        allowed = integrity.META_COLUMNS["events"][1]
        unknown = set(changes) - set(allowed)
        if unknown:
            raise ValueError(f"not metadata: {sorted(unknown)}")
        self.event_row(event_id)
        self._change_meta("events", event_id, changes)

    def event_row(self, event_id: int) -> dict[str, Any]:
        row = _row(self.conn, "SELECT * FROM events WHERE id = ?", (event_id,))
        if row is None:
            raise InputError(f"no event with id {event_id}")
        return row

    def event_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def events(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        party: str | None = None,
        channel: str | None = None,
        number: str | None = None,
        ids: Iterable[int] | None = None,
        limit: int | None = None,
    ) -> Iterator[Event]:
        """Events in time order, with their effective party (own link, else their number's)."""
        where, params = [], []
        if since is not None:
            where.append("e.at >= ?")
            params.append(to_utc_iso(since))
        if until is not None:
            where.append("e.at < ?")
            params.append(to_utc_iso(until))
        if channel:
            if channel not in CHANNELS:
                raise InputError(f"--channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
            where.append("e.channel = ?")
            params.append(channel)
        if number:
            info = normalize_number(number, self.region)
            where.append("(e.number = ? OR e.number_raw = ?)")
            params.extend([info.number if info else number, number])
        parties = self._party_index()
        if party:
            wanted = [pid for pid, (name, _) in parties.items() if name == party]
            if not wanted:
                raise InputError(f"no party named {party!r} (see `harasslog party list`)")
            where.append("COALESCE(e.party_id, n.party_id) = ?")
            params.append(wanted[0])
        if ids is not None:
            id_list = sorted(set(ids))
            where.append(f"e.id IN ({','.join('?' * len(id_list))})")
            params.extend(id_list)
        sql = (
            "SELECT e.id, e.channel, e.direction, e.number, e.number_raw, e.at, e.tz_offset_min, e.duration_s,"
            " e.status, e.text, COALESCE(e.party_id, n.party_id) AS party_id, e.note, e.import_id, e.hash"
            " FROM events e LEFT JOIN numbers n ON n.number = e.number"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.at, e.id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        for r in self.conn.execute(sql, params):
            pid = r[10]
            yield Event(
                id=r[0],
                channel=r[1],
                direction=r[2],
                number=r[3],
                number_raw=r[4],
                at=from_utc_iso(r[5]),
                tz_offset_min=r[6],
                duration_s=r[7],
                status=r[8],
                text=r[9],
                party_id=pid,
                party=parties[pid][0] if pid in parties else None,
                group=self._group_key(pid, r[3] or r[4], parties),
                note=r[11],
                import_id=r[12],
                hash=r[13],
            )

    def _party_index(self) -> dict[int, tuple[str, int | None]]:
        return {
            pid: (name, creditor)
            for pid, name, creditor in self.conn.execute("SELECT id, name, creditor_id FROM parties")
        }

    @staticmethod
    def _group_key(party_id: int | None, number: str | None, parties: dict[int, tuple[str, int | None]]) -> str:
        """A collector group: the creditor at the top of the party's chain, or the bare number."""
        if party_id is None or party_id not in parties:
            return f"number:{number}" if number else "unknown"
        seen = set()
        while parties[party_id][1] is not None and party_id not in seen:
            seen.add(party_id)
            party_id = parties[party_id][1]  # type: ignore[assignment]
        return parties[party_id][0]

    # ------------------------------------------------------------ imports

    def begin_import(self, *, file_name: str, size: int, sha256: str, format: str, importer_version: str) -> int:
        self._require_transaction()
        cursor = self.conn.execute(
            "INSERT INTO imports (file_name, sha256, size, format, importer_version, started)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (file_name, sha256, size, format, importer_version, now_iso()),
        )
        return int(cursor.lastrowid or 0)

    def finish_import(
        self,
        import_id: int,
        *,
        new: int,
        duplicate: int,
        skipped: int,
        skipped_reasons: dict[str, int] | None = None,
    ) -> None:
        self._require_transaction()
        self.conn.execute(
            "UPDATE imports SET finished = ?, new = ?, duplicate = ?, skipped = ?, skipped_reasons = ? WHERE id = ?",
            (now_iso(), new, duplicate, skipped, _json(skipped_reasons or {}), import_id),
        )

    def imports(self) -> list[dict[str, Any]]:
        return _rows(self.conn, "SELECT * FROM imports ORDER BY id")

    # ------------------------------------------------------------ debts

    def add_debt(
        self,
        *,
        creditor: str,
        amount: str | None,
        currency: str | None,
        due: str | None,
        account: str | None,
        note: str | None = None,
    ) -> int:
        self._require_transaction()
        creditor_id = self.party_id(creditor, kind="creditor")
        cursor = self.conn.execute(
            "INSERT INTO debts (creditor_id, account_ref, amount, currency, due_date, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (creditor_id, account, amount, currency, due, note, now_iso()),
        )
        return int(cursor.lastrowid or 0)

    def debts(self) -> list[dict[str, Any]]:
        return _rows(
            self.conn,
            "SELECT d.id, p.name AS creditor, d.account_ref, d.amount, d.currency, d.due_date, d.note"
            " FROM debts d JOIN parties p ON p.id = d.creditor_id ORDER BY d.id",
        )

    # ------------------------------------------------------------ requests

    def add_request(
        self,
        *,
        kind: str,
        party_id: int | None,
        start: datetime,
        end: datetime | None = None,
        channel: str | None = None,
        event_id: int | None = None,
        note: str | None = None,
    ) -> int:
        self._require_transaction()
        if kind not in REQUEST_KINDS:
            raise InputError(f"--kind must be one of {', '.join(REQUEST_KINDS)}, not {kind!r}")
        if channel is not None and channel not in CHANNELS:
            raise InputError(f"--channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
        if kind == "stop_channel" and channel is None:
            raise InputError("a stop_channel request needs --channel (call, sms, visit...)")
        if end is not None and end <= start:
            raise InputError("--until must be after --from")
        if event_id is not None:
            self.event_row(event_id)
        next_id = self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM requests").fetchone()[0]
        row = {
            "id": next_id,
            "kind": kind,
            "party_id": party_id,
            "start": to_utc_iso(start),
            "end": to_utc_iso(end) if end else None,
            "channel": channel,
            "event_id": event_id,
            "note": note,
            "recorded_at": now_iso(),
        }
        digest, prev = self._append_ledger("requests", next_id, None, integrity.evidence_record("requests", row))
        self.conn.execute(
            'INSERT INTO requests (id, kind, party_id, start, "end", channel, event_id, note, recorded_at,'
            " hash, prev_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*row.values(), digest, prev),
        )
        return int(next_id)

    def requests(self) -> list[Request]:
        parties = self._party_index()
        result = []
        for r in _rows(self.conn, "SELECT * FROM requests ORDER BY start, id"):
            pid = r["party_id"]
            result.append(
                Request(
                    id=r["id"],
                    kind=r["kind"],
                    party_id=pid,
                    party=parties[pid][0] if pid in parties else None,
                    group=self._group_key(pid, None, parties) if pid else "",
                    start=from_utc_iso(r["start"]),
                    end=from_utc_iso(r["end"]) if r["end"] else None,
                    channel=r["channel"],
                    event_id=r["event_id"],
                    note=r["note"],
                )
            )
        return result

    # ------------------------------------------------------------ attachments

    @property
    def attachments_root(self) -> Path:
        return attachments_dir(self.path)

    def attachment_path(self, sha256: str) -> Path:
        return self.attachments_root / sha256[:2] / sha256

    def add_attachment(
        self,
        event_id: int | None,
        data: bytes | Path,
        *,
        name: str | None = None,
        mime: str | None = None,
        note: str | None = None,
    ) -> int:
        """Store a file content-addressed beside the store and chain a record of it.

        The file is written before the row; if the transaction rolls back, an unreferenced file may
        remain, which is harmless (it is addressed by its own hash) and never counted as evidence.
        """
        self._require_transaction()
        if event_id is not None:
            self.event_row(event_id)
        digest, size = self._write_blob(data)
        if mime is None and name:
            mime = mimetypes.guess_type(name)[0]
        next_id = self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM attachments").fetchone()[0]
        row = {
            "id": next_id,
            "sha256": digest,
            "event_id": event_id,
            "name": name,
            "mime": mime,
            "size": size,
            "note": note,
            "recorded_at": now_iso(),
        }
        chained, prev = self._append_ledger("attachments", next_id, None, integrity.evidence_record("attachments", row))
        self.conn.execute(
            "INSERT INTO attachments (id, sha256, event_id, name, mime, size, note, recorded_at, hash, prev_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*row.values(), chained, prev),
        )
        return int(next_id)

    def _write_blob(self, data: bytes | Path) -> tuple[str, int]:
        self.attachments_root.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.attachments_root, prefix=".incoming-")
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(data, Path):
                    with open(data, "rb") as source:
                        for block in iter(lambda: source.read(1 << 20), b""):
                            digest.update(block)
                            out.write(block)
                            size += len(block)
                else:
                    digest.update(data)
                    out.write(data)
                    size = len(data)
            final = self.attachment_path(digest.hexdigest())
            final.parent.mkdir(mode=0o700, exist_ok=True)
            if final.exists():
                os.unlink(tmp_name)
            else:
                os.chmod(tmp_name, 0o400)
                shutil.move(tmp_name, final)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise
        return digest.hexdigest(), size

    def attachments(self, event_id: int | None = None) -> list[dict[str, Any]]:
        sql = "SELECT id, sha256, event_id, name, mime, size, note, recorded_at FROM attachments"
        rows = _rows(
            self.conn,
            sql + (" WHERE event_id = ?" if event_id is not None else "") + " ORDER BY id",
            (event_id,) if event_id is not None else (),
        )
        for row in rows:
            row["path"] = str(self.attachment_path(row["sha256"]))
        return rows

    # ------------------------------------------------------------ analysis runs

    def save_run(self, *, pack_id: str, pack_version: str, params: dict[str, Any], findings: list[Finding]) -> int:
        """Record one analysis and its findings (derived data: not evidence, not chained)."""
        with self.transaction():
            started = now_iso()
            cursor = self.conn.execute(
                "INSERT INTO runs (pack_id, pack_version, started, finished, params, findings_count)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (pack_id, pack_version, started, now_iso(), _json(params), len(findings)),
            )
            run_id = int(cursor.lastrowid or 0)
            self.conn.executemany(
                'INSERT INTO findings (run_id, rule_id, category, severity, group_key, title, event_ids, start, "end",'
                " explanation, matches, citations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        run_id,
                        f.rule_id,
                        f.category,
                        f.severity,
                        f.group,
                        f.title,
                        _json(list(f.event_ids)),
                        to_utc_iso(f.start),
                        to_utc_iso(f.end),
                        f.explanation,
                        _json([asdict(m) for m in f.matches]),
                        _json([asdict(c) for c in f.citations]),
                    )
                    for f in findings
                ],
            )
        return run_id

    def last_run(self) -> dict[str, Any] | None:
        row = _row(self.conn, "SELECT * FROM runs ORDER BY id DESC LIMIT 1")
        if row and row.get("params"):
            row["params"] = json.loads(row["params"])
        return row

    def findings(self, run_id: int | None = None) -> list[Finding]:
        if run_id is None:
            last = self.last_run()
            if last is None:
                return []
            run_id = last["id"]
        return [
            Finding(
                rule_id=r["rule_id"],
                category=r["category"],
                severity=r["severity"],
                event_ids=tuple(json.loads(r["event_ids"])),
                start=from_utc_iso(r["start"]),
                end=from_utc_iso(r["end"]),
                explanation=r["explanation"],
                title=r["title"] or "",
                group=r["group_key"] or "",
                matches=tuple(Match(**m) for m in json.loads(r["matches"])),
                citations=tuple(Citation(**c) for c in json.loads(r["citations"])),
            )
            for r in _rows(self.conn, "SELECT * FROM findings WHERE run_id = ? ORDER BY id", (run_id,))
        ]

    def flagged_event_ids(self) -> set[int]:
        return {eid for f in self.findings() for eid in f.event_ids}

    # ------------------------------------------------------------ search

    def search(self, query: str, *, limit: int = 100) -> list[int]:
        """Event ids whose text contains `query` (any language), newest first.

        The trigram index needs three characters; shorter queries (two Chinese characters such as
        起诉 are common) fall back to a substring scan.
        """
        query = query.strip()
        if not query:
            raise InputError("search needs some text to look for")
        self._sync_fts()
        if len(query) >= 3:
            phrase = '"' + query.replace('"', '""') + '"'
            sql = (
                "SELECT e.id FROM events_fts f JOIN events e ON e.id = f.rowid"
                " WHERE events_fts MATCH ? ORDER BY e.at DESC LIMIT ?"
            )
            return [r[0] for r in self.conn.execute(sql, (phrase, limit))]
        escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        sql = "SELECT id FROM events WHERE text LIKE ? ESCAPE '\\' ORDER BY at DESC LIMIT ?"
        return [r[0] for r in self.conn.execute(sql, (f"%{escaped}%", limit))]

    def _sync_fts(self) -> None:
        """Index events added since the last search (imports stay fast; search pays once)."""
        with self.transaction():
            row = self.conn.execute("SELECT value FROM settings WHERE key = 'fts_indexed_through'").fetchone()
            done = int(row[0]) if row else 0
            top = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]
            if top > done:
                self.conn.execute(
                    "INSERT INTO events_fts (rowid, text) SELECT id, text FROM events"
                    " WHERE id > ? AND text IS NOT NULL",
                    (done,),
                )
                self.conn.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES ('fts_indexed_through', ?)",
                    (str(top),),
                )

    # ------------------------------------------------------------ verification

    def verify(self) -> integrity.VerifyReport:
        return integrity.verify(self.conn, self.attachment_path)


def _check_raw(raw: RawEvent) -> None:
    if raw.channel not in CHANNELS:
        raise InputError(f"{raw.source_ref or 'record'}: unknown channel {raw.channel!r}")
    if raw.direction not in DIRECTIONS:
        raise InputError(f"{raw.source_ref or 'record'}: unknown direction {raw.direction!r}")
    if raw.status not in STATUSES:
        raise InputError(f"{raw.source_ref or 'record'}: unknown status {raw.status!r}")
    if raw.at.tzinfo is None:
        raise ValueError(f"{raw.source_ref}: importer produced a naive datetime")


# The original record, in the source's own key order (faithful, and no sorting cost per event).
_RAW_JSON = json.JSONEncoder(ensure_ascii=False, default=str)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _rows(conn: sqlite3.Connection, sql: str, params: tuple | list = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def _row(conn: sqlite3.Connection, sql: str, params: tuple | list = ()) -> dict[str, Any] | None:
    rows = _rows(conn, sql, params)
    return rows[0] if rows else None
