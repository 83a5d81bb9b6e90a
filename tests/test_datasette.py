"""Datasette for lawyers: the store's views, `harasslog datasette`, and Datasette itself reading them.

The view tests need only SQLite; the last ones run Datasette in-process (its test client, no
server, no network) on an immutable store, and are skipped when it is not installed.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
import stat
from datetime import UTC, datetime

import pytest

from harasslog.db import open_store
from harasslog.models import RawEvent


def view(path, name):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(f"SELECT * FROM {name}")]
    finally:
        conn.close()


def test_timeline_shows_local_time_with_offset_the_collector_flags_and_withdrawals(us_store, cli):
    with us_store.transaction():
        agency = us_store.parties.add("Acme Recovery", kind="agency", creditor="Big Bank")
        us_store.numbers.link("2025550199", agency)
        summer = us_store.events.add(RawEvent("call", "in", "2025550199", datetime(2026, 7, 5, 1, 30, tzinfo=UTC)))
        winter = us_store.events.add(
            RawEvent("sms", "in", "2025550177", datetime(2026, 12, 1, 13, 15, 0, 250000, tzinfo=UTC), text="Pay now")
        )
        mistake = us_store.events.add(RawEvent("call", "in", "2025550199", datetime(2026, 12, 2, 15, tzinfo=UTC)))
        us_store.withdrawals.add(mistake, "typed twice")
    assert cli("analyze", db=us_store.path).exit_code == 0  # 21:30 EDT is inside the quiet hours
    rows = {r["event_id"]: r for r in view(us_store.path, "timeline")}
    assert sorted(rows) == [summer, winter, mistake]
    assert rows[summer]["local_time"] == "2026-07-04T21:30:00-04:00"  # daylight saving time
    assert rows[summer]["local_date"] == "2026-07-04"
    assert rows[winter]["local_time"] == "2026-12-01T08:15:00.250-05:00"
    assert (rows[summer]["collector"], rows[summer]["creditor"]) == ("Acme Recovery", "Big Bank")
    assert rows[winter]["collector"] is None and rows[winter]["number"] == "+12025550177"
    assert (rows[summer]["flagged"], json.loads(rows[summer]["flags"])) == (1, ["quiet_hours"])
    assert (rows[winter]["flagged"], rows[winter]["flags"]) == (0, None)
    assert rows[mistake]["withdrawn"] == "typed twice" and rows[mistake]["flagged"] == 0
    with us_store.transaction():  # the borrower moved: local times follow the profile's zone
        us_store.profile.set(tz="Europe/London")
    assert view(us_store.path, "timeline")[0]["local_time"] == "2026-07-05T02:30:00+01:00"
    assert us_store.verify().ok  # views and offsets are no evidence: the chain is untouched


def test_flagged_has_one_row_per_finding_with_the_exact_words(store, cli):
    with store.transaction():
        at = datetime(2026, 11, 20, 14, 13, tzinfo=UTC)
        threat = store.events.add(RawEvent("sms", "in", "13912345678", at, text="再不还钱就爆你通讯录"))
    assert cli("analyze").exit_code == 0
    rows = view(store.path, "flagged")
    by_rule = {r["rule_id"]: r for r in rows}
    assert set(by_rule) == {"CN-WORD-3P-001", "CN-HOURS-001"}  # the words, and 22:13 in Shanghai
    words = by_rule["CN-WORD-3P-001"]
    assert (words["category"], words["severity"], words["event_id"]) == ("threat_third_party", "high", threat)
    assert json.loads(words["words"]) == ["爆你通讯录"]
    assert words["local_time"] == "2026-11-20T22:13:00+08:00" and words["text"] == "再不还钱就爆你通讯录"
    assert by_rule["CN-HOURS-001"]["words"] is None  # conduct: no words to quote
    assert cli("review", "reject", f"CN-WORD-3P-001:{threat}", "--reason", "a friend's joke").exit_code == 0
    assert {r["rule_id"]: r["decision"] for r in view(store.path, "flagged")}["CN-WORD-3P-001"] == "reject"


def test_search_is_current_without_harasslog_search_even_read_only(store, db_path):
    at = datetime(2026, 11, 20, 2, tzinfo=UTC)
    with store.transaction():
        first = store.events.add(RawEvent("sms", "in", "10086", at, text="通讯录第一条"))
    with store.transaction():  # another command, later: no search ran in between
        second = store.events.add(RawEvent("sms", "in", "10086", at.replace(hour=3), text="通讯录第二条"))
    reader = open_store(db_path, readonly=True)
    assert reader.readonly
    assert reader.search.find("通讯录") == [second, first]
    assert reader.search.find("第二") == [second]  # two characters: a substring scan
    assert reader.verify().ok
    reader.close()


def test_a_store_from_before_the_views_is_indexed_on_upgrade_and_still_verifies(tmp_path):
    from sqlite_utils import Database

    from harasslog.migrations import migrations
    from harasslog.store import Store

    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m007_views")  # as an older harasslog left it: never searched
    old = Store(db, path)
    with old.transaction():
        event = old.events.add(RawEvent("sms", "in", "10086", datetime(2026, 11, 20, 2, tzinfo=UTC), text="爆你通讯录"))
    old.close()
    store = open_store(path)
    assert store.search.find("通讯录") == [event]
    assert view(path, "timeline")[0]["local_time"] == "2026-11-20T10:00:00+08:00"  # no profile: China's zone
    assert store.verify().ok
    store.close()


def test_datasette_command_writes_private_metadata_and_says_how_to_serve(cli, db_path, tmp_path):
    assert cli("init", "--region", "US", "--tz", "America/New_York", "--jurisdiction", "us").exit_code == 0
    out = tmp_path / "metadata.json"
    result = cli("--lang", "zh", "datasette", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert f"datasette serve --immutable {db_path} -m {out}" in result.stderr
    meta = json.loads(out.read_text("utf-8"))
    tables = meta["databases"]["case"]["tables"]
    assert tables["timeline"]["title"] == "时间线"
    assert "当地时间" in tables["timeline"]["columns"]["local_time"]
    night = meta["databases"]["case"]["queries"]["night_contacts"]
    assert "21:00" in night["title"] and "> '21:00:00.000' OR clock < '08:00:00.000'" in night["sql"]  # us pack
    printed = cli("--lang", "en", "datasette")
    assert json.loads(printed.stdout)["databases"]["case"]["tables"]["flagged"]["title"] == "Findings"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A small Chinese case, analyzed, then read by Datasette as the README says: --immutable, -m.
    Built once for the tests below, which only read it."""
    datasette_app = pytest.importorskip(
        "datasette.app", reason="Datasette is a test dependency: pip install datasette (or pip install -e '.[test]')"
    )
    from typer.testing import CliRunner

    from harasslog.cli import app

    tmp_path = tmp_path_factory.mktemp("served")
    db_path = tmp_path / "case.db"

    def cli(*args):
        return CliRunner().invoke(app, ["--db", str(db_path), *args], catch_exceptions=False)

    assert cli("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn").exit_code == 0
    assert cli("party", "add", "某某催收", "--kind", "agency", "--number", "13912345678").exit_code == 0
    for args in (
        ("sms", "13912345678", "--at", "2026-11-20T22:13", "--text", "再不还钱就爆你通讯录"),
        ("call", "13912345678", "--at", "2026-11-21T10:00"),
        ("call", "13912345678", "--at", "2026-11-28T09:30"),
        ("call", "13700000000", "--at", "2026-11-21T11:00"),  # logged late: time order is not id order
    ):
        assert cli("add", *args).exit_code == 0
    pause = ("--kind", "pause", "--from", "2026-11-25", "--until", "2027-06-01")
    assert cli("request", "add", "--party", "某某催收", *pause).exit_code == 0
    assert cli("analyze").exit_code == 0
    meta_file = tmp_path / "metadata.json"
    assert cli("datasette", "-o", str(meta_file)).exit_code == 0
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    ds = datasette_app.Datasette(immutables=[str(db_path)], metadata=json.loads(meta_file.read_text("utf-8")))

    def get(path):
        async def fetch():
            return await ds.client.get(path)

        response = asyncio.run(fetch())
        assert response.status_code == 200, response.text
        return response.json()

    yield get
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before  # Datasette wrote nothing


