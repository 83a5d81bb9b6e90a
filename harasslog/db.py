"""Opening a store: a private file, WAL, a busy timeout, and every migration applied.

A store is opened without writing anything until it is known to be a harasslog store of a
schema this version understands: someone else's SQLite file (a phone's sms.db) is refused
untouched. Read-only commands take no write lock when the schema is current, and a store on
read-only media (or a file without write permission) is read as immutable: no -wal/-shm files.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ._sqlite_utils import database
from .errors import InputError
from .migrations import migration_names, migrations
from .store import Store

BUSY_TIMEOUT_MS = 60_000
_MIGRATIONS_TABLE = "_sqlite_migrations"


@dataclass(frozen=True)
class _Schema:
    tables: tuple[str, ...]
    applied: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not self.tables


def open_store(path: Path | str, *, create: bool = True, readonly: bool = False) -> Store:
    """Open the store at `path`, creating it (mode 0600, folder 0700) when `create` is true.

    `readonly`: for commands that only read; no write lock is taken unless the schema needs an
    upgrade first, and nothing is written at all on read-only media."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise InputError(f"{path} is a folder; the store needs a file path such as {path / 'case.db'}")
    if not path.exists():
        if not create or readonly:
            raise InputError(
                f"no store at {path}: run `harasslog init` to create one, or check the path (HARASSLOG_DB)"
            )
        _create_private_file(path)
    frozen = _on_read_only_media(path)
    try:
        schema = _inspect(path, immutable=frozen)
        _refuse_foreign(path, schema)
        current = not schema.blank and not _pending(schema)
        if readonly and (current or frozen):
            if not current:
                raise InputError(f"{path} needs a schema upgrade but is read-only: copy it somewhere writable first")
            return Store(_connect(path, mode="immutable" if frozen else "ro"), path, readonly=True)
        conn = _connect(path, mode="rw")
        _configure_for_writing(conn)
        if not current:
            _migrate(database(conn))  # only migrations need sqlite-utils (start-up time)
    except sqlite3.DatabaseError as exc:
        raise _explain(path, exc) from None
    return Store(conn, path)


def _connect(path: Path, *, mode: str) -> sqlite3.Connection:
    """mode: rw (read-write), ro (read-only, still locking against writers) or immutable (nothing
    on this medium changes: no locks, no -wal/-shm files)."""
    query = {"rw": "mode=rw", "ro": "mode=ro", "immutable": "mode=ro&immutable=1"}[mode]
    uri = f"file:{quote(str(path.resolve()))}?{query}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: index pages stay cached during big imports
    return conn


def _configure_for_writing(conn: sqlite3.Connection) -> None:
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")


def _inspect(path: Path, *, immutable: bool) -> _Schema:
    """The tables and applied harasslog migrations, read without writing anything."""
    if path.stat().st_size == 0:
        return _Schema((), ())
    conn = _connect(path, mode="immutable" if immutable else "ro")
    try:
        tables = tuple(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
        applied: tuple[str, ...] = ()
        if _MIGRATIONS_TABLE in tables:
            applied = tuple(
                r[0]
                for r in conn.execute(
                    f"SELECT name FROM {_MIGRATIONS_TABLE} WHERE migration_set = ? ORDER BY rowid", (migrations.name,)
                )
            )
        return _Schema(tables, applied)
    finally:
        conn.close()


def _refuse_foreign(path: Path, schema: _Schema) -> None:
    if schema.blank:
        return
    if "m001_initial" not in schema.applied:
        raise InputError(f"{path} is not a harasslog store (it is another program's database); nothing was changed")
    known = set(migration_names())
    unknown = [name for name in schema.applied if name not in known]
    if unknown:
        raise InputError(f"{path} was written by a newer harasslog (schema {unknown[-1]}); upgrade harasslog to use it")


def _pending(schema: _Schema) -> list[str]:
    return [name for name in migration_names() if name not in schema.applied]


def _migrate(db: Any) -> None:
    # Serialize migrations between processes that open a new store at the same moment.
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        migrations.apply(db)
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def _on_read_only_media(path: Path) -> bool:
    """A read-only file system, or a store file (or folder) we may not or should not write: then
    it is read as immutable (no locks, no -wal/-shm files), unless its WAL still holds writes.

    Write bits are checked as well as access(2): root may write anything, but a file marked
    read-only (chmod a-w) is a statement that it must not change."""
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return True
    except (AttributeError, OSError):  # pragma: no cover - no statvfs on Windows
        pass
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return False  # the newest writes are still in the WAL: an immutable read would not see them
    mode = path.stat().st_mode
    writable_bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
    return not (mode & writable_bits) or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK)


def _explain(path: Path, exc: sqlite3.DatabaseError) -> InputError:
    """sqlite3's error on opening, as one line: only a file that is no database is 'not a store'."""
    if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
        return InputError(f"{path} is not a harasslog store ({exc})")
    return InputError(f"{path}: {describe_sqlite_error(exc)}")


def describe_sqlite_error(exc: sqlite3.DatabaseError) -> str:
    """What went wrong, in words a user can act on (a full disk is not a broken store)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return "disk full: free some space and try again (what this command was writing was not stored)"
    if code == sqlite3.SQLITE_READONLY:
        return f"the store is read-only here ({exc})"
    if code == sqlite3.SQLITE_CANTOPEN:
        return f"the store cannot be opened ({exc})"
    return f"the store cannot be used: {exc}"


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
