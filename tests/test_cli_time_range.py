"""One reading of --since/--until for every command (issue 9.6).

A bare date as --until includes that whole day, as a person reads "until 20 November"; --since a
bare date starts at its 00:00 local; a time is taken as given. An --until before --since is refused.
"""

from __future__ import annotations

import json

import pytest

TIMES = ("2026-11-19T23:30", "2026-11-20T00:00", "2026-11-20T23:59", "2026-11-21T00:00")


@pytest.fixture
def four_days(cli):
    assert cli("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn").exit_code == 0
    for n, at in enumerate(TIMES):
        result = cli("add", "sms", "13912345678", "--at", at, "--text", f"message {n}")
        assert result.exit_code == 0, result.stderr
    return cli


def listed(cli, *args):
    result = cli("list", "--json", *args)
    assert result.exit_code == 0, result.stderr
    return [r["text"] for r in json.loads(result.stdout)]


def test_list_reads_bare_dates_as_whole_days(four_days):
    assert listed(four_days, "--until", "2026-11-20") == ["message 0", "message 1", "message 2"]
    assert listed(four_days, "--since", "2026-11-20") == ["message 1", "message 2", "message 3"]
    assert listed(four_days, "--since", "2026-11-20", "--until", "2026-11-20") == ["message 1", "message 2"]
    assert listed(four_days, "--until", "2026年11月20日") == ["message 0", "message 1", "message 2"]
    # a time is exclusive, as given
    assert listed(four_days, "--until", "2026-11-20T23:59") == ["message 0", "message 1"]


def test_stats_uses_the_same_period(four_days):
    result = four_days("stats", "--by", "day", "--json", "--since", "2026-11-20", "--until", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert [(r["key"], r["total"]) for r in json.loads(result.stdout)] == [("2026-11-20", 2)]


def test_analyze_uses_the_same_period(four_days):
    result = four_days("--lang", "en", "analyze", "--until", "2026-11-20")
    assert result.exit_code == 0, result.stderr
    assert "from 3 event(s)" in result.stderr


def test_report_uses_the_same_period(four_days, tmp_path):
    out = tmp_path / "binder.md"
    result = four_days(
        "report", "-t", "lawyer", "--lang", "en", "--since", "2026-11-20", "--until", "2026-11-20", "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "message 1" in text and "message 2" in text
    assert "message 0" not in text and "message 3" not in text


@pytest.mark.parametrize(
    "command",
    [
        ("list",),
        ("stats",),
        ("analyze",),
        ("report", "-t", "lawyer", "-o", "never.md"),
    ],
)
def test_until_before_since_is_refused(four_days, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = four_days(*command, "--since", "2026-11-21", "--until", "2026-11-20")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("harasslog: --until: ") and result.stderr.count("\n") == 1, result.stderr
    assert not (tmp_path / "never.md").exists()
