"""Bundles: round trip, sha256sum -c, and every kind of tampering verify_bundle must name."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers_report import FIXED_NOW, HOSTILE, PNG, fill_cn

from harasslog.bundle import verify_bundle, write_bundle


@pytest.fixture
def bundle(store, tmp_path) -> Path:
    fill_cn(store)
    path = tmp_path / "case.zip"
    write_bundle(store, path, lang="zh", dossiers={"lawyer.zh.md": "# 证据\n"}, now=FIXED_NOW)
    return path


def _rewrite(src: Path, dst: Path, change) -> None:
    """Copy a zip member by member, letting `change(name, data)` return new data or None to drop it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info, data)


def test_round_trip_holds_the_evidence_exactly(bundle, store):
    assert verify_bundle(bundle) == []
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        assert {"SHA256SUMS", "manifest.json", "events.csv", "events.json", "dossiers/lawyer.zh.md"} <= names
        attachment = next(n for n in names if n.startswith("attachments/"))
        assert zf.read(attachment) == PNG
        events = json.loads(zf.read("events.json"))
        assert [e["text"] for e in events if e["text"] and "alert" in e["text"]] == [HOSTILE]
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["chain_head"] == store.ledger.head()
        assert manifest["events"] == 6
        csv_text = zf.read("events.csv").decode("utf-8-sig")
        assert "CN-WORD-002 CN-HOURS-001" in csv_text or "CN-HOURS-001 CN-WORD-002" in csv_text


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="sha256sum (coreutils) not installed")
def test_sha256sum_accepts_the_unzipped_bundle(bundle, tmp_path):
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(folder)
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(zipfile.ZipFile(bundle).namelist()) - 1


def test_a_changed_byte_is_named(bundle, tmp_path):
    bad = tmp_path / "bad.zip"

    def flip(name, data):
        return data[:-2] + bytes([data[-2] ^ 1]) + data[-1:] if name == "events.csv" else data

    _rewrite(bundle, bad, flip)
    assert verify_bundle(bad) == ["changed: events.csv"]


def test_a_missing_file_is_named(bundle, tmp_path):
    bad = tmp_path / "bad.zip"
    _rewrite(bundle, bad, lambda name, data: None if name.startswith("attachments/") else data)
    problems = verify_bundle(bad)
    assert len(problems) == 1 and problems[0].startswith("missing: attachments/")


def test_extra_and_escaping_members_are_named(bundle, tmp_path):
    bad = tmp_path / "bad.zip"
    shutil.copy(bundle, bad)
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr("notes.txt", "added later")
        zf.writestr("../../evil.sh", "rm -rf ~")
        zf.writestr("/etc/cron.d/evil", "* * * * * root true")
    problems = verify_bundle(bad)
    assert "extra (not in SHA256SUMS): notes.txt" in problems
    assert any(p.startswith("unsafe path: '../../evil.sh'") for p in problems)
    assert any(p.startswith("unsafe path: '/etc/cron.d/evil'") for p in problems)
    assert not (tmp_path.parent / "evil.sh").exists()


def test_missing_sums_and_not_a_zip(bundle, tmp_path):
    bad = tmp_path / "bad.zip"
    _rewrite(bundle, bad, lambda name, data: None if name == "SHA256SUMS" else data)
    assert verify_bundle(bad)[0].startswith("missing: SHA256SUMS")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    from harasslog.errors import InputError

    with pytest.raises(InputError, match="not a zip"):
        verify_bundle(junk)


def test_cli_export_and_verify_bundle(cli, store, tmp_path):
    fill_cn(store)
    out = tmp_path / "case.zip"
    result = cli("export", "bundle", "-o", str(out), "--lang", "en", "--no-pdf")
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert "dossiers/cn-complaint.en.html" in names and "dossiers/lawyer.en.md" in names
    assert cli("verify", "--bundle", str(out)).exit_code == 0
    bad = tmp_path / "bad.zip"
    _rewrite(out, bad, lambda n, d: d + b" " if n == "dossiers/cn-complaint.en.md" else d)
    result = cli("verify", "--bundle", str(bad), "--lang", "en")
    assert result.exit_code == 1
    assert "changed: dossiers/cn-complaint.en.md" in result.stderr


def test_cli_export_csv_and_json(cli, store, tmp_path):
    fill_cn(store)
    assert cli("export", "json", "-o", str(tmp_path / "e.json")).exit_code == 0
    rows = json.loads((tmp_path / "e.json").read_text("utf-8"))
    assert len(rows) == 6 and rows[4]["text"] == HOSTILE and rows[4]["at"] == "2026-11-14T12:00:00+08:00"
    assert cli("export", "csv", "-o", str(tmp_path / "e.csv")).exit_code == 0
    import csv

    with open(tmp_path / "e.csv", encoding="utf-8-sig", newline="") as handle:
        parsed = list(csv.DictReader(handle))
    assert parsed[4]["text"] == HOSTILE and parsed[1]["rule_ids"] == "CN-HOURS-001 CN-WORD-002"


