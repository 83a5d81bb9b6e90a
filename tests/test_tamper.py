"""Tampering done behind harasslog's back (triggers dropped, plain SQLite) that verify must see.

Edits to the facts a dossier states (who the complaint accuses, the borrower's time zone, which
file an event came from, the findings) are caught by the chain alone. A cut at the chain's end or
a full rewrite by someone holding the file can only be caught against a head held outside the
store: those cases go through `verify --head` and `verify --manifest`.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from helpers_import import sms, write_sbr

from harasslog import integrity

THREAT = "再不还钱就爆你通讯录，让你全家都知道"


@pytest.fixture
def case(cli, tmp_path):
    """A store with every table a dossier states as fact: profile, parties and their numbers,
    an import, a debt, a hand-logged event and an analysis run with findings."""

    def ok(*args: str) -> None:
        result = cli(*args)
        assert result.exit_code == 0, result.stderr

    ok("init", "--name", "张三", "--region", "CN", "--tz", "Asia/Shanghai", "--id-number", "11010519491231002X")
    ok("party", "add", "某某催收", "--kind", "agency", "--number", "16500000102")
    ok("debt", "add", "--creditor", "某某消费金融", "--amount", "12000", "--currency", "CNY", "--due", "2026-10-01")
    backup = write_sbr(tmp_path / "sms-backup.xml", sms("16500000102", 1763647980000, 1, THREAT))
    ok("import", str(backup))
    ok("add", "sms", "16500000102", "--at", "2026-11-20T23:30", "--text", "今晚必须还")
    ok("analyze")
    return cli


def tamper(db_path: Path, *statements: str) -> None:
    conn = sqlite3.connect(db_path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def altered(cli, *args: str) -> str:
    result = cli("--lang", "en", "verify", *args)
    assert result.exit_code == 1, result.stderr
    return result.stderr


def head(cli) -> str:
    result = cli("verify", "--json")
    assert result.exit_code == 0, result.stdout
    value = json.loads(result.stdout)["head"]
    assert isinstance(value, str) and len(value) == 64
    return value


def test_the_untouched_case_verifies(case):
    result = case("--lang", "en", "verify")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("OK: ")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("UPDATE parties SET name = '另一家公司' WHERE name = '某某催收'", "parties 1: name was changed"),
        ("UPDATE parties SET kind = 'law_firm' WHERE name = '某某催收'", "parties 1: kind was changed"),
        ("UPDATE profile SET tz = 'America/New_York'", "profile 1: tz was changed"),
        ("UPDATE profile SET name = '李四'", "profile 1: name was changed"),
        ("UPDATE profile SET id_number = '110105194912310000'", "profile 1: id_number was changed"),
        ("UPDATE imports SET file_name = 'other.xml'", "imports 1: file_name was changed"),
        ("UPDATE imports SET sha256 = '" + "0" * 64 + "'", "imports 1: sha256 was changed"),
        ("UPDATE debts SET amount = '1200'", "debts 1: amount was changed"),
        ("UPDATE runs SET pack_version = '1999.1'", "runs 1: pack_version was changed"),
        ("UPDATE findings SET severity = 'low'", "runs 1: its findings were changed"),
        ("DELETE FROM findings WHERE id = 1", "runs 1: its findings were changed"),
        ("UPDATE numbers SET party_id = NULL", "numbers +8616500000102: party_id was changed"),
    ],
)
def test_an_edited_fact_is_caught_and_named(case, db_path, sql, message):
    tamper(db_path, sql)
    assert message in altered(case)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("DELETE FROM debts", "debts row 1 was removed"),
        ("DELETE FROM runs", "runs row 1 was removed"),
        ("DELETE FROM imports", "imports row 1 was removed"),
        ("DELETE FROM numbers", "numbers row +8616500000102 was removed"),
        (
            "INSERT INTO parties (name, kind, created_at) VALUES ('捏造的公司', 'agency', '2026-01-01T00:00:00.000Z')",
            "parties row 3 is not in the ledger",
        ),
        (
            'INSERT INTO findings (run_id, rule_id, category, severity, event_ids, start, "end", explanation,'
            " matches, citations) VALUES (99, 'X', 'insult', 'high', '[]', 's', 'e', 'x', '[]', '[]')",
            "findings row",
        ),
    ],
)
def test_a_removed_or_inserted_fact_is_caught(case, db_path, sql, message):
    tamper(db_path, sql)
    assert message in altered(case)


def test_a_cut_tail_passes_alone_but_not_against_a_held_head(case, db_path):
    held = head(case)
    tamper(
        db_path,
        "DELETE FROM ledger WHERE seq = (SELECT MAX(seq) FROM ledger)",  # the run's entry
        "DELETE FROM findings",
        "DELETE FROM runs",
        "DELETE FROM ledger WHERE seq = (SELECT MAX(seq) FROM ledger)",  # the last event's entry
        "DELETE FROM events WHERE id = (SELECT MAX(id) FROM events)",
    )
    assert case("verify").exit_code == 0  # consistent in itself: the chain cannot know its old end
    message = altered(case, "--head", held)
    assert f"the chain does not contain head {held}" in message
    assert "rewritten or cut short" in message


def rewrite_text(db_path: Path, event_id: int, text: str) -> None:
    """A forger with the file and our own functions: edit a text, then recompute the whole chain."""
    tamper(db_path, f"UPDATE events SET text = '{text}' WHERE id = {event_id}")
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    prev = integrity.GENESIS
    for entry in conn.execute("SELECT * FROM ledger ORDER BY seq").fetchall():
        payload = json.loads(entry["payload"]) if entry["payload"] else None
        table, row_id = entry["entity"], entry["entity_id"]
        if table == "meta":
            digest = integrity.chain_hash(prev, payload)
        elif payload and "batch" in payload:  # events chained in their rows: the seal is the last one's hash
            digest = prev
            first, last = payload["batch"]
            for row in conn.execute("SELECT * FROM events WHERE id BETWEEN ? AND ? ORDER BY id", (first, last)):
                linked = digest
                digest = integrity.event_link(linked, integrity.event_values(dict(row), payload["meta"]))
                conn.execute("UPDATE events SET hash = ?, prev_hash = ? WHERE id = ?", (digest, linked, row["id"]))
        else:
            row = dict(conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone())
            digest = integrity.chain_hash(prev, integrity.evidence_record(table, row, payload))
            conn.execute(f"UPDATE {table} SET hash = ?, prev_hash = ? WHERE id = ?", (digest, prev, row_id))
        conn.execute("UPDATE ledger SET hash = ?, prev_hash = ? WHERE seq = ?", (digest, prev, entry["seq"]))
        prev = digest
    conn.commit()
    conn.close()


def test_a_rewritten_chain_passes_alone_but_not_against_a_held_head(case, db_path):
    held = head(case)
    rewrite_text(db_path, 1, "请按时还款")
    assert case("verify").exit_code == 0  # every hash recomputed: nothing inside the file disagrees
    assert f"the chain does not contain head {held}" in altered(case, "--head", held)


def test_deleting_everything_is_caught_against_a_held_head(case, db_path):
    held = head(case)
    tables = ("findings", "runs", "attachments", "requests", "events", "imports", "debts", "numbers", "ledger")
    tamper(db_path, *(f"DELETE FROM {t}" for t in tables), "DELETE FROM parties", "DELETE FROM profile")
    assert case("verify").exit_code == 0  # an empty store is a consistent store
    message = altered(case, "--head", held)
    assert f"the chain does not contain head {held}" in message
    assert "the store is empty" in message


def test_a_held_head_with_later_entries_is_fine(case):
    held = head(case)
    assert case("add", "call", "16500000102", "--at", "2026-11-21T09:00").exit_code == 0
    result = case("verify", "--head", held, "--json")
    assert result.exit_code == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["checked_head"] == held
    assert report["entries_after_checked_head"] == 1
    assert report["head"] != held
    text = case("--lang", "en", "verify", "--head", held.upper())
    assert text.exit_code == 0
    assert f"the chain still holds head {held}; 1 entries were added after it" in text.stderr


def test_verify_against_a_bundle_manifest(case, db_path, tmp_path):
    bundle = tmp_path / "case.zip"
    assert case("export", "bundle", "-o", str(bundle), "--no-pdf").exit_code == 0
    manifest = tmp_path / "manifest.json"
    with zipfile.ZipFile(bundle) as archive:
        names = [n for n in archive.namelist() if n.endswith("manifest.json")]
        manifest.write_bytes(archive.read(names[0]))
    assert case("verify", "--manifest", str(manifest)).exit_code == 0
    rewrite_text(db_path, 1, "请按时还款")
    assert "the chain does not contain head" in altered(case, "--manifest", str(manifest))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--head", "abc"), "a chain head is 64 hexadecimal characters"),
        (("--head", "0" * 64, "--manifest", "m.json"), "either --head or --manifest"),
        (("--manifest", "missing.json"), "missing.json: no such file"),
    ],
)
def test_bad_heads_are_refused_with_one_line(case, args, message):
    result = case("--lang", "en", "verify", *args)  # the case's words would be Chinese
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
