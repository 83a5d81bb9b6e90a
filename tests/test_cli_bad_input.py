"""Every bad input is one line on stderr and exit 2, nothing written (issue 8.10).

Values beyond what a datetime or SQLite's int64 can hold used to escape as OverflowError (exit 3).
"""

from __future__ import annotations

import sqlite3

import pytest

BIG = "99999999999999999999"  # beyond SQLite's int64


@pytest.fixture
def us(cli, db_path):
    assert cli("init", "--region", "US", "--tz", "America/New_York", "--jurisdiction", "us").exit_code == 0
    assert cli("add", "call", "2025550100", "--at", "2026-11-20T10:00").exit_code == 0
    return cli


def ledger(db_path) -> int:
    return sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM ledger").fetchone()[0]


@pytest.mark.parametrize(
    "args",
    [
        ("add", "call", "2025550100", "--at", "9999-12-31"),
        ("add", "call", "2025550100", "--at", "0001-01-01"),
        ("add", "call", "2025550100", "--at", "2062-11-20T10:00"),  # in the future: a typo
        ("add", "call", "2025550100", "--at", "-99999999999999999w"),
        ("add", "call", "2025550100", "--at", "-" + "9" * 400 + "d"),
        ("add", "call", "2025550100", "--at", "2026年13月40日"),
        ("add", "call", "2025550100", "--duration", "10000000000000000000"),
        ("add", "call", "2025550100", "--duration", "9" * 5000),
        ("add", "call", "2025550100", "--duration", "400d"),
        ("add", "call", "2025550100", "--status", "hungup"),
        ("add", "sms", "2025550100", "--direction", "sideways", "--text", "x"),
        ("add", "third-party", "--who", "mother", "--how", "pigeon"),
        ("show", BIG),
        ("show", "0"),
        ("note", BIG, "x"),
        ("attach", BIG, "README.md"),
        ("request", "add", "--party", "X", "--kind", "stop", "--event", BIG),
        ("request", "add", "--party", "X", "--kind", "forever"),
        ("request", "add", "--party", "X", "--kind", "pause", "--until", "9999-12-31"),
        ("list", "--limit", BIG),
        ("list", "--limit", "-1"),
        ("list", "--since", "9999-12-31"),
        ("list", "--until", "9999-12-31"),
        ("list", "--channel", "fax"),
        ("search", "x", "--limit", BIG),
        ("debt", "add", "--creditor", "X", "--amount", "1e999"),
        ("debt", "add", "--creditor", "X", "--amount", "nan"),
        ("debt", "add", "--creditor", "X", "--due", "99999-01-01"),
        ("party", "add", "X", "--kind", "friend"),
        ("stats", "--by", "week"),
        ("analyze", "--fail-on", "huge"),
        ("--lang", "fr", "list"),
        ("report", "-t", "lawyer", "-o", "x.md", "--lang", "fr"),
        ("scan", "--lang", "fr", "x"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(us, db_path, args):
    before = ledger(db_path)
    result = us(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("harasslog: ") and result.stderr.count("\n") == 1, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert ledger(db_path) == before


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("add", "call", "2025550100", "--at", "yesterday-ish"), "--at"),
        (("add", "call", "2025550100", "--duration", "a while"), "--duration"),
        (("list", "--since", "soon"), "--since"),
        (("list", "--until", "9999-12-31"), "--until"),
        (("debt", "add", "--creditor", "X", "--due", "someday"), "--due"),
        (("request", "add", "--party", "X", "--kind", "stop", "--from", "never"), "--from"),
    ],
)
def test_the_message_names_the_flag(us, args, flag):
    result = us(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"harasslog: {flag}: "), result.stderr


def test_fuzzed_times_durations_and_ids_never_escape_as_internal_errors(tmp_path):
    """Whatever is typed for --at, --since/--until, --duration or an id: exit 0 or 2, never 3."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from typer.testing import CliRunner

    from harasslog.cli import app

    db = str(tmp_path / "fuzz.db")
    runner = CliRunner()
    runner.invoke(app, ["--db", db, "init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn"])
    typed = st.one_of(
        st.text(alphabet="0123456789-:+.TZWwdhms年月日时分秒晚上now ", min_size=1, max_size=30),
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.text(min_size=1, max_size=20),
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(value=typed, where=st.sampled_from(["--at", "--duration", "--since", "--until", "show", "note"]))
    def run(value, where):
        if where in ("--at", "--duration"):
            args = ["add", "call", "13912345678", where, value]
        elif where in ("show", "note"):
            args = [where, value] + (["x"] if where == "note" else [])
        else:
            args = ["list", where, value]
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code in (0, 2), (args, result.stderr)
        if result.exit_code == 2:
            assert result.stderr.startswith("harasslog: ") and result.stderr.count("\n") == 1, result.stderr

    run()
