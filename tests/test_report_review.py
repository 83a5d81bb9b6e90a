"""Issue 10: `harasslog review`, where the person who signs decides on every finding."""

from __future__ import annotations

import json
import sqlite3

from harasslog.rules.loader import load_pack

INIT = ("init", "--name", "张三", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")


def _case(cli) -> None:
    """A night call and a threatening SMS: a quiet-hours finding (events 1, 2) and a wording one (2)."""
    assert cli(*INIT).exit_code == 0
    assert cli("add", "call", "13912345678", "--at", "2026-11-20 22:30").exit_code == 0
    assert cli("add", "sms", "13912345678", "--at", "2026-11-20 22:40", "--text", "再不还钱就让你坐牢").exit_code == 0
    assert cli("analyze").exit_code == 0


def _listed(cli) -> dict[str, str]:
    result = cli("review", "list", "--json")
    assert result.exit_code == 0, result.stderr
    return {r["key"]: r["review"] for r in json.loads(result.stdout)}


def _report(cli, tmp_path, name="c.md") -> str:
    out = tmp_path / name
    result = cli("report", "-t", "cn-complaint", "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out.read_text(encoding="utf-8")


def test_interactive_review_worst_first_and_the_dossier_follows(cli, tmp_path):
    _case(cli)
    assert _listed(cli) == {"CN-WORD-LEGAL-001:2": "unreviewed", "CN-HOURS-001:1,2": "unreviewed"}
    # Worst first: the false legal threat (high) is asked about before the night contacts (medium).
    result = cli("review", input="r it was a quote from a film I sent them\na\n")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.index("CN-WORD-LEGAL-001") < result.stdout.index("CN-HOURS-001")
    assert "坐牢" in result.stdout  # the exact words are shown before the question
    assert _listed(cli) == {"CN-WORD-LEGAL-001:2": "reject", "CN-HOURS-001:1,2": "accept"}
    text = _report(cli, tmp_path)
    assert "the complainant reviewed 2 of them: 1 rejected on review are left out" in text
    assert "False legal threat" not in text.split("## 5.")[0]  # the rejected finding is not a fact
    assert "CN-HOURS-001; reviewed: accepted" in text


def test_decisions_survive_reanalysis(cli, tmp_path):
    _case(cli)
    assert cli("review", "reject", "1", "--reason", "not a threat in context").exit_code == 0
    # A new daytime call: the store changes, the next report analyzes again with new finding rows.
    assert cli("add", "call", "13912345678", "--at", "2026-11-21 12:00").exit_code == 0
    text = _report(cli, tmp_path)
    assert _listed(cli)["CN-WORD-LEGAL-001:2"] == "reject"
    assert "1 rejected on review are left out" in text


def test_review_add_labels_the_finding_and_cites_only_the_pack(cli, tmp_path):
    _case(cli)
    result = cli("review", "add", "1", "--category", "pressure", "--note", "said they would tell my parents", "--json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    pack = load_pack("cn")
    own = [c for r in pack.rules if r.category == "pressure" for c in r.citations]
    assert record["citations"] and all(any(c["instrument"] == o.instrument for o in own) for c in record["citations"])
    text = _report(cli, tmp_path)
    assert "REVIEW; added by the complainant (not found by the rules)" in text
    assert "said they would tell my parents" in text


def test_review_refuses_bad_input_in_one_line(cli):
    _case(cli)
    for args in (
        ("review", "add", "1", "--category", "made_up"),
        ("review", "add", "99", "--category", "pressure"),
        ("review", "reject", "1", "--reason", " "),
        ("review", "accept", "7"),
    ):
        result = cli(*args)
        assert result.exit_code == 2, args
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert set(_listed(cli).values()) == {"unreviewed"}


def test_verify_catches_a_tampered_review(cli, db_path):
    _case(cli)
    assert cli("review", "reject", "1", "--reason", "mine").exit_code == 0
    assert cli("verify").exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER reviews_no_update")
    conn.execute("UPDATE reviews SET decision = 'accept'")
    conn.commit()
    conn.close()
    result = cli("verify", "--lang", "en")
    assert result.exit_code == 1
    assert "reviews 1: decision was changed without a ledger entry" in result.stdout + result.stderr


def test_relabel_takes_the_new_categorys_pack_citations(cli, tmp_path):
    _case(cli)
    result = cli("review", "relabel", "CN-WORD-LEGAL-001:2", "--category", "pressure", "--json")
    assert result.exit_code == 0, result.stderr
    pack = load_pack("cn")
    pressure = {c.instrument for r in pack.rules if r.category == "pressure" for c in r.citations}
    assert {c["instrument"] for c in json.loads(result.stdout)["citations"]} == pressure
    text = _report(cli, tmp_path)
    assert "CN-WORD-LEGAL-001; re-labelled on review" in text
