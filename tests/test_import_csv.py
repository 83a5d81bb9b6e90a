"""CSV exports: Chinese and English headers, encodings, type words, --map, naive times in the profile zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers_import import counts, event_rows

from harasslog.importers import ImportOptions, detect, read
from harasslog.models import RawEvent, Skipped

SHANGHAI = ZoneInfo("Asia/Shanghai")
CN_ROWS = (
    "时间,号码,类型,内容,时长\n"
    "2026-11-20 22:13:05,13800138000,接收,今晚不还款明天就上门,\n"
    "2026/11/20 22:30,13800138000,未接来电,,\n"
    "2026年11月21日 下午3:05,021-61234567,已接来电,,1分30秒\n"
    "2026-11-21T08:00:00+08:00,13800138000,已发送,我会在周五还款,\n"
)


def records(path: Path, tz=SHANGHAI, mapping=None) -> list[RawEvent | Skipped]:
    return list(read(path, "auto", ImportOptions(tz=tz, mapping=mapping or {})))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"])
def test_chinese_headers_in_every_encoding(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"export-{encoding}.csv"
    path.write_bytes(CN_ROWS.encode(encoding))
    assert detect(path) == "csv"
    sms, missed, answered, sent = records(path)
    assert (sms.channel, sms.direction, sms.number_raw, sms.text) == (
        "sms",
        "in",
        "13800138000",
        "今晚不还款明天就上门",
    )
    assert sms.at == datetime(2026, 11, 20, 22, 13, 5, tzinfo=SHANGHAI)
    assert sms.at.astimezone(UTC) == datetime(2026, 11, 20, 14, 13, 5, tzinfo=UTC)
    assert sms.tz_offset_min == 480 and sms.source_ref == "row 2"
    assert sms.raw == {
        "时间": "2026-11-20 22:13:05",
        "号码": "13800138000",
        "类型": "接收",
        "内容": "今晚不还款明天就上门",
        "时长": "",
    }
    assert (missed.channel, missed.direction, missed.status, missed.text) == ("call", "in", "missed", None)
    assert missed.at == datetime(2026, 11, 20, 22, 30, tzinfo=SHANGHAI)
    assert (answered.channel, answered.status, answered.duration_s, answered.number_raw) == (
        "call",
        "answered",
        90,
        "021-61234567",
    )
    assert answered.at == datetime(2026, 11, 21, 15, 5, tzinfo=SHANGHAI)
    assert (sent.channel, sent.direction, sent.text, sent.source_ref) == ("sms", "out", "我会在周五还款", "row 5")


def test_english_headers_and_words(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "Date,Phone Number,Type,Message,Duration (s)\n"
        "2026-11-20 09:15,+12025550143,Incoming,,45\n"
        "2026-11-20 09:20,+12025550143,Missed call,,0\n"
        "2026-11-20 09:25,+12025550143,Received,We will sue you today,\n"
        "2026-11-20 09:30,+12025550143,Blocked,,\n"
        "1763647980,+12025550143,Outgoing,,12\n",
        encoding="utf-8",
    )
    ny = ZoneInfo("America/New_York")
    answered, missed, text, blocked, epoch = records(path, tz=ny)
    assert (answered.channel, answered.direction, answered.status, answered.duration_s) == (
        "call",
        "in",
        "answered",
        45,
    )
    assert answered.at == datetime(2026, 11, 20, 9, 15, tzinfo=ny)
    assert (missed.status, text.channel, text.text) == ("missed", "sms", "We will sue you today")
    assert (blocked.channel, blocked.status) == ("call", "blocked")
    assert (epoch.direction, epoch.at) == ("out", datetime(2025, 11, 20, 14, 13, tzinfo=UTC))


def test_unknown_header_needs_map(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "hand.csv"
    path.write_text("when it happened,who,what they said\n2026-11-20 22:13,13800138000,还钱\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 2 and "hand.csv" in result.stderr and "--map" in result.stderr
    result = cli(
        "import",
        str(path),
        "--map",
        "when it happened=time",
        "--map",
        "who=number",
        "--map",
        "what they said=text",
        "--json",
    )
    assert result.exit_code == 0, result.output
    (row,) = event_rows(store)
    assert (row["channel"], row["number_raw"], row["text"], row["at"]) == (
        "sms",
        "13800138000",
        "还钱",
        "2026-11-20T14:13:00.000Z",
    )
    assert json.loads(row["raw"]) == {
        "when it happened": "2026-11-20 22:13",
        "who": "13800138000",
        "what they said": "还钱",
    }


def test_map_overrides_a_recognised_column(tmp_path: Path) -> None:
    path = tmp_path / "two-times.csv"
    path.write_text("日期,通话开始时间,号码\n2026-11-01,2026-11-20 22:13,13800138000\n", encoding="utf-8")
    (event,) = records(path, mapping={"通话开始时间": "time", "日期": "ignore"})
    assert event.at == datetime(2026, 11, 20, 22, 13, tzinfo=SHANGHAI)


def test_map_with_unknown_field_or_column_is_refused(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "a.csv"
    path.write_text("时间,号码\n2026-11-20 22:13,10086\n", encoding="utf-8")
    result = cli("import", str(path), "--map", "号码=phone_no")
    assert result.exit_code == 2 and "phone_no" in result.stderr
    result = cli("import", str(path), "--map", "对方=number")
    assert result.exit_code == 2 and "对方" in result.stderr and "a.csv" in result.stderr


def test_bad_time_is_refused_naming_the_row(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "时间,号码,内容\n2026-11-20 22:13,10086,ok\n2026-11-20 22:14,10086,ok\n昨天晚上,10086,x\n", encoding="utf-8"
    )
    before = counts(store)
    result = cli("import", str(path), "--lang", "en")  # the English wording (Chinese: test_zh_everywhere)
    assert result.exit_code == 2
    assert (
        result.stderr.strip() == "harasslog: bad.csv: row 4: cannot read the time '昨天晚上' "
        "(use 2026-11-20 22:13, 2026/11/20 22:13:05, 2026年11月20日 22:13 or ISO 8601)"
    )
    assert counts(store) == before


def test_utf8_file_damaged_later_is_refused_not_read_as_gbk(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "damaged.csv"
    good = "time,number,text\n" + "2026-11-20 22:13,10086,今晚不还款明天就上门\n" * 3
    path.write_bytes(good.encode() + "2026-11-20 22:14,10086,还钱\n".encode("gbk"))
    before = counts(store)
    result = cli("--lang", "en", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip() == "harasslog: damaged.csv: line 5: bytes that are not UTF-8 in a UTF-8 file"
    assert counts(store) == before


def test_gbk_file_with_an_english_header_is_read_as_gbk(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("time,number,text\n2026-11-20 22:13,10086,今晚不还款明天就上门\n".encode("gbk"))
    (event,) = records(path)
    assert event.text == "今晚不还款明天就上门"


def test_empty_rows_and_rows_without_time_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("时间,号码,内容\n\n,10086,no time\n2026-11-20 22:13,10086,ok\n,,\n", encoding="utf-8")
    got = records(path)
    assert [(type(r).__name__, r.source_ref) for r in got] == [
        ("Skipped", "row 2"),
        ("Skipped", "row 3"),
        ("RawEvent", "row 4"),
        ("Skipped", "row 5"),
    ]
    assert [r.reason for r in got if isinstance(r, Skipped)] == ["empty row", "no time", "empty row"]


def test_multiline_text_cell_is_kept_whole(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text(
        '时间,号码,内容\n2026-11-20 22:13,10086,"第一行\n第二行, 还有逗号"\n2026-11-20 22:14,10086,x\n',
        encoding="utf-8",
        newline="",
    )
    first, second = records(path)
    assert first.text == "第一行\n第二行, 还有逗号"
    assert second.source_ref == "row 3"


def test_text_file_that_is_not_an_export_is_refused(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("买菜\n还信用卡\n", encoding="utf-8")
    result = cli("import", str(path))
    assert result.exit_code == 2 and "notes.txt" in result.stderr
