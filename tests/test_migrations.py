"""The schema a blank store gets, compared with the full expected shape (llm's test_migrate)."""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from harasslog.db import open_store
from harasslog.migrations import migrations

EXPECTED_COLUMNS = {
    "profile": {
        "id": int,
        "name": str,
        "phone": str,
        "id_number": str,
        "region": str,
        "tz": str,
        "jurisdiction": str,
        "lang": str,
        "created_at": str,
        "updated_at": str,
    },
    "settings": {"key": str, "value": str},
    "parties": {"id": int, "name": str, "kind": str, "creditor_id": int, "note": str, "created_at": str},
    "numbers": {"number": str, "party_id": int, "kind": str, "region": str, "carrier": str},
    "debts": {
        "id": int,
        "creditor_id": int,
        "account_ref": str,
        "amount": str,
        "currency": str,
        "due_date": str,
        "note": str,
        "created_at": str,
    },
    "imports": {
        "id": int,
        "file_name": str,
        "sha256": str,
        "size": int,
        "format": str,
        "importer_version": str,
        "started": str,
        "finished": str,
        "new": int,
        "duplicate": int,
        "skipped": int,
        "skipped_reasons": str,
    },
    "events": {
        "id": int,
        "channel": str,
        "direction": str,
        "number": str,
        "number_raw": str,
        "party_id": int,
        "at": str,
        "tz_offset_min": int,
        "duration_s": int,
        "status": str,
        "text": str,
        "import_id": int,
        "source_ref": str,
        "raw": str,
        "note": str,
        "recorded_at": str,
        "hash": str,
        "prev_hash": str,
        "source": str,
        "at_precision": str,
        "caller": str,
    },
    "withdrawals": {"event_id": int, "reason": str, "recorded_at": str},
    "ocr_corrections": {"id": int, "event_id": int, "text": str, "ocr_text": str, "reason": str, "recorded_at": str},
    "anchors": {
        "id": int,
        "created_at": str,
        "head_hash": str,
        "head_seq": int,
        "entries": int,
        "events": int,
        "tsq_sha256": str,
        "nonce": str,
        "token": str,
        "gen_time": str,
        "tsa_name": str,
        "signature": str,
        "verified_at": str,
    },
    "requests": {
        "id": int,
        "kind": str,
        "party_id": int,
        "start": str,
        "end": str,
        "channel": str,
        "event_id": int,
        "note": str,
        "recorded_at": str,
        "hash": str,
        "prev_hash": str,
    },
    "attachments": {
        "id": int,
        "sha256": str,
        "event_id": int,
        "name": str,
        "mime": str,
        "size": int,
        "note": str,
        "recorded_at": str,
        "hash": str,
        "prev_hash": str,
    },
    "runs": {
        "id": int,
        "pack_id": str,
        "pack_version": str,
        "started": str,
        "finished": str,
        "params": str,
        "findings_count": int,
    },
    "findings": {
        "id": int,
        "run_id": int,
        "rule_id": str,
        "category": str,
        "severity": str,
        "group_key": str,
        "title": str,
        "event_ids": str,
        "start": str,
        "end": str,
        "explanation": str,
        "matches": str,
        "citations": str,
        "tier": str,
        "score": float,
    },
    "reviews": {
        "id": int,
        "finding_key": str,
        "rule_id": str,
        "event_ids": str,
        "decision": str,
        "category": str,
        "reason": str,
        "citations": str,
        "severity": str,
        "decided_at": str,
    },
    "ledger": {
        "seq": int,
        "entity": str,
        "entity_id": int,
        "payload": str,
        "recorded_at": str,
        "hash": str,
        "prev_hash": str,
    },
}


ALL_MIGRATIONS = [
    "m001_initial",
    "m002_chain_facts",
    "m003_provenance",
    "m004_reviews",
    "m005_caller",
    "m006_review_tier",
    "m007_views",
    "m008_corroborations",
    "m009_ocr",
    "m010_chain_in_rows",
    "m011_anchors",
    "m012_stats_index",
]