# ---------------------------------------------------------------- damaged, crafted and inconsistent bundles


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _relist(src: Path, dst: Path, change) -> None:
    """Like _rewrite, then SHA256SUMS recomputed from the members, as a forger would."""
    members: dict[str, bytes] = {}
    with zipfile.ZipFile(src) as zin:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                members[info.filename] = data
    members["SHA256SUMS"] = "".join(
        f"{_sha(d)}  {n}\n" for n, d in sorted(members.items()) if n != "SHA256SUMS"
    ).encode()
    with zipfile.ZipFile(dst, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)


def test_a_bad_crc_is_a_failed_verification_not_a_crash(cli, bundle, tmp_path):
    bad = tmp_path / "bad.zip"
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as zf:
        info = zf.getinfo("events.json")
    # The CRC-32 sits 14 bytes into the local header; the central directory's copy is what zipfile checks.
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"events.json"))
    data[central + 16] ^= 0xFF
    bad.write_bytes(bytes(data))
    assert info.CRC  # the member really had one
    result = cli("verify", "--bundle", str(bad), "--lang", "en")
    assert result.exit_code == 1, result.stderr
    assert "damaged: events.json" in result.stderr


def test_members_differing_only_in_case_are_refused(bundle, tmp_path):
    bad = tmp_path / "bad.zip"
    _relist(bundle, bad, lambda name, data: data)
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr("Events.csv", "id\n")
    problems = verify_bundle(bad)
    assert "members that differ only in case: 'events.csv' and 'Events.csv'" in problems


def test_a_name_listed_twice_in_sums_is_refused(bundle, tmp_path):
    bad = tmp_path / "bad.zip"

    def twice(name, data):
        if name != "SHA256SUMS":
            return data
        line = next(x for x in data.decode().splitlines() if x.endswith("  events.csv"))
        return data + f"{'0' * 64}  events.csv\n{line}\n".encode()

    _rewrite(bundle, bad, twice)
    assert "listed twice in SHA256SUMS: 'events.csv'" in verify_bundle(bad)


def test_duplicate_members_are_refused(bundle, tmp_path):
    bad = tmp_path / "bad.zip"
    shutil.copy(bundle, bad)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(bad, "a") as zf:
        zf.writestr("events.csv", "id\n")
    assert "duplicate member: 'events.csv'" in verify_bundle(bad)


