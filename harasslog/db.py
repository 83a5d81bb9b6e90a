"""Opening a store: a private file, WAL, a busy timeout, and every migration applied."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from .errors import InputError
from .migrations import migrations
from .store import Store

BUSY_TIMEOUT_MS = 60_000


def open_store(path: Path | str, *, create: bool = True) -> Store:
    """Open the store at `path`, creating it (mode 0600, folder 0700) when `create` is true."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise InputError(f"{path} is a folder; --db needs a file path such as {path / 'case.db'}")
    if not path.exists():
        if not create:
            raise InputError(f"no store at {path}: run `harasslog init` to create one, or check --db / HARASSLOG_DB")
        _create_private_file(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: index pages stay cached during big imports
        db = Database(conn)
        # Serialize migrations between processes that open a new store at the same moment.
        conn.execute("BEGIN IMMEDIATE")
        try:
            migrations.apply(db)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path} is not a harasslog store ({exc})") from None
    return Store(db, path)


def _create_private_file(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
