"""Issue 10 through the CLI: what was said at a visit or in a letter is checked; citations fit."""

from __future__ import annotations

import json

PARTY = "某某资产管理"


def ok(result, code: int = 0):
    assert result.exit_code == code, f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    return result


def wording(cli, *args: str) -> list[dict]:
    findings = json.loads(ok(cli(*args, "analyze", "--json")).stdout)
    return [f for f in findings if f["rule_id"].startswith("CN-WORD-")]


def test_a_visits_words_are_checked_and_said_to_be_the_complainants_record(store, cli) -> None:
    said = "两人上门，说再不还钱就爆通讯录"
    ok(cli("add", "visit", "--at", "2026-11-21 19:20", "--text", said, "--party", PARTY))
    found = wording(cli)
    assert [(f["rule_id"], f["event_ids"]) for f in found] == [("CN-WORD-3P-001", [1])]
    assert found[0]["matches"][0]["text"] == "爆通讯录"
    assert found[0]["explanation"].endswith("“爆通讯录”（据投诉人记录）")
    en = wording(cli, "--lang", "en")
    assert en[0]["explanation"].endswith("(as recorded by the complainant)")


def test_a_letters_words_are_checked_and_quoted_as_written(store, cli) -> None:
    ok(cli("add", "letter", "--at", "2026-11-18", "--text", "律师函：三日内不还款，将派人到你家", "--party", PARTY))
    found = wording(cli)
    assert [f["rule_id"] for f in found] == ["CN-WORD-LEGAL-001"]
    assert "据投诉人记录" not in found[0]["explanation"]  # a letter is the collector's own words


def test_an_sms_legal_threat_cites_no_home_entry_article_but_a_visit_does(store, cli) -> None:
    ok(
        cli(
            "add",
            "sms",
            "13912345678",
            "--at",
            "2026-11-20 10:00",
            "--text",
            "你再不还，明天安排人员上门",
            "--party",
            PARTY,
        )
    )
    ok(cli("add", "visit", "--at", "2026-11-21 10:00", "--text", "再不还，明天安排人员上门", "--party", PARTY))
    found = {f["event_ids"][0]: f for f in wording(cli) if f["rule_id"] == "CN-WORD-LEGAL-001"}
    sms_articles = [c["article"] for c in found[1]["citations"]]
    visit_articles = [c["article"] for c in found[2]["citations"]]
    assert sms_articles and not any("住宅" in a for a in sms_articles)
    assert any("非法侵入他人住宅" in a for a in visit_articles)
    assert all(list(c) == ["instrument", "article", "tag", "url"] for c in found[2]["citations"])


def test_the_lawful_notice_of_suit_is_not_a_finding(store, cli) -> None:
    notice = "我司已委托律师，将于下周向法院提起诉讼，届时法院传票将寄送到您的户籍地址"
    ok(cli("add", "sms", "13912345678", "--at", "2026-11-20 10:00", "--text", notice, "--party", PARTY))
    assert wording(cli) == []


def test_rules_show_says_which_channels_a_citation_is_bound_to(store, cli) -> None:
    shown = ok(cli("--lang", "en", "rules", "show", "CN-WORD-LEGAL-001")).stdout
    assert "(only on: visit)" in shown
