"""Logging by hand, listing, showing, searching and verifying, through the command line."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import stat
from pathlib import Path

import pytest

THREAT = "你再不还钱，我们就把你的事发到你通讯录里所有人，让你全家都知道！"


def records(cli, *args):
    result = cli("list", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_logging_in_chinese_and_listing_as_json(cn):
    assert cn("add", "sms", "+86 138 0013 8000", "--at", "2026年11月20日 22:13", "--text", THREAT).exit_code == 0
    assert cn("add", "call", "13800138000", "--at", "2026-11-20T22:40", "--duration", "1m30s").exit_code == 0
    sms, call = records(cn)
    assert sms == {
        "id": 1,
        "channel": "sms",
        "direction": "in",
        "number": "+8613800138000",
        "number_raw": "+86 138 0013 8000",
        "party": None,
        "at": "2026-11-20T22:13:00+08:00",
        "duration_s": None,
        "status": "unknown",
        "text": THREAT,
        "import_id": None,
        "hash": sms["hash"],
        "source": "typed",
        "at_precision": "minute",
        "withdrawn": None,
        "caller": None,
    }
    assert len(sms["hash"]) == 64
    assert (call["number"], call["at"], call["duration_s"], call["status"]) == (
        "+8613800138000",
        "2026-11-20T22:40:00+08:00",
        90,
        "answered",
    )


def test_logging_in_english_for_a_us_borrower(cli):
    assert cli("init", "--region", "US", "--tz", "America/New_York").exit_code == 0
    result = cli(
        "add", "call", "(202) 555-0188", "--at", "2026-10-09T21:15", "--status", "missed", "--party", "Acme Recovery"
    )
    assert result.exit_code == 0, result.stderr
    [call] = records(cli)
    assert (call["number"], call["at"], call["party"], call["status"]) == (
        "+12025550188",
        "2026-10-09T21:15:00-04:00",
        "Acme Recovery",
        "missed",
    )


def test_a_pasted_message_is_kept_byte_for_byte(cn):
    pasted = "第一行\n  第二行 with spaces  \n😀 &#10; <b>x</b>\n"
    assert cn("add", "sms", "16500000102", "--at", "-1h", input=pasted).exit_code == 0
    [sms] = records(cn)
    assert sms["text"] == pasted[:-1]  # only the terminal's final newline is dropped


def test_filters(cn):
    cn("add", "sms", "10690000888", "--at", "2026-11-01T10:00", "--text", "【示例】您已逾期")
    cn("add", "call", "17000000101", "--at", "2026-11-02T10:00", "--party", "示例催收")
    cn("add", "visit", "--at", "2026-11-03T19:00", "--text", "两人上门")
    assert [r["channel"] for r in records(cn, "--channel", "call")] == ["call"]
    assert [r["number"] for r in records(cn, "--number", "170 0000 0101")] == ["+8617000000101"]
    assert [r["party"] for r in records(cn, "--party", "示例催收")] == ["示例催收"]
    assert [r["channel"] for r in records(cn, "--since", "2026-11-02")] == ["call", "visit"]
    # A bare --until date includes that whole day; a time is taken as given (exclusive).
    assert [r["channel"] for r in records(cn, "--until", "2026-11-02")] == ["sms", "call"]
    assert [r["channel"] for r in records(cn, "--until", "2026-11-02T10:00")] == ["sms"]
    assert len(records(cn, "--limit", "2")) == 2


def test_show_gives_the_whole_record(cn):
    cn(
        "add",
        "third-party",
        "--who",
        "母亲",
        "--how",
        "call",
        "--number",
        "17000000101",
        "--at",
        "2026-11-03T10:00",
        "--text",
        "让她替我还钱",
        "--note",
        "妈妈告诉我的",
    )
    result = cn("show", "1", "--json")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["channel"] == "third_party"
    assert shown["raw"] == {"who": "母亲", "how": "call"}
    assert shown["note"] == "妈妈告诉我的"
    assert shown["tz_offset_min"] == 480


def test_search_finds_chinese_substrings(cn):
    cn("add", "sms", "16500000102", "--at", "2026-11-20T22:13", "--text", THREAT)
    cn("add", "sms", "10690000888", "--at", "2026-11-20T09:00", "--text", "您的账单已出，请按时还款")
    for query, expected in [("通讯录", [1]), ("家人", []), ("全家", [1]), ("还款", [2]), ("按时还款", [2])]:
        result = cn("search", query, "--json")
        assert result.exit_code == 0, result.stderr
        assert [r["id"] for r in json.loads(result.stdout)] == expected, query
    cn("add", "sms", "16500000102", "--at", "2026-11-21T08:00", "--text", "通讯录已经准备好了")
    assert [r["id"] for r in json.loads(cn("search", "通讯录", "--json").stdout)] == [3, 1]


def test_verify_passes_then_fails_after_an_sms_is_edited_in_sqlite(cn, db_path):
    cn("add", "sms", "16500000102", "--at", "2026-11-20T22:13", "--text", THREAT)
    cn("add", "call", "16500000102", "--at", "2026-11-20T22:20")
    ok = cn("verify")
    assert ok.exit_code == 0
    # two events and the profile init wrote; a Chinese borrower's store answers in Chinese
    assert ok.stderr.startswith("完整：3 条账本记录")
    assert cn("--lang", "en", "verify").stderr.startswith("OK: 3 ledger entries")
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER events_evidence_immutable")
    conn.execute("UPDATE events SET text = '请按时还款' WHERE id = 1")
    conn.commit()
    conn.close()
    bad = cn("--lang", "en", "verify")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("ALTERED: events row 1 ")
    report = json.loads(cn("verify", "--json").stdout)
    assert report["ok"] is False and "events row 1" in report["problems"][0]


def test_requests_debts_parties_and_attachments(cn, tmp_path):
    assert cn("party", "add", "示例消费金融", "--kind", "creditor").exit_code == 0
    assert (
        cn(
            "party", "add", "示例催收", "--kind", "agency", "--creditor", "示例消费金融", "--number", "17000000101"
        ).exit_code
        == 0
    )
    assert cn("party", "link", "165 0000 0102", "示例催收").exit_code == 0
    assert cn("debt", "add", "--creditor", "示例消费金融", "--amount", "12800", "--due", "2026-09-01").exit_code == 0
    result = cn(
        "request", "add", "--party", "示例消费金融", "--kind", "pause", "--from", "2026-06-01", "--until", "2027-06-01"
    )
    assert result.exit_code == 0, result.stderr
    cn("add", "call", "16500000102", "--at", "2026-07-01T09:30")
    picture = tmp_path / "screenshot.png"
    picture.write_bytes(b"\x89PNG fake")
    assert cn("attach", "1", str(picture)).exit_code == 0

    parties = {p["name"]: p for p in json.loads(cn("party", "list", "--json").stdout)}
    assert parties["示例催收"]["numbers"] == ["+8616500000102", "+8617000000101"]
    assert parties["示例催收"]["creditor"] == "示例消费金融"
    assert records(cn)[0]["party"] == "示例催收"
    [request] = json.loads(cn("request", "list", "--json").stdout)
    assert (request["kind"], request["from"], request["until"]) == (
        "pause",
        "2026-06-01T00:00:00+08:00",
        "2027-06-01T00:00:00+08:00",
    )
    [debt] = json.loads(cn("debt", "list", "--json").stdout)
    assert (debt["creditor"], debt["amount"], debt["due_date"]) == ("示例消费金融", "12800", "2026-09-01")
    [attachment] = json.loads(cn("show", "1", "--json").stdout)["attachments"]
    assert attachment["name"] == "screenshot.png"
    assert attachment["sha256"] == hashlib.sha256(b"\x89PNG fake").hexdigest()
    assert Path(attachment["path"]).read_bytes() == b"\x89PNG fake"
    assert cn("verify").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ("add", "call", "13800138000", "--at", "yesterday"),
        ("add", "call", "13800138000", "--status", "furious"),
        ("add", "call", "13800138000", "--duration", "a while"),
        ("add", "sms", "13800138000", "--text", ""),
        ("add", "sms", "   ", "--text", "x"),
        ("request", "add", "--party", "X", "--kind", "pause"),
        ("request", "add", "--party", "X", "--kind", "forgive"),
        ("attach", "1", "/nonexistent/file.png"),
        ("show", "99"),
        ("list", "--channel", "fax"),
        ("list", "--party", "nobody"),
        ("debt", "add", "--creditor", "X", "--amount", "lots"),
        ("init", "--tz", "Mars/Olympus"),
        ("init", "--jurisdiction", "fr"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(cn, db_path, args):
    before = sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM ledger").fetchone()[0]
    result = cn(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("harasslog: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM ledger").fetchone()[0] == before


def test_adding_before_init_asks_for_a_profile(cli):
    result = cli("add", "call", "13800138000")
    assert result.exit_code == 2
    assert "harasslog init" in result.stderr


def test_the_store_is_private(cn, db_path):
    cn("add", "call", "13800138000")
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700


def test_db_option_and_environment_choose_the_store(cli, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from harasslog.cli import app

    chosen = tmp_path / "client-a.db"
    monkeypatch.setenv("HARASSLOG_DB", str(chosen))
    result = CliRunner().invoke(app, ["init", "--region", "GB"])
    assert result.exit_code == 0, result.stderr
    assert chosen.exists()
    profile = sqlite3.connect(chosen).execute("SELECT region, tz, jurisdiction FROM profile").fetchone()
    assert profile == ("GB", "Europe/London", "uk")


def test_chinese_messages_with_lang_zh(cli):
    result = cli("--lang", "zh", "init", "--region", "CN")
    assert "证据库已就绪" in result.stderr


def test_a_note_can_change_later_and_the_store_still_verifies(cn):
    cn("add", "call", "17000000101", "--at", "2026-11-02T10:00", "--note", "first thought")
    assert cn("note", "1", "对方自称律师").exit_code == 0
    assert json.loads(cn("show", "1", "--json").stdout)["note"] == "对方自称律师"
    assert cn("verify").exit_code == 0
    assert cn("note", "7", "x").exit_code == 2


@pytest.mark.parametrize("args", [("list",), ("search", "通讯录"), ("party", "add", "X"), ("add", "call", "10086")])
def test_only_init_creates_a_store(cli, db_path, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert f"no store at {db_path}" in result.stderr and "harasslog init" in result.stderr
    assert not db_path.exists()


def test_markup_in_message_text_and_names_prints_literally(cn):
    """Message text is hostile input: Rich markup in it must not style or hide anything."""
    cn("add", "sms", "10690000888", "--at", "2026-11-20T10:00", "--text", "[i]h[/i] 通讯录", "--party", "[b]C[/b]")
    table = cn("list").stdout
    assert "[i]h[/i]" in table and "[b]C[/b]" in table
    assert "[b]C[/b]" in cn("party", "list").stdout
    assert "[i]h[/i]" in cn("search", "通讯录").stdout


def test_verify_on_an_empty_store_says_so(cn):
    result = cn("--lang", "en", "verify")
    assert result.exit_code == 0
    assert result.stderr.startswith("OK: the store is empty")


def test_list_flagged_shows_only_events_in_the_last_analysis(cn):
    cn("add", "sms", "16500000102", "--at", "2026-11-20T12:00", "--text", THREAT, "--party", "示例催收")
    cn("add", "sms", "10690000888", "--at", "2026-11-20T09:00", "--text", "【示例】您的账单已出，请按时还款")
    assert cn("analyze").exit_code == 0
    flagged = records(cn, "--flagged")
    assert [r["text"] for r in flagged] == [THREAT]
    assert "⚑" in cn("list").stdout
