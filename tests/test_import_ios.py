"""iOS sms.db (with attributedBody) and CallHistory.storedata, from databases the tests write."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers_import import TYPEDSTREAM_HEAD, attributed_body, make_ios_calls_db, make_ios_sms_db

from harasslog.importers import ImportOptions, detect, read
from harasslog.importers.typedstream import decode_attributed_body
from harasslog.models import RawEvent, Skipped

# 2025-11-20 14:13:00 UTC is 785340780 s after 2001-01-01 UTC (Unix 1763647980 - 978307200).
APPLE_S = 785340780
APPLE_NS = APPLE_S * 1_000_000_000
AT = datetime(2025, 11, 20, 14, 13, tzinfo=UTC)


def records(path: Path) -> list[RawEvent | Skipped]:
    return list(read(path, "auto", ImportOptions()))


@pytest.mark.parametrize(
    "text",
    [
        "short",
        "您好，您在我司的借款已严重逾期，我们将于明日上门核实您的情况，请保持电话畅通。" * 3,  # > 127 bytes
        "逾期" * 6000,  # > 32 KiB: the four-byte length form
        "emoji 😀 and 中文 at the end：尾",
    ],
)
def test_attributed_body_text_survives_whole(text: str) -> None:
    assert decode_attributed_body(attributed_body(text)) == text


def test_attributed_body_that_is_not_a_typedstream_gives_none() -> None:
    assert decode_attributed_body(b"bplist00....") is None
    assert decode_attributed_body(None) is None
    head = len(TYPEDSTREAM_HEAD)
    assert decode_attributed_body(attributed_body("x")[: head - 2]) is None  # cut before the string
    assert decode_attributed_body(attributed_body("abcdef")[: head + 3]) is None  # cut inside it


def test_sms_db_messages(tmp_path: Path) -> None:
    chinese = "我们是某某资产管理公司，您的欠款已转交我司处理，请于今日内联系，否则后果自负。"
    path = make_ios_sms_db(
        tmp_path / "sms.db",
        handles=[(1, "+8613800138000"), (2, "10690000123")],
        messages=[
            {"text": "还钱", "handle_id": 1, "date": APPLE_NS},  # nanoseconds (iOS 11+)
            {"text": None, "attributedBody": attributed_body(chinese), "handle_id": 1, "date": APPLE_S + 60},
            {"text": "好的", "handle_id": 1, "is_from_me": 1, "date": APPLE_NS + 120 * 10**9},
            {"text": "验证码 1234", "handle_id": 2, "date": APPLE_NS, "service": "iMessage"},
            {"text": "Loved “还钱”", "handle_id": 1, "date": APPLE_NS, "associated_message_type": 2000},
            {"text": None, "handle_id": 1, "date": APPLE_NS, "item_type": 1},
            {"text": "", "handle_id": 1, "date": APPLE_NS},
            {"text": "no date", "handle_id": 1, "date": 0},
        ],
    )
    assert detect(path) == "ios-sms"
    got = records(path)
    first, decoded, mine, imessage = got[:4]
    assert (first.channel, first.direction, first.number_raw, first.text, first.at) == (
        "sms",
        "in",
        "+8613800138000",
        "还钱",
        AT,
    )
    assert first.source_ref == "message.ROWID=1"
    assert first.raw["message"]["guid"] == "guid-1" and first.raw["handle"]["id"] == "+8613800138000"
    assert decoded.text == chinese and decoded.at == datetime(2025, 11, 20, 14, 14, tzinfo=UTC)
    assert "base64" in decoded.raw["message"]["attributedBody"]  # the BLOB is kept, as base64
    assert (mine.direction, mine.text) == ("out", "好的")
    assert (imessage.channel, imessage.number_raw) == ("im", "10690000123")
    assert [(r.source_ref, r.reason) for r in got[4:]] == [
        ("message.ROWID=5", "reaction (tapback)"),
        ("message.ROWID=6", "group or system item"),
        ("message.ROWID=7", "empty message"),
        ("message.ROWID=8", "no date"),
    ]


def test_sms_db_group_message_uses_the_chat_and_attachments_are_listed(tmp_path: Path) -> None:
    path = make_ios_sms_db(
        tmp_path / "sms.db",
        handles=[],
        messages=[{"text": "\ufffc", "handle_id": 0, "is_from_me": 1, "date": APPLE_NS, "cache_has_attachments": 1}],
        chats=[(7, "chat123456789", [1])],
        attachments=[(1, 3, "~/Library/SMS/Attachments/ab/12/IMG_0001.HEIC", "image/heic")],
    )
    (event,) = records(path)
    assert (event.channel, event.direction, event.number_raw, event.text) == ("mms", "out", "chat123456789", "\ufffc")
    assert event.raw["attachments"][0]["filename"] == "~/Library/SMS/Attachments/ab/12/IMG_0001.HEIC"


def test_sms_db_with_a_wal_file_is_read_whole_and_left_untouched(tmp_path: Path) -> None:
    path = make_ios_sms_db(
        tmp_path / "sms.db", handles=[(1, "10086")], messages=[{"text": "a", "handle_id": 1, "date": APPLE_NS}]
    )
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute(
        "INSERT INTO message (guid, text, handle_id, date, service) VALUES ('g2', 'b', 1, ?, 'SMS')", (APPLE_NS,)
    )
    writer.commit()
    wal = path.with_name("sms.db-wal")
    before = (path.read_bytes(), wal.read_bytes())
    assert [r.text for r in records(path)] == ["a", "b"]
    assert (path.read_bytes(), wal.read_bytes()) == before
    writer.close()


@pytest.mark.parametrize(
    ("originated", "answered", "duration", "direction", "status"),
    [
        (0, 1, 62.5, "in", "answered"),
        (0, 0, 0.0, "in", "missed"),
        (1, 0, 30.0, "out", "answered"),
        (1, 0, 0.0, "out", "unknown"),
    ],
)
def test_call_history(tmp_path: Path, originated, answered, duration, direction, status) -> None:
    path = make_ios_calls_db(
        tmp_path / "CallHistory.storedata",
        [
            {
                "Z_PK": 4,
                "ZORIGINATED": originated,
                "ZANSWERED": answered,
                "ZDURATION": duration,
                "ZDATE": APPLE_S + 0.25,
                "ZADDRESS": "+8602161234567",
            }
        ],
    )
    assert detect(path) == "ios-calls"
    (event,) = records(path)
    assert (event.channel, event.direction, event.status, event.duration_s) == (
        "call",
        direction,
        status,
        round(duration),
    )
    assert event.at == datetime(2025, 11, 20, 14, 13, 0, 250000, tzinfo=UTC)
    assert (event.number_raw, event.source_ref) == ("+8602161234567", "ZCALLRECORD.Z_PK=4")
    assert event.raw["ZSERVICE_PROVIDER"] == "com.apple.Telephony"


def test_call_history_address_stored_as_blob(tmp_path: Path) -> None:
    path = make_ios_calls_db(
        tmp_path / "CallHistory.storedata",
        [{"Z_PK": 1, "ZORIGINATED": 0, "ZANSWERED": 0, "ZDURATION": 0.0, "ZDATE": APPLE_S, "ZADDRESS": b"95588"}],
    )
    (event,) = records(path)
    assert event.number_raw == "95588"


REAL_IOS = SAMPLES / "ios_sms_magnetctf2020_amandawills.db"


@pytest.mark.skipif(not REAL_IOS.exists(), reason="../shared/samples not present")
def test_real_ios_sms_db_attributed_bodies_match_text() -> None:
    conn = sqlite3.connect(f"{REAL_IOS.as_uri()}?mode=ro&immutable=1", uri=True)
    rows = conn.execute("SELECT text, attributedBody FROM message WHERE attributedBody IS NOT NULL").fetchall()
    conn.close()
    assert len(rows) == 105
    assert [decode_attributed_body(body) for _, body in rows] == [text for text, _ in rows]
