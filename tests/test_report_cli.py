"""stats and deadlines, on a fixed case."""

from __future__ import annotations

import json

from helpers_report import fill_cn, fill_us


def test_stats_by_day_and_hour(cli, store):
    fill_cn(store)
    result = cli("stats", "--by", "day", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0] == {"key": "2026-11-12", "total": 3, "calls": 1, "sms": 2, "other": 0, "flagged": 2}
    assert [r["key"] for r in rows] == ["2026-11-12", "2026-11-13", "2026-11-14", "2026-11-15"]
    hours = {r["key"]: r["total"] for r in json.loads(cli("stats", "--by", "hour", "--json").stdout)}
    assert hours == {7: 1, 9: 1, 10: 1, 12: 1, 22: 1, 23: 1}  # local time, Asia/Shanghai
    parties = json.loads(cli("stats", "--by", "party", "--json").stdout)
    assert parties[0]["key"] == "某某催收服务公司" and parties[0]["total"] == 3
    assert cli("stats", "--by", "week").exit_code == 2


def test_deadlines_for_a_us_case(cli, us_store, tmp_path):
    fill_us(us_store)
    us_store.close()
    result = cli("deadlines", "--json", db=tmp_path / "us" / "us.db")
    assert result.exit_code == 0, result.stderr
    entries = json.loads(result.stdout)
    fdcpa = [e for e in entries if e["kind"] == "fdcpa"]
    assert {e["deadline"] for e in fdcpa} == {"2027-03-02"}
    assert {e["counted_from"] for e in fdcpa} == {"2026-03-02"}
    assert not [e for e in entries if e["kind"] == "tcpa"]  # a flagged call is no TCPA ground by itself
    call = json.loads(cli("list", "--json", db=tmp_path / "us" / "us.db").stdout)[0]
    assert call["channel"] == "call"
    assert cli("note", str(call["id"]), "#prerecorded voice", db=tmp_path / "us" / "us.db").exit_code == 0
    entries = json.loads(cli("deadlines", "--json", db=tmp_path / "us" / "us.db").stdout)
    tcpa = [e for e in entries if e["kind"] == "tcpa"]
    assert tcpa[0]["deadline"] == "2030-03-02" and tcpa[0]["citation"] == "28 USC 1658(a)"


def test_deadlines_for_a_cn_case(cli, store):
    fill_cn(store)
    entries = json.loads(cli("deadlines", "--json").stdout)
    assert [e["kind"] for e in entries] == ["nfra_decision"]
    from datetime import date

    assert (date.fromisoformat(entries[0]["deadline"]) - date.fromisoformat(entries[0]["counted_from"])).days == 15


def test_report_errors_name_the_flag_the_user_typed(cli, store, tmp_path):
    fill_cn(store)
    out = tmp_path / "x.md"
    bad_period = ("report", "-t", "lawyer", "--since", "2026-11-14", "--until", "2026-11-13T00:00", "-o", str(out))
    result = cli(*bad_period)  # a Chinese profile: told in Chinese
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--until" in result.stderr and "不在开始时间" in result.stderr
    result = cli("--lang", "en", *bad_period)
    assert result.exit_code == 2 and "--until" in result.stderr and "not after the start" in result.stderr
    result = cli("report", "-t", "lawyer", "--template-dir", str(tmp_path / "nowhere"), "-o", str(out))
    assert result.exit_code == 2 and "--template-dir" in result.stderr and "不是文件夹" in result.stderr
    result = cli("--lang", "en", "report", "-t", "lawyer", "--template-dir", str(tmp_path / "nowhere"), "-o", str(out))
    assert result.exit_code == 2 and "--template-dir" in result.stderr and "is not a folder" in result.stderr
    assert not out.exists()


def test_deadlines_for_a_uk_case():
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    from harasslog.deadlines import compute
    from harasslog.models import Finding

    finding = Finding(
        rule_id="UK-HOURS-001",
        category="quiet_hours",
        severity="medium",
        event_ids=(1,),
        start=datetime(2026, 3, 2, 22, 30, tzinfo=UTC),
        end=datetime(2026, 3, 2, 22, 30, tzinfo=UTC),
        explanation="",
    )
    entries = compute("uk", [finding], [], ZoneInfo("Europe/London"), date(2026, 12, 1))
    by_kind = {e.kind: e for e in entries}
    assert by_kind["fos_final_response"].deadline == "2027-01-26"  # eight weeks from today
    assert by_kind["fos_refer"].counted_from == "2026-03-02"
    assert by_kind["fos_refer"].deadline == "2032-03-02"  # six years from the earliest finding
    assert [e.kind for e in entries] == ["fos_final_response", "fos_refer"]  # soonest first


def test_stats_leave_a_withdrawn_entry_out(cli, store):
    fill_cn(store)
    day = next(r for r in json.loads(cli("stats", "--by", "day", "--json").stdout) if r["key"] == "2026-11-12")
    first = next(e for e in json.loads(cli("list", "--json").stdout) if e["at"].startswith("2026-11-12"))
    assert cli("withdraw", str(first["id"]), "--reason", "typed twice").exit_code == 0
    after = next(r for r in json.loads(cli("stats", "--by", "day", "--json").stdout) if r["key"] == "2026-11-12")
    assert after["total"] == day["total"] - 1
