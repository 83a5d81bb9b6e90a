"""The store: the only code that writes SQL, as small repositories sharing one connection.

Evidence (events, attachments, requests) is appended, never updated; every write, and every fact a
dossier states (parties, number links, the profile, imports, debts, analysis runs), is an entry in
the ledger's hash chain (see integrity.py). Only `Store.transaction()` begins a transaction and
every write requires one: a command's writes all land, or none do.

    with store.transaction():
        party = store.parties.ensure("某某催收")
        store.events.add(raw, party_id=party)
    store.ledger.head()
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .. import integrity
from ._sql import now_iso
from .attachments import Attachments
from .blobs import Blobs
from .corroboration import Corroborations
from .events import Events
from .imports import Imports
from .ledger import Ledger
from .ocr import OcrCorrections
from .parties import Numbers, Parties
from .profile import Profile
from .requests import Debts, Requests
from .reviews import Reviews
from .runs import Runs
from .search import Search
from .withdrawals import Withdrawals

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["Store", "now_iso"]


class Store:
    def __init__(self, db: Database | sqlite3.Connection, path: Path, *, readonly: bool = False):
        """`db`: the open connection (or a sqlite-utils Database over it)."""
        self.conn: sqlite3.Connection = db if isinstance(db, sqlite3.Connection) else db.conn
        self._db: Any = None if isinstance(db, sqlite3.Connection) else db
        self.path = path
        self.readonly = readonly
        self._in_transaction = False
        self.ledger = Ledger(self)
        self.profile = Profile(self)
        self.parties = Parties(self)
        self.numbers = Numbers(self)
        self.blobs = Blobs(path)
        self.attachments = Attachments(self)
        self.events = Events(self)
        self.imports = Imports(self)
        self.requests = Requests(self)
        self.debts = Debts(self)
        self.runs = Runs(self)
        self.search = Search(self)
        self.withdrawals = Withdrawals(self)
        self.reviews = Reviews(self)
        self.corroborations = Corroborations(self)
        self.ocr_corrections = OcrCorrections(self)

    @property
    def db(self) -> Database:
        """sqlite-utils over the connection, made on first use (only migrations and tests need it)."""
        if self._db is None:
            from .._sqlite_utils import database

            self._db = database(self.conn)
        return self._db

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """One write transaction. IMMEDIATE takes the write lock at once, so the chain's head
        cannot move under us when several processes add at the same moment. Nested calls join it."""
        if self.readonly:
            raise RuntimeError("this store was opened read-only")
        if self._in_transaction:
            yield self
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:  # SQLite has already rolled back after e.g. SQLITE_FULL
                self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._in_transaction = False
            self.profile.forget()

    def checkpoint(self) -> bool:
        """Move every committed write from the WAL into the store file (a reader of the file alone,
        such as Datasette --immutable, then sees them); false if a reader or writer prevented it."""
        busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy

    def require_transaction(self) -> None:
        if not self._in_transaction:
            raise RuntimeError("store writes must run inside store.transaction()")

    # The borrower's settings, read everywhere: shortcuts to the profile.
    @property
    def tz(self) -> ZoneInfo:
        return self.profile.tz

    @property
    def region(self) -> str:
        return self.profile.region

    @property
    def jurisdiction(self) -> str:
        return self.profile.jurisdiction

    def verify(self, *, head: str | None = None) -> integrity.VerifyReport:
        """Recompute the chain, every chained fact and every attachment; `head` is a chain head
        held outside the store, which the chain must still contain. Reads one snapshot: an import
        committing meanwhile is either wholly in it or not at all."""
        if self._in_transaction:
            return integrity.verify(self.conn, self.blobs.path, head=head)
        self.conn.execute("BEGIN DEFERRED")  # a read transaction: no write lock is taken
        try:
            return integrity.verify(self.conn, self.blobs.path, head=head)
        finally:
            self.conn.execute("ROLLBACK")
