"""What every importer shares: options, the record type it yields, epochs, JSON-safe raw records.

Importers are pure readers: `read(path, options)` yields RawEvent or Skipped, streaming, and never
touches the store. Bad input raises InputError with one line naming the file (and row or line).
"""

from __future__ import annotations

import base64
import math
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import InputError
from ..models import RawEvent, Skipped
from ..textsafe import visible


@dataclass(frozen=True)
class Notice:
    """Something the person importing should know about a whole file (a schema that lacks a column)."""

    message: str


Record = RawEvent | Skipped | Notice
# A record already in the store's terms, as a fast reader builds it (sbr.read_rows): channel,
# direction, number (stored form, None without one), number_raw, at (UTC text, to_utc_iso's form),
# tz_offset_min, duration_s, status, text, source_ref, raw (the record, JSON-serializable),
# at_precision, caller, attachments, NumberInfo (None without a number). Events.append_rows stores it.
Row = tuple[Any, ...]
Progress = Callable[[int, int], None]  # (done, total) in the importer's own unit: bytes or rows

UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
APPLE_EPOCH = datetime(2001, 1, 1, tzinfo=UTC)  # Core Data / iOS "reference date"
MS_FROM, MS_EXACT = 10**11, 4 * 10**12  # from_unix's exact milliseconds (1973-2096)


@dataclass(frozen=True)
class ImportOptions:
    """What an importer may need beyond the file: the profile's zone and region, CSV column map."""

    tz: tzinfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    region: str = "CN"
    mapping: dict[str, str] = field(default_factory=dict)  # CSV header -> field (--map col=field)
    progress: Progress | None = None
    columns: tuple[str, ...] = ()  # a headerless CSV's fields, in column order (--columns)
    direction: str | None = None  # CSV rows whose type names no direction (--direction in|out)


@dataclass(frozen=True)
class Importer:
    name: str  # the --format name, as DESIGN.md spells it
    version: str  # recorded in `imports.importer_version`; bump when the mapping changes
    description: str
    read: Callable[[Path, ImportOptions], Iterator[Record]]


def from_unix(value: int | float) -> datetime | None:
    """An epoch number of unknown unit to an aware UTC time, by magnitude (None if out of range).

    Android and SBR write milliseconds, but third-party tools write seconds (10 digits), and
    some write micro- or nanoseconds. Below 1e11 is seconds (until the year 5138), below 1e14
    milliseconds, below 1e17 microseconds, else nanoseconds.
    """
    if type(value) is int and MS_FROM <= value < MS_EXACT:
        # Milliseconds of 1973-2096, what nearly every record holds: integer arithmetic gives the
        # instant value / 1e3 rounds to (that float is within 0.25 µs of it), at a third of the cost.
        return UNIX_EPOCH + timedelta(milliseconds=value)
    v = abs(value)
    try:
        if v < 1e11:
            seconds = float(value)
        elif v < 1e14:
            seconds = value / 1e3
        elif v < 1e17:
            seconds = value / 1e6
        else:
            seconds = value / 1e9
    except OverflowError:  # an integer of hundreds of digits
        return None
    return _after(UNIX_EPOCH, seconds)


_DAYS: dict[int, str] = {}  # ms_iso's dates, one per day met (at most ~45,000 in its range)
_CLOCK: list[str] = []  # "HH:MM:SS." for each second of a day, made on first use (~5 MB)
_MILLIS = [f"{i:03d}Z" for i in range(1000)]


