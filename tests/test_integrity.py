"""verify catches any change to evidence, made behind harasslog's back with plain SQLite."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harasslog import integrity
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


# Events chained in their rows (m010): one ledger entry seals a batch, verify still names the row.


def batch_of(store, n=5):
    with store.transaction():
        return store.events.add_many(
            [RawEvent("sms", "in", "16500000102", T0 + timedelta(minutes=i), text=f"第{i}条") for i in range(n)]
        )


def forge_row(store, event_id, text):
    """A forger who edits a text and recomputes that row's own hash (not the rows after it)."""
    cursor = store.conn.execute("SELECT * FROM events WHERE id = ?", (event_id,))
    row = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
    row["text"] = text
    meta = {"party_id": None, "note": None}
    digest = integrity.event_link(row["prev_hash"], integrity.event_values(row, meta))
    tamper(store, "UPDATE events SET text = ?, hash = ? WHERE id = ?", text, digest, event_id)


def test_a_batch_is_one_ledger_entry_and_each_event_one_entry_of_the_chain(store):
    before = store.conn.execute("SELECT COUNT(*) FROM ledger").fetchone()[0]
    ids = batch_of(store, 5)
    assert store.conn.execute("SELECT COUNT(*) FROM ledger").fetchone()[0] == before + 1
    report = store.verify()
    assert report.ok, report.problems
    assert report.entries == before + 5
    assert report.head == store.conn.execute("SELECT hash FROM events WHERE id = ?", (ids[-1],)).fetchone()[0]


@pytest.mark.parametrize("pick", [0, 2, 4])
def test_an_edited_event_inside_a_batch_is_named(store, pick):
    ids = batch_of(store)
    tamper(store, "UPDATE events SET text = '请按时还款' WHERE id = ?", ids[pick])
    problems = store.verify().problems
    assert problems[0].startswith(f"events row {ids[pick]} (ledger entry ")
    assert problems[0].endswith("differs from what was recorded")
    assert len(problems) == 1  # the rows after it still link to the hash it had


@pytest.mark.parametrize("pick", [0, 2, 4])
def test_an_edited_event_with_its_own_hash_recomputed_is_named(store, pick):
    ids = batch_of(store)
    forge_row(store, ids[pick], "请按时还款")
    problems = store.verify().problems
    assert problems and problems[0].startswith(f"events row {ids[pick]} (ledger entry ")
    assert "its stored hash was changed" in problems[0]


def test_a_removed_last_event_of_a_batch_is_named(store):
    ids = batch_of(store)
    tamper(store, "DELETE FROM events WHERE id = ?", ids[-1])
    assert store.verify().problems[0].startswith(f"events row {ids[-1]} (ledger entry ")


def test_a_seal_narrowed_to_leave_an_event_out_is_caught(store):
    ids = batch_of(store)
    tamper(
        store,
        "UPDATE ledger SET payload = json_replace(payload, '$.batch[1]', ?) WHERE entity = 'events'",
        ids[-2],
    )
    problems = store.verify().problems
    assert any(f"events row {ids[-2]}" in p and "its stored hash was changed" in p for p in problems)
    assert any(f"events row {ids[-1]} is not in the ledger" in p for p in problems)


def test_a_seal_given_other_metadata_is_caught(store):
    ids = batch_of(store)
    tamper(store, "UPDATE ledger SET payload = json_replace(payload, '$.meta.note', 'x') WHERE entity = 'events'")
    assert store.verify().problems[0].startswith(f"events row {ids[0]} (ledger entry ")


def test_the_in_constraints_became_or_chains_and_still_refuse_unknown_words(store):
    sql = store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'events'").fetchone()[0]
    assert " IN (" not in sql and "channel = 'sms' OR" in sql
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with pytest.raises(sqlite3.IntegrityError), store.transaction():
        store.conn.execute(
            "INSERT INTO events (channel, direction, at, status, recorded_at, hash, prev_hash)"
            " VALUES ('fax', 'in', 'a', 'unknown', 'r', 'h', 'p')"
        )


def test_a_store_with_one_entry_per_event_upgrades_and_still_names_an_edit(tmp_path):
    """Events written before m010 (one ledger entry each) verify as before, beside new batches."""
    from sqlite_utils import Database

    from harasslog.db import open_store
    from harasslog.migrations import migrations

    path = tmp_path / "old.db"
    db = Database(path)
    migrations.apply(db, stop_before="m010_chain_in_rows")
    prev = integrity.GENESIS
    for n in (1, 2):
        row = {
            **dict.fromkeys(integrity.EVENT_FIELDS),
            **{"id": n, "channel": "sms", "direction": "in", "number": "+8616500000102"},
            **{"number_raw": "16500000102", "at": f"2026-11-0{n}T00:00:00.000Z", "status": "unknown"},
            **{"text": f"旧{n}", "recorded_at": "2026-11-03T00:00:00.000Z", "source": "typed"},
            **{"at_precision": "second"},
        }
        digest = integrity.chain_hash(prev, integrity.evidence_record("events", row))
        db.conn.execute(
            f"INSERT INTO events ({', '.join(row)}, hash, prev_hash) VALUES ({', '.join('?' * (len(row) + 2))})",
            (*row.values(), digest, prev),
        )
        db.conn.execute(
            "INSERT INTO ledger (entity, entity_id, payload, recorded_at, hash, prev_hash)"
            " VALUES ('events', ?, NULL, 'r', ?, ?)",
            (n, digest, prev),
        )
        prev = digest
    db.conn.commit()
    db.conn.close()
    store = open_store(path, create=False)
    ids = batch_of(store, 3)
    assert ids == [3, 4, 5]
    report = store.verify()
    assert report.ok, report.problems
    assert report.entries == 5
    tamper(store, "UPDATE events SET text = 'x' WHERE id IN (1, 4)")
    assert store.verify().problems == [
        "events row 1 (ledger entry 1) differs from what was recorded",
        "events row 4 (ledger entry 3) differs from what was recorded",
    ]
    store.close()


def test_the_row_link_is_the_same_bytes_with_or_without_orjson():
    """orjson only makes the link faster: a store written with it verifies without it."""
    import json

    orjson = pytest.importorskip("orjson")
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    values = ["events/v2", every, '"\\\u2028\x00', -(2**63), 2**63 - 1, 0, None, ""]
    reference = json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert orjson.dumps(values) == reference
    assert integrity.compact_json(values) == reference


def test_a_removed_event_and_one_inserted_outside_are_both_named(store):
    ids = batch_of(store)
    tamper(store, "DELETE FROM events WHERE id = ?", ids[1])
    tamper(
        store,
        "INSERT INTO events (channel, direction, at, status, recorded_at, hash, prev_hash)"
        " VALUES ('sms', 'in', '2026-01-01T00:00:00.000Z', 'unknown', 'r', 'h', 'p')",
    )
    problems = store.verify().problems
    assert any(f"events row {ids[1]}" in p and "missing" in p for p in problems)
    assert any(f"events row {ids[-1] + 1} is not in the ledger" in p for p in problems)
