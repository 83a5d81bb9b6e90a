"""Gentle guards (issue 13.4): what looks mistyped is said, once, in the user's language; what would
be guessed is asked on a terminal or refused; nothing is silently chosen or silently changed."""

from __future__ import annotations

import json
import sqlite3

import pytest

from harasslog.cli import evidence
from harasslog.normalize import NumberProblem, number_problem, region_from_locale


def ledger_count(db_path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM ledger").fetchone()[0])
    finally:
        conn.close()


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "region", "problem"),
    [
        ("1380013800", "CN", NumberProblem("cn_mobile_length", "CN", 10)),
        ("138 0013 80001", "CN", NumberProblem("cn_mobile_length", "CN", 12)),
        ("+86 1380013800", "US", NumberProblem("cn_mobile_length", "CN", 10)),
        ("555-0143", "US", NumberProblem("not_valid", "US")),
        ("13800138000", "CN", None),
        ("+1 202 555 0143", "CN", None),  # valid, of a type phonenumbers cannot tell
        ("10086", "CN", None),  # short code
        ("1065502345678", "CN", None),  # 106 SMS gateway
        ("95588", "CN", None),
        ("中国银行", "CN", None),
    ],
)
def test_which_numbers_look_mistyped(raw, region, problem):
    assert number_problem(raw, region) == problem


def test_a_ten_digit_chinese_mobile_is_stored_as_written_with_one_warning_in_chinese(cn):
    result = cn("add", "sms", "1380013800", "--at", "2026-11-20 22:13", "--text", "还钱")
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "注意：1380013800 有 10 位数字，而中国手机号是 11 位；已按原样记录"
    assert lines[1].startswith("已记录 短信 #1")
    [record] = json.loads(cn("list", "--json").stdout)
    assert (record["number"], record["number_raw"]) == ("1380013800", "1380013800")


def test_a_mistyped_number_with_other_bad_input_is_still_one_line_and_nothing_written(cn, db_path):
    before = ledger_count(db_path)
    result = cn("add", "call", "1380013800", "--at", "someday")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("harasslog: "), result.stderr
    assert ledger_count(db_path) == before


def test_a_number_not_valid_in_the_region_is_warned_in_english(us):
    result = us("add", "call", "555-0143", "--at", "2026-11-20 10:00")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == "warning: 555-0143 is not a valid number in US; stored as written"
    [record] = json.loads(us("list", "--json").stdout)
    assert record["number_raw"] == "555-0143"


def test_a_valid_number_gets_no_warning(cn):
    result = cn("add", "call", "13800138000", "--at", "2026-11-20 10:00")
    assert result.exit_code == 0
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]  # only "已记录 ..."


# ---------------------------------------------------------------- SMS text


@pytest.mark.parametrize("text", ["   ", "\n\n", " \t\n "])
def test_a_whitespace_only_sms_is_refused_and_nothing_is_written(cn, db_path, text):
    before = ledger_count(db_path)
    result = cn("add", "sms", "13800138000", "--text", text)
    assert result.exit_code == 2
    assert result.stderr.startswith("harasslog: 短信内容只有空白") and result.stderr.count("\n") == 1
    assert ledger_count(db_path) == before
    piped = cn("add", "sms", "13800138000", input=text)
    assert piped.exit_code == 2
    assert ledger_count(db_path) == before


# ---------------------------------------------------------------- init


