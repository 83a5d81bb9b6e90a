"""The fused SBR reader (sbr.read_rows) an import uses: the same records as the general reader,
the same stored rows and chain, whatever mix of ordinary and odd elements a backup holds."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from helpers_import import sms, write_sbr

from harasslog.importers.base import ImportOptions, ms_iso
from harasslog.importers.sbr import read, read_rows
from harasslog.ingest import MAX_TEXT, import_files
from harasslog.store.events import raw_event

NOV20 = 1763647980000  # 2025-11-20 14:13:00 UTC


def _mixed(tmp_path: Path) -> Path:
    body = "\n".join(
        [
            sms("13912345678", NOV20, 1, "你好 &gt; 还款 &#128512;"),
            sms("13912345678", NOV20, 1, "你好 &gt; 还款 &#128512;"),  # an exact duplicate
            sms("-2", NOV20 + 1000, 1, "withheld"),  # no number: number and caller columns differ
            '<sms address="10086" date="1763647982000" type="2" />',  # no body: text NULL
            sms("10086", 1763647983, 1, "seconds, not milliseconds"),  # the general path's case
            sms("10086", NOV20 + 4000, 3, "a draft"),  # skipped
            '<mms date="1763647985000" msg_box="1" m_type="132" address="10086"><parts>'
            '<part seq="0" ct="text/plain" text="an mms" /></parts></mms>',
            sms("10086", "", 1, "no date"),  # skipped
            sms("+86 139 1234 5678", NOV20 + 6000, 2, "after the odd ones"),
        ]
    )
    return write_sbr(tmp_path / "mixed.xml", body)


def test_the_fused_reader_yields_what_the_general_one_does_in_the_same_order(tmp_path: Path) -> None:
    path = _mixed(tmp_path)
    options = ImportOptions()
    fused = [raw_event(r) if type(r) is tuple else r for items, _ in read_rows(path, options, MAX_TEXT) for r in items]
    assert fused == list(read(path, options))
    assert len(fused) == 9


def test_ms_iso_writes_the_stored_form_of_known_instants() -> None:
    assert ms_iso(100_000_000_000) == "1973-03-03T09:46:40.000Z"
    assert ms_iso(1_000_000_000_000) == "2001-09-09T01:46:40.000Z"
    assert ms_iso(NOV20 + 7) == "2025-11-20T14:13:00.007Z"
    assert ms_iso(1_234_567_890_123) == "2009-02-13T23:31:30.123Z"


def test_an_import_through_the_fused_path_stores_each_column_and_verifies(tmp_path: Path, store) -> None:
    summary = import_files(store, [_mixed(tmp_path)])
    assert (summary.new, summary.duplicate, summary.skipped) == (6, 1, 2)
    conn = sqlite3.connect(store.path)
    rows = conn.execute(
        "SELECT number, number_raw, caller, text, at, tz_offset_min, duration_s, note, party_id, source_ref, raw"
        " FROM events ORDER BY id"
    ).fetchall()
    conn.close()
    first, withheld, bodiless = rows[0], rows[1], rows[2]
    assert first[:10] == (
        "+8613912345678",
        "13912345678",
        None,
        "你好 > 还款 😀",
        "2025-11-20T14:13:00.000Z",
        None,
        None,
        None,
        None,
        "sms[1] (line 5)",
    )
    assert json.loads(first[10])["readable_date"] == "Nov 20, 2026 10:13:00 PM"  # the record kept whole
    assert withheld[:4] == (None, "-2", "withheld", "withheld")
    assert bodiless[2:4] == (None, None) and bodiless[0] == "10086"
    assert rows[-1][0] == "+8613912345678" and rows[-1][9] == "sms[8] (line 13)"
    assert store.verify().ok