def test_blank_store_gets_the_full_schema(tmp_path):
    store = open_store(tmp_path / "blank.db")
    db = store.db
    for table, columns in EXPECTED_COLUMNS.items():
        assert db[table].columns_dict == columns, table
    assert "events_fts" in db.table_names()
    assert {"timeline", "flagged", "latest_findings"} <= set(db.view_names())
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'idx_%'")}
    assert {"idx_events_at", "idx_events_number", "idx_events_party", "idx_events_channel"} <= names
    triggers = set(db.triggers_dict)
    assert {"ledger_no_update", "ledger_no_delete", "events_evidence_immutable", "events_no_delete"} <= triggers
    assert [m.name for m in migrations.applied(db)] == ALL_MIGRATIONS
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_foreign_keys_tie_events_to_parties_and_imports(tmp_path):
    store = open_store(tmp_path / "fk.db")
    fks = {(fk.column, fk.other_table) for fk in store.db["events"].foreign_keys}
    assert fks == {("party_id", "parties"), ("import_id", "imports")}
    store.close()


def test_reopening_applies_nothing_twice(tmp_path):
    path = tmp_path / "again.db"
    open_store(path).close()
    store = open_store(path)
    assert len(migrations.applied(store.db)) == len(ALL_MIGRATIONS)
    assert migrations.pending(store.db) == []
    store.close()


def test_a_non_store_file_is_refused(tmp_path):
    junk = tmp_path / "photo.db"
    junk.write_bytes(b"\xff\xd8\xff\xe0 not a database at all" * 100)
    import pytest

    from harasslog.errors import InputError

    with pytest.raises(InputError, match="not a harasslog store"):
        open_store(junk)


def test_ledger_refuses_edits_at_the_database_level(tmp_path):
    store = open_store(tmp_path / "ledger.db")
    with store.transaction():
        store.profile.set(region="CN")
    from datetime import UTC, datetime

    from harasslog.models import RawEvent

    with store.transaction():
        store.events.add(RawEvent("sms", "in", "10086", datetime(2026, 1, 1, tzinfo=UTC), text="x"))
    conn = sqlite3.connect(store.path)
    import pytest

    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM ledger")
    with pytest.raises(sqlite3.IntegrityError, match="never edited"):
        conn.execute("UPDATE events SET text = 'y'")
    conn.close()
    assert Database(store.path)["events"].count == 1
    store.close()


def v1_store(path):
    """A store as harasslog wrote it before m002: facts in their tables, none in the chain."""
    db = Database(path)
    migrations.apply(db, stop_before="m002_chain_facts")
    db.executescript(
        """
        INSERT INTO profile (id, name, region, tz, jurisdiction, created_at, updated_at)
            VALUES (1, '张三', 'CN', 'Asia/Shanghai', 'cn', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
        INSERT INTO parties (id, name, kind, created_at)
            VALUES (1, '某某消费金融', 'creditor', '2026-01-01T00:00:00.000Z');
        INSERT INTO debts (creditor_id, amount, currency, created_at)
            VALUES (1, '12000', 'CNY', '2026-01-01T00:00:00.000Z');
        INSERT INTO imports (file_name, sha256, size, format, importer_version, started, finished)
            VALUES ('sms.xml', 'ab', 10, 'sbr', '1', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z');
        INSERT INTO runs (pack_id, pack_version, started, findings_count) VALUES ('cn', '2026.11', 's', 1);
        INSERT INTO findings (run_id, rule_id, category, severity, event_ids, start, "end", explanation,
            matches, citations) VALUES (1, 'CN-X', 'insult', 'high', '[]', 's', 'e', 'x', '[]', '[]');
        """
    )
    db.conn.close()


def test_a_v1_store_is_upgraded_and_keeps_verifying(tmp_path):
    path = tmp_path / "v1.db"
    v1_store(path)
    store = open_store(path, create=False)
    assert [m.name for m in migrations.applied(store.db)] == ALL_MIGRATIONS
    report = store.verify()
    assert report.ok, report.problems
    assert report.entries == 5  # profile, party, debt, import, run: chained as found at upgrade
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE profile SET tz = 'Europe/London'")
    conn.execute("UPDATE findings SET severity = 'low'")
    conn.commit()
    conn.close()
    store = open_store(path, create=False)
    assert store.verify().problems == [
        "profile 1: tz was changed without a ledger entry",
        "runs 1: its findings were changed without a ledger entry",
    ]
    store.close()


def test_the_channel_index_orders_by_time_in_new_and_upgraded_stores(tmp_path):
    # m012: `stats --by day` counts calls and messages per day as ranges of (channel, at).
    v1_store(tmp_path / "v1.db")
    for path in (tmp_path / "blank.db", tmp_path / "v1.db"):
        store = open_store(path)
        columns = [r[2] for r in store.conn.execute("PRAGMA index_info('idx_events_channel')")]
        assert columns == ["channel", "at"], path.name
        store.close()
