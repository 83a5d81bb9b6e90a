"""analyze, scan and rules on the command line: JSON shapes, stored runs, exit codes."""

from __future__ import annotations

import json

import pytest
from helpers_rules import PACK_HEAD

FINDING_KEYS = ["rule_id", "category", "severity", "event_ids", "start", "end", "explanation", "matches", "citations"]
MATCH_KEYS = ["rule_id", "category", "text", "start", "end"]


def ok(result, code: int = 0):
    assert result.exit_code == code, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result


@pytest.fixture
def cn_case(store, cli):
    """Four connected calls on one day from one collector and a threatening SMS from it."""
    for t in ("09:00", "11:00", "14:00", "18:00"):
        ok(cli("add", "call", "13912345678", "--at", f"2026-11-20 {t}", "--duration", "60", "--party", "某某消费金融"))
    ok(
        cli(
            "add",
            "sms",
            "13912345678",
            "--at",
            "2026-11-21 10:00",
            "--text",
            "再不还钱就爆通讯录",
            "--party",
            "某某消费金融",
        )
    )
    return store


def test_analyze_json_has_exactly_the_design_fields(cn_case, cli) -> None:
    findings = json.loads(ok(cli("analyze", "--json")).stdout)
    assert {f["rule_id"] for f in findings} == {"CN-FREQ-001", "CN-WORD-3P-001"}
    for f in findings:
        assert list(f) == FINDING_KEYS
        assert f["start"].endswith("+08:00") and f["end"].endswith("+08:00")
        assert all(list(c) == ["instrument", "article", "tag", "url"] for c in f["citations"])
    freq = next(f for f in findings if f["rule_id"] == "CN-FREQ-001")
    assert freq["event_ids"] == [1, 2, 3, 4]
    assert freq["explanation"] == "2026-11-20 接通电话 4 次（上限 3 次）"  # the CN profile speaks Chinese
    assert freq["start"] == "2026-11-20T09:00:00+08:00"
    words = next(f for f in findings if f["rule_id"] == "CN-WORD-3P-001")
    assert [list(m) for m in words["matches"]] == [MATCH_KEYS]
    assert words["matches"][0]["text"] == "爆通讯录"


def test_explanations_follow_the_lang_option(cn_case, cli) -> None:
    findings = json.loads(ok(cli("--lang", "en", "analyze", "--json")).stdout)
    assert "4 connected calls on 2026-11-20 (limit 3)" in [f["explanation"] for f in findings]


def test_analyze_stores_the_run_and_its_findings(cn_case, cli) -> None:
    ok(cli("analyze"))
    run = cn_case.runs.last()
    assert run["pack_id"] == "cn"
    assert {f.rule_id for f in cn_case.runs.findings()} == {"CN-FREQ-001", "CN-WORD-3P-001"}


def test_analyze_prints_a_summary_for_people(cn_case, cli) -> None:
    result = ok(cli("--lang", "en", "analyze"))
    assert "over_frequency" in result.stdout and "threat_third_party" in result.stdout
    assert "某某消费金融" in result.stdout
    assert "2 finding(s)" in result.stderr


def test_fail_on_exits_1_only_at_or_above_the_severity(cn_case, cli) -> None:
    ok(cli("analyze", "--fail-on", "high"), 1)  # the threat is high
    ok(cli("analyze", "--fail-on", "critical"), 0)
    result = ok(cli("analyze", "--fail-on", "severe"), 2)
    assert "'--fail-on'" in result.stderr and "'severe'" in result.stderr and "Traceback" not in result.stderr


def test_since_and_until_limit_the_events(cn_case, cli) -> None:
    findings = json.loads(ok(cli("analyze", "--json", "--since", "2026-11-21")).stdout)
    assert [f["rule_id"] for f in findings] == ["CN-WORD-3P-001"]
    # a bare --until date includes that day (issue 9.6): until 11-20 is everything before 11-21
    findings = json.loads(ok(cli("analyze", "--json", "--until", "2026-11-20")).stdout)
    assert [f["rule_id"] for f in findings] == ["CN-FREQ-001"]


def test_analyze_with_another_pack_and_a_pause_request(cn_case, cli) -> None:
    ok(
        cli(
            "request",
            "add",
            "--party",
            "某某消费金融",
            "--kind",
            "pause",
            "--from",
            "2026-11-01",
            "--until",
            "2027-11-01",
        )
    )
    findings = json.loads(ok(cli("analyze", "--json")).stdout)
    pause = [f for f in findings if f["rule_id"] == "CN-REQ-001"]
    assert [f["event_ids"] for f in pause] == [[1, 2, 3, 4], [5]]
    us = json.loads(ok(cli("analyze", "--json", "--rules", "us")).stdout)
    assert all(f["rule_id"].startswith("US-") for f in us)


