"""Every source read is bounded: crafted databases, files without newlines, huge elements and
values are refused (exit 2, one line, nothing stored) instead of hanging or exhausting memory;
odd but real schemas degrade instead of crashing."""

from __future__ import annotations

import base64
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers_import import (
    attributed_body,
    counts,
    event_rows,
    make_ios_sms_db,
    make_mmssms_db,
    run_limited,
    sms,
    write_sbr,
)

from harasslog.errors import InputError
from harasslog.importers import ImportOptions, base, sbr, xmlstream
from harasslog.ingest import MAX_TEXT, import_files

NOV20 = 1763647980000  # 2026-11-20 14:13 UTC, in milliseconds
APPLE_NOV20 = 785340780  # the same instant in seconds since 2001


def assert_refused(result, name: str, store, before) -> None:
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert "\n" not in message and message.startswith("harasslog: ") and name in message, message
    assert counts(store) == before


# ---------------------------------------------------------------- SQLite sources


def test_a_recursive_view_in_place_of_the_message_table_is_refused_not_run(tmp_path, store, db_path):
    """It used to be queried (SELECT count(*) FROM message) and never returned."""
    path = tmp_path / "sms.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);
        CREATE VIEW message AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)
            SELECT x AS ROWID, 'guid' AS guid, 'x' AS text, 0 AS handle_id, x AS date, 0 AS is_from_me FROM n;
    """)
    conn.close()
    before = counts(store)
    result = run_limited(["--lang", "en", "import", str(path)], db_path, timeout=60)
    assert_refused(result, "sms.db", store, before)
    assert "message is a view" in result.stderr


def test_a_view_is_refused_even_with_the_format_forced(tmp_path, store, db_path):
    path = make_mmssms_db(tmp_path / "mmssms.db", [])
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE sms; CREATE VIEW sms AS SELECT * FROM pdu;")
    conn.close()
    before = counts(store)
    result = run_limited(["--lang", "en", "import", "--format", "android-sms", str(path)], db_path, timeout=60)
    assert_refused(result, "mmssms.db", store, before)
    assert "sms is a view" in result.stderr


def test_a_query_that_produces_no_row_is_stopped(tmp_path, monkeypatch):
    """The deadline behind every source query: SQLite work without a row for STALL_SECONDS."""
    monkeypatch.setattr(base, "STALL_SECONDS", 0.3)
    path = make_mmssms_db(tmp_path / "mmssms.db", [])
    endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n"
    with pytest.raises(InputError, match=r"mmssms\.db: refused: a query ran 0 s without producing a row"):
        with base.open_sqlite(path) as conn:
            conn.execute(endless).fetchone()


def test_an_attributed_body_beyond_the_value_cap_is_refused(tmp_path, store, db_path):
    """A 20 MB attributedBody (the cap is 16 MiB): it used to be read, base64'd into the raw record
    and decoded whole (200 MB of it took 1.8 GB)."""
    huge = attributed_body("催" * (7 << 20))
    path = make_ios_sms_db(tmp_path / "sms.db", [(1, "+8613912345678")], [{"date": APPLE_NOV20, "handle_id": 1}])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE message SET attributedBody = ?", (huge,))
    conn.commit()
    conn.close()
    before = counts(store)
    result = run_limited(["--lang", "en", "import", str(path)], db_path)
    assert_refused(result, "sms.db", store, before)
    assert "larger than 16 MiB" in result.stderr


def test_android_sms_without_a_type_column_degrades(tmp_path, store):
    """Such a table used to end in an internal error (exit 3)."""
    path = tmp_path / "mmssms.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, date INTEGER, body TEXT)")
    conn.execute("INSERT INTO sms VALUES (1, '13912345678', ?, '还钱')", (NOV20,))
    conn.commit()
    conn.close()
    summary = import_files(store, [path])
    assert summary.files[0].skipped_reasons == {"no sms type": 1}


def test_wrong_types_in_phone_columns_do_not_crash(tmp_path, store):
    """A number where text belongs, text where a number belongs, a date beyond any calendar."""
    path = make_ios_sms_db(
        tmp_path / "sms.db",
        [(1, "+8613912345678")],
        [
            {"date": APPLE_NOV20, "handle_id": 1, "text": 12345},
            {"date": "not a date", "handle_id": 1, "text": "x"},
            {"date": 1e300, "handle_id": 1, "text": "y"},
            {"date": APPLE_NOV20 + 60, "handle_id": 1, "text": None, "attributedBody": "a text, not a blob"},
        ],
    )
    summary = import_files(store, [path])
    assert summary.files[0].skipped_reasons == {"no date": 1, "date out of range": 1, "empty message": 1}
    assert [r["text"] for r in event_rows(store)] == ["12345"]


def test_mms_delivery_and_read_reports_are_skipped_not_imported(tmp_path, store):
    pdus = [
        {"_id": 1, "date": NOV20 // 1000, "msg_box": 1, "m_type": 132},
        {"_id": 2, "date": NOV20 // 1000 + 5, "msg_box": 1, "m_type": 134},
        {"_id": 3, "date": NOV20 // 1000 + 9, "msg_box": 1, "m_type": 136},
    ]
    parts = [{"mid": i, "seq": 0, "ct": "text/plain", "text": f"part {i}"} for i in (1, 2, 3)]
    addrs = [{"msg_id": i, "address": "13912345678", "type": 137} for i in (1, 2, 3)]
    path = make_mmssms_db(tmp_path / "mmssms.db", [], pdus, parts, addrs)
    summary = import_files(store, [path])
    assert summary.files[0].new == 1
    assert summary.files[0].skipped_reasons == {
        "delivery report (not a message)": 1,
        "read report (not a message)": 1,
    }
    xml = write_sbr(
        tmp_path / "sms.xml",
        f'<mms date="{NOV20}" msg_box="1" m_type="134" address="13912345678"><parts/></mms>',
    )
    assert import_files(store, [xml]).files[0].skipped_reasons == {"delivery report (not a message)": 1}


# ---------------------------------------------------------------- WAL databases


def _wal_db(folder: Path, keep_wal: bool) -> Path:
    """An mmssms.db in WAL mode; with keep_wal, copied while the last message is still only in the -wal."""
    folder.mkdir()
    path = make_mmssms_db(folder / "work.db", [{"_id": 1, "address": "10086", "date": NOV20, "type": 1, "body": "一"}])
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("INSERT INTO sms (_id, address, date, type, body) VALUES (2, '10086', ?, 1, '二')", (NOV20 + 1000,))
    conn.commit()
    target = folder / "mmssms.db"
    if keep_wal:
        shutil.copyfile(path, target)
        shutil.copyfile(folder / "work.db-wal", folder / "mmssms.db-wal")
    conn.close()
    if not keep_wal:
        shutil.copyfile(path, target)
    return target


def test_a_wal_file_beside_the_database_is_read_and_recorded(tmp_path, store, cli):
    path = _wal_db(tmp_path / "phone", keep_wal=True)
    result = cli("import", "--json", str(path))
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)["files"][0]
    wal = path.with_name("mmssms.db-wal")
    import hashlib

    assert summary["wal"] == {
        "file": "mmssms.db-wal",
        "size": wal.stat().st_size,
        "sha256": hashlib.sha256(wal.read_bytes()).hexdigest(),
    }
    assert summary["new"] == 2 and summary["warnings"] == []


def test_a_wal_mode_database_without_its_wal_file_is_imported_with_a_warning(tmp_path, store, cli):
    path = _wal_db(tmp_path / "phone", keep_wal=False)
    result = cli("--lang", "en", "import", "--json", str(path))  # the store is Chinese: its words would be too
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)["files"][0]
    assert summary["wal"] is None
    assert len(summary["warnings"]) == 1 and "mmssms.db-wal is not beside it" in summary["warnings"][0]
    assert "warning: mmssms.db is in WAL mode" in result.stderr


# ---------------------------------------------------------------- text files


def test_auto_detection_of_a_file_without_newlines_stays_bounded(tmp_path, store, db_path):
    """300 MB without a newline under a 250 MB address-space cap: the first line used to be read whole."""
    path = tmp_path / "export.csv"
    with path.open("wb") as handle:
        for _ in range(300):
            handle.write(b"a" * (1 << 20))
    before = counts(store)
    result = run_limited(["--lang", "en", "import", str(path)], db_path)
    assert_refused(result, "export.csv", store, before)
    assert "line 1 is longer than" in result.stderr


def test_a_csv_of_nul_bytes_stays_bounded(tmp_path, store, db_path):
    path = tmp_path / "nul.csv"
    with path.open("wb") as handle:
        for _ in range(300):
            handle.write(bytes(1 << 20))
    before = counts(store)
    result = run_limited(["--lang", "en", "import", "--format", "csv", str(path)], db_path)
    assert_refused(result, "nul.csv", store, before)
    assert "longer than" in result.stderr


def test_a_csv_line_beyond_the_cap_names_its_line(tmp_path, store):
    before = counts(store)
    path = tmp_path / "calls.csv"
    path.write_text("时间,号码,内容\n2026-11-20 22:13,13912345678,一\n2026-11-20 22:14,1391234567" + "8" * (1 << 20))
    with pytest.raises(InputError, match=r"calls\.csv: line 3 is longer than 1048576 characters"):
        import_files(store, [path])
    assert counts(store) == before


def test_one_element_beyond_the_cap_is_refused_naming_it(tmp_path, store, monkeypatch):
    before = counts(store)
    monkeypatch.setattr(xmlstream, "MAX_ELEMENT", 1 << 20)
    data = base64.b64encode(bytes(3 << 19)).decode()  # 2 MiB of base64 in one part
    body = sms("10086", NOV20, 1, "前") + (
        f'\n<mms date="{NOV20}" msg_box="1" address="10086"><parts>'
        f'<part seq="0" ct="image/jpeg" data="{data[: len(data) // 2]}" />'
        f'<part seq="1" ct="image/jpeg" data="{data[len(data) // 2 :]}" /></parts></mms>'
    )
    path = write_sbr(tmp_path / "sms.xml", body)
    with pytest.raises(InputError, match=r"sms\.xml: refused: one <mms> \(line 6\) is larger than 1 MiB"):
        import_files(store, [path])
    assert counts(store) == before


def test_one_tag_beyond_the_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xmlstream, "MAX_ELEMENT", 1 << 20)
    path = write_sbr(tmp_path / "sms.xml", sms("10086", NOV20, 1, "x" * (3 << 20)))
    with pytest.raises(InputError, match=r"sms\.xml: refused: no tag ends within 1 MiB|larger than 1 MiB"):
        list(sbr.read(path, ImportOptions()))


def test_a_message_longer_than_the_text_cap_is_refused_naming_it(tmp_path, store):
    before = counts(store)
    """SBR accepted a 300 MB body; the wording rules must not get unbounded input."""
    body = sms("10086", NOV20, 1, "短") + "\n" + sms("10086", NOV20 + 1000, 1, "长" * (MAX_TEXT + 1))
    path = write_sbr(tmp_path / "sms.xml", body)
    with pytest.raises(InputError, match=r"sms\.xml: sms\[2\] \(line 6\): a message of 100001 characters"):
        import_files(store, [path])
    assert counts(store) == before


def test_a_date_beyond_the_calendar_is_skipped_not_a_crash(tmp_path, store):
    path = write_sbr(tmp_path / "sms.xml", sms("10086", "9" * 30, 1, "x") + sms("10086", NOV20, 1, "y"))
    summary = import_files(store, [path])
    assert summary.files[0].skipped_reasons == {"date out of range": 1} and summary.files[0].new == 1


def test_an_unknown_xml_encoding_is_refused(tmp_path, store):
    path = tmp_path / "sms.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="x-made-up"?>\n<smses></smses>\n')
    with pytest.raises(InputError, match=r"sms\.xml: the XML declares an encoding nobody knows \('x-made-up'\)"):
        import_files(store, [path])


def test_a_gbk_backup_is_read_as_gbk(tmp_path, store):
    """Converters write GBK XML; expat cannot read multi-byte encodings itself (it raised ValueError)."""
    path = tmp_path / "sms.xml"
    text = f'<?xml version="1.0" encoding="GBK"?>\n<smses>{sms("10086", NOV20, 1, "请还款，否则上门")}</smses>\n'
    path.write_bytes(text.encode("gbk"))
    import_files(store, [path])
    assert [r["text"] for r in event_rows(store)] == ["请还款，否则上门"]


def test_a_time_near_year_one_is_skipped_not_a_crash(tmp_path, store):
    """Found by fuzzing: 0001-01-01 in the borrower's zone cannot be turned into UTC (OverflowError)."""
    path = tmp_path / "calls.csv"
    path.write_text(
        "时间,号码\n0001-01-01 00:00,13912345678\n9999-12-31T23:59:59-12:00,13912345678\n2026-11-20 22:13,10086\n"
    )
    summary = import_files(store, [path])
    assert summary.files[0].skipped_reasons == {"time out of range (before 1900 or after 2999)": 2}
    assert summary.files[0].new == 1


