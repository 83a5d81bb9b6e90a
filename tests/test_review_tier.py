"""Issue 11: the review tier end to end. What the wording check is unsure of is shown to a person
("to review", with score, words and why), stored under the run's digest, and reaches a dossier
only once a person accepted it."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from importlib.resources import files
from zoneinfo import ZoneInfo

import pytest

INIT = ("init", "--name", "张三", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
REVIEW_RULE = "CN-REVIEW-TEST-001"
TITLE_EN = "Wording that hints at harm (a person decides)"
# The shipped CN pack plus one review-tier rule: "注意安全" after a debt is often a veiled threat, not always.
REVIEW_PACK = """

[[rules]]
id = "CN-REVIEW-TEST-001"
kind = "wording"
tier = "review"
category = "threat_violence"
severity = "high"
title_zh = "暗示人身伤害的措辞（需人工判断）"
title_en = "Wording that hints at harm (a person decides)"
explanation_zh = "“注意安全”不一定是威胁。"
explanation_en = "\\"Stay safe\\" is not always a threat."
params = { score = 0.55 }
patterns.zh = ["注意安全", "不客气"]
citations = [{ instrument = "中华人民共和国治安管理处罚法", article = "第50条", tag = "S" }]
examples = [
  { text = "欠钱不还，晚上走路注意安全", expect = "match" },
  { text = "天冷注意保暖", expect = "ok" },
]
"""
HINT = "欠钱不还，晚上走路注意安全"  # 注意安全 is characters 9-12
BOTH = "再不还就爆你通讯录，晚上走路注意安全"  # a finding (爆你通讯录) and an item to review (注意安全)


@pytest.fixture
def pack(tmp_path):
    path = tmp_path / "cn-review.toml"
    shipped = files("harasslog.rulepacks").joinpath("cn.toml").read_text(encoding="utf-8")
    path.write_text(shipped + REVIEW_PACK, encoding="utf-8")
    return str(path)


def ok(result):
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def _case(cli, pack) -> None:
    """Event 1: only to review; event 2: a finding and an item to review; event 3: a friend's message."""
    ok(cli(*INIT))
    ok(cli("add", "sms", "13912345678", "--at", "2026-11-20 20:13", "--text", HINT))
    ok(cli("add", "sms", "13912345679", "--at", "2026-11-20 20:15", "--text", BOTH))
    ok(cli("add", "sms", "13912345670", "--at", "2026-11-20 20:16", "--text", "明天一起吃饭，路上注意安全"))
    ok(cli("--lang", "en", "analyze", "--rules", pack))


def test_scan_json_has_review_items_beside_the_findings_tier(cli, pack):
    lines = ok(cli("--lang", "en", "scan", "--rules", pack, "--json", input=f"{HINT}\n欠款尽快处理，别怪我们不客气\n"))
    first, second = (json.loads(line) for line in lines.stdout.splitlines())
    assert first["categories"] == [] and first["matches"] == []
    assert first["review"] == [
        {"category": "threat_violence", "score": 0.55, "text": "注意安全", "start": 9, "end": 13, "why": TITLE_EN}
    ]
    # The findings tier already holds threat_violence over 不客气: nothing more to review there.
    assert second["categories"] == ["threat_violence"] and second["review"] == []
    shown = ok(cli("--lang", "zh", "scan", "--rules", pack, HINT)).stdout
    assert "待复核" in shown and "“注意安全”" in shown and "0.55" in shown


