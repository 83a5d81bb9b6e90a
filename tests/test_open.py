"""Opening a store safely: foreign and newer files refused untouched, readers not blocked by
writers, read-only media read without leaving files behind, a full disk named as such."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import harasslog.db
from harasslog.errors import InputError


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def phone_database(path: Path) -> Path:
    """Someone else's SQLite file, such as an iPhone's sms.db (WAL mode, its own tables)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT)")
    conn.execute("INSERT INTO message (text) VALUES ('hello')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("command", [("list",), ("verify",), ("add", "sms", "10086", "--text", "x"), ("init",)])
def test_another_programs_database_is_refused_untouched(cli, tmp_path, command):
    sms_db = phone_database(tmp_path / "sms.db")
    before = digest(sms_db)
    result = cli(*command, db=sms_db)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"harasslog: {sms_db} is not a harasslog store (it is another program's database); nothing was changed"
    ]
    assert digest(sms_db) == before
    conn = sqlite3.connect(sms_db)
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["message"]
    conn.close()


def test_a_store_from_a_newer_version_is_refused_untouched(cli, db_path):
    assert cli("init", "--region", "CN").exit_code == 0
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('harasslog', 'm099_future', 'x')"
    )
    conn.commit()
    conn.close()
    gc.collect()
    before = digest(db_path)
    for command in (("list",), ("add", "sms", "10086", "--text", "x")):
        result = cli("--lang", "en", *command)  # a cn store: errors would be in Chinese
        assert result.exit_code == 2
        assert "written by a newer harasslog (schema m099_future)" in result.stderr
    assert digest(db_path) == before


def test_readers_are_not_held_up_by_a_writer(cli, db_path, monkeypatch):
    assert cli("init", "--region", "CN").exit_code == 0
    assert cli("add", "sms", "10086", "--at", "2026-11-20T10:00", "--text", "hello").exit_code == 0
    monkeypatch.setattr(harasslog.db, "BUSY_TIMEOUT_MS", 200)  # a blocked reader fails fast, not in 60 s
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a long import holds the write lock
    try:
        listed = cli("list", "--json")
        assert listed.exit_code == 0, listed.stderr
        assert [e["text"] for e in json.loads(listed.stdout)] == ["hello"]
        assert cli("verify").exit_code == 0
        assert cli("stats", "--json").exit_code == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_read_only_store_is_read_without_leaving_files(cli, db_path, tmp_path):
    assert cli("init", "--region", "CN").exit_code == 0
    assert cli("add", "sms", "10086", "--at", "2026-11-20T10:00", "--text", "hello").exit_code == 0
    gc.collect()  # close the CLI's connections: the last one checkpoints and removes -wal/-shm
    folder = db_path.parent
    before = sorted(os.listdir(folder))
    assert before == ["case.db"]
    db_path.chmod(0o444)
    folder.chmod(0o555)  # root ignores these bits for access(2); harasslog honours them anyway
    try:
        assert cli("verify").exit_code == 0
        listed = cli("list", "--json")
        assert listed.exit_code == 0, listed.stderr
        assert [e["text"] for e in json.loads(listed.stdout)] == ["hello"]
        assert cli("show", "1").exit_code == 0
        report = tmp_path / "out" / "lawyer.md"
        assert cli("report", "--template", "lawyer", "-o", str(report)).exit_code == 0
        assert "hello" in report.read_text(encoding="utf-8")
        gc.collect()
        assert sorted(os.listdir(folder)) == before
    finally:
        folder.chmod(0o700)
        db_path.chmod(0o600)


def read_only_mount_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not read_only_mount_works(), reason="needs unshare -rm for a read-only bind mount")
def test_a_store_on_a_read_only_file_system_verifies_and_lists(cli, db_path):
    assert cli("init", "--region", "CN").exit_code == 0
    assert cli("add", "sms", "10086", "--at", "2026-11-20T10:00", "--text", "hello").exit_code == 0
    gc.collect()
    folder = db_path.parent
    before = sorted(os.listdir(folder))
    harasslog_cmd = f"{shlex.quote(sys.executable)} -P -m harasslog --db {shlex.quote(str(db_path))}"
    where = shlex.quote(str(folder))
    script = (
        f"mount --bind {where} {where} && mount -o remount,bind,ro {where} && "
        f"{harasslog_cmd} verify && {harasslog_cmd} list --json"
    )
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [e["text"] for e in json.loads(done.stdout)] == ["hello"]
    assert sorted(os.listdir(folder)) == before


def test_a_read_only_store_refuses_writes(store, db_path):
    store.close()
    db_path.chmod(stat.S_IRUSR)
    try:
        reader = harasslog.db.open_store(db_path, readonly=True)
        assert reader.readonly
        with pytest.raises(RuntimeError, match="read-only"), reader.transaction():
            pass
        reader.close()
    finally:
        db_path.chmod(0o600)


def test_reading_needs_an_existing_store(tmp_path):
    with pytest.raises(InputError, match="no store at"):
        harasslog.db.open_store(tmp_path / "nothing.db", readonly=True)
    assert not (tmp_path / "nothing.db").exists()


def test_a_full_disk_says_disk_full(cli, db_path, monkeypatch):
    assert cli("init", "--region", "CN").exit_code == 0
    real_open = harasslog.db.open_store

    def on_a_full_disk(*args, **kwargs):
        store = real_open(*args, **kwargs)
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own SQLITE_FULL, for real
        return store

    monkeypatch.setattr(harasslog.db, "open_store", on_a_full_disk)
    result = cli("--lang", "en", "add", "sms", "10086", "--text", "x" * 200_000)
    assert result.exit_code == 2
    assert result.stderr.startswith("harasslog: disk full: free some space")
    assert "not a harasslog store" not in result.stderr
    monkeypatch.undo()
    assert json.loads(cli("list", "--json").stdout) == []
    assert cli("verify").exit_code == 0


def test_search_finds_an_event_the_moment_it_is_stored(store):
    from datetime import UTC, datetime

    from harasslog.models import RawEvent

    at = datetime(2026, 11, 20, 10, tzinfo=UTC)
    with store.transaction():
        first = store.events.add(RawEvent("sms", "in", "10086", at, text="我们会联系你的通讯录"))
    with store.transaction():
        second = store.events.add(RawEvent("sms", "in", "10086", at.replace(hour=11), text="通讯录里的人都会知道"))
    assert store.search.find("通讯录") == [second, first]  # the trigram index, kept by every write
    assert store.search.find("通讯") == [second, first]  # two characters: a substring scan


def test_search_during_an_import_finds_everything_without_waiting(cli, db_path, monkeypatch):
    assert cli("init", "--region", "CN").exit_code == 0
    assert cli("add", "sms", "10086", "--at", "2026-11-20T10:00", "--text", "通讯录第一条").exit_code == 0
    assert cli("add", "sms", "10086", "--at", "2026-11-20T11:00", "--text", "通讯录第二条").exit_code == 0
    monkeypatch.setattr(harasslog.db, "BUSY_TIMEOUT_MS", 200)  # a blocked search fails fast, not in 60 s
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # an import holds the write lock
    try:
        result = cli("search", "通讯录", "--json")
        assert result.exit_code == 0, result.stderr
        assert [e["text"] for e in json.loads(result.stdout)] == ["通讯录第二条", "通讯录第一条"]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT rowid FROM events_fts WHERE events_fts MATCH '通讯录'").fetchall() == [(1,), (2,)]
    conn.close()