def test_datasette_shows_the_views_a_facet_and_the_canned_queries(served):
    names = {t["name"] for t in served("/case.json")["tables"]} | {v["name"] for v in served("/case.json")["views"]}
    assert {"timeline", "flagged", "events"} <= names
    timeline = served("/case/timeline.json?_shape=array")
    assert [r["local_time"][:16] for r in timeline] == [
        "2026-11-20T22:13",
        "2026-11-21T10:00",
        "2026-11-21T11:00",
        "2026-11-28T09:30",
    ]
    facets = served("/case/timeline.json?_facet=channel")["facet_results"]["channel"]["results"]
    assert {f["value"]: f["count"] for f in facets} == {"call": 3, "sms": 1}
    night = served("/case/night_contacts.json?_shape=array")
    assert [(r["local_time"], r["collector"]) for r in night] == [("2026-11-20T22:13:00+08:00", "某某催收")]
    per_day = served("/case/contacts_per_day.json?_shape=array")
    assert [(r["local_date"], r["collector"], r["contacts"]) for r in per_day] == [
        ("2026-11-20", "某某催收", 1),
        ("2026-11-21", "+8613700000000", 1),
        ("2026-11-21", "某某催收", 1),
        ("2026-11-28", "某某催收", 1),
    ]
    paused = served("/case/pause_contacts.json?_shape=array")
    assert [r["local_time"] for r in paused] == ["2026-11-28T09:30:00+08:00"]
    flagged = served("/case/flagged.json?_shape=array&category=threat_third_party")
    assert [json.loads(r["words"]) for r in flagged] == [["爆你通讯录"]]


def test_datasette_search_finds_chinese_without_harasslog_search_and_a_miss_finds_nothing(served):
    for table in ("timeline", "events"):
        found = served(f"/case/{table}.json?_search=通讯录&_shape=array")
        assert [r["text"] for r in found] == ["再不还钱就爆你通讯录"], table
        assert served(f"/case/{table}.json?_search=法院传票&_shape=array") == [], table