def test_analyze_stores_review_items_apart_from_the_findings(cli, pack, db_path):
    _case(cli, pack)
    findings = json.loads(ok(cli("--lang", "en", "analyze", "--rules", pack, "--json")).stdout)
    assert [(f["rule_id"], f["event_ids"]) for f in findings] == [("CN-WORD-3P-001", [2])]
    both = json.loads(ok(cli("--lang", "en", "analyze", "--rules", pack, "--json", "--with-review")).stdout)
    assert both["findings"] == findings
    assert [(r["rule_id"], r["event_ids"], r["score"], r["key"]) for r in both["review"]] == [
        (REVIEW_RULE, [1], 0.55, f"{REVIEW_RULE}:1"),
        (REVIEW_RULE, [2], 0.55, f"{REVIEW_RULE}:2"),
    ]  # not event 3: a friend's message about dinner is not about a debt
    assert "“注意安全”" in both["review"][0]["explanation"] and TITLE_EN in both["review"][0]["explanation"]
    assert "2 more item(s) to review, 2 not yet decided" in ok(cli("--lang", "en", "analyze", "--rules", pack)).stdout

    from harasslog.db import open_store

    store = open_store(db_path)
    assert {f.tier for f in store.runs.findings()} == {"finding"}
    assert [(f.tier, f.score, f.matches[0].text) for f in store.runs.review_items()] == [
        ("review", 0.55, "注意安全"),
        ("review", 0.55, "注意安全"),
    ]
    store.close()


def test_list_flagged_marks_events_only_to_review(cli, pack, monkeypatch):
    from harasslog.cli.common import out_console

    # One line per row, whatever width the console took when first imported (COLUMNS is read then).
    monkeypatch.setattr(out_console, "_width", 200)
    _case(cli, pack)
    listed = json.loads(ok(cli("list", "--flagged", "--json")).stdout)
    assert [(e["id"], e["flagged"]) for e in listed] == [(1, "review"), (2, "finding")]
    shown = ok(cli("--lang", "en", "list", "--flagged")).stdout
    assert shown.count("(to review)") == 1  # event 1 only: event 2 has a finding
    assert shown.index("(to review)") < shown.index("+8613912345679")  # in event 1's row, before event 2


def test_only_an_accepted_review_item_reaches_the_dossier(cli, pack, tmp_path):
    _case(cli, pack)
    out = tmp_path / "lawyer.md"

    def dossier() -> str:
        ok(cli("report", "-t", "lawyer", "--format", "md", "--lang", "en", "-o", str(out)))
        return out.read_text(encoding="utf-8")

    before = dossier()
    assert REVIEW_RULE not in before and "1 findings covering 1 contacts" in before
    listed = json.loads(ok(cli("review", "list", "--json")).stdout)
    assert [(r["key"], r["tier"], r["review"]) for r in listed][1:] == [
        (f"{REVIEW_RULE}:1", "review", "unreviewed"),
        (f"{REVIEW_RULE}:2", "review", "unreviewed"),
    ]
    ok(cli("review", "accept", f"{REVIEW_RULE}:1", "--reason", "said after two missed payments"))
    ok(cli("review", "reject", f"{REVIEW_RULE}:2", "--reason", "the threat is the other sentence"))
    after = dossier()
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    findings_part = after.split("## 1\\. Findings")[1].split("## 2\\.")[0]
    assert findings_part.count(REVIEW_RULE) == 1  # the accepted one; the rejected one never appears
    assert f"raised for review by the wording check as uncertain; accepted by the complainant on {today}" in after
    assert "2 findings covering 2 contacts" in after
    assert "raised 2 uncertain item(s) for review: the 1 accepted by the complainant" in after


def test_the_walk_shows_an_item_to_review_with_its_score(cli, pack):
    _case(cli, pack)
    shown = ok(cli("--lang", "en", "review", input="s\na\nq\n")).stdout
    assert "to review (the wording check is uncertain, score 0.55)" in shown
    assert '"注意安全"' in shown
    decided = {r["key"]: r["review"] for r in json.loads(ok(cli("review", "list", "--json")).stdout)}
    assert decided[f"{REVIEW_RULE}:1"] == "accept"


@pytest.mark.parametrize("edit", ["UPDATE findings SET score = 0.99", "UPDATE findings SET tier = 'finding'"])
def test_verify_catches_an_edited_review_item(cli, pack, db_path, edit):
    _case(cli, pack)
    ok(cli("verify"))
    conn = sqlite3.connect(db_path)
    conn.execute(f"{edit} WHERE tier = 'review' AND run_id = (SELECT MAX(id) FROM runs)")
    conn.commit()
    conn.close()
    result = cli("--lang", "en", "verify")
    assert result.exit_code == 1
    assert "its findings were changed without a ledger entry" in result.stdout + result.stderr


