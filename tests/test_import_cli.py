"""`harasslog import`: summary, JSON, provenance, idempotence, --party, and the real samples."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import SAMPLES
from helpers_import import call, event_rows, sms, write_sbr
from typer.testing import CliRunner

from harasslog.cli import app
from harasslog.ingest import import_files

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def backup(tmp_path: Path) -> Path:
    data = base64.b64encode(JPEG).decode()
    mms = (
        '<mms date="1763648100000" msg_box="1" address="+8613912345678"><parts>'
        '<part seq="0" ct="text/plain" text="你家门口" />'
        f'<part seq="1" ct="image/jpeg" cl="door.jpg" data="{data}" /></parts>'
        '<addrs><addr address="+8613912345678" type="137" /></addrs></mms>'
    )
    body = "\n".join(
        [
            sms("+8613800138000", 1763647980000, 1, "今晚不还款明天就上门"),
            sms("+8613800138000", 1763647980000, 1, "今晚不还款明天就上门"),
            sms("10086", 1763648000000, 3, "草稿"),
            mms,
        ]
    )
    return write_sbr(tmp_path / "sms-20261120221300.xml", body, count=99)


def calls_file(tmp_path: Path) -> Path:
    body = "\n".join([call("+8613800138000", 1763647000000, 3), call("+8613800138000", 1763647100000, 1, 75)])
    return write_sbr(tmp_path / "calls-20261120221300.xml", body, root="calls")


def test_json_summary_per_file_and_totals(tmp_path: Path, store, cli) -> None:
    sms_path, calls_path = backup(tmp_path), calls_file(tmp_path)
    result = cli("import", str(sms_path), str(calls_path), "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    data = json.loads(result.stdout)
    assert (data["new"], data["duplicate"], data["skipped"]) == (4, 1, 1)
    first, second = data["files"]
    assert first["file"] == "sms-20261120221300.xml" and first["format"] == "sbr"
    assert (first["new"], first["duplicate"], first["skipped"], first["skipped_reasons"]) == (2, 1, 1, {"draft": 1})
    assert first["sha256"] == hashlib.sha256(sms_path.read_bytes()).hexdigest()
    assert first["size"] == sms_path.stat().st_size
    assert (second["file"], second["new"], second["duplicate"]) == ("calls-20261120221300.xml", 2, 0)


def test_table_summary_on_stdout(tmp_path: Path, store, cli) -> None:
    result = cli("import", str(backup(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "sms-20261120221300.xml" in result.stdout and "草稿: 1" in result.stdout
    assert re.search(r"│\s*2\s*│\s*1\s*│\s*1\s*│", result.stdout), result.stdout


def test_provenance_is_recorded_for_the_file_and_every_event(tmp_path: Path, store, cli) -> None:
    path = backup(tmp_path)
    assert cli("import", str(path)).exit_code == 0
    (imp,) = store.imports.list()
    assert (imp["file_name"], imp["size"], imp["format"], imp["importer_version"]) == (
        "sms-20261120221300.xml",
        path.stat().st_size,
        "sbr",
        "sbr-1",
    )
    assert imp["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (imp["new"], imp["duplicate"], imp["skipped"]) == (2, 1, 1)
    assert json.loads(imp["skipped_reasons"]) == {"draft": 1}
    assert imp["started"] and imp["finished"]
    text_row, mms_row = event_rows(store)
    assert (text_row["import_id"], text_row["source_ref"]) == (imp["id"], "sms[1] (line 5)")
    assert json.loads(text_row["raw"])["body"] == "今晚不还款明天就上门"
    assert (mms_row["channel"], mms_row["source_ref"], mms_row["text"]) == ("mms", "mms[1] (line 8)", "你家门口")
    (attachment,) = store.attachments.list()
    assert attachment["event_id"] == mms_row["id"] and attachment["name"] == "door.jpg"
    assert attachment["sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert Path(attachment["path"]).read_bytes() == JPEG


def test_importing_again_adds_nothing(tmp_path: Path, store, cli) -> None:
    paths = [str(backup(tmp_path)), str(calls_file(tmp_path))]
    assert cli("import", *paths).exit_code == 0
    before = event_rows(store)
    again = json.loads(cli("import", *paths, "--json").stdout)
    assert (again["new"], again["duplicate"], again["skipped"]) == (0, 5, 1)
    assert event_rows(store) == before
    assert cli("verify").exit_code == 0


def test_overlapping_later_backup_adds_only_the_new_messages(tmp_path: Path, store) -> None:
    older = write_sbr(tmp_path / "old.xml", sms("10086", 1763647980000, 1, "一") + sms("10086", 1763647990000, 1, "二"))
    newer = tmp_path / "new"
    newer.mkdir()
    newer = write_sbr(
        newer / "new.xml",
        sms("10086", 1763647990000, 1, "二") + sms("10086", 1763648000000, 1, "三"),
    )
    import_files(store, [older])
    summary = import_files(store, [newer])
    assert (summary.new, summary.duplicate) == (1, 1)
    assert [r["text"] for r in event_rows(store)] == ["一", "二", "三"]


def test_party_links_the_imported_numbers(tmp_path: Path, store, cli) -> None:
    result = cli("import", str(calls_file(tmp_path)), "--party", "某某资产管理")
    assert result.exit_code == 0, result.output
    linked = {n["number"]: n["party"] for n in store.numbers.list()}
    assert linked == {"+8613800138000": "某某资产管理"}
    assert {e.party for e in store.events.select()} == {"某某资产管理"}


def test_forcing_the_wrong_format_is_refused(tmp_path: Path, store, cli) -> None:
    result = cli("import", "--format", "ios-sms", str(calls_file(tmp_path)))
    assert result.exit_code == 2 and "calls-20261120221300.xml" in result.stderr
    result = cli("import", "--format", "whatsapp", str(calls_file(tmp_path)))
    assert result.exit_code == 2 and "--format" in result.stderr
    assert event_rows(store) == []


def test_progress_reports_bytes_up_to_the_file_size(tmp_path: Path, store) -> None:
    path = backup(tmp_path)
    seen: list[tuple[str, int, int]] = []
    import_files(store, [path], progress=lambda name, done, total, records: seen.append((name, done, total)))
    assert seen[-1] == ("sms-20261120221300.xml", path.stat().st_size, path.stat().st_size)
    assert [d for _, d, _ in seen] == sorted(d for _, d, _ in seen)


SAMPLE_FILES = [
    "sbr_sms_mms_pcraciunoiu.xml",
    "sbr_sms_singleline_pcraciunoiu.xml",
    "android_mmssms_samsung_dfrws2021.db",
    "android_mmssms_empty_schema_teleshoes.db",
    "ios_sms_magnetctf2020_amandawills.db",
]


@pytest.mark.skipif(not SAMPLES.exists(), reason="../shared/samples not present")
def test_real_samples_import_fully(store, cli) -> None:
    paths = [SAMPLES / name for name in SAMPLE_FILES]
    result = cli("import", *map(str, paths), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    got = {f["file"]: (f["format"], f["new"] + f["duplicate"], f["skipped"]) for f in data["files"]}
    xml_records = {p.name: len(re.findall(rb"<(?:sms|mms) ", p.read_bytes())) for p in paths if p.suffix == ".xml"}
    assert got == {
        "sbr_sms_mms_pcraciunoiu.xml": ("sbr", xml_records["sbr_sms_mms_pcraciunoiu.xml"], 0),
        "sbr_sms_singleline_pcraciunoiu.xml": ("sbr", xml_records["sbr_sms_singleline_pcraciunoiu.xml"], 0),
        "android_mmssms_samsung_dfrws2021.db": ("android-sms", 32, 0),  # README: 32 sms rows
        "android_mmssms_empty_schema_teleshoes.db": ("android-sms", 0, 0),
        "ios_sms_magnetctf2020_amandawills.db": ("ios-sms", 105, 0),  # README: 105 messages
    }
    # The first file repeats one SMS exactly: stored once.
    assert data["files"][0]["duplicate"] >= 1
    # The single-line backup's MMS carries a JPEG: stored as an attachment with its bytes' hash.
    assert any(a["mime"] == "image/jpeg" for a in store.attachments.list())
    assert cli("verify").exit_code == 0
    again = json.loads(cli("import", *map(str, paths), "--json").stdout)
    assert again["new"] == 0


def test_table_summary_in_chinese(tmp_path: Path, store, cli) -> None:
    result = CliRunner().invoke(app, ["--db", str(store.path), "--lang", "zh", "import", str(backup(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "新增" in result.stdout and "跳过原因" in result.stdout and "草稿: 1" in result.stdout


def test_show_traces_an_imported_event_to_its_file(cli, tmp_path):
    """A lawyer can follow any event back to the file, its SHA-256 and the record in it."""
    import hashlib
    import json

    xml = tmp_path / "sms-20261120.xml"
    xml.write_text(
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"1\">"
        '<sms address="16500000102" date="1763648000000" type="1" body="再不还钱就爆你通讯录" '
        'readable_date="x" contact_name="(Unknown)" /></smses>',
        encoding="utf-8",
    )
    assert cli("init", "--region", "CN").exit_code == 0
    assert cli("import", str(xml)).exit_code == 0
    shown = json.loads(cli("show", "1", "--json").stdout)
    assert shown["source"] == "import:sms-20261120.xml"
    assert shown["import"]["file_name"] == "sms-20261120.xml"
    assert shown["import"]["sha256"] == hashlib.sha256(xml.read_bytes()).hexdigest()
    assert shown["import"]["format"] == "sbr"
    assert shown["source_ref"].startswith("sms[1]")
    assert shown["raw"]["body"] == "再不还钱就爆你通讯录"
    assert shown["tz_offset_min"] is None  # the backup stores an instant, not the phone's offset
    assert shown["at"] == "2025-11-20T22:13:20+08:00"  # shown in the borrower's zone all the same
