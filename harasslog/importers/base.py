"""What every importer shares: options, the record type it yields, epochs, JSON-safe raw records.

Importers are pure readers: `read(path, options)` yields RawEvent or Skipped, streaming, and never
touches the store. Bad input raises InputError with one line naming the file (and row or line).
"""

from __future__ import annotations

import base64
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import InputError
from ..models import RawEvent, Skipped

Record = RawEvent | Skipped
Progress = Callable[[int, int], None]  # (done, total) in the importer's own unit: bytes or rows

UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)  # Core Data / iOS "reference date"


@dataclass(frozen=True)
class ImportOptions:
    """What an importer may need beyond the file: the profile's zone and region, CSV column map."""

    tz: tzinfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    region: str = "CN"
    mapping: dict[str, str] = field(default_factory=dict)  # CSV header -> field (--map col=field)
    progress: Progress | None = None


@dataclass(frozen=True)
class Importer:
    name: str  # the --format name, as DESIGN.md spells it
    version: str  # recorded in `imports.importer_version`; bump when the mapping changes
    description: str
    read: Callable[[Path, ImportOptions], Iterator[Record]]


def from_unix(value: int | float) -> datetime:
    """An epoch number of unknown unit to an aware UTC time, by magnitude.

    Android and SBR write milliseconds, but third-party tools write seconds (10 digits), and
    some write micro- or nanoseconds. Below 1e11 is seconds (until the year 5138), below 1e14
    milliseconds, below 1e17 microseconds, else nanoseconds.
    """
    v = abs(value)
    if v < 1e11:
        seconds = float(value)
    elif v < 1e14:
        seconds = value / 1e3
    elif v < 1e17:
        seconds = value / 1e6
    else:
        seconds = value / 1e9
    return UNIX_EPOCH + timedelta(seconds=seconds)


def from_apple(value: int | float) -> datetime:
    """Seconds since 2001-01-01 UTC, or nanoseconds since then (iOS 11 and later)."""
    seconds = value / 1e9 if abs(value) > 1e15 else float(value)
    return APPLE_EPOCH + timedelta(seconds=seconds)


def json_safe(value: Any) -> Any:
    """SQLite values into JSON: BLOBs become {"base64": ...} so the raw record is kept whole."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def as_int(value: Any) -> int | None:
    """An integer from an attribute or column that may be missing, "null", "" or a float string."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(str(value).strip()))
    except ValueError:
        return None


@contextmanager
def open_sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    """Open a phone database for reading without ever writing to the evidence file.

    Without a -wal file beside it the file is opened immutable (SQLite creates nothing next to
    it). With one, the pair is copied to a temporary folder first, so the rows still in the WAL
    are read and the originals stay untouched.
    """
    wal = path.with_name(path.name + "-wal")
    tmp: tempfile.TemporaryDirectory[str] | None = None
    try:
        if wal.exists() and wal.stat().st_size > 0:
            tmp = tempfile.TemporaryDirectory(prefix="harasslog-import-")
            copy = Path(tmp.name) / path.name
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            conn = sqlite3.connect(copy)
        else:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            yield conn
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{path.name}: cannot read this SQLite database ({exc})") from None
        finally:
            conn.close()
    finally:
        if tmp is not None:
            tmp.cleanup()


def table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}


def table_names(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")}


def skip_reason(code: int | None, known: Any, not_sent: dict[int, str], what: str, written: Any) -> str | None:
    """Why a record with this type code is not imported (a draft, an unknown code), or None."""
    if code in not_sent:
        return not_sent[code]
    if code not in known:
        return f"unknown {what} {written!r}"
    return None


PROGRESS_EVERY = 2000  # rows between progress reports


def table_rows(conn: sqlite3.Connection, table: str, order_by: str, options: ImportOptions) -> Iterator[sqlite3.Row]:
    """Every row of a phone database table in order, reporting progress as it goes."""
    total = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    for done, row in enumerate(conn.execute(f"SELECT * FROM {table} ORDER BY {order_by}"), 1):
        if options.progress is not None and done % PROGRESS_EVERY == 0:
            options.progress(done, total)
        yield row
    if options.progress is not None:
        options.progress(total, total)


def row_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {key: json_safe(row[key]) for key in row.keys()}
