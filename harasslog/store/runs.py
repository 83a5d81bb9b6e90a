"""Analysis runs and their findings. Derived data, but a dossier states it: each run is chained
with a digest of its findings, so an edited or removed finding is caught by verify."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import fields
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import integrity
from ..models import Citation, Finding, Match
from ..normalize import from_utc_iso, to_utc_iso
from ._sql import json_text, now_iso, row, rows

if TYPE_CHECKING:
    from . import Store


class Runs:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def save(self, *, pack_id: str, pack_version: str, params: dict[str, Any], findings: list[Finding] | Staged) -> int:
        """Record one analysis and its findings, both tiers (`findings_count` counts the findings
        tier; the review items are rows with tier "review" and their score, under the same digest).
        findings: in their order, or staged (`staging`) with the key that orders them."""
        self._store.require_transaction()
        started = now_iso()
        if isinstance(findings, Staged):
            findings.flush()
            count = findings.counts["finding"]
        else:
            count = sum(1 for f in findings if f.tier == "finding")
        values = {
            "pack_id": pack_id,
            "pack_version": pack_version,
            "started": started,
            "finished": now_iso(),
            "params": json_text(params),
            "findings_count": count,
        }
        cursor = self._conn.execute(
            f"INSERT INTO runs ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", tuple(values.values())
        )
        run_id = int(cursor.lastrowid or 0)
        if isinstance(findings, Staged):
            # SQLite's sorter and the pages written take up to the page cache's size (64 MiB for
            # imports, db.py); a run is written once, so a small cache, the store's own back after.
            (cache_size,) = self._conn.execute("PRAGMA cache_size").fetchone()
            self._conn.execute(f"PRAGMA cache_size = {WRITE_ONCE_CACHE}")
            try:
                self._conn.execute(
                    f"INSERT INTO findings (run_id, {_COLUMNS}) SELECT ?, {_COLUMNS} FROM temp.{_STAGED}"
                    f" ORDER BY {', '.join(_KEYS)}",
                    (run_id,),
                )
                digest = integrity.findings_digest(self._conn, run_id)
            finally:
                self._conn.execute(f"PRAGMA cache_size = {int(cache_size)}")
            self._store.ledger.record("runs", run_id, {**values, integrity.FINDINGS_DIGEST: digest})
            return run_id
        self._conn.executemany(
            f"INSERT INTO findings (run_id, {_COLUMNS}) VALUES (?{', ?' * _COLUMNS.count(',')}, ?)",
            (_finding_values(run_id, f) for f in findings),  # one row at a time: a big run has many
        )
        digest = integrity.findings_digest(self._conn, run_id)
        self._store.ledger.record("runs", run_id, {**values, integrity.FINDINGS_DIGEST: digest})
        return run_id

    @contextmanager
    def staging(self) -> Iterator[Staged]:
        """A place for a run's findings while the analysis finds them (`Staged`), removed after."""
        staged = Staged(self._conn)
        try:
            yield staged
        finally:
            staged.drop()

    def last(self) -> dict[str, Any] | None:
        found = row(self._conn, "SELECT * FROM runs ORDER BY id DESC LIMIT 1")
        if found and found.get("params"):
            found["params"] = json.loads(found["params"])
        return found

    def findings(
        self, run_id: int | None = None, *, tier: str = "finding", touching: Collection[int] | None = None
    ) -> list[Finding]:
        """The findings of a run (default: the last one), of one tier: "finding" (what a dossier
        may state; the default) or "review" (items for a person to accept or reject).

        `touching`: only those naming one of these events, chosen by SQLite (a dossier of 10,000
        events in a store of 90,000 findings builds only the findings it shows)."""
        if run_id is None:
            run_id = self._last_id()
            if run_id is None:
                return []
        sql, params = "SELECT * FROM findings WHERE run_id = ? AND tier = ?", [run_id, tier]
        if touching is not None:
            sql += (
                " AND EXISTS (SELECT 1 FROM json_each(findings.event_ids) AS e"
                " WHERE e.value IN (SELECT value FROM json_each(?)))"
            )
            params.append(json.dumps(sorted(touching)))
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
                citations=_citations(r["citations"]),
                tier=r["tier"],
                score=r["score"],
            )
            for r in rows(self._conn, sql + " ORDER BY id", tuple(params))
        ]

    def review_items(self, run_id: int | None = None, *, touching: Collection[int] | None = None) -> list[Finding]:
        """The review tier of a run (default: the last one): never a finding until a person accepts it."""
        return self.findings(run_id, tier="review", touching=touching)

    def flagged_event_ids(self) -> set[int]:
        """Events in a finding of the last run (the findings tier only)."""
        return self._event_ids("finding")

    def to_review_event_ids(self) -> set[int]:
        """Events with a review item in the last run (they may also be in a finding)."""
        return self._event_ids("review")

    def rule_ids(self, event_id: int, *, tier: str = "finding") -> list[str]:
        """The rule of each finding (or review item) of the last run that names this event, in order."""
        run_id = self._last_id()
        if run_id is None:
            return []
        return [
            r[0]
            for r in self._conn.execute(
                "SELECT rule_id FROM findings WHERE run_id = ? AND tier = ?"
                " AND EXISTS (SELECT 1 FROM json_each(findings.event_ids) WHERE value = ?) ORDER BY id",
                (run_id, tier, event_id),
            )
        ]

    def _last_id(self) -> int | None:
        found = self._conn.execute("SELECT MAX(id) FROM runs").fetchone()
        return None if found is None or found[0] is None else int(found[0])

    def _event_ids(self, tier: str) -> set[int]:
        """The events the last run's findings of a tier name, read by SQLite from their JSON lists
        (building every Finding took seconds on a store of 90,000 findings, for `list` and `stats`)."""
        run_id = self._last_id()
        if run_id is None:
            return set()
        return {
            int(r[0])
            for r in self._conn.execute(
                "SELECT DISTINCT e.value FROM findings, json_each(findings.event_ids) AS e"
                " WHERE findings.run_id = ? AND findings.tier = ?",
                (run_id, tier),
            )
        }


