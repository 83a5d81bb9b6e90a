"""Small helpers every repository shares: the clock, JSON text, and rows as dicts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..normalize import to_utc_iso


def now_iso() -> str:
    return to_utc_iso(datetime.now(UTC))


def json_text(value: Any) -> str:
    """Stable JSON for stored metadata (sorted keys, non-ASCII kept readable)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def row(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
    found = rows(conn, sql, params)
    return found[0] if found else None


def next_id(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0])