def test_init_without_a_region_uses_the_locale_and_says_so(cli, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    result = cli("init")
    assert result.exit_code == 0, result.stderr
    assert "using GB from the system locale en_GB.UTF-8" in result.stderr
    assert "region GB, time zone Europe/London, rules uk" in result.stderr


def test_init_with_nothing_to_go_by_is_refused_before_any_store_exists(cli, db_path, monkeypatch):
    for variable in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    result = cli("init")
    assert result.exit_code == 2
    assert result.stderr.startswith("harasslog: give --region") and result.stderr.count("\n") == 1
    assert not db_path.exists()


def test_init_with_a_jurisdiction_reads_numbers_for_its_country(cli, monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # the jurisdiction given wins over the locale
    result = cli("init", "--jurisdiction", "us", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert "region US, time zone America/New_York, rules us" in result.stderr


def test_init_asks_on_a_terminal(cli, monkeypatch):
    monkeypatch.setattr(evidence, "_interactive", lambda: True)
    monkeypatch.setenv("LANG", "C")
    # An unknown country is asked again; Thailand has no rule pack of its own, so rules and zone are asked.
    result = cli("init", input="XX\nTH\nuk\nAsia/Bangkok\n")
    assert result.exit_code == 0, result.stderr
    assert "unknown region 'XX'" in result.stderr
    assert "region TH, time zone Asia/Bangkok, rules uk" in result.stderr


def test_init_cancelled_at_its_question_leaves_no_store(cli, db_path, monkeypatch):
    monkeypatch.setattr(evidence, "_interactive", lambda: True)
    result = cli("init", input="")
    assert result.exit_code == 130
    assert not db_path.exists()


def test_init_again_without_a_region_keeps_the_profile(cn, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    result = cn("init", "--name", "李四")
    assert result.exit_code == 0, result.stderr
    assert "地区 CN，时区 Asia/Shanghai，规则 cn" in result.stderr


def test_region_from_locale():
    assert region_from_locale({"LANG": "zh_CN.UTF-8"}) == ("CN", "zh_CN.UTF-8")
    assert region_from_locale({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == ("US", "en_US.UTF-8")
    assert region_from_locale({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) is None  # LC_ALL decides
    assert region_from_locale({"LANG": "en"}) is None
    assert region_from_locale({}) is None


# ---------------------------------------------------------------- parties


def test_party_add_without_kind_keeps_the_kind(cn):
    assert cn("party", "add", "某某律师事务所", "--kind", "law_firm").exit_code == 0
    result = cn("party", "add", "某某律师事务所", "--number", "13800138001")
    assert result.exit_code == 0, result.stderr
    assert "'某某律师事务所'（律师事务所）" in result.stderr  # the kind kept, named in the user's language
    assert cn("party", "add", "新机构").exit_code == 0
    kinds = {p["name"]: p["kind"] for p in json.loads(cn("party", "list", "--json").stdout)}
    assert kinds == {"某某律师事务所": "law_firm", "新机构": "unknown"}


def test_party_link_to_an_unknown_party_needs_create_without_a_terminal(cn, db_path):
    assert cn("party", "add", "某某资产管理").exit_code == 0
    before = ledger_count(db_path)
    result = cn("party", "link", "13800138002", "某某资产")
    assert result.exit_code == 2
    assert result.stderr.startswith("harasslog: 没有名为“某某资产”的机构") and result.stderr.count("\n") == 1
    assert ledger_count(db_path) == before
    assert cn("party", "link", "13800138002", "某某资产", "--create").exit_code == 0
    parties = {p["name"]: p["numbers"] for p in json.loads(cn("party", "list", "--json").stdout)}
    assert parties == {"某某资产管理": [], "某某资产": ["+8613800138002"]}


def test_party_link_to_an_unknown_party_asks_on_a_terminal(cn, db_path, monkeypatch):
    monkeypatch.setattr(evidence, "_interactive", lambda: True)
    before = ledger_count(db_path)
    declined = cn("party", "link", "13800138002", "某某资产", input="n\n")
    assert declined.exit_code == 1
    assert ledger_count(db_path) == before
    agreed = cn("party", "link", "13800138002", "某某资产", input="y\n")
    assert agreed.exit_code == 0, agreed.stderr
    [party] = json.loads(cn("party", "list", "--json").stdout)
    assert (party["name"], party["numbers"]) == ("某某资产", ["+8613800138002"])


# ---------------------------------------------------------------- a letter the borrower sent


def test_a_letter_sent_proves_a_cease_request_and_its_words_are_not_the_collectors(cn):
    words = "请停止催收。你们爆我通讯录的行为我将向监管部门投诉"
    result = cn("add", "letter", "--direction", "out", "--at", "2026-11-19", "--text", words, "--party", "某某资产管理")
    assert result.exit_code == 0, result.stderr
    [letter] = json.loads(cn("list", "--json").stdout)
    assert (letter["channel"], letter["direction"], letter["text"]) == ("letter", "out", words)
    result = cn(
        "request", "add", "--party", "某某资产管理", "--kind", "cease_written", "--from", "2026-11-19", "--event", "1"
    )
    assert result.exit_code == 0, result.stderr
    [request] = json.loads(cn("request", "list", "--json").stdout)
    assert (request["kind"], request["event_id"]) == ("cease_written", 1)
    assert cn("verify").exit_code == 0
    # The borrower's own letter quotes a threat: it is not a collector's threat, nor a contact.
    analysis = cn("analyze", "--json")
    assert analysis.exit_code == 0, analysis.stderr
    assert [f for f in json.loads(analysis.stdout) if 1 in f["event_ids"]] == []


def test_every_number_warning_has_its_words_for_after_and_before_storing():
    from harasslog import catalog

    codes = {number_problem("1380013800", "CN").code, number_problem("555-0143", "US").code}
    assert codes == {"cn_mobile_length", "not_valid"}
    for code in codes:
        assert catalog.has(f"cli.guard.{code}") and catalog.has(f"cli.guard.{code}_asking")