def test_a_store_from_before_the_review_tier_upgrades_and_verifies(tmp_path, cli):
    """A store at m004 with a chained run: after m006 its finding is of the findings tier, no
    item is to review, and the run's digest still verifies."""
    from sqlite_utils import Database

    from harasslog.db import open_store
    from harasslog.integrity import FINDINGS_DIGEST, findings_digest
    from harasslog.migrations import migrations
    from harasslog.store import Store

    path = tmp_path / "m004.db"
    db = Database(path)
    migrations.apply(db, stop_before="m005_caller")
    old = Store(db, path)
    with old.transaction():
        values = {"pack_id": "cn", "pack_version": "2026.11", "started": "s", "finished": "f", "params": "{}"}
        values["findings_count"] = 1
        old.conn.execute(
            "INSERT INTO runs (pack_id, pack_version, started, finished, params, findings_count)"
            " VALUES (:pack_id, :pack_version, :started, :finished, :params, :findings_count)",
            values,
        )
        old.conn.execute(
            'INSERT INTO findings (run_id, rule_id, category, severity, event_ids, start, "end", explanation,'
            " matches, citations) VALUES (1, 'CN-X', 'insult', 'high', '[]', '2026-11-20T12:00:00Z',"
            " '2026-11-20T12:00:00Z', 'x', '[]', '[]')"
        )
        old.ledger.record("runs", 1, {**values, FINDINGS_DIGEST: findings_digest(old.conn, 1)})
    db.conn.close()
    store = open_store(path, create=False)
    assert store.verify().ok, store.verify().problems
    assert [(f.rule_id, f.tier, f.score) for f in store.runs.findings()] == [("CN-X", "finding", None)]
    assert store.runs.review_items() == []
    store.close()
    ok(cli("verify", db=path))


def test_an_item_no_rule_raised_is_kept_under_model_and_its_category(monkeypatch):
    """The statistical layer's items (rule_id "") are stored as MODEL:<category>, the key a decision
    survives re-analysis by, citing the pack's stable wording rules of that category."""
    from helpers_rules import SHANGHAI, Timeline

    from harasslog.models import ReviewItem
    from harasslog.rules import engine, triage
    from harasslog.rules.loader import load_pack

    def model_only(text, packs, findings=(), *, lang="en", recipient=None, rule_matches=None):
        return [ReviewItem("threat_violence", 0.7, text[9:13], 9, 13, "strongest features", "")]

    monkeypatch.setattr(triage, "review_items", model_only)
    tl = Timeline(SHANGHAI)
    tl.sms("2026-11-20 20:13", HINT)
    pack = load_pack("cn")
    [item] = [f for f in engine.analyze(tl.events, [], pack, tz=SHANGHAI) if f.tier == "review"]
    assert (item.rule_id, item.score, item.event_ids) == ("MODEL:threat_violence", 0.7, (1,))
    assert [(m.text, m.start, m.end) for m in item.matches] == [("注意安全", 9, 13)]
    pack_cites = {
        c
        for r in pack.rules
        if r.kind == "wording" and r.category == "threat_violence" and r.status == "stable" and r.tier == "finding"
        for c in r.citations
    }
    assert item.citations and set(item.citations) <= pack_cites


def test_analyze_names_who_a_third_party_contact_reached_as_recorded(cli):
    ok(cli(*INIT))
    ok(
        cli(
            "add",
            "third-party",
            "--who",
            "我妈妈",
            "--how",
            "sms",
            "--number",
            "13800138000",
            "--at",
            "2026-11-20 20:13",
            "--text",
            "您好，您儿子在我平台的借款已逾期，请您帮忙督促他尽快还款。",
        )
    )
    findings = json.loads(ok(cli("--lang", "zh", "analyze", "--json")).stdout)
    disclosure = [f for f in findings if f["category"] == "privacy_disclosure"]
    assert len(disclosure) == 1 and "我妈妈" in disclosure[0]["explanation"]
