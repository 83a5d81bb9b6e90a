"""verify catches any change to evidence, made behind harasslog's back with plain SQLite."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harasslog.models import RawAttachment, RawEvent

T0 = datetime(2026, 11, 20, 14, 13, tzinfo=UTC)


def fill(store):
    """A small store with every kind of evidence row and metadata change."""
    with store.transaction():
        party = store.parties.add("示例催收", kind="agency")
        ids = store.events.add_many(
            [
                RawEvent(
                    "sms",
                    "in",
                    "16500000102",
                    T0,
                    text="再不还钱就爆通讯录😀\n第二行",
                    source_ref="sms[0]",
                    raw={"address": "16500000102"},
                ),
                RawEvent("call", "in", "17000000101", T0 + timedelta(minutes=5), duration_s=65, status="answered"),
                RawEvent(
                    "mms",
                    "in",
                    "16500000102",
                    T0 + timedelta(hours=1),
                    text="图片",
                    attachments=(RawAttachment("a.jpg", "image/jpeg", b"\xff\xd8fake jpeg"),),
                ),
            ],
            party_id=party,
        )
        store.events.set_meta(ids[1], note="语气很凶")
        store.numbers.link("17000000101", party)
        store.requests.add(kind="pause", party_id=party, start=T0 - timedelta(days=30), end=T0 + timedelta(days=300))
    return ids


def tamper(store, sql, *params):
    """Edit the file as an outsider would: a second connection, triggers dropped first."""
    conn = sqlite3.connect(store.path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def test_an_untouched_store_verifies(store):
    fill(store)
    report = store.verify()
    assert report.ok, report.problems
    # 3 events, 1 attachment, 1 request; facts: the profile, 1 party, 2 numbers linked to it, 1 note
    assert report.entries == 10
    assert report.attachments_checked == 1
    assert report.head == store.ledger.head()


EVIDENCE = {
    "events": [
        "channel",
        "direction",
        "number",
        "number_raw",
        "at",
        "tz_offset_min",
        "duration_s",
        "status",
        "text",
        "import_id",
        "source_ref",
        "raw",
        "recorded_at",
        "hash",
        "prev_hash",
        "party_id",
        "note",
    ],
    "requests": ["kind", "party_id", "start", "end", "channel", "event_id", "note", "recorded_at", "hash", "prev_hash"],
    "attachments": ["sha256", "event_id", "name", "mime", "size", "note", "recorded_at", "hash", "prev_hash"],
}
ENUMS = {
    "channel": ("sms", "call"),
    "direction": ("in", "out"),
    "status": ("answered", "missed"),
    "kind": ("stop", "pause"),
}
NOT_NULL = {"at", "recorded_at", "hash", "prev_hash", "start", "sha256", "size"}
FIELDS = [(table, column) for table, columns in EVIDENCE.items() for column in columns]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    target=st.sampled_from(FIELDS),
    row_pick=st.integers(0, 2),
    value=st.one_of(st.text(max_size=8), st.integers(-5, 10**6), st.none()),
)
def test_changing_any_single_evidence_field_of_any_row_is_caught(tmp_path_factory, target, row_pick, value):
    from harasslog.db import open_store

    store = open_store(tmp_path_factory.mktemp("case") / "case.db")
    with store.transaction():
        store.profile.set(region="CN")
    fill(store)
    table, column = target
    ids = [r[0] for r in store.conn.execute(f"SELECT id FROM {table} ORDER BY id")]
    row_id = ids[row_pick % len(ids)]
    current = store.conn.execute(f'SELECT "{column}" FROM {table} WHERE id = ?', (row_id,)).fetchone()[0]
    if column in ENUMS:  # CHECK constraints allow only the vocabulary: swap for another valid word
        value = next(v for v in ENUMS[column] if v != current)
    elif value == current or (value is None and column in NOT_NULL):
        value = f"{current}x"
    tamper(store, f'UPDATE {table} SET "{column}" = ? WHERE id = ?', value, row_id)
    report = store.verify()
    assert not report.ok, (table, column, row_id, value)
    store.close()


def test_editing_an_sms_text_names_the_row(store):
    ids = fill(store)
    tamper(store, "UPDATE events SET text = '请按时还款' WHERE id = ?", ids[0])
    report = store.verify()
    assert report.problems[0].startswith(f"events row {ids[0]} (ledger entry ")
    assert report.problems[0].endswith("differs from what was recorded")


def test_a_removed_event_is_caught(store):
    ids = fill(store)
    tamper(store, "DELETE FROM events WHERE id = ?", ids[1])
    assert any(f"events row {ids[1]}" in p and "missing" in p for p in store.verify().problems)


def test_an_event_inserted_outside_harasslog_is_caught(store):
    fill(store)
    tamper(
        store,
        "INSERT INTO events (channel, direction, at, status, recorded_at, hash, prev_hash)"
        " VALUES ('sms', 'in', '2026-01-01T00:00:00.000Z', 'unknown', 'r', 'h', 'p')",
    )
    assert any("not in the ledger" in p for p in store.verify().problems)


def test_a_removed_ledger_entry_breaks_the_chain(store):
    fill(store)
    tamper(store, "DELETE FROM ledger WHERE seq = 2")
    assert not store.verify().ok


def test_a_party_relinked_without_a_ledger_entry_is_caught(store):
    fill(store)
    tamper(store, "UPDATE numbers SET party_id = NULL WHERE number = '+8617000000101'")
    assert any("party_id was changed without a ledger entry" in p for p in store.verify().problems)


def test_metadata_changed_through_harasslog_still_verifies(store):
    ids = fill(store)
    with store.transaction():
        store.events.set_meta(ids[0], note="后来补充的备注")
        store.events.set_meta(ids[0], party_id=None)
    assert store.verify().ok


def test_a_changed_attachment_file_is_caught(store):
    fill(store)
    attachment = store.attachments.list()[0]
    path = store.blobs.path(attachment["sha256"])
    path.chmod(0o600)
    path.write_bytes(b"\xff\xd8another picture")
    problems = store.verify().problems
    assert problems == [f"attachment {attachment['id']}: file {path} was changed (SHA-256 differs)"]


def test_a_missing_attachment_file_is_caught(store):
    fill(store)
    attachment = store.attachments.list()[0]
    store.blobs.path(attachment["sha256"]).unlink()
    assert "is missing" in store.verify().problems[0]


def test_writes_outside_a_transaction_are_refused(store):
    with pytest.raises(RuntimeError):
        store.events.add_many([RawEvent("sms", "in", "10086", T0, text="x")])


def test_a_failed_transaction_leaves_nothing(store):
    head = store.ledger.head()  # the profile's entry
    with pytest.raises(ZeroDivisionError), store.transaction():
        store.events.add_many([RawEvent("sms", "in", "10086", T0, text="x")])
        1 / 0  # noqa: B018
    assert store.events.count() == 0
    assert store.ledger.head() == head
    assert store.verify().ok


def test_imports_deduplicate_but_hand_logging_does_not(store):
    raw = RawEvent("sms", "in", "+86 138 0013 8000", T0, text="same")
    twin = RawEvent("sms", "in", "13800138000", T0, text="same")
    with store.transaction():
        assert store.events.add_many([raw, twin])[1] is None
        assert store.events.add_many([raw], dedupe=True) == [None]
        assert store.events.add(raw) is not None  # hand-logged: never deduplicated
    assert store.events.count() == 2
