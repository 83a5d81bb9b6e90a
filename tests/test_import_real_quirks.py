"""What real exports broke (issue 12, items 1-8), each on a minimal file built from the documented
schema (formats.md; AOSP telephony and call-log columns; SBR's attributes; iOS sms.db before and
after iOS 6), never a copy of someone's file."""

from __future__ import annotations

import json
import plistlib
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers_import import (
    TYPEDSTREAM_HEAD,
    TYPEDSTREAM_TAIL,
    call,
    counts,
    event_rows,
    make_calllog_db,
    make_ios_calls_db,
    make_ios_sms_db,
    make_mmssms_db,
    write_sbr,
)

from harasslog.importers import ImportOptions, read
from harasslog.importers.typedstream import decode_attributed_body
from harasslog.ingest import import_files
from harasslog.models import RawEvent, Skipped
from harasslog.normalize import normalize_number

# 2026-11-20 10:00 in Shanghai (02:00 UTC): inside the hours a collector may call.
MORNING_MS = int(datetime(2026, 11, 20, 2, 0, tzinfo=UTC).timestamp() * 1000)
APPLE_EPOCH_S = 978307200


def records(path: Path, **options) -> list:
    return list(read(path, "auto", ImportOptions(**options)))


# ---------------------------------------------------------------- 1. mmssms.db with missing columns


def test_mmssms_without_type_reads_received_messages_and_warns(tmp_path: Path, store) -> None:
    path = tmp_path / "mmssms.db"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE sms (_id INTEGER PRIMARY KEY, address TEXT, date INTEGER, body TEXT, service_center TEXT)"
    )
    conn.execute("INSERT INTO sms VALUES (1, '13912345678', ?, '今天还钱', '+8613800100500')", (MORNING_MS,))
    conn.execute("INSERT INTO sms VALUES (2, '13912345678', ?, '好的', NULL)", (MORNING_MS + 60_000,))
    conn.commit()
    conn.close()
    summary = import_files(store, [path])
    (row,) = event_rows(store)
    assert (row["direction"], row["text"], row["number"]) == ("in", "今天还钱", "+8613912345678")
    assert summary.files[0].skipped_reasons == {"no sms type": 1}
    (warning,) = summary.files[0].warnings
    assert "no type column" in warning and "mmssms.db" in warning