def test_text_that_is_not_utf8_in_a_phone_database_is_kept_and_imported(tmp_path, store):
    """Found by fuzzing: invalid UTF-8 in a TEXT column raised from inside sqlite3 (a crash, or an
    error quoting the whole schema over many lines). The bytes stay whole in the raw record."""
    path = make_mmssms_db(tmp_path / "mmssms.db", [{"_id": 1, "address": "10086", "date": NOV20, "type": 1}])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE sms SET body = CAST(X'e8bf98ff' AS TEXT)")
    conn.commit()
    conn.close()
    import_files(store, [path])
    (row,) = event_rows(store)
    assert row["text"] == "还\ufffd"
    assert json.loads(row["raw"])["body"] == {"base64": base64.b64encode(b"\xe8\xbf\x98\xff").decode()}


def test_a_damaged_schema_is_one_line_of_error(tmp_path, store):
    before = counts(store)
    path = make_mmssms_db(tmp_path / "mmssms.db", [])
    data = bytearray(path.read_bytes())
    at = data.index(b"CREATE TABLE sms")
    data[at + 7] = 0x80  # a byte that is not UTF-8, inside the schema's text
    path.write_bytes(bytes(data))
    with pytest.raises(InputError) as refused:
        import_files(store, [path])
    message = str(refused.value)
    assert "\n" not in message and len(message) < 300 and message.startswith("mmssms.db: "), message
    assert counts(store) == before


