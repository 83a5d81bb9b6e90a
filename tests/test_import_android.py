"""Android mmssms.db (sms, spam_sms, MMS through pdu/part/addr) and calllog.db, written by the tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers_import import make_calllog_db, make_mmssms_db

from harasslog.importers import ImportOptions, detect, read
from harasslog.models import RawEvent, Skipped

MS = 1763647980000  # 2025-11-20 14:13:00 UTC in milliseconds
AT = datetime(2025, 11, 20, 14, 13, tzinfo=UTC)


def records(path: Path) -> list[RawEvent | Skipped]:
    return list(read(path, "auto", ImportOptions()))


def test_sms_rows(tmp_path: Path) -> None:
    path = make_mmssms_db(
        tmp_path / "mmssms.db",
        [
            {"_id": 11, "address": "+8613800138000", "date": MS, "type": 1, "body": "今天必须还款"},
            {"_id": 12, "address": "+8613800138000", "date": MS + 5000, "type": 2, "body": "我在想办法"},
            {"_id": 13, "address": "CoopMobile", "date": MS, "type": 7, "body": "blocked on an LG phone"},
            {"_id": 14, "address": "10086", "date": MS, "type": 3, "body": "draft"},
            {"_id": 15, "address": "10086", "date": None, "type": 1, "body": "no date"},
        ],
    )
    assert detect(path) == "android-sms"
    first, second, blocked, draft, undated = records(path)
    assert (first.channel, first.direction, first.number_raw, first.text, first.at) == (
        "sms",
        "in",
        "+8613800138000",
        "今天必须还款",
        AT,
    )
    assert first.source_ref == "sms._id=11" and first.raw["body"] == "今天必须还款"
    assert (second.direction, second.at) == ("out", datetime(2025, 11, 20, 14, 13, 5, tzinfo=UTC))
    assert (blocked.number_raw, blocked.status) == ("CoopMobile", "blocked")
    assert (draft.source_ref, draft.reason) == ("sms._id=14", "draft")
    assert (undated.source_ref, undated.reason) == ("sms._id=15", "no date")


def test_samsung_spam_messages_are_imported_as_blocked(tmp_path: Path) -> None:
    path = make_mmssms_db(
        tmp_path / "mmssms.db",
        [{"_id": 1, "address": "10086", "date": MS, "type": 1, "body": "ok"}],
        spam_rows=[{"_id": 1, "address": "+8617012345678", "date": MS, "type": 1, "body": "再不还钱就爆你通讯录"}],
    )
    ok, spam = records(path)
    assert (ok.status, spam.status, spam.source_ref, spam.text) == (
        "unknown",
        "blocked",
        "spam_sms._id=1",
        "再不还钱就爆你通讯录",
    )


def test_mms_dates_are_seconds_and_text_comes_from_parts(tmp_path: Path) -> None:
    path = make_mmssms_db(
        tmp_path / "mmssms.db",
        [],
        pdus=[
            {"_id": 3, "date": MS // 1000, "msg_box": 1, "ct_t": "application/vnd.wap.multipart.related"},
            {"_id": 4, "date": MS // 1000 + 60, "msg_box": 2},
            {"_id": 5, "date": MS // 1000, "msg_box": 3},
        ],
        parts=[
            {"mid": 3, "seq": -1, "ct": "application/smil", "text": "<smil/>"},
            {"mid": 3, "seq": 0, "ct": "text/plain", "text": "这是你家吧"},
            {"mid": 3, "seq": 1, "ct": "image/jpeg", "_data": "/data/user_de/0/app_parts/PART_1.jpg"},
            {"mid": 4, "seq": 0, "ct": "text/plain", "text": "别再发了"},
        ],
        addrs=[
            {"_id": 1, "msg_id": 3, "address": "+8613912345678", "type": 137},
            {"_id": 2, "msg_id": 3, "address": "insert-address-token", "type": 151},
            {"_id": 3, "msg_id": 4, "address": "insert-address-token", "type": 137},
            {"_id": 4, "msg_id": 4, "address": "+8613912345678", "type": 151},
        ],
    )
    incoming, sent, draft = records(path)
    assert (incoming.channel, incoming.direction, incoming.number_raw, incoming.text, incoming.at) == (
        "mms",
        "in",
        "+8613912345678",
        "这是你家吧",
        AT,
    )
    assert incoming.source_ref == "pdu._id=3"
    assert incoming.raw["parts"][2]["_data"] == "/data/user_de/0/app_parts/PART_1.jpg"
    assert (sent.direction, sent.number_raw, sent.text) == ("out", "+8613912345678", "别再发了")
    assert isinstance(draft, Skipped) and draft.reason == "draft"


@pytest.mark.parametrize(
    ("type_", "duration", "direction", "status"),
    [
        (1, 95, "in", "answered"),
        (2, 12, "out", "answered"),
        (2, 0, "out", "unknown"),
        (3, 0, "in", "missed"),
        (4, 20, "in", "voicemail"),
        (5, 0, "in", "rejected"),
        (6, 0, "in", "blocked"),
        (7, 30, "in", "answered"),
    ],
)
def test_call_log_types(tmp_path: Path, type_, duration, direction, status) -> None:
    path = make_calllog_db(
        tmp_path / "calllog.db",
        [{"_id": 9, "number": "+8602161234567", "date": MS, "duration": duration, "type": type_}],
    )
    assert detect(path) == "android-calls"
    (event,) = records(path)
    assert (event.channel, event.direction, event.status, event.duration_s, event.at) == (
        "call",
        direction,
        status,
        duration,
        AT,
    )
    assert (event.source_ref, event.raw["countryiso"]) == ("calls._id=9", None)


def test_call_log_unknown_type_is_skipped(tmp_path: Path) -> None:
    path = make_calllog_db(tmp_path / "calllog.db", [{"_id": 1, "number": "1", "date": MS, "duration": 0, "type": 42}])
    (skipped,) = records(path)
    assert (skipped.source_ref, skipped.reason) == ("calls._id=1", "unknown call type 42")


SAMSUNG = SAMPLES / "android_mmssms_samsung_dfrws2021.db"
EMPTY_AOSP = SAMPLES / "android_mmssms_empty_schema_teleshoes.db"


@pytest.mark.skipif(not SAMSUNG.exists(), reason="../shared/samples not present")
def test_real_samsung_mmssms_reads_every_sms() -> None:
    got = records(SAMSUNG)
    assert len(got) == 32 and all(isinstance(r, RawEvent) for r in got)
    assert got[0].number_raw == "CoopMobile" and got[0].text.startswith("Pour une utilisation optimale")


@pytest.mark.skipif(not EMPTY_AOSP.exists(), reason="../shared/samples not present")
def test_real_empty_aosp_schema_is_detected_and_reads_nothing() -> None:
    assert detect(EMPTY_AOSP) == "android-sms"
    assert records(EMPTY_AOSP) == []
