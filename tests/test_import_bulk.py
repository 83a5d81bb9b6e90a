"""A big import's fast path (issue 15): indexes rebuilt once, a larger search buffer, exact times.

The fast path must change nothing a user relies on: the same events, the same indexes after it,
nothing left behind when the import is refused, search complete, times to the millisecond.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers_import import event_rows, sms, write_sbr

from harasslog import ingest
from harasslog.errors import InputError
from harasslog.importers.base import from_unix
from harasslog.ingest import import_files
from harasslog.store import search


def _indexes(store) -> list[tuple[str, str]]:
    return store.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name"
    ).fetchall()


def _backup(tmp_path: Path, n: int, name: str = "sms.xml", extra: str = "") -> Path:
    numbers = ["13800138000", "10086", "CoopMobile", "+12025550123"]
    body = "\n".join(
        sms(numbers[i % 4], 1763647980000 + i * 61_000, 1 + i % 2, f"第{i}次提醒：请联系紧急联系人") for i in range(n)
    )
    return write_sbr(tmp_path / name, body + extra)


@pytest.fixture
def bulk(monkeypatch):
    """Every import of at least a few messages takes the bulk path (its thresholds are for big files)."""
    monkeypatch.setattr(ingest, "BULK_EVENTS", 1)
    monkeypatch.setattr(ingest, "BYTES_PER_EVENT", 1)
    monkeypatch.setattr(search, "_BIG_RANGE", 1)


def test_bulk_import_keeps_every_index_and_finds_numbers_and_text_through_them(tmp_path, store, bulk) -> None:
    before = _indexes(store)
    summary = import_files(store, [_backup(tmp_path, 40)])
    assert (summary.new, summary.duplicate) == (40, 0)
    assert _indexes(store) == before  # the same names and definitions as the schema made them
    assert store.verify().ok
    plan = " ".join(
        str(r[-1]) for r in store.conn.execute("EXPLAIN QUERY PLAN SELECT id FROM events WHERE number = '10086'")
    )
    assert "idx_events_number" in plan
    assert len(store.search.find("紧急联系人")) == 40
    # The larger in-memory buffer was for that import only.
    (hashsize,) = store.conn.execute("SELECT v FROM events_fts_config WHERE k = 'hashsize'").fetchone()
    assert hashsize == 1 << 20


def test_bulk_import_again_adds_nothing(tmp_path, store, bulk) -> None:
    path = _backup(tmp_path, 30)
    import_files(store, [path])
    again = import_files(store, [path])
    assert (again.new, again.duplicate) == (0, 30)
    assert len(event_rows(store)) == 30


def test_refused_bulk_import_leaves_no_event_and_every_index(tmp_path, store, bulk) -> None:
    before = _indexes(store)
    too_long = sms("13800138000", 1763647980000, 1, "x" * (ingest.MAX_TEXT + 1))
    with pytest.raises(InputError, match="characters"):
        import_files(store, [_backup(tmp_path, 2500, extra="\n" + too_long)])  # refused after a batch went in
    assert event_rows(store) == []
    assert _indexes(store) == before
    assert store.verify().ok


@pytest.mark.parametrize(
    ("written", "instant"),
    [
        (1763647980123, datetime(2025, 11, 20, 14, 13, 0, 123000, tzinfo=UTC)),
        (10**11, datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC)),  # the first value read the fast way
        (4 * 10**12 - 1, datetime(2096, 10, 2, 7, 6, 39, 999000, tzinfo=UTC)),  # its last
        (4 * 10**12, datetime(2096, 10, 2, 7, 6, 40, tzinfo=UTC)),  # the first read as before
        (10**11 - 1, datetime(5138, 11, 16, 9, 46, 39, tzinfo=UTC)),  # seconds, by magnitude
    ],
)
def test_epoch_milliseconds_are_read_to_the_millisecond(written: int, instant: datetime) -> None:
    assert from_unix(written) == instant


def test_bulk_import_for_a_party_links_each_of_its_numbers_once(tmp_path, store, bulk) -> None:
    summary = import_files(store, [_backup(tmp_path, 2500)], party="某某资产管理")  # two batches
    assert summary.new == 2500
    rows = store.conn.execute("SELECT n.number, p.name FROM numbers n LEFT JOIN parties p ON p.id = n.party_id")
    assert sorted(rows) == [
        ("+12025550123", "某某资产管理"),
        ("+8613800138000", "某某资产管理"),
        ("10086", "某某资产管理"),
        ("CoopMobile", "某某资产管理"),
    ]
    assert store.verify().ok
