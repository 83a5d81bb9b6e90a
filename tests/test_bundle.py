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
    result = cli("verify", "--bundle", str(bad))
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