def test_manifest_must_agree_with_sums(bundle, tmp_path):
    bad = tmp_path / "bad.zip"

    def forge(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["files"]["events.csv"]["sha256"] = "0" * 64
        return json.dumps(manifest).encode()

    _relist(bundle, bad, forge)
    assert verify_bundle(bad) == ["manifest.json and SHA256SUMS disagree about events.csv"]


def test_events_dropped_with_a_consistent_forgery_are_named(bundle, tmp_path):
    """Someone removes the newest event from events.csv and re-lists every hash, in SHA256SUMS and
    in the manifest's file list: the manifest's count and newest event hash give it away."""
    dropped = tmp_path / "dropped.zip"

    def drop_last(name, data):
        return b"\r\n".join(data.split(b"\r\n")[:-2] + [b""]) if name == "events.csv" else data

    _relist(bundle, dropped, drop_last)
    forged = tmp_path / "forged.zip"
    _relist(dropped, forged, _fix_manifest_hashes(dropped))
    problems = verify_bundle(forged)
    assert problems == [
        "manifest.json counts 6 events, events.csv holds 5",
        "manifest.json: last_event_hash is not the hash of the newest event in events.csv",
    ]


def _fix_manifest_hashes(src: Path):
    """A change for _relist that sets the manifest's file hashes to those of the members of `src`."""
    with zipfile.ZipFile(src) as zf:
        hashes = {n: _sha(zf.read(n)) for n in zf.namelist()}

    def fix(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        for member, entry in manifest["files"].items():
            entry["sha256"] = hashes[member]
        return json.dumps(manifest).encode()

    return fix


def test_chain_head_must_be_the_newest_event(bundle, tmp_path, store):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bundle) as zf:
        oldest = json.loads(zf.read("events.json"))[0]["hash"]

    def forge(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["chain_head"] = oldest
        return json.dumps(manifest).encode()

    _relist(bundle, bad, forge)
    assert verify_bundle(bad) == ["manifest.json: chain_head names an event that is not the newest in events.csv"]


def test_a_huge_sums_file_is_refused_within_bounded_memory(cli, tmp_path):
    """1 MB of zip whose SHA256SUMS unpacks to 256 MiB: named without reading it (it used to be read
    whole, then split: a MemoryError under a 250 MB cap)."""
    from helpers_import import run_limited

    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("SHA256SUMS", "w", force_zip64=True) as member:
            block = b"0" * (1 << 20)
            for _ in range(256):
                member.write(block)
    result = run_limited(["verify", "--bundle", str(bomb)], tmp_path / "none.db")
    assert result.returncode == 1, result.stderr
    assert "SHA256SUMS cannot be read" in result.stderr and "268435456" in result.stderr


def test_a_member_packed_beyond_any_real_ratio_is_not_unpacked(bundle, tmp_path):
    bad = tmp_path / "bad.zip"
    big = bytes(8 << 20)
    _relist(bundle, bad, lambda name, data: data)
    with zipfile.ZipFile(bad) as zin:
        members = {i.filename: zin.read(i) for i in zin.infolist()}
    members["SHA256SUMS"] += f"{_sha(big)}  attachments/9999-zeros.bin\n".encode()
    with zipfile.ZipFile(bad, "w") as zout:
        for name, data in members.items():
            zout.writestr(name, data)
        zout.writestr("attachments/9999-zeros.bin", big, compress_type=zipfile.ZIP_BZIP2)
    problems = verify_bundle(bad)
    assert any(p.startswith("not unpacked: attachments/9999-zeros.bin claims 8388608 bytes") for p in problems)


@pytest.mark.slow
def test_export_bundle_streams_a_large_attachment(store, tmp_path):
    """A 300 MB attachment under a 250 MB address-space cap: it used to be read whole (and zipped in
    memory), now it is copied in chunks."""
    from helpers_import import run_limited

    fill_cn(store)
    big = tmp_path / "video.bin"
    with big.open("wb") as handle:
        for _ in range(300):
            handle.write(bytes(1 << 20))
    with store.transaction():
        store.attachments.add(None, big, name="video.bin")
    out = tmp_path / "case.zip"
    result = run_limited(["export", "bundle", "--no-pdf", "--lang", "en", "-o", str(out)], store.path)
    assert result.returncode == 0, result.stderr
    checked = run_limited(["verify", "--bundle", str(out)], store.path)
    assert checked.returncode == 0, checked.stderr
    with zipfile.ZipFile(out) as zf:
        member = next(i for i in zf.infolist() if i.filename.endswith("video.bin"))
    assert member.file_size == 300 << 20


@pytest.mark.slow
def test_export_streams_events_with_large_texts(store, tmp_path):
    """120 messages of 1 MB each: the whole list, its CSV and its bytes used to be held at once."""
    from datetime import datetime, timedelta

    from helpers_import import run_limited
    from helpers_report import CST

    from harasslog.models import RawEvent

    start = datetime(2026, 11, 1, 9, 0, tzinfo=CST)
    with store.transaction():
        store.events.add_many(
            RawEvent("sms", "in", "13912345678", start + timedelta(minutes=i), text=f"{i:04d}" + "催" * 350_000)
            for i in range(120)
        )
    for kind in ("csv", "json"):
        out = tmp_path / f"events.{kind}"
        result = run_limited(["export", kind, "-o", str(out)], store.path)
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 120 * 1_000_000
    rows = json.loads((tmp_path / "events.json").read_text("utf-8"))
    assert [r["text"][:4] for r in rows] == [f"{i:04d}" for i in range(120)]


def test_streamed_json_is_what_json_dumps_writes(store, tmp_path):
    from harasslog.bundle import event_rows, export_file

    fill_cn(store)
    export_file(store, "json", tmp_path / "e.json")
    expected = json.dumps(list(event_rows(store)), ensure_ascii=False, indent=2) + "\n"
    assert (tmp_path / "e.json").read_text("utf-8") == expected
    empty = tmp_path / "empty.json"
    from harasslog.db import open_store

    blank = open_store(tmp_path / "blank.db")
    export_file(blank, "json", empty)
    blank.close()
    assert empty.read_text("utf-8") == "[]\n"


def test_a_typed_message_longer_than_csvs_field_limit_still_verifies(store, tmp_path):
    from datetime import datetime

    from helpers_report import CST

    from harasslog.models import RawEvent

    with store.transaction():
        store.events.add(RawEvent("sms", "in", "13912345678", datetime(2026, 11, 1, tzinfo=CST), text="长" * 200_000))
    path = tmp_path / "case.zip"
    write_bundle(store, path, lang="zh", now=FIXED_NOW)
    assert verify_bundle(path) == []
    import csv

    assert csv.field_size_limit() == 131072  # the importers' cap is left as it was


def test_names_in_sums_differing_only_in_case_are_refused(bundle, tmp_path):
    bad = tmp_path / "bad.zip"

    def add_twin(name, data):
        if name != "SHA256SUMS":
            return data
        line = next(x for x in data.decode().splitlines() if x.endswith("  events.csv"))
        return data + (line.replace("events.csv", "EVENTS.csv") + "\n").encode()

    _rewrite(bundle, bad, add_twin)
    problems = verify_bundle(bad)
    assert "names in SHA256SUMS that differ only in case: 'events.csv' and 'EVENTS.csv'" in problems
    assert "missing: EVENTS.csv" in problems


def test_member_names_cannot_act_on_the_terminal(bundle, tmp_path):
    bad = tmp_path / "bad.zip"
    shutil.copy(bundle, bad)
    with zipfile.ZipFile(bad, "a") as zf:
        zf.writestr("x\x1b[2J\nOK: every file matches", "hidden")
    problems = verify_bundle(bad)
    assert "extra (not in SHA256SUMS): x[U+001B][2J[U+000A]OK: every file matches" in problems
    assert not any("\x1b" in p or "\n" in p for p in problems)