def test_analyze_with_a_missing_pack_is_one_line_exit_2(cn_case, cli, tmp_path) -> None:
    result = ok(cli("--lang", "en", "analyze", "--rules", str(tmp_path / "nope.toml")), 2)
    assert result.stderr.count("\n") == 1 and "rule pack not found" in result.stderr


def test_scan_text_json_line(cli) -> None:
    result = ok(cli("scan", "再不還錢就爆 通 讯 录", "--json"))
    [line] = result.stdout.splitlines()
    record = json.loads(line)
    assert list(record) == ["text", "categories", "matches", "review", "unchecked"]
    assert record["text"] == "再不還錢就爆 通 讯 录"
    assert record["unchecked"] is None  # the whole message was checked
    assert record["categories"] == ["threat_third_party"]
    assert record["matches"] == [
        {"rule_id": "CN-WORD-3P-001", "category": "threat_third_party", "text": "爆 通 讯 录", "start": 5, "end": 12}
    ]


def test_scan_reads_one_message_per_stdin_line(cli) -> None:
    stdin = "您好，您的账单已逾期，请尽快还款\n\nYou will be arrested today\n你这个老赖\n"
    lines = ok(cli("scan", "--json", input=stdin)).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["categories"] for r in records] == [[], ["false_legal_threat"], ["insult"]]


def test_scan_lang_limits_the_patterns(cli) -> None:
    record = json.loads(ok(cli("scan", "--lang", "en", "--json", "抓你坐牢")).stdout)
    assert record["matches"] == []
    ok(cli("scan", "--lang", "fr", "x"), 2)


def test_scan_without_json_is_readable(cli) -> None:
    result = ok(cli("scan", "马上抓你坐牢"))
    assert "CN-WORD-LEGAL-001" in result.stdout and "坐牢" in result.stdout


def test_rules_list_and_show(cli) -> None:
    rules = json.loads(ok(cli("rules", "list", "--json")).stdout)
    ids = {r["id"] for r in rules}
    assert {"CN-HOURS-001", "US-FREQ-001", "UK-HOURS-001"} <= ids
    cn_only = json.loads(ok(cli("rules", "list", "--pack", "cn", "--json")).stdout)
    assert all(r["pack"] == "cn" for r in cn_only)
    shown = json.loads(ok(cli("rules", "show", "US-FREQ-001", "--json")).stdout)
    assert shown["params"]["max"] == 7 and shown["citations"][0]["tag"] == "V"
    assert "1006.14(b)(2)(i)" in shown["citations"][0]["article"]
    ok(cli("rules", "show", "NOPE-001"), 2)


PACK = (
    PACK_HEAD
    + """

[[rules]]
id = "MY-WORD-001"
kind = "wording"
category = "insult"
severity = "high"
title_zh = "辱骂"
title_en = "Abuse"
explanation_zh = "辱骂"
explanation_en = "Abuse"
citations = [{ instrument = "X", article = "1", tag = "S" }]
patterns.zh = ['老赖']
examples = [{ expect = "match", text = "你这个老赖" }, { expect = "ok", text = "OK_TEXT" }]
"""
)


def test_rules_test_passes_fails_and_refuses(cli, tmp_path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(PACK.replace("OK_TEXT", "您好"), encoding="utf-8")
    assert "0 failed" in ok(cli("rules", "test", str(good))).stdout
    failing = tmp_path / "failing.toml"
    failing.write_text(PACK.replace("OK_TEXT", "老赖"), encoding="utf-8")
    result = ok(cli("rules", "test", str(failing)), 1)
    assert "FAIL MY-WORD-001 example #2" in result.stdout
    broken = tmp_path / "broken.toml"
    broken.write_text(PACK.replace('severity = "high"', 'severity = "bad"'), encoding="utf-8")
    result = ok(cli("rules", "test", str(broken)), 2)
    assert "broken.toml: rule MY-WORD-001: bad severity" in result.stderr


def test_a_user_pack_drives_analyze(cn_case, cli, tmp_path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(PACK.replace("OK_TEXT", "您好").replace("'老赖'", "'通讯录'"), encoding="utf-8")
    findings = json.loads(ok(cli("analyze", "--json", "--rules", str(mine))).stdout)
    assert [(f["rule_id"], f["event_ids"]) for f in findings] == [("MY-WORD-001", [5])]


def test_rules_show_json_includes_conditional_consequences(cli):
    import json as _json

    result = cli("rules", "show", "CN-WORD-3P-001", "--json")
    assert result.exit_code == 0, result.stderr
    shown = _json.loads(result.stdout)
    assert shown["consequences"]["zh"] and shown["conditions"]["zh"]
    assert any("否则" in c for c in shown["conditions"]["zh"])