def test_mmssms_without_id_columns_is_read_in_rowid_order(tmp_path: Path) -> None:
    """A vendor table with neither `_id` nor `seq`: was refused ("no such column: _id")."""
    path = tmp_path / "mmssms.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE sms (address TEXT, date INTEGER, type INTEGER, body TEXT);
        CREATE TABLE pdu (_id INTEGER PRIMARY KEY, date INTEGER, msg_box INTEGER, m_type INTEGER);
        CREATE TABLE part (mid INTEGER, ct TEXT, text TEXT);
        CREATE TABLE addr (msg_id INTEGER, address TEXT, type INTEGER);
    """)
    conn.execute("INSERT INTO sms VALUES ('13912345678', ?, 1, 'first')", (MORNING_MS,))
    conn.execute("INSERT INTO sms VALUES ('13912345678', ?, 2, 'second')", (MORNING_MS + 1000,))
    conn.execute("INSERT INTO pdu VALUES (7, ?, 1, 132)", (MORNING_MS // 1000,))
    conn.execute("INSERT INTO part VALUES (7, 'text/plain', '彩信正文')")
    conn.execute("INSERT INTO addr VALUES (7, '13912345678', 137)")
    conn.commit()
    conn.close()
    first, second, mms = records(path)
    assert (first.text, first.direction, first.source_ref) == ("first", "in", "sms.rowid=1")
    assert (second.text, second.direction) == ("second", "out")
    assert (mms.channel, mms.text, mms.number_raw, mms.source_ref) == ("mms", "彩信正文", "13912345678", "pdu._id=7")
    assert "_rowid" not in first.raw


# ---------------------------------------------------------------- 2. MMS receipts


@pytest.mark.parametrize(
    ("m_type", "reason"),
    [
        (129, "send confirmation (not a message)"),
        (133, "acknowledgement (not a message)"),
        (135, "read report (not a message)"),
        (134, "delivery report (not a message)"),
    ],
)
def test_mms_receipts_are_skipped_with_a_reason(tmp_path: Path, store, m_type: int, reason: str) -> None:
    pdus = [
        {"_id": 1, "date": MORNING_MS // 1000, "msg_box": 1, "m_type": m_type},
        {"_id": 2, "date": MORNING_MS // 1000, "msg_box": 1, "m_type": 130},  # one waiting to download
        {"_id": 3, "date": MORNING_MS // 1000, "msg_box": 2, "m_type": 128},
    ]
    addrs = [{"msg_id": 2, "address": "13912345678", "type": 137}, {"msg_id": 3, "address": "13912345678", "type": 151}]
    path = make_mmssms_db(tmp_path / "mmssms.db", [], pdus=pdus, addrs=addrs)
    summary = import_files(store, [path])
    assert summary.files[0].skipped_reasons == {reason: 1}
    assert [(r["source_ref"], r["direction"], r["number"]) for r in event_rows(store)] == [
        ("pdu._id=2", "in", "+8613912345678"),
        ("pdu._id=3", "out", "+8613912345678"),
    ]


def test_sbr_mms_read_report_is_skipped(tmp_path: Path) -> None:
    body = (
        f'<mms date="{MORNING_MS}" msg_box="1" m_type="135" address="" read="1"><parts /><addrs /></mms>\n'
        f'<mms date="{MORNING_MS}" msg_box="1" m_type="132" address="13912345678" read="1"><parts>'
        '<part seq="0" ct="text/plain" text="图片" /></parts>'
        '<addrs><addr address="13912345678" type="137" charset="106" /></addrs></mms>'
    )
    report, message = records(write_sbr(tmp_path / "sms.xml", body))
    assert isinstance(report, Skipped) and report.reason == "read report (not a message)"
    assert isinstance(message, RawEvent) and (message.text, message.number_raw) == ("图片", "13912345678")


# ---------------------------------------------------------------- 3. withheld and unknown callers


def test_withheld_callers_have_no_number_and_a_caller_kind(tmp_path: Path, store, cli) -> None:
    sbr = write_sbr(
        tmp_path / "calls.xml",
        "\n".join(
            [
                call("-2", MORNING_MS, 3, presentation="2"),
                call("-1", MORNING_MS + 60_000, 3, presentation="3"),
                call("-3", MORNING_MS + 120_000, 1, 20, presentation="4"),
            ]
        ),
        root="calls",
    )
    calllog = make_calllog_db(
        tmp_path / "calllog.db", [{"number": "", "presentation": 2, "date": MORNING_MS + 180_000, "type": 1}]
    )
    ios = make_ios_calls_db(
        tmp_path / "CallHistory.storedata",
        [{"Z_PK": 1, "ZDATE": MORNING_MS / 1000 - APPLE_EPOCH_S + 240, "ZADDRESS": "", "ZANSWERED": 0}],
    )
    result = cli("import", str(sbr), str(calllog), str(ios), "--json")
    assert result.exit_code == 0, result.output
    rows = event_rows(store)
    assert [(r["number"], r["number_raw"], r["caller"]) for r in rows] == [
        (None, "-2", "withheld"),
        (None, "-1", "unknown"),
        (None, "-3", "payphone"),
        (None, "", "withheld"),
        (None, "", "unknown"),
    ]
    assert store.conn.execute("SELECT COUNT(*) FROM numbers").fetchone()[0] == 0  # no short code "2"
    listed = cli("list").stdout
    assert "隐藏号码" in listed and "未知号码" in listed
    shown = json.loads(cli("show", "1", "--json").stdout)
    assert (shown["number"], shown["number_raw"], shown["caller"]) == (None, "-2", "withheld")
    assert "withheld number" in cli("--lang", "en", "show", "1").stdout
    assert cli("verify").exit_code == 0


def test_withheld_calls_count_as_one_unidentified_caller(tmp_path: Path, store, cli) -> None:
    """Four connected calls without a number in one morning, however each phone wrote it: more than
    the 3 a day the CN standard allows from one caller."""
    written = [("-2", "2"), ("-2", "2"), ("-1", "3"), ("", "2")]
    calls = [call(n, MORNING_MS + i * 600_000, 1, 30, presentation=p) for i, (n, p) in enumerate(written)]
    cli("import", str(write_sbr(tmp_path / "calls.xml", "\n".join(calls), root="calls")))
    findings = json.loads(cli("analyze", "--json").stdout)
    freq = [f for f in findings if f["rule_id"] == "CN-FREQ-001"]
    assert len(freq) == 1 and freq[0]["event_ids"] == [1, 2, 3, 4]
    assert "隐藏号码" in cli("analyze").stdout  # the collector column names the unidentified caller


# ---------------------------------------------------------------- 4. iOS failed sends and attributedBody


def test_ios_message_that_failed_to_send_is_skipped(tmp_path: Path) -> None:
    date = (MORNING_MS // 1000 - APPLE_EPOCH_S) * 10**9
    path = make_ios_sms_db(
        tmp_path / "sms.db",
        [(1, "+8613912345678")],
        [
            {"text": "sent", "handle_id": 1, "date": date, "is_from_me": 1, "is_sent": 1},
            {"text": "not delivered", "handle_id": 1, "date": date + 1, "is_from_me": 1, "is_sent": 0, "error": 4},
        ],
    )
    sent, failed = records(path)
    assert isinstance(sent, RawEvent) and sent.direction == "out"
    assert isinstance(failed, Skipped) and failed.reason == "failed to send"


def test_attributed_body_with_a_shared_type_reference_before_the_length() -> None:
    """A reference into the stream's table of types seen (a byte above 0x92) may precede the
    length, as crabstep's typedstream reader allows; the text was lost as "empty message"."""
    text = "再不还款就起诉你".encode()
    blob = TYPEDSTREAM_HEAD + b"\x93" + bytes([len(text)]) + text + TYPEDSTREAM_TAIL
    assert decode_attributed_body(blob) == "再不还款就起诉你"


