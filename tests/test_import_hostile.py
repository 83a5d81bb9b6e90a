"""Hostile and broken inputs: refused with exit 2, one line naming the file, nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers_import import counts, sms, write_sbr

from harasslog.ingest import import_files

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE smses [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<smses count="1"><sms address="10086" date="1763647980000" type="1" body="&lol9;" /></smses>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE smses [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<smses count="1"><sms address="10086" date="1763647980000" type="1" body="&xxe;" /></smses>
"""

JPEG = bytes.fromhex("ffd8ffe000104a46494600010101004800480000ffdb004300") + bytes(range(256)) * 8 + b"\xff\xd9"


def assert_refused(result, name: str, store, before: tuple[int, int, int], cli) -> None:
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert "\n" not in message and message.startswith("harasslog: ") and name in message, message
    assert "Traceback" not in result.output
    assert result.stdout == ""
    assert counts(store) == before
    verified = cli("verify")
    assert verified.exit_code == 0, verified.output


def test_billion_laughs_is_refused(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "sms-bomb.xml"
    path.write_text(BILLION_LAUGHS)
    before = counts(store)
    result = cli("import", str(path))
    assert_refused(result, "sms-bomb.xml", store, before, cli)
    assert "DOCTYPE" in result.stderr


def test_billion_laughs_is_refused_even_when_forced_past_detection(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(BILLION_LAUGHS)
    before = counts(store)
    assert_refused(cli("import", "--format", "sbr", str(path)), "bomb.xml", store, before, cli)


def test_external_entity_is_refused(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(EXTERNAL_ENTITY)
    before = counts(store)
    assert_refused(cli("import", "--format", "sbr", str(path)), "xxe.xml", store, before, cli)


def test_undeclared_entity_is_refused(tmp_path: Path, store, cli) -> None:
    path = write_sbr(tmp_path / "entity.xml", sms("10086", 1763647980000, 1, "&xxe;"))
    before = counts(store)
    result = cli("--lang", "en", "import", str(path))
    assert_refused(result, "entity.xml", store, before, cli)
    assert "line 5" in result.stderr


def test_truncated_backup_is_refused_after_batches_were_written_and_nothing_stays(tmp_path: Path, store, cli) -> None:
    # 2,500 messages: the first batch reaches the store before the cut is found at the end.
    body = "\n".join(sms("10086", 1763647980000 + i * 1000, 1, f"第{i}条") for i in range(2500))
    whole = write_sbr(tmp_path / "whole.xml", body).read_bytes()
    path = tmp_path / "sms-cut.xml"
    path.write_bytes(whole[: whole.rindex(b"<sms ") + 40])  # cut inside the last <sms>, on line 2504
    before = counts(store)
    result = cli("--lang", "en", "import", str(path))
    assert_refused(result, "sms-cut.xml", store, before, cli)
    assert "truncated" in result.stderr and "line 2504" in result.stderr


def test_jpeg_renamed_xml_is_refused(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "sms-20261120.xml"
    path.write_bytes(JPEG)
    before = counts(store)
    result = cli("import", str(path), "--lang", "en")  # the English wording (Chinese: test_zh_everywhere)
    assert_refused(result, "sms-20261120.xml", store, before, cli)
    assert "not a phone export" in result.stderr


def test_jpeg_forced_as_sbr_is_refused(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "photo.xml"
    path.write_bytes(JPEG)
    before = counts(store)
    assert_refused(cli("import", "--format", "sbr", str(path)), "photo.xml", store, before, cli)


@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_empty_file_is_refused(tmp_path: Path, store, cli, content: bytes) -> None:
    path = tmp_path / "calls.xml"
    path.write_bytes(content)
    before = counts(store)
    result = cli("import", str(path), "--lang", "en")  # the English wording (Chinese: test_zh_everywhere)
    assert_refused(result, "calls.xml", store, before, cli)
    assert "empty" in result.stderr


def test_missing_file_is_refused(tmp_path: Path, store, cli) -> None:
    before = counts(store)
    assert_refused(cli("import", str(tmp_path / "nope.xml")), "nope.xml", store, before, cli)


def test_xml_of_another_kind_is_refused(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "feed.xml"
    path.write_text("<?xml version='1.0'?><rss><channel/></rss>")
    before = counts(store)
    result = cli("import", str(path))
    assert_refused(result, "feed.xml", store, before, cli)
    assert "<rss>" in result.stderr


def test_unknown_sqlite_database_is_refused(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER, body TEXT)")
    conn.close()
    before = counts(store)
    result = cli("import", str(path))
    assert_refused(result, "other.db", store, before, cli)
    assert "notes" in result.stderr


def test_damaged_sqlite_database_is_refused(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "mmssms.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    before = counts(store)
    assert_refused(cli("import", str(path)), "mmssms.db", store, before, cli)


def test_one_bad_file_among_several_stores_none_of_them(tmp_path: Path, store, cli) -> None:
    good = write_sbr(tmp_path / "good.xml", sms("10086", 1763647980000, 1, "好的"))
    bad = tmp_path / "bad.xml"
    bad.write_text(EXTERNAL_ENTITY)
    before = counts(store)
    assert_refused(cli("import", str(good), str(bad)), "bad.xml", store, before, cli)


def test_an_import_stopped_half_way_leaves_nothing(tmp_path: Path, store, monkeypatch) -> None:
    body = "\n".join(sms("10086", 1763647980000 + i * 1000, 1, f"n{i}") for i in range(4500))
    path = write_sbr(tmp_path / "big.xml", body)
    calls = {"n": 0}
    real = store.events.append_rows

    def interrupted(raws, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the first batch is in; Ctrl-C arrives during the second
            raise KeyboardInterrupt
        return real(raws, **kwargs)

    monkeypatch.setattr(store.events, "append_rows", interrupted)
    before = counts(store)
    with pytest.raises(KeyboardInterrupt):
        import_files(store, [path])
    assert calls["n"] == 2
    assert counts(store) == before
    assert store.verify().ok
