"""One contact, two sources: a carrier's record of what the phone holds stays one event, both kept.

A lawyer counts contacts: a carrier record at 22:13 confirming the SMS the phone holds at 22:13:41
is one contact with two sources, never two contacts; and the second source stays provable.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from helpers_import import call, sms, write_sbr
from test_import_formats_b import events, imported, make_samsung_logs, make_xlsx, ms
from test_tamper import tamper

THREAT = "再不还钱就爆你通讯录，让你全家都知道"
COLLECTOR = "16500000102"
CALLER = "17000000101"


def phone_sms(tmp_path: Path) -> Path:
    """The phone's backup: the threat at 22:13:41 and a message the next morning from the same number."""
    body = "\n".join(
        [sms(COLLECTOR, ms("2026-11-20T22:13:41"), 1, THREAT), sms(COLLECTOR, ms("2026-11-21T08:00:00"), 1, "还钱")]
    )
    return write_sbr(tmp_path / "sms-backup.xml", body, count=2)


def carrier_sms(tmp_path: Path, *rows: list[object], name: str = "短信详单.xlsx") -> Path:
    return make_xlsx(tmp_path / name, [["起始时间", "通信地点", "对方号码", "通信方式", "信息类型", "通信费"], *rows])


def shown(cli, event_id: int) -> dict:
    result = cli("show", str(event_id), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_carrier_record_of_a_phone_sms_is_one_event_with_both_sources(tmp_path: Path, store, cli) -> None:
    imported(cli, phone_sms(tmp_path))
    row = ["2026-11-20 22:13", "北京", COLLECTOR, "接收", "短信", "0.00"]
    record = carrier_sms(tmp_path, row, row)  # the carrier lists it twice: one record, not a second contact
    summary = imported(cli, record)
    assert (summary["new"], summary["duplicate"], summary["corroborated"]) == (0, 1, 1)
    listed = events(cli)
    assert len(listed) == 2  # the count a complaint states does not double
    threat = next(e for e in listed if e["text"] == THREAT)
    sources = shown(cli, threat["id"])["corroborated_by"]
    assert len(sources) == 1
    source = sources[0]
    assert source["source"] == "import:短信详单.xlsx" and source["source_ref"] == "row 2"
    assert (source["at"], source["at_precision"]) == ("2026-11-20T22:13:00+08:00", "minute")  # as the carrier says
    assert source["raw"]["通信地点"] == "北京" and source["text"] is None
    assert source["import"]["format"] == "carrier" and len(source["import"]["sha256"]) == 64
    text = cli("--lang", "en", "show", str(threat["id"])).stdout
    assert "import:短信详单.xlsx row 2" in text and "2026-11-20T22:13+08:00" in text
    # The next month's download overlaps this one: its copy of the record is a duplicate, not a third source.
    overlap = carrier_sms(
        tmp_path,
        ["2026-11-20 22:13", "北京", COLLECTOR, "接收", "短信", "0.00"],
        ["2026-12-01 09:00", "北京", COLLECTOR, "接收", "短信", "0.00"],
        name="短信详单-12月.xlsx",
    )
    again = imported(cli, overlap)
    assert (again["new"], again["duplicate"], again["corroborated"]) == (1, 1, 0)
    assert len(shown(cli, threat["id"])["corroborated_by"]) == 1
    assert cli("verify").exit_code == 0


def test_each_contact_is_confirmed_once_and_the_ones_the_phone_lost_are_added(tmp_path: Path, store, cli) -> None:
    body = "\n".join(call(CALLER, ms(t), 1, 20) for t in ("2026-11-20T22:13:05", "2026-11-20T22:13:50"))
    imported(cli, write_sbr(tmp_path / "calls.xml", body, root="calls", count=2))
    bill = make_xlsx(
        tmp_path / "通话详单.xlsx",
        [
            ["起始时间", "通信地点", "通信方式", "对方号码", "通信时长", "通信类型"],
            ["2026-11-20 22:13:52", "北京", "被叫", CALLER, "22秒", "本地"],
            ["2026-11-20 22:13:06", "北京", "被叫", CALLER, "21秒", "本地"],
            ["2026-11-20 22:14:30", "北京", "被叫", CALLER, "5秒", "本地"],  # deleted from the phone's log
        ],
    )
    summary = imported(cli, bill)
    assert (summary["new"], summary["corroborated"]) == (1, 2)
    listed = events(cli)
    assert [e["at"] for e in listed] == [
        "2026-11-20T22:13:05+08:00", "2026-11-20T22:13:50+08:00", "2026-11-20T22:14:30+08:00",
    ]  # fmt: skip
    # Each phone call got the carrier record nearest to it, with that record's own duration.
    assert [s["duration_s"] for e in listed[:2] for s in shown(cli, e["id"])["corroborated_by"]] == [21, 22]
    assert shown(cli, listed[2]["id"])["corroborated_by"] == []


def test_what_is_not_the_same_contact_stays_apart(tmp_path: Path, store, cli) -> None:
    imported(cli, phone_sms(tmp_path))
    other = carrier_sms(
        tmp_path,
        ["2026-11-20 22:13", "北京", COLLECTOR, "发送", "短信", "0.10"],  # the other direction
        ["2026-11-20 22:15", "北京", COLLECTOR, "接收", "短信", "0.00"],  # two minutes on
        ["2026-11-20 22:13", "北京", "16500000999", "接收", "短信", "0.00"],  # another number
    )
    summary = imported(cli, other)
    assert (summary["new"], summary["corroborated"]) == (3, 0)
    # Two messages of one minute with different texts are two messages, whatever their sources.
    logs = make_samsung_logs(
        tmp_path / "logs.db",
        [{"number": COLLECTOR, "date": ms("2026-11-20T22:13:50"), "type": 1, "logtype": 300, "m_content": "另一条"}],
    )
    assert imported(cli, logs)["corroborated"] == 0 and len(events(cli)) == 6


def test_samsungs_cut_message_corroborates_the_full_one(tmp_path: Path, store, cli) -> None:
    logs = make_samsung_logs(
        tmp_path / "logs.db",
        [{"number": COLLECTOR, "date": ms("2026-11-20T22:13:41"), "type": 1, "logtype": 300, "m_content": THREAT[:8]}],
    )
    summary = imported(cli, logs, phone_sms(tmp_path))  # logs.db named first: read last all the same
    assert (summary["new"], summary["corroborated"]) == (2, 1)
    assert [e["text"] for e in events(cli)] == [THREAT, "还钱"]  # the event holds the whole text


def test_a_call_logged_by_hand_is_confirmed_by_the_phones_log(tmp_path: Path, store, cli) -> None:
    assert cli("add", "call", CALLER, "--at", "2026-11-20 22:13", "--text", "说要去我单位").exit_code == 0
    log = write_sbr(tmp_path / "calls.xml", call(CALLER, ms("2026-11-20T22:13:41"), 1, 65), root="calls")
    assert imported(cli, log)["corroborated"] == 1
    (event,) = events(cli)
    assert (event["source"], event["text"]) == ("typed", "说要去我单位")
    (phone,) = shown(cli, event["id"])["corroborated_by"]
    assert (phone["at"], phone["at_precision"], phone["duration_s"]) == ("2026-11-20T22:13:41+08:00", "second", 65)


def test_calls_of_one_file_never_corroborate_each_other_and_a_reimport_adds_nothing(tmp_path: Path, store, cli) -> None:
    bill = make_xlsx(
        tmp_path / "通话详单.xlsx",
        [
            ["起始时间", "通信方式", "对方号码", "通信时长", "费用"],
            ["2026-11-20 22:13:05", "被叫", CALLER, "3秒", 0],
            ["2026-11-20 22:13:30", "被叫", CALLER, "4秒", 0],
        ],
    )
    assert imported(cli, bill)["new"] == 2
    again = imported(cli, bill)
    assert (again["new"], again["duplicate"], again["corroborated"]) == (0, 2, 0)
    assert len(events(cli)) == 2


def test_in_one_command_the_phones_text_is_the_event_whatever_the_order(tmp_path: Path, store, cli) -> None:
    record = carrier_sms(tmp_path, ["2026-11-20 22:13", "北京", COLLECTOR, "接收", "短信", "0.00"])
    summary = imported(cli, record, phone_sms(tmp_path))  # the carrier's file named first
    assert summary["corroborated"] == 1
    assert [e["text"] for e in events(cli)] == [THREAT, "还钱"]


def test_a_phone_text_matching_an_earlier_carrier_record_is_kept_and_said(tmp_path: Path, store, cli) -> None:
    imported(cli, carrier_sms(tmp_path, ["2026-11-20 22:13", "北京", COLLECTOR, "接收", "短信", "0.00"]))
    result = cli("--lang", "en", "import", str(phone_sms(tmp_path)))
    assert result.exit_code == 0, result.stderr
    assert "1 messages are the same contacts as records imported before that hold no text" in result.stderr
    first = events(cli)[0]
    assert first["text"] is None and shown(cli, first["id"])["corroborated_by"][0]["text"] == THREAT


def test_a_refused_file_leaves_no_corroboration(tmp_path: Path, store, cli, db_path: Path) -> None:
    imported(cli, phone_sms(tmp_path))
    record = carrier_sms(tmp_path, ["2026-11-20 22:13", "北京", COLLECTOR, "接收", "短信", "0.00"])
    broken = tmp_path / "broken.xml"
    broken.write_text("<smses><sms", encoding="utf-8")
    assert cli("import", str(record), str(broken)).exit_code == 2
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT COUNT(*) FROM corroborations").fetchone()[0] == 0
    conn.close()


def test_verify_catches_a_corroboration_changed_removed_or_added_behind_harasslogs_back(
    tmp_path: Path, store, cli, db_path: Path
) -> None:
    imported(cli, phone_sms(tmp_path))
    imported(cli, carrier_sms(tmp_path, ["2026-11-20 22:13", "北京", COLLECTOR, "接收", "短信", "0.00"]))
    assert cli("verify").exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the whole store in its file, to copy
    conn.close()

    def altered(*statements: str) -> str:
        copy = tmp_path / f"copy-{len(list(tmp_path.glob('copy-*')))}.db"
        copy.write_bytes(db_path.read_bytes())
        tamper(copy, *statements)
        result = cli("--lang", "en", "verify", db=copy)
        assert result.exit_code == 1, result.stderr
        return result.stderr

    changed = "corroborations 1: its record was changed without a ledger entry"
    assert changed in altered("UPDATE corroborations SET at = '2026-11-20T14:20:00.000Z'")
    assert changed in altered("UPDATE corroborations SET raw = replace(raw, '北京', '上海')")
    assert changed in altered("UPDATE corroborations SET event_id = 2")  # moved to another event
    assert "corroborations 1: hash was changed" in altered("UPDATE corroborations SET hash = 'ab' || substr(hash, 3)")
    assert "corroborations row 1 was removed" in altered("DELETE FROM corroborations")
    added = altered(
        "INSERT INTO corroborations SELECT 2, 2, import_id, source, source_ref, number_raw, at, tz_offset_min,"
        " at_precision, duration_s, status, text, raw, recorded_at, hash, prev_hash FROM corroborations"
    )
    assert "corroborations row 2 is not in the ledger" in added