def test_attributed_body_as_a_keyed_archive() -> None:
    archive = {
        "$version": 100000,
        "$archiver": "NSKeyedArchiver",
        "$top": {"root": plistlib.UID(1)},
        "$objects": [
            "$null",
            {"NSString": plistlib.UID(2), "$class": plistlib.UID(3)},
            {"NS.string": "Pay today or we call your employer", "$class": plistlib.UID(4)},
            {"$classname": "NSAttributedString", "$classes": ["NSAttributedString", "NSObject"]},
            {"$classname": "NSMutableString", "$classes": ["NSMutableString", "NSString", "NSObject"]},
        ],
    }
    blob = plistlib.dumps(archive, fmt=plistlib.FMT_BINARY)
    assert decode_attributed_body(blob) == "Pay today or we call your employer"


# ---------------------------------------------------------------- 5. and 6. CSV


def test_csv_direction_from_the_direction_word_status_from_the_status_word(tmp_path: Path) -> None:
    path = tmp_path / "通话记录.csv"
    path.write_text(
        "时间,号码,类型,时长\n"
        "2026-11-20 10:00,13912345678,呼出已接,58.0\n"
        "2026-11-20 10:01,13912345678,呼出未接,0\n"
        "2026-11-20 10:02,13912345678,呼出挂断,\n"
        "2026-11-20 10:03,13912345678,去电未接通,\n"
        "2026-11-20 10:04,13912345678,拨出未接,\n"
        "2026-11-20 10:05,13912345678,Placed,12.5\n"
        "2026-11-20 10:06,13912345678,未接来电,\n"
        "2026-11-20 10:07,13912345678,Missed,\n"
        "2026-11-20 10:08,13912345678,已接,30\n"
        "2026-11-20 10:09,13912345678,Answered,30\n",
        encoding="utf-8",
    )
    got = [(r.direction, r.status, r.duration_s) for r in records(path)]
    assert got == [
        ("out", "answered", 58),
        ("out", "missed", 0),
        ("out", "rejected", None),
        ("out", "missed", None),
        ("out", "missed", None),
        ("out", "answered", 13),
        ("in", "missed", None),
        ("in", "missed", None),
        ("in", "answered", 30),  # a status word alone means a call that came in, as before
        ("in", "answered", 30),
    ]