_COLUMNS = (
    'rule_id, category, severity, group_key, title, event_ids, start, "end", explanation, matches, citations,'
    " tier, score"
)
_STAGED = "harasslog_staged_findings"
WRITE_ONCE_CACHE = -8192  # KiB of page cache while a staged run is sorted into `findings`
_KEYS = tuple(f"k{i}" for i in range(9))  # engine.SortKey, one column each


class Staged:
    """A run's findings as the analysis finds them, out of order, each with the key that orders
    them (engine.SortKey): written in batches as stored rows to a temporary table (the connection's
    own, in a temporary file; no lock on the store), so memory holds a batch, not the run. `save`
    copies them into `findings` in key order, SQLite sorting them (spilling to disk as it needs)."""

    BATCH = 2000

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._rows: list[tuple[Any, ...]] = []
        self.counts = {"finding": 0, "review": 0}  # per tier, as added
        conn.execute(f"DROP TABLE IF EXISTS temp.{_STAGED}")
        conn.execute(f"CREATE TEMP TABLE {_STAGED} ({', '.join(_KEYS)}, {_COLUMNS})")

    def add(self, key: tuple[Any, ...], finding: Finding) -> None:
        self._rows.append((*key, *_finding_values(0, finding)[1:]))
        self.counts[finding.tier] = self.counts.get(finding.tier, 0) + 1
        if len(self._rows) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            marks = ", ".join("?" * len(self._rows[0]))
            self._conn.executemany(f"INSERT INTO temp.{_STAGED} VALUES ({marks})", self._rows)
            self._rows.clear()

    def drop(self) -> None:
        self._rows.clear()
        try:
            self._conn.execute(f"DROP TABLE IF EXISTS temp.{_STAGED}")
        except sqlite3.OperationalError:  # a statement still reads (the analysis failed): it goes with the connection
            pass


def _finding_values(run_id: int, f: Finding) -> tuple[Any, ...]:
    return (
        run_id,
        f.rule_id,
        f.category,
        f.severity,
        f.group,
        f.title,
        json_text(list(f.event_ids)),
        to_utc_iso(f.start),
        to_utc_iso(f.end),
        f.explanation,
        json_text([{k: getattr(m, k) for k in _MATCH_FIELDS} for m in f.matches]),
        _citations_json(f.citations),
        f.tier,
        f.score,
    )


# What dataclasses.asdict gave, without its deep copy (a run of a large store has many findings):
# the same keys and values, so the same JSON (sorted keys).
_MATCH_FIELDS = tuple(f.name for f in fields(Match))
_CITATION_FIELDS = tuple(f.name for f in fields(Citation))


@lru_cache(maxsize=1024)
def _citations(stored: str) -> tuple[Citation, ...]:
    """Stored citations as the engine made them (JSON's lists back to tuples); once per rule."""
    found: list[dict[str, Any]] = json.loads(stored)
    out = []
    for c in found:
        values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in c.items()}
        out.append(Citation(**values))
    return tuple(out)


@lru_cache(maxsize=1024)
def _citations_json(citations: tuple[Citation, ...]) -> str:
    """A finding's citations as stored: the findings of one rule share them, so once per rule."""
    return json_text([{k: getattr(c, k) for k in _CITATION_FIELDS} for c in citations])