@pytest.mark.slow
def test_one_huge_mms_is_refused_within_bounded_memory(tmp_path, store, db_path):
    """A 200 MB <mms> (one base64 part): it used to be held, decoded and stored (1 GB of memory);
    under a 250 MB cap it is refused once 64 MiB of it were read."""
    path = tmp_path / "sms.xml"
    with path.open("w") as handle:
        handle.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<smses count="1">\n<mms date="{NOV20}" msg_box="1" ')
        handle.write('address="10086"><parts><part seq="0" ct="image/jpeg" data="')
        for _ in range(200):
            handle.write("A" * (1 << 20))
        handle.write('" /></parts></mms>\n</smses>\n')
    before = counts(store)
    result = run_limited(["import", str(path)], db_path)
    assert_refused(result, "sms.xml", store, before)
    assert "64 MiB" in result.stderr


def test_a_header_with_a_quoted_newline_is_one_line_of_error(tmp_path, store):
    """Found by fuzzing: the header is the first CSV record, which may span lines; the error quoted it."""
    path = tmp_path / "export.csv"
    path.write_bytes(b'\xe6\x97\xb6\xe9\x97\xb4,"a\nb\x1b[2J"\r\n1,2\r\n')
    with pytest.raises(InputError) as refused:
        import_files(store, [path], format="csv")
    assert "(header: 时间, a[U+000A]b[U+001B][2J)" in str(refused.value)
    assert "\n" not in str(refused.value)