def test_csv_type_without_a_direction_is_refused_unless_given(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("Date,Number,Type\n2026-11-20 10:00,13912345678,cellular\n", encoding="utf-8")
    before = counts(store)
    result = cli("import", str(path))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "row 2" in result.stderr and "--direction" in result.stderr
    assert counts(store) == before
    assert cli("import", str(path), "--direction", "out").exit_code == 0
    ((direction, channel),) = [(r["direction"], r["channel"]) for r in event_rows(store)]
    assert (direction, channel) == ("out", "call")


def test_csv_type_naming_only_the_channel_is_read_as_incoming_and_said(tmp_path: Path, store) -> None:
    path = tmp_path / "sms.csv"
    path.write_text("时间,号码,类型,内容\n2026-11-20 10:00,13912345678,短信,还钱\n", encoding="utf-8")
    summary = import_files(store, [path])
    assert [(r["channel"], r["direction"]) for r in event_rows(store)] == [("sms", "in")]
    (warning,) = summary.files[0].warnings
    assert "1 rows" in warning and "--direction out" in warning


def test_headerless_csv_with_columns(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "2026-11-20 10:00,13912345678,接收,今天必须还款\n2026-11-20 10:05,13912345678,来电,\n", encoding="utf-8"
    )
    refused = cli("import", str(path))
    assert refused.exit_code == 2 and "--columns" in refused.stderr
    result = cli("import", str(path), "--columns", "time,number,type,text", "--json")
    assert result.exit_code == 0, result.output
    sms, incoming = event_rows(store)
    assert (sms["channel"], sms["direction"], sms["text"], sms["source_ref"]) == ("sms", "in", "今天必须还款", "row 1")
    assert json.loads(sms["raw"]) == {
        "column 1": "2026-11-20 10:00",
        "column 2": "13912345678",
        "column 3": "接收",
        "column 4": "今天必须还款",
    }
    assert (incoming["channel"], incoming["direction"]) == ("call", "in")
    bad = cli("import", str(path), "--columns", "time,nmbr")
    assert bad.exit_code == 2 and "--columns" in bad.stderr and "nmbr" in bad.stderr


def test_common_english_call_log_headers(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "Call Timestamp,Phone Number,Call Direction,Call Duration,Call Status\n"
        "2026-11-20 10:00:05,+8613912345678,Inbound,61.0,Answered\n",
        encoding="utf-8",
    )
    (event,) = records(path)
    assert (event.channel, event.direction, event.status, event.duration_s) == ("call", "in", "answered", 61)
    assert event.at_precision == "second"


# ---------------------------------------------------------------- 7. regions


def test_any_region_phonenumbers_knows(store, cli) -> None:
    result = cli("init", "--region", "th", "--tz", "Asia/Bangkok")
    assert result.exit_code == 0
    store.profile.forget()
    assert store.region == "TH"
    assert cli("add", "sms", "081 234 5678", "--at", "-1h", "--text", "จ่ายเงิน").exit_code == 0
    assert [r["number"] for r in event_rows(store)] == ["+66812345678"]
    refused = cli("init", "--region", "XX")
    assert refused.exit_code == 2 and "XX" in refused.stderr


def test_number_invalid_for_its_region_is_kept_as_written_and_marked() -> None:
    thai_under_gb = normalize_number("081 234 5678", "GB")
    assert (thai_under_gb.number, thai_under_gb.kind) == ("0812345678", "invalid")
    thai = normalize_number("081 234 5678", "TH")
    assert (thai.number, thai.kind, thai.region) == ("+66812345678", "mobile", "TH")


# ---------------------------------------------------------------- 8. databases of another kind


def test_contacts2_without_calls_names_calllog_db(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "contacts2.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE android_metadata (locale TEXT);
        CREATE TABLE accounts (_id INTEGER PRIMARY KEY, account_name TEXT, account_type TEXT);
        CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY, account_id INTEGER, display_name TEXT);
        CREATE TABLE contacts (_id INTEGER PRIMARY KEY, name_raw_contact_id INTEGER);
        CREATE TABLE data (_id INTEGER PRIMARY KEY, raw_contact_id INTEGER, mimetype_id INTEGER, data1 TEXT);
    """)
    conn.close()
    before = counts(store)
    result = cli("import", str(path))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "contacts2.db" in result.stderr and "calllog.db" in result.stderr
    assert counts(store) == before


def test_ios5_sms_db_is_read(tmp_path: Path) -> None:
    path = tmp_path / "sms.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
        CREATE TABLE msg_group (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER, newest_message INTEGER,
            unread_count INTEGER, hash INTEGER);
        CREATE TABLE group_member (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, group_id INTEGER, address TEXT,
            country TEXT);
        CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT, date INTEGER, text TEXT,
            flags INTEGER, replace INTEGER, svc_center TEXT, group_id INTEGER, association_id INTEGER,
            height INTEGER, UIFlags INTEGER, version INTEGER, subject TEXT, country TEXT, headers BLOB,
            recipients BLOB, read INTEGER, madrid_attributedBody BLOB, madrid_handle TEXT,
            madrid_version INTEGER, madrid_guid TEXT, madrid_type INTEGER, madrid_roomname TEXT,
            madrid_service TEXT, madrid_account TEXT, madrid_flags INTEGER, madrid_attachmentInfo BLOB,
            madrid_url TEXT, madrid_error INTEGER, is_madrid INTEGER, madrid_date_read INTEGER,
            madrid_date_delivered INTEGER, madrid_account_guid TEXT);
    """)
    unix = MORNING_MS // 1000
    rows = [
        ("(202) 555-0143", unix, "Pay now", 2, 0, None, None),
        ("(202) 555-0143", unix + 60, "I will on Friday", 3, 0, None, None),
        ("(202) 555-0143", unix + 120, "never left", 33, 0, None, None),
        (None, unix - APPLE_EPOCH_S + 180, "an iMessage", 0, 1, "+12025550143", 12289),
    ]
    conn.executemany(
        "INSERT INTO message (address, date, text, flags, is_madrid, madrid_handle, madrid_flags)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()
    received, sent, failed, imessage = records(path)
    assert (received.channel, received.direction, received.number_raw, received.text) == (
        "sms",
        "in",
        "(202) 555-0143",
        "Pay now",
    )
    assert received.at == datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    assert (sent.direction, sent.text) == ("out", "I will on Friday")
    assert isinstance(failed, Skipped) and failed.reason == "failed to send"
    assert (imessage.channel, imessage.direction, imessage.number_raw) == ("im", "in", "+12025550143")
    assert imessage.at == datetime(2026, 11, 20, 2, 3, tzinfo=UTC)


def test_csv_withheld_caller_words(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "时间,号码,类型\n2026-11-20 10:00,隐藏号码,未接来电\n2026-11-20 10:01,Unknown,来电\n2026-11-20 10:02,-2,来电\n",
        encoding="utf-8",
    )
    assert [(r.number_raw, r.caller) for r in records(path)] == [
        ("隐藏号码", "withheld"),
        ("Unknown", "unknown"),
        ("-2", "withheld"),
    ]