def ms_iso(ms: int) -> str:
    """Milliseconds since 1970 (MS_FROM <= ms < MS_EXACT) as the store writes an instant:
    `to_utc_iso(from_unix(ms))`, "2023-11-14T22:13:20.000Z", at a third of the cost (the date,
    the time of day and the milliseconds looked up, not formatted)."""
    day, rest = divmod(ms, 86_400_000)
    date = _DAYS.get(day)
    if date is None:
        date = _DAYS[day] = (UNIX_EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT")
        if not _CLOCK:
            _CLOCK.extend(f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}." for s in range(86_400))
    seconds, millis = divmod(rest, 1000)
    return date + _CLOCK[seconds] + _MILLIS[millis]


def from_apple(value: int | float) -> datetime | None:
    """Seconds since 2001-01-01 UTC, or nanoseconds since then (iOS 11 and later); None if out of range."""
    try:
        seconds = value / 1e9 if abs(value) > 1e15 else float(value)
    except OverflowError:
        return None
    return _after(APPLE_EPOCH, seconds)


def _after(epoch: datetime, seconds: float) -> datetime | None:
    """epoch + seconds, or None beyond what a datetime holds (a crafted or damaged date)."""
    try:
        return epoch + timedelta(seconds=seconds)
    except (OverflowError, ValueError):
        return None


def json_safe(value: Any) -> Any:
    """SQLite values into JSON: BLOBs become {"base64": ...} so the raw record is kept whole."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


INT64 = 1 << 63


def as_int(value: Any) -> int | None:
    """An integer from an attribute or column that may be missing, "null", "" or a float string."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(float(str(value).strip()))
        except (ValueError, OverflowError):  # "abc", "nan", "1e999"
            return None
    return number if -INT64 <= number < INT64 else None  # what SQLite (and so the store) can hold


def as_number(value: Any) -> int | float | None:
    """A finite number from a column that should hold one (a crafted file may hold text or a BLOB)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(value) if isinstance(value, float | str) else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) else None


def as_text(value: Any) -> str | None:
    """A text column as text: a phone database may hold a number or a BLOB where text belongs."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def column(row: sqlite3.Row, name: str) -> Any:
    """A column's value, or None when this phone's schema has no such column."""
    return row[name] if name in row.keys() else None


# The tables importers read. A view (arbitrary SQL: a recursive one never ends) or a virtual table
# under one of these names is refused: phone databases have plain tables there.
SOURCE_TABLES = frozenset(
    name.lower()
    for name in (
        "message", "handle", "chat", "chat_message_join", "attachment", "message_attachment_join",
        "ZCALLRECORD", "sms", "spam_sms", "pdu", "part", "addr", "calls",
        "logs", "call",  # Samsung logs.db, iOS 3-7 call_history.db
    )
)  # fmt: skip
MAX_VALUE = 16 << 20  # bytes in one cell: larger is refused (real messages and archives are far smaller)
STALL_SECONDS = 120.0  # of SQLite work without producing a row: the query is refused as endless
_AWAY = 1.0  # a gap this long between progress calls means the consumer had the time, not SQLite


class _Guard:
    """Interrupts a query that works STALL_SECONDS without producing a row (the progress handler
    runs every few thousand SQLite instructions; the row factory marks each row)."""

    def __init__(self) -> None:
        self.mark = self.seen = time.monotonic()

    def row(self, cursor: sqlite3.Cursor, values: tuple[Any, ...]) -> sqlite3.Row:
        self.mark = time.monotonic()
        return sqlite3.Row(cursor, values)

    def progress(self) -> int:
        now = time.monotonic()
        if now - self.seen > _AWAY:  # SQLite was idle meanwhile (the store was busy): start over
            self.mark = now
        self.seen = now
        return 1 if now - self.mark > STALL_SECONDS else 0


@contextmanager
def open_sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    """Open a phone database for reading without ever writing to the evidence file.

    Without a -wal file beside it the file is opened immutable (SQLite creates nothing next to
    it). With one, the pair is copied to a temporary folder first, so the rows still in the WAL
    are read and the originals stay untouched. Reads are bounded: no value above MAX_VALUE, no
    query working STALL_SECONDS without a row, no view where a table belongs.
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
        guard = _Guard()
        conn.row_factory = guard.row
        conn.text_factory = _text
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
        conn.set_progress_handler(guard.progress, 10_000)
        try:
            conn.execute("PRAGMA trusted_schema = OFF")
            _refuse_views(conn, path.name)
            yield conn
        except sqlite3.DataError as exc:
            if "too big" not in str(exc):
                raise InputError(f"{path.name}: cannot read this SQLite database ({one_line(exc)})") from None
            raise InputError(
                f"{path.name}: refused: a single value is larger than {MAX_VALUE >> 20} MiB (no message is)"
            ) from None
        except sqlite3.OperationalError as exc:
            if str(exc) != "interrupted":
                raise InputError(f"{path.name}: cannot read this SQLite database ({one_line(exc)})") from None
            raise InputError(
                f"{path.name}: refused: a query ran {STALL_SECONDS:.0f} s without producing a row "
                "(a crafted or damaged database)"
            ) from None
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{path.name}: cannot read this SQLite database ({one_line(exc)})") from None
        except UnicodeDecodeError:  # SQLite's own error message quotes a schema that is not UTF-8
            raise InputError(f"{path.name}: a damaged SQLite database (its schema is not UTF-8 text)") from None
        finally:
            conn.close()
    finally:
        if tmp is not None:
            tmp.cleanup()


def _text(data: bytes) -> str | bytes:
    """TEXT that is not UTF-8 (damaged or crafted) stays bytes: the raw record keeps them whole."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


def printable(text: str, limit: int = 120) -> str:
    """Text from a file (a header, a table name) fit for one line of error: control characters
    and newlines shown as [U+XXXX], so they can neither act on the terminal nor fake a line."""
    shown = "".join(f"[U+{ord(c):04X}]" if c in "\n\t" else c for c in visible(text))
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def one_line(exc: BaseException) -> str:
    """An exception's message fit for one line of error (SQLite may quote a whole schema)."""
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "..."


def _refuse_views(conn: sqlite3.Connection, name: str) -> None:
    for kind, table, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view')"):
        if (as_text(table) or "").lower() not in SOURCE_TABLES:
            continue
        if kind == "view":
            raise InputError(f"{name}: refused: {table} is a view, not a table (phone databases have a table there)")
        if (as_text(sql) or "").lstrip().upper().startswith("CREATE VIRTUAL"):
            raise InputError(f"{name}: refused: {table} is a virtual table, not a plain one")


SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_journal(path: Path) -> tuple[bool, Path | None]:
    """(the header says the database is in WAL mode, the -wal file beside it if there is one).

    Rows written since the last checkpoint live only in the -wal file; without it they are missing."""
    with path.open("rb") as f:
        header = f.read(20)
    wal = path.with_name(path.name + "-wal")
    return header.startswith(SQLITE_MAGIC) and header[18:20] == b"\x02\x02", wal if wal.is_file() else None


def table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {as_text(row[1]) or "" for row in conn.execute(f'PRAGMA table_info("{table}")')}


def table_names(conn: sqlite3.Connection) -> set[str]:
    """The plain tables (views never count as a source)."""
    return {as_text(row[0]) or "" for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def skip_reason(code: int | None, known: Any, not_sent: dict[int, str], what: str, written: Any) -> str | None:
    """Why a record with this type code is not imported (a draft, an unknown code), or None."""
    if code in not_sent:
        return not_sent[code]
    if code is None and written is None:
        return f"no {what}"
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
