"""Parties (creditor, agency, law firm) and the numbers that belong to them. Chained facts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..models import PARTY_KINDS
from ..normalize import NumberInfo, normalize_number
from ._sql import now_iso, rows

if TYPE_CHECKING:
    from . import Store

# party id → (name, creditor id): enough to name a party and find its collector group.
PartyIndex = dict[int, tuple[str, int | None]]


class Parties:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def find(self, name: str) -> int:
        """The id of the party with this name; refuses an unknown name."""
        found = self._lookup(_clean(name))
        if found is None:
            raise InputError(f"no party named {name.strip()!r} (see `harasslog party list`)")
        return found

    def ensure(self, name: str, *, kind: str = "unknown") -> int:
        """The id of the party with this name, added (with `kind`) when there is none yet."""
        found = self._lookup(_clean(name))
        return found if found is not None else self.add(name, kind=kind)

    def add(self, name: str, *, kind: str = "unknown", creditor: str | None = None, note: str | None = None) -> int:
        """Add a party, or update the kind, creditor and note of the one with this name."""
        if kind not in PARTY_KINDS:
            raise InputError(f"party kind must be one of {', '.join(PARTY_KINDS)}, not {kind!r}")
        self._store.require_transaction()
        name = _clean(name)
        creditor_id = self.ensure(creditor, kind="creditor") if creditor else None
        existing = self._lookup(name)
        if existing is not None:
            old = self._conn.execute("SELECT kind, creditor_id, note FROM parties WHERE id = ?", (existing,)).fetchone()
            wanted = {
                "kind": kind,
                "creditor_id": old[1] if creditor_id is None else creditor_id,
                "note": old[2] if note is None else note,
            }
            changes = {k: v for k, v, before in zip(wanted, wanted.values(), old, strict=True) if v != before}
            if changes:
                self._store.ledger.change("parties", existing, changes)
            return existing
        values = {"name": name, "kind": kind, "creditor_id": creditor_id, "note": note, "created_at": now_iso()}
        return self._store.ledger.add_fact("parties", values)

    def kind(self, name: str) -> str | None:
        """The kind of the party with this name, or None when there is none (`party add` keeps it)."""
        found = self._conn.execute("SELECT kind FROM parties WHERE name = ?", (_clean(name),)).fetchone()
        return None if found is None else str(found[0])

    def list(self) -> list[dict[str, Any]]:
        found = rows(
            self._conn,
            """SELECT p.id, p.name, p.kind, c.name AS creditor, p.note,
                      (SELECT COUNT(*) FROM events e LEFT JOIN numbers n ON n.number = e.number
                        WHERE COALESCE(e.party_id, n.party_id) = p.id) AS events
               FROM parties p LEFT JOIN parties c ON c.id = p.creditor_id ORDER BY p.name""",
        )
        numbers: dict[int, list[str]] = {}
        for number, party in self._conn.execute("SELECT number, party_id FROM numbers WHERE party_id IS NOT NULL"):
            numbers.setdefault(party, []).append(number)
        for party_row in found:
            party_row["numbers"] = sorted(numbers.get(party_row["id"], []))
        return found

    def index(self) -> PartyIndex:
        return {
            pid: (name, creditor)
            for pid, name, creditor in self._conn.execute("SELECT id, name, creditor_id FROM parties")
        }

    def _lookup(self, name: str) -> int | None:
        found = self._conn.execute("SELECT id FROM parties WHERE name = ?", (name,)).fetchone()
        return int(found[0]) if found else None


# Every caller without a number is one unidentified caller to the rules (unless linked to a party).
WITHHELD_GROUP = "number:withheld"


def group_key(party_id: int | None, number: str | None, parties: PartyIndex) -> str:
    """A collector group: the creditor at the top of the party's chain, or the bare number."""
    if party_id is None or party_id not in parties:
        return f"number:{number}" if number else "unknown"
    current: int = party_id
    seen: set[int] = set()
    while current not in seen:
        seen.add(current)
        creditor = parties[current][1]
        if creditor is None or creditor not in parties:
            break
        current = creditor
    return parties[current][0]


class Numbers:
    def __init__(self, store: Store):
        self._store = store
        self._conn = store.conn

    def link(self, number_raw: str, party_id: int) -> str:
        """Say that a number belongs to a party; returns the normalized number."""
        self._store.require_transaction()
        info = normalize_number(number_raw, self._store.region)
        if info is None:
            raise InputError("an empty number cannot be linked")
        self.ensure([info])
        if self._party_of(info.number) != party_id:
            self._store.ledger.change("numbers", info.number, {"party_id": party_id})
        return info.number

    def claim(self, numbers: Iterable[str], party_id: int) -> None:
        """Link each of these numbers that belongs to no party yet (the party an import is for)."""
        for number in sorted(set(numbers)):
            if self._party_of(number) is None:
                self._store.ledger.change("numbers", number, {"party_id": party_id})

    def ensure(self, infos: Iterable[NumberInfo]) -> None:
        """Rows for numbers seen for the first time (kind and region are derived from the number)."""
        self._store.require_transaction()
        self._conn.executemany(
            "INSERT OR IGNORE INTO numbers (number, kind, region) VALUES (?, ?, ?)",
            [(i.number, i.kind, i.region) for i in infos],
        )

    def party(self, number_raw: str) -> str | None:
        """The name of the party a number (any format) belongs to, if any."""
        info = normalize_number(number_raw, self._store.region)
        if info is None:
            return None
        found = self._conn.execute(
            "SELECT p.name FROM numbers n JOIN parties p ON p.id = n.party_id WHERE n.number = ?", (info.number,)
        ).fetchone()
        return None if found is None else str(found[0])

    def recent(self, limit: int = 5) -> list[tuple[str, str | None]]:
        """The numbers of the last events logged, newest first, each once: (as last written, its party).
        Offered by `harasslog add` on a terminal; reads only the newest few hundred events."""
        found: dict[str, tuple[str, str | None]] = {}
        for number, number_raw, party in self._conn.execute(
            """SELECT e.number, e.number_raw, p.name FROM
                 (SELECT id, number, number_raw, party_id FROM events
                   WHERE number IS NOT NULL AND number != '' ORDER BY id DESC LIMIT 500) e
               LEFT JOIN numbers n ON n.number = e.number
               LEFT JOIN parties p ON p.id = COALESCE(e.party_id, n.party_id)
               ORDER BY e.id DESC"""
        ):
            if number not in found:
                found[number] = (number_raw or number, party)
            if len(found) == limit:
                break
        return list(found.values())

    def list(self) -> list[dict[str, Any]]:
        return rows(
            self._conn,
            "SELECT n.number, n.kind, n.region, p.name AS party FROM numbers n "
            "LEFT JOIN parties p ON p.id = n.party_id ORDER BY n.number",
        )

    def _party_of(self, number: str) -> int | None:
        found = self._conn.execute("SELECT party_id FROM numbers WHERE number = ?", (number,)).fetchone()
        return None if found is None or found[0] is None else int(found[0])


def _clean(name: str) -> str:
    name = name.strip()
    if not name:
        raise InputError("a party needs a name")
    return name
