"""SMS Backup & Restore XML: mapping of sms, mms and calls, and each quirk seen in real files."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers_import import call, event_rows, sms, write_sbr

from harasslog.importers import ImportOptions, detect, read, xmlstream
from harasslog.ingest import import_files
from harasslog.models import RawEvent, Skipped


def records(path: Path) -> list[RawEvent | Skipped]:
    return list(read(path, "auto", ImportOptions()))


def events(path: Path) -> list[RawEvent]:
    return [r for r in records(path) if isinstance(r, RawEvent)]


def test_sms_fields_direction_and_provenance(tmp_path: Path) -> None:
    path = write_sbr(
        tmp_path / "sms-20261120221300.xml",
        "\n".join(
            [
                sms("+8613800138000", 1763647980123, 1, "您已逾期三天，请尽快还款"),
                sms("95588", 1763648040000, 2, "收到"),
            ]
        ),
    )
    assert detect(path) == "sbr"
    first, second = events(path)
    assert (first.channel, first.direction, first.number_raw) == ("sms", "in", "+8613800138000")
    assert first.text == "您已逾期三天，请尽快还款"
    assert first.at == datetime(2025, 11, 20, 14, 13, 0, 123000, tzinfo=UTC)
    assert first.source_ref == "sms[1] (line 5)"
    assert first.raw["readable_date"] == "Nov 20, 2026 10:13:00 PM"  # the whole record is kept
    assert first.raw["date"] == "1763647980123"
    assert (second.direction, second.number_raw, second.source_ref) == ("out", "95588", "sms[2] (line 6)")


def test_drafts_and_unsent_messages_are_skipped_with_their_reason(tmp_path: Path) -> None:
    body = "\n".join(sms("10086", 1763647980000 + i, t, f"m{t}") for i, t in enumerate((1, 3, 4, 5, 6, 9)))
    got = records(write_sbr(tmp_path / "s.xml", body))
    assert [type(r).__name__ for r in got] == ["RawEvent"] + ["Skipped"] * 5
    assert [r.reason for r in got[1:]] == [
        "draft",
        "outbox (not sent)",
        "failed to send",
        "queued (not sent)",
        "unknown sms type '9'",
    ]


def test_wrong_count_attribute_is_ignored(tmp_path: Path) -> None:
    body = "\n".join(sms("10086", 1763647980000 + i, 1, f"第{i}条") for i in range(5))
    path = write_sbr(tmp_path / "s.xml", body, count=2)
    assert [e.text for e in events(path)] == [f"第{i}条" for i in range(5)]


def test_dates_in_seconds_are_read_as_seconds(tmp_path: Path) -> None:
    body = "\n".join([sms("10086", 1763647980, 1, "seconds"), sms("10086", 1763647980000, 1, "milliseconds")])
    seconds, millis = events(write_sbr(tmp_path / "s.xml", body))
    assert seconds.at == millis.at == datetime(2025, 11, 20, 14, 13, tzinfo=UTC)


def test_readable_date_is_ignored(tmp_path: Path) -> None:
    body = sms("10086", 1763647980000, 1, "x", readable_date="18 июня 2018 г. 19:36:18")
    (event,) = events(write_sbr(tmp_path / "s.xml", body))
    assert event.at == datetime(2025, 11, 20, 14, 13, tzinfo=UTC)


def test_surrogate_pair_references_become_one_emoji(tmp_path: Path) -> None:
    body = sms("10086", 1763647980000, 1, "还钱&#55357;&#56832;!&#xD83D;&#xDE21;")
    (event,) = events(write_sbr(tmp_path / "s.xml", body))
    assert event.text == "还钱\U0001f600!\U0001f621"


def test_lone_surrogate_references_become_replacement_characters(tmp_path: Path) -> None:
    body = sms("10086", 1763647980000, 1, "a&#55357;b&#56832;c&#56832;&#55357;d")
    (event,) = events(write_sbr(tmp_path / "s.xml", body))
    assert event.text == "a\ufffdb\ufffdc\ufffd\ufffdd"


def test_surrogate_pair_split_between_reads_is_still_joined(tmp_path: Path, monkeypatch) -> None:
    body = "\n".join(sms("10086", 1763647980000 + i, 1, "x" * i + "&#55357;&#56832;") for i in range(40))
    path = write_sbr(tmp_path / "s.xml", body)
    monkeypatch.setattr(xmlstream, "CHUNK", 97)  # every cut position is exercised across 40 lengths
    assert [e.text for e in events(path)] == ["x" * i + "\U0001f600" for i in range(40)]


def test_newline_references_are_kept_as_newlines(tmp_path: Path) -> None:
    (event,) = events(write_sbr(tmp_path / "s.xml", sms("10086", 1763647980000, 1, "第一行&#10;第二行&#13;&#10;")))
    assert event.text == "第一行\n第二行\r\n"


def test_alphanumeric_and_short_code_senders_keep_their_raw_form(tmp_path: Path) -> None:
    senders = ["CoopMobile", "M-Money", "10010202", "1069012345678", "(555) 555-4545"]
    body = "\n".join(sms(s, 1763647980000 + i, 1, "x") for i, s in enumerate(senders))
    assert [e.number_raw for e in events(write_sbr(tmp_path / "s.xml", body))] == senders


def test_whole_backup_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "one.xml"
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?><smses count=\"2\">"
        + "".join(sms("10086", 1763647980000 + i, 1, f"n{i}") for i in range(3))
        + "</smses>",
        encoding="utf-8",
    )
    got = events(path)
    assert [e.text for e in got] == ["n0", "n1", "n2"]
    assert [e.source_ref for e in got] == ["sms[1] (line 1)", "sms[2] (line 1)", "sms[3] (line 1)"]


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _mms(msg_box: int, addrs: str, parts: str, **attrs: str) -> str:
    extra = " ".join(f'{k}="{v}"' for k, v in attrs.items())
    return (
        f'<mms date="1763647980000" date_sent="1763647979" msg_box="{msg_box}" ct_t="application/vnd.wap.multipart'
        f'.related" sub="null" read="1" {extra}><parts>{parts}</parts><addrs>{addrs}</addrs></mms>'
    )


def test_mms_text_parts_become_text_and_other_parts_attachments(tmp_path: Path) -> None:
    data = base64.b64encode(JPEG).decode()
    parts = (
        '<part seq="-1" ct="application/smil" name="null" chset="null" cl="smil.xml" text="&lt;smil&gt;" />'
        f'<part seq="1" ct="image/jpeg" name="IMG_1.jpg" chset="null" cl="IMG_1.jpg" text="null" data="{data}" />'
        '<part seq="0" ct="text/plain" name="null" chset="106" cl="text_0.txt" text="看看你家门口" />'
    )
    addrs = (
        '<addr address="+8613912345678" type="137" charset="106" />'
        '<addr address="insert-address-token" type="151" charset="106" />'
    )
    (event,) = events(write_sbr(tmp_path / "m.xml", _mms(1, addrs, parts, address="+8613912345678")))
    assert (event.channel, event.direction, event.number_raw) == ("mms", "in", "+8613912345678")
    assert event.text == "看看你家门口"
    assert len(event.attachments) == 1
    assert (event.attachments[0].name, event.attachments[0].mime, event.attachments[0].data) == (
        "IMG_1.jpg",
        "image/jpeg",
        JPEG,
    )
    # The raw record keeps every part, with the attachment's hash instead of its base64.
    assert [p["ct"] for p in event.raw["parts"]] == ["application/smil", "text/plain", "image/jpeg"]
    assert event.raw["parts"][2]["data"]["size"] == len(JPEG)
    assert event.at == datetime(2025, 11, 20, 14, 13, tzinfo=UTC)


def test_incoming_group_mms_takes_the_sender_and_sent_mms_the_recipients(tmp_path: Path) -> None:
    incoming = _mms(
        1,
        '<addr address="+8613911110000" type="151" /><addr address="+8613922220000" type="137" />',
        '<part seq="0" ct="text/plain" text="a" />',
        address="+8613911110000~+8613922220000",
    )
    sent = _mms(
        2,
        '<addr address="insert-address-token" type="137" /><addr address="+8613933330000" type="151" />'
        '<addr address="+8613944440000" type="151" />',
        '<part seq="0" ct="text/plain" text="b" />',
    )
    draft = _mms(3, "", '<part seq="0" ct="text/plain" text="c" />')
    got = records(write_sbr(tmp_path / "m.xml", incoming + sent + draft))
    assert got[0].number_raw == "+8613922220000"
    assert (got[1].direction, got[1].number_raw) == ("out", "+8613933330000~+8613944440000")
    assert isinstance(got[2], Skipped) and got[2].reason == "draft"


@pytest.mark.parametrize(
    ("type_", "duration", "direction", "status"),
    [
        (1, 65, "in", "answered"),
        (2, 30, "out", "answered"),
        (2, 0, "out", "unknown"),
        (3, 0, "in", "missed"),
        (4, 12, "in", "voicemail"),
        (5, 0, "in", "rejected"),
        (6, 0, "in", "blocked"),
        (7, 40, "in", "answered"),
    ],
)
def test_every_call_type_maps_to_a_status(tmp_path: Path, type_, duration, direction, status) -> None:
    path = write_sbr(tmp_path / "calls.xml", call("02161234567", 1763647980000, type_, duration), root="calls")
    (event,) = events(path)
    assert (event.channel, event.direction, event.status, event.duration_s) == ("call", direction, status, duration)
    assert event.number_raw == "02161234567" and event.source_ref == "call[1] (line 5)"


def test_private_number_call_is_kept_with_the_number_as_written(tmp_path: Path) -> None:
    path = write_sbr(tmp_path / "calls.xml", call("-2", 1763647980000, 3, presentation="2"), root="calls")
    (event,) = events(path)
    assert (event.number_raw, event.status, event.raw["presentation"]) == ("-2", "missed", "2")


def test_duplicates_inside_one_file_and_across_files_are_stored_once(tmp_path: Path, store) -> None:
    same = sms("+8613800138000", 1763647980000, 1, "请还款")
    first = write_sbr(tmp_path / "sms-1.xml", same + same + sms("10086", 1763647990000, 1, "余额"))
    later = write_sbr(tmp_path / "sms-2.xml", same + sms("10086", 1763648000000, 1, "新的"))
    summary = import_files(store, [first])
    assert (summary.new, summary.duplicate) == (2, 1)
    summary = import_files(store, [later])
    assert (summary.new, summary.duplicate) == (1, 1)
    assert [r["text"] for r in event_rows(store)] == ["请还款", "余额", "新的"]


def test_records_stream_out_before_the_file_is_read_whole(tmp_path: Path, monkeypatch) -> None:
    """What makes a backup of hundreds of megabytes importable in flat memory."""
    body = "\n".join(sms("10086", 1763647980000 + i, 1, f"第{i}条") for i in range(3000))
    path = write_sbr(tmp_path / "big.xml", body)
    monkeypatch.setattr(xmlstream, "CHUNK", 64 * 1024)
    read_so_far: list[int] = []
    stream = xmlstream.iter_children(path, ("smses",), on_bytes=read_so_far.append)
    first = next(stream)
    assert first[1]["body"] == "第0条"
    assert sum(read_so_far) == 64 * 1024 < path.stat().st_size
    assert sum(1 for _ in stream) == 2999
