"""Issue 10: where each event came from, how precise its time is, and withdrawing a mistake.

Through the command line: a date alone is not a night-time call, a future time is refused, the same
call typed twice is caught, a withdrawn entry stays in the log but leaves the counts, and a store
written before these fields existed upgrades and keeps verifying.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers_import import sms, write_sbr
from sqlite_utils import Database

from harasslog.errors import InputError
from harasslog.normalize import parse_past_when

SHANGHAI = ZoneInfo("Asia/Shanghai")


def ok(cli, *args, input=None):
    result = cli(*args, input=input)
    assert result.exit_code == 0, result.stderr
    return result


def records(cli):
    return json.loads(ok(cli, "list", "--json").stdout)


def findings(cli):
    return json.loads(ok(cli, "analyze", "--json").stdout)


# ---------------------------------------------------------------- time precision


def test_a_date_alone_is_not_a_night_call_but_counts_for_its_day(cn):
    ok(cn, "add", "call", "17000000101", "--at", "2026年11月20日", "--status", "missed")
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 23:10", "--status", "missed")
    first, second = records(cn)
    assert (first["at"], first["at_precision"]) == ("2026-11-20T00:00:00+08:00", "day")
    assert second["at_precision"] == "minute"
    night = [f for f in findings(cn) if f["category"] == "quiet_hours"]
    assert [f["event_ids"] for f in night] == [[2]]  # the 23:10 call only, never the date-only one
    for _ in range(5):  # seven unanswered attempts that day: the per-day rule counts the date-only one
        ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 15:00", "--status", "missed", "--force")
    daily = [f for f in findings(cn) if f["category"] == "over_frequency"]
    assert len(daily) == 1 and 1 in daily[0]["event_ids"]


def test_time_not_recorded_is_said_in_list_and_show_in_both_languages(cn):
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20")
    assert "时间未记录" in ok(cn, "list").stdout
    assert "time not recorded" in ok(cn, "--lang", "en", "list").stdout
    assert "00:00" not in ok(cn, "--lang", "en", "list").stdout
    assert "2026-11-20 (time not recorded)" in ok(cn, "--lang", "en", "show", "1").stdout
    assert json.loads(ok(cn, "show", "1", "--json").stdout)["at_precision"] == "day"


@pytest.mark.parametrize(
    ("typed", "precision"),
    [
        ("2026年11月20日", "day"),
        ("2026-11-20", "day"),
        ("2026-11-20 22:13", "minute"),
        ("11月20日晚上10点", "minute"),
        ("2026-11-20T22:13:05", "second"),
        ("2026-11-20T22:13:05+08:00", "second"),
        ("now", "second"),
        ("-2h", "minute"),
        ("-90s", "second"),
        ("-3d", "day"),
    ],
)
def test_the_precision_follows_what_was_typed(cn, typed, precision):
    ok(cn, "add", "call", "17000000101", "--at", typed)
    assert records(cn)[0]["at_precision"] == precision


def test_a_future_time_is_refused_with_one_line_and_nothing_written(cn):
    tomorrow = (datetime.now(SHANGHAI) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    for when in ("2099-01-01", tomorrow):
        result = cn("add", "call", "17000000101", "--at", when)
        assert result.exit_code == 2, result.stderr
        # the cn profile speaks Chinese: "is in the future" (issue 13.3: time errors in the user's language)
        assert "是将来的时间" in result.stderr and len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
    assert records(cn) == []


def test_a_few_minutes_of_clock_skew_are_accepted(cn):
    soon = (datetime.now(SHANGHAI) + timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M")
    ok(cn, "add", "call", "17000000101", "--at", soon)
    assert len(records(cn)) == 1


def test_a_date_without_a_year_in_the_future_is_refused_not_moved_a_year():
    december_1 = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    with pytest.raises(InputError, match="write the year"):
        parse_past_when("12月25日晚上10点", SHANGHAI, now=december_1)


def test_a_date_without_a_year_just_after_new_year_is_last_years():
    january_3 = datetime(2027, 1, 3, 2, 0, tzinfo=UTC)
    moment, precision = parse_past_when("12月25日晚上10点", SHANGHAI, now=january_3)
    assert moment == datetime(2026, 12, 25, 22, 0, tzinfo=SHANGHAI)
    assert precision == "minute"


def test_an_explicit_future_year_is_refused_even_for_chinese_dates():
    with pytest.raises(InputError, match="in the future"):
        parse_past_when("2027年1月1日", SHANGHAI, now=datetime(2026, 12, 1, tzinfo=UTC))


def test_a_csv_keeps_each_cells_precision_and_its_date_only_rows_are_not_night_calls(cn, tmp_path):
    log = tmp_path / "calls.csv"
    log.write_text(
        "时间,号码,类型\n2026-11-20,17000000101,未接\n2026-11-20 23:10,17000000101,未接\n"
        "2026-11-21 23:10:05,17000000101,未接\n",
        encoding="utf-8",
    )
    ok(cn, "import", str(log))
    assert [(e["source"], e["at_precision"]) for e in records(cn)] == [
        ("import:calls.csv", "day"),
        ("import:calls.csv", "minute"),
        ("import:calls.csv", "second"),
    ]
    night = sorted(i for f in findings(cn) if f["category"] == "quiet_hours" for i in f["event_ids"])
    assert night == [2, 3]


# ---------------------------------------------------------------- the same call twice


def test_the_same_call_twice_is_refused_in_a_script_naming_the_first(cn):
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30", "--status", "missed")
    again = cn("add", "call", "+86 170 0000 0101", "--at", "2026-11-20 10:30:40", "--status", "missed")
    assert again.exit_code == 2, again.stderr
    assert "#1" in again.stderr and "--force" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    assert len(records(cn)) == 1
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30", "--status", "missed", "--force")
    assert len(records(cn)) == 2


def test_another_minute_number_or_direction_is_not_a_duplicate(cn):
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30")
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:31")
    ok(cn, "add", "call", "17000000102", "--at", "2026-11-20 10:30")
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30", "--direction", "out")
    ok(cn, "add", "sms", "17000000101", "--at", "2026-11-20 10:30", "--text", "还钱")
    ok(cn, "add", "sms", "17000000101", "--at", "2026-11-20 10:30", "--text", "今天必须还")  # another message
    assert len(records(cn)) == 6
    again = cn("add", "sms", "17000000101", "--at", "2026-11-20 10:30", "--text", "还钱")
    assert again.exit_code == 2 and "#5" in again.stderr, again.stderr


def test_a_withdrawn_entry_does_not_block_logging_it_again(cn):
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30")
    ok(cn, "withdraw", "1", "--reason", "wrong number")
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30")


# ---------------------------------------------------------------- withdraw


def test_a_withdrawn_duplicate_leaves_the_burst_and_the_seven_in_seven_count(us):
    for day in range(1, 8):  # seven calls in seven days: at Reg F's limit, not over it
        ok(us, "add", "call", "2025550188", "--at", f"2026-10-0{day}T10:30", "--status", "missed")
    ok(us, "add", "call", "2025550188", "--at", "2026-10-07T10:30", "--status", "missed", "--force")
    before = {f["rule_id"] for f in findings(us)}
    assert {"US-FREQ-001", "US-BURST-001"} <= before  # the double entry made both
    ok(us, "withdraw", "8", "--reason", "typed twice")
    after = {f["rule_id"] for f in findings(us)}
    assert "US-FREQ-001" not in after and "US-BURST-001" not in after
    listed = records(us)
    assert len(listed) == 8  # still in the full log
    assert listed[-1]["withdrawn"] == "typed twice"
    assert all(e["withdrawn"] is None for e in listed[:-1])


def test_withdraw_json_and_what_list_and_show_say(cn):
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30")
    out = json.loads(ok(cn, "withdraw", "1", "--reason", "重复录入", "--json").stdout)
    assert (out["id"], out["withdrawn"]) == (1, "重复录入")
    assert out["head"] == json.loads(ok(cn, "verify", "--json").stdout)["head"]
    assert "✗" in ok(cn, "list").stdout and "已撤回" in ok(cn, "list").stdout
    assert json.loads(ok(cn, "show", "1", "--json").stdout)["withdrawn"] == "重复录入"
    assert "withdrawn" in ok(cn, "--lang", "en", "list").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("99", "--reason", "x"), "no event with id 99"),
        (("1", "--reason", "  "), "--reason: a withdrawal needs a reason"),
    ],
)
def test_bad_withdrawals_are_one_line_and_exit_2(cn, args, message):
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30")
    result = cn("--lang", "en", "withdraw", *args)  # a cn store: errors would be in Chinese
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert records(cn)[0]["withdrawn"] is None


def test_withdrawing_twice_is_refused(cn):
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30")
    ok(cn, "withdraw", "1", "--reason", "typed twice")
    result = cn("withdraw", "1", "--reason", "again", "--lang", "en")
    assert result.exit_code == 2 and "already withdrawn" in result.stderr
    assert records(cn)[0]["withdrawn"] == "typed twice"


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM withdrawals", "withdrawals row 1 was removed"),
        ("UPDATE withdrawals SET reason = 'other'", "withdrawals 1: reason was changed"),
        (
            "INSERT INTO withdrawals VALUES (2, 'hidden', '2026-11-21T00:00:00.000Z')",
            "withdrawals row 2 is not in the ledger",
        ),
    ],
)
def test_verify_covers_withdrawals(cn, db_path, sql, message):
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30")
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 11:30")
    ok(cn, "withdraw", "1", "--reason", "typed twice")
    ok(cn, "verify")
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER withdrawals_immutable")
    conn.execute("DROP TRIGGER withdrawals_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()
    result = cn("verify", "--lang", "en")
    assert result.exit_code == 1 and message in result.stderr, result.stderr


@pytest.mark.parametrize(
    "sql", ["UPDATE events SET source = 'import:sms.xml'", "UPDATE events SET at_precision = 'second'"]
)
def test_verify_covers_source_and_precision(cn, db_path, sql):
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20")
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER events_provenance_immutable")
    conn.execute(sql)
    conn.commit()
    conn.close()
    result = cn("verify", "--lang", "en")
    assert result.exit_code == 1 and "events row 1" in result.stderr, result.stderr


# ---------------------------------------------------------------- source


def test_each_way_in_says_where_it_came_from(cn, tmp_path):
    ok(cn, "add", "sms", "16500000102", "--at", "2026-11-20 21:00", "--text", "今晚还钱")
    backup = write_sbr(tmp_path / "sms-20261120.xml", sms("16500000102", 1763647980000, 1, "再不还钱就爆你通讯录"))
    ok(cn, "import", str(backup))
    case = tmp_path / "case.toml"
    case.write_text(
        '[[events]]\nchannel = "call"\nnumber = "17000000101"\nat = "2026-11-18"\n',
        encoding="utf-8",
    )
    from harasslog.casefile import apply_case, load_case
    from harasslog.db import open_store

    store = open_store(tmp_path / "case" / "case.db", create=False)
    apply_case(store, load_case(case))
    store.close()
    by_source = {e["source"]: e for e in records(cn)}
    assert set(by_source) == {"typed", "import:sms-20261120.xml", "casefile"}
    assert by_source["casefile"]["at_precision"] == "day"
    assert by_source["import:sms-20261120.xml"]["at_precision"] == "second"
    shown = json.loads(ok(cn, "show", str(by_source["import:sms-20261120.xml"]["id"]), "--json").stdout)
    assert shown["import"]["sha256"] == hashlib.sha256(backup.read_bytes()).hexdigest()
    listed = ok(cn, "list").stdout
    assert {"T", "I", "C"} <= {line.split("│")[2].strip() for line in listed.splitlines() if line.count("│") > 3}
    exported = tmp_path / "events.csv"
    ok(cn, "export", "csv", "-o", str(exported))
    header = exported.read_text(encoding="utf-8").splitlines()[0]
    assert "source" in header and "at_precision" in header and "withdrawn" in header
    ok(cn, "verify")


def test_a_case_file_event_in_the_future_is_refused_and_nothing_written(cn, tmp_path):
    from harasslog.casefile import apply_case, load_case
    from harasslog.db import open_store

    case = tmp_path / "future.toml"
    case.write_text(
        '[[events]]\nchannel = "call"\nnumber = "17000000101"\nat = "2026-11-20 10:00"\n'
        '[[events]]\nchannel = "call"\nnumber = "17000000101"\nat = "2099-11-20 10:00"\n',
        encoding="utf-8",
    )
    store = open_store(tmp_path / "case" / "case.db", create=False)
    with pytest.raises(InputError, match="events #2: 2099-11-20T10:00:00\\+08:00 is in the future"):
        apply_case(store, load_case(case))
    store.close()
    assert records(cn) == []


# ---------------------------------------------------------------- what was said


def test_a_call_keeps_what_the_caller_said(cn):
    said = "你不还钱，我们明天就去你单位找领导"
    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30", "--text", said)
    assert records(cn)[0]["text"] == said


def test_a_letter_can_be_one_the_borrower_sent(cn):
    ok(cn, "add", "letter", "--at", "2026-11-19", "--direction", "out", "--text", "请暂停催收")
    ok(cn, "add", "letter", "--at", "2026-11-18", "--text", "律师函")
    by_text = {e["text"]: e["direction"] for e in records(cn)}
    assert by_text == {"请暂停催收": "out", "律师函": "in"}


# ---------------------------------------------------------------- a store from before m003


def _hash(prev: str, record: dict) -> str:
    """SHA-256 the way a pre-m003 harasslog chained an event (written out here, not imported)."""
    body = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(prev.encode("ascii") + b"\n" + body).hexdigest()


def test_a_store_from_before_provenance_upgrades_derives_and_keeps_verifying(tmp_path):
    from harasslog.db import open_store
    from harasslog.migrations import migrations

    path = tmp_path / "v2.db"
    db = Database(path)
    migrations.apply(db, stop_before="m002_chain_facts")
    db.executescript(
        """
        INSERT INTO profile (id, region, tz, jurisdiction, created_at, updated_at)
            VALUES (1, 'CN', 'Asia/Shanghai', 'cn', 't', 't');
        INSERT INTO imports (id, file_name, sha256, size, format, importer_version, started)
            VALUES (1, 'sms.xml', 'ab', 10, 'sbr', '1', 's');
        """
    )
    migrations.apply(db, stop_before="m003_provenance")  # m002 chains the profile and the import
    conn = db.conn
    prev = conn.execute("SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()[0]
    rows = [  # (source_ref, import_id, at): typed, case file, imported, typed as a date alone
        ("hand", None, "2026-11-20T14:13:00.000Z"),
        ("case.toml events[1]", None, "2026-11-20T15:00:00.000Z"),
        ("sms[1]", 1, "2026-11-20T14:59:07.000Z"),
        ("hand", None, "2026-11-19T16:00:00.000Z"),  # 00:00 in Shanghai
    ]
    for n, (ref, import_id, at) in enumerate(rows, 1):
        row = {
            "id": n,
            "channel": "call",
            "direction": "in",
            "number": "+8617000000101",
            "number_raw": "17000000101",
            "party_id": None,
            "at": at,
            "tz_offset_min": 480,
            "duration_s": None,
            "status": "unknown",
            "text": None,
            "import_id": import_id,
            "source_ref": ref,
            "raw": None,
            "note": None,
            "recorded_at": "2026-11-21T00:00:00.000Z",
        }
        digest = _hash(prev, {"entity": "events", "row": row})
        columns = ", ".join(row)
        conn.execute(
            f"INSERT INTO events ({columns}, hash, prev_hash) VALUES ({', '.join('?' * (len(row) + 2))})",
            (*row.values(), digest, prev),
        )
        conn.execute(
            "INSERT INTO ledger (entity, entity_id, payload, recorded_at, hash, prev_hash)"
            " VALUES ('events', ?, NULL, 'r', ?, ?)",
            (n, digest, prev),
        )
        prev = digest
    conn.commit()
    conn.close()

    store = open_store(path, create=False)
    report = store.verify()
    assert report.ok, report.problems
    events = list(store.events.select())
    by_id = {e.id: (e.source, e.at_precision, e.withdrawn) for e in events}
    assert by_id == {
        1: ("typed", "minute", None),
        2: ("casefile", "minute", None),
        3: ("import:sms.xml", "second", None),
        4: ("typed", "unknown", None),
    }
    with store.transaction():
        store.withdrawals.add(1, "typed twice")
    assert store.verify().ok
    assert next(store.events.select(ids=[1])).withdrawn == "typed twice"
    store.close()


@pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("answer", "code", "count"), [("n", 1, 1), ("y", 0, 2)])
def test_on_a_terminal_the_same_call_twice_is_asked_about(cn, db_path, answer, code, count):
    import os
    import subprocess
    import sys

    ok(cn, "add", "call", "17000000101", "--at", "2026-11-20 10:30")
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-P", "-m", "harasslog", "--db", str(db_path), "--lang", "en"]
        + ["add", "call", "17000000101", "--at", "2026-11-20 10:30"],
        stdin=follower,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    try:
        while b"anyway?" not in seen:
            try:
                chunk = os.read(leader, 1024)
            except OSError:  # EIO: the child closed the terminal without asking
                chunk = b""
            assert chunk, seen
            seen += chunk
        assert b"#1" in seen
        os.write(leader, answer.encode() + b"\n")
        assert proc.wait(timeout=60) == code
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=60)
    assert len(records(cn)) == count
