"""The exports Chinese and US borrowers bring: Google Voice Takeout, WeChat (MemoTrace), 超级备份, OPPO.

Every file here is built by the test from the formats' documented or observed structure (the
markup Takeout writes, the columns MemoTrace writes, the attributes 超级备份 writes, vMessage 1.1);
all names and numbers are fictional.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from helpers_import import counts, event_rows

from harasslog.errors import InputError
from harasslog.importers import ImportOptions, detect, google_voice, read
from harasslog.ingest import import_files
from harasslog.models import RawEvent, Skipped

SHANGHAI = ZoneInfo("Asia/Shanghai")
PACIFIC = timezone(timedelta(hours=-8))


def records(path: Path, tz=SHANGHAI) -> list[RawEvent | Skipped]:
    return list(read(path, "auto", ImportOptions(tz=tz, region="US")))


def events(path: Path, tz=SHANGHAI) -> list[RawEvent]:
    return [r for r in records(path, tz) if isinstance(r, RawEvent)]


# ---------------------------------------------------------------- Google Voice Takeout

GV_HEAD = (
    '<?xml version="1.0" ?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><head>'
    '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n<title>{title}</title>\n'
    '<style type="text/css">\n.haudio {{ margin: 0 auto; }}\n</style></head>\n<body>'
)
GV_TAIL = '<div class="deletedStatusContainer">User Deleted:\nFalse</div></body></html>\n'


def gv_message(when: str, tel: str, text: str, me: bool = False, extra: str = "") -> str:
    fn = '<abbr class="fn" title="">Me</abbr>' if me else '<span class="fn">Acme Recovery</span>'
    return (
        f'<div class="message"><abbr class="dt" title="{when}">Nov 20, 2026, 10:13:05&#8239;PM\nPacific Time</abbr>:\n'
        f'<cite class="sender vcard"><a class="tel" href="tel:{tel}">{fn}</a></cite>:\n<q>{text}</q>\n{extra}</div>'
    )


def gv_texts(*messages: str, title: str = "+12025550187", participants: str = "") -> str:
    body = f'<div class="hChatLog hfeed">{participants}\n' + " ".join(messages) + "</div>\n"
    labels = '<div class="tags">Labels:\n<a rel="tag" href="http://www.google.com/voice#sms">Text</a></div>\n'
    return GV_HEAD.format(title=title) + body + labels + GV_TAIL


def gv_call(label: str, heading: str, tel: str, when: str, duration: str = "", transcript: str = "") -> str:
    parts = [
        f'<div class="haudio"><span class="album">Call Log for\n</span>\n<span class="fn">{heading}\n</span>\n'
        f'<div class="contributor vcard">{heading}\n'
        f'<a class="tel" href="tel:{tel}"><span class="fn"></span></a></div>\n'
        f'<abbr class="published" title="{when}">Nov 20, 2026</abbr>\n'
    ]
    if transcript:
        parts.append(
            f'Transcript:\n<span class="description"><span class="full-text">{transcript}</span>\n'
            '<span class="word high">Pay\n<span class="start-time">1.1</span></span></span>\n'
            f'<audio controls="controls" src="{heading} - Voicemail.mp3"></audio>\n'
        )
    if duration:
        parts.append(f'<abbr class="duration" title="{duration}">(00:01:23)</abbr>\n')
    parts.append(
        f'<div class="tags">Labels:\n<a rel="tag" href="http://www.google.com/voice#{label}">{label}</a>, '
        '<a rel="tag" href="http://www.google.com/voice#inbox">Inbox</a></div>\n'
    )
    return GV_HEAD.format(title=heading) + "".join(parts) + GV_TAIL.replace("</body>", "</div></body>")


def test_google_voice_texts_keep_direction_number_exact_time_and_the_markup(tmp_path: Path) -> None:
    page = gv_texts(
        gv_message("2026-11-20T22:13:05.270-08:00", "+12025550187", "Pay today or we call your employer &amp; family"),
        gv_message("2026-11-20T22:15:00.000-08:00", "+12025550143", "Stop calling me", me=True),
        gv_message(
            "2026-11-20T22:16:00.000-08:00", "+12025550187", "", extra='<div><img src="x-1-1" alt="Image" /></div>'
        ),
        gv_message("2026-11-20T22:17:00.000-08:00", "+12025550187", ""),
    )
    path = tmp_path / "Acme - Text - 2026-11-21T06_13_05Z.html"
    path.write_text(page, encoding="utf-8")
    assert detect(path) == "google-voice"
    got = records(path)
    first, sent, picture = got[:3]
    assert (first.channel, first.direction, first.number_raw) == ("sms", "in", "+12025550187")
    assert first.text == "Pay today or we call your employer & family"
    assert first.at == datetime(2026, 11, 21, 6, 13, 5, 270000, tzinfo=UTC)
    assert first.tz_offset_min == -480 and first.at_precision == "second"
    assert first.source_ref == "message[1] (line 8)"
    assert first.raw["html"].startswith('<div class="message">') and first.raw["html"].endswith("</div>")
    assert "employer &amp; family" in first.raw["html"]  # as written, entities and all
    # What Me sent goes to the other side of the conversation, named by the messages received.
    assert (sent.direction, sent.number_raw, sent.text) == ("out", "+12025550187", "Stop calling me")
    # The picture is not beside the page: the message is kept, the part named as not found.
    assert (picture.channel, picture.text, picture.attachments) == ("mms", None, ())
    assert picture.raw["parts"] == [{"src": "x-1-1", "file": None}]
    assert got[3] == Skipped("message[4] (line 20)", "empty message")


def test_google_voice_group_text_sent_by_me_goes_to_every_participant(tmp_path: Path) -> None:
    who = (
        '<div class="participants">Group conversation with:\n'
        '<cite class="sender vcard"><a class="tel" href="tel:+12025550187"><span class="fn">A</span></a></cite>, '
        '<cite class="sender vcard"><a class="tel" href="tel:+12025550199"><span class="fn">B</span></a></cite></div>'
    )
    page = gv_texts(
        gv_message("2026-11-20T10:00:00.000-08:00", "+12025550199", "You owe us"),
        gv_message("2026-11-20T10:01:00.000-08:00", "+12025550143", "Who is this?", me=True),
        title="Group Conversation",
        participants=who,
    )
    path = tmp_path / "Group Conversation - 2026-11-20T18_00_00Z.html"
    path.write_text(page, encoding="utf-8")
    received, sent = events(path)
    assert (received.direction, received.number_raw) == ("in", "+12025550199")
    assert (sent.direction, sent.number_raw) == ("out", "+12025550187~+12025550199")


@pytest.mark.parametrize(
    ("label", "heading", "duration", "direction", "status", "seconds"),
    [
        ("placed", "Placed call to", "PT1M23S", "out", "answered", 83),
        ("placed", "Placed call to", "PT0S", "out", "unknown", 0),
        ("received", "Received call from", "PT2S", "in", "answered", 2),
        ("missed", "Missed call from", "", "in", "missed", None),
    ],
)
def test_google_voice_calls(tmp_path: Path, label, heading, duration, direction, status, seconds) -> None:
    path = tmp_path / "call.html"
    path.write_text(gv_call(label, heading, "+12025550187", "2026-11-20T22:13:05.000-08:00", duration), "utf-8")
    (call,) = events(path)
    assert (call.channel, call.direction, call.status, call.duration_s) == ("call", direction, status, seconds)
    assert call.number_raw == "+12025550187" and call.source_ref == "call[1] (line 7)"


def test_google_voice_voicemail_keeps_its_transcript_as_text(tmp_path: Path) -> None:
    path = tmp_path / "vm.html"
    page = gv_call(
        "voicemail",
        "Voicemail from",
        "+12025550187",
        "2026-11-20T22:13:05.000-08:00",
        "PT22S",
        "Pay by Friday, it&#39;s final.",
    )
    path.write_text(page, "utf-8")
    (vm,) = events(path)
    assert (vm.direction, vm.status, vm.duration_s) == ("in", "voicemail", 22)
    assert vm.text == "Pay by Friday, it's final."  # the transcript only, not the word-by-word timings
    assert vm.raw["parts"] == [{"src": "Voicemail from - Voicemail.mp3", "file": None}]


def takeout_zip(path: Path, pages: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Takeout/archive_browser.html", "<html><body>index</body></html>")
        for name, page in pages.items():
            zf.writestr(f"Takeout/Voice/Calls/{name}", page)
        zf.writestr("Takeout/Voice/Phones.vcf", "BEGIN:VCARD\nEND:VCARD\n")
    return path


def test_takeout_zip_is_read_in_place_hashed_whole_and_reimport_adds_nothing(tmp_path: Path, store) -> None:
    picture = '<div><img src="A - Text - 1-1-1" alt="Image MMS Attachment" /></div>'
    text = gv_texts(gv_message("2026-11-20T22:13:05.000-08:00", "+12025550187", "Final notice", extra=picture))
    call = gv_call("missed", "Missed call from", "+12025550187", "2026-11-20T21:00:00.000-08:00")
    jpeg = b"\xff\xd8\xff\xe0 a picture of the borrower's door"
    path = takeout_zip(
        tmp_path / "takeout-20261121T000000Z-001.zip",
        {"A - Text - 1.html": text, "A - Text - 1-1-1.jpg": jpeg, "A - Missed - 2.html": call},
    )
    assert detect(path) == "google-voice"
    summary = import_files(store, [path])
    (file,) = summary.files
    assert (file.format, file.new, file.sha256) == ("google-voice", 2, hashlib.sha256(path.read_bytes()).hexdigest())
    rows = event_rows(store)
    assert [r["source_ref"] for r in rows] == [
        "Takeout/Voice/Calls/A - Text - 1.html: message[1] (line 8)",
        "Takeout/Voice/Calls/A - Missed - 2.html: call[1] (line 7)",
    ]
    raw = json.loads(rows[0]["raw"])
    assert raw["member"] == "Takeout/Voice/Calls/A - Text - 1.html" and "Final notice" in raw["html"]
    assert rows[0]["number"] == "+12025550187" and rows[0]["channel"] == "mms"
    # The picture beside the page, found by the name the page gives it, is attached, whole.
    assert raw["parts"] == [
        {
            "src": "A - Text - 1-1-1",
            "file": "Takeout/Voice/Calls/A - Text - 1-1-1.jpg",
            "sha256": hashlib.sha256(jpeg).hexdigest(),
            "size": len(jpeg),
        }
    ]
    (sha, mime) = store.conn.execute(
        "SELECT sha256, mime FROM attachments WHERE event_id = ?", (rows[0]["id"],)
    ).fetchone()
    assert (sha, mime) == (hashlib.sha256(jpeg).hexdigest(), "image/jpeg")
    assert not (tmp_path / "Takeout").exists()  # nothing extracted
    again = import_files(store, [path])
    assert (again.new, again.duplicate) == (0, 2)


def test_a_zip_without_voice_pages_or_with_an_oversized_page_is_refused(tmp_path: Path, monkeypatch) -> None:
    other = tmp_path / "photos.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("Takeout/Google Photos/a.json", "{}")
    with pytest.raises(InputError, match=r"photos.zip: a ZIP archive, not a Google Voice Takeout"):
        detect(other)
    sheet = tmp_path / "通话详单.xlsx"
    with zipfile.ZipFile(sheet, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    # A workbook that is not a carrier's itemised record is named, with what to do instead.
    with pytest.raises(InputError, match=r"通话详单.xlsx: an Excel workbook .*save the sheet as CSV"):
        detect(sheet)
    # A member that unpacks beyond the bound is refused, however small it is packed (a zip bomb).
    monkeypatch.setattr(google_voice, "MAX_PAGE", 1000)
    bomb = takeout_zip(
        tmp_path / "takeout.zip", {"x.html": gv_texts(gv_message("2026-11-20T22:13:05-08:00", "+1", "a" * 5000))}
    )
    with pytest.raises(InputError, match=r"takeout.zip: refused: Takeout/Voice/Calls/x.html unpacks to more than"):
        records(bomb)


def test_hostile_google_voice_markup_cannot_mix_texts_or_crash(tmp_path: Path) -> None:
    # Unclosed tags, a stray end tag, a script, and a <q> inside the sender's name.
    page = gv_texts(
        '<div class="message"><abbr class="dt" title="2026-11-20T22:13:05-08:00">x</abbr>'
        '<cite class="sender vcard"><a class="tel" href="tel:+12025550187">'
        '<span class="fn">A<q>fake</q></span></a></cite>'
        "<q>real <script>alert(1)</script>text</q></span></div>",
        '<div class="message"><abbr class="dt" title="not a time">x</abbr><q>t</q></div>',
    )
    path = tmp_path / "h.html"
    path.write_text(page, "utf-8")
    first, second = records(path)
    assert isinstance(first, RawEvent) and first.text == "real alert(1)text"
    assert second == Skipped("message[2] (line 8)", "unreadable time")


def test_a_page_with_a_tag_left_open_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    # html.parser takes quadratic time on "<a <a <a ..." (minutes for a few MB): refused in one scan.
    path = tmp_path / "open.html"
    page = gv_texts("<q>x</q>")
    path.write_text(page + "<a " * 200_000, "utf-8")
    last_line = page.count("\n") + 1
    with pytest.raises(InputError, match=rf"open.html: line {last_line}: a '<' that opens no complete tag"):
        records(path)


# ---------------------------------------------------------------- WeChat (MemoTrace)

WX_HEADER = "localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"


def test_wechat_csv_messages_direction_sender_and_non_text_types(tmp_path: Path) -> None:
    rows = [
        '1,7,1,0,0,1763647985,2,"再不还钱就爆你通讯录,\n明天上门",2025-11-20 22:13:05,某催收,小王,wxid_collector01',
        "2,7,1,0,1,1763648000,2,别再骚扰我,2025-11-20 22:13:20,我,我,wxid_me",
        '3,7,3,0,0,1763648060,2,"<?xml version=""1.0""?><msg><img length=""1""/></msg>",'
        "2025-11-20 22:14:20,某催收,小王,wxid_collector01",
        "4,7,10000,0,0,1763648100,4,你撤回了一条消息,2025-11-20 22:15:00,,,",
        "5,7,1,0,0,,2,没有时间戳,2025-11-20 22:16:00,某催收,小王,wxid_collector01",
    ]
    path = tmp_path / "某催收_utf8.csv"
    path.write_text(WX_HEADER + "\n".join(rows) + "\n", encoding="utf-8-sig")
    assert detect(path) == "wechat"
    got = records(path)
    first, sent, image, system, local = got
    assert (first.channel, first.direction, first.number_raw) == ("im", "in", "wechat:wxid_collector01")
    assert first.text == "再不还钱就爆你通讯录,\n明天上门"
    assert first.at == datetime(2025, 11, 20, 14, 13, 5, tzinfo=UTC) and first.tz_offset_min is None
    assert first.raw["NickName"] == "小王" and first.raw["Remark"] == "某催收" and first.source_ref == "row 2"
    # The borrower's reply goes to the account the chat received from, not to the borrower's own wxid.
    assert (sent.direction, sent.number_raw, sent.text) == ("out", "wechat:wxid_collector01", "别再骚扰我")
    assert (image.text, image.raw["Type"]) == (None, "3")  # a contact, its content kept in raw
    assert system == Skipped("row 5", "WeChat system notice (type 10000), not a message")
    # Without CreateTime, StrTime is the wall clock: read in the profile's zone, its offset kept.
    assert local.at == datetime(2025, 11, 20, 22, 16, tzinfo=SHANGHAI) and local.tz_offset_min == 480


def test_wechat_accounts_are_stored_as_written_never_as_phone_numbers(tmp_path: Path, store) -> None:
    path = tmp_path / "chat.csv"
    path.write_text(WX_HEADER + "1,7,1,0,0,1763647985,2,还钱,2025-11-20 22:13:05,,,13800138000\n", "utf-8")
    import_files(store, [path])
    (row,) = event_rows(store)
    assert (row["channel"], row["number"], row["number_raw"]) == ("im", "wechat:13800138000", "wechat:13800138000")
    assert (
        store.conn.execute("SELECT kind FROM numbers WHERE number = ?", (row["number"],)).fetchone()[0]
        == "alphanumeric"
    )
    assert import_files(store, [path]).new == 0


def wx_html(*objects: str, title: str = "某催收") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh">\n<head><meta charset="UTF-8"><title>' + title + "</title>\n"
        "<script>function render(m) { if (m.type == 1) { return m.text; } }</script></head>\n<body>\n"
        "<script>\nconst chatMessages = [\n" + "\n".join(objects) + "\n];\n</script></body></html>\n"
    )


def test_wechat_html_objects_are_read_as_data_with_their_escapes_undone(tmp_path: Path) -> None:
    page = wx_html(
        "{ type:1, text: '明天不还\\'后果自负\\'<br>&lt;律师函&gt;',is_send:0,avatar_path:'./avatar/a.png',"
        "timestamp:1763647985,is_chatroom:0,displayname:'某催收'},",
        "{ type:1, text: '请停止',is_send:1,avatar_path:'',timestamp:1763648000,is_chatroom:0,displayname:'我'},",
        "{ type:0, text: '以上是打招呼的内容',is_send:0,avatar_path:'',timestamp:1763648001,"
        "is_chatroom:0,displayname:''},",
        "{ type:34, text:'./voice/1.mp3',is_send:0,avatar_path:'',voice_to_text:'还钱',timestamp:1763648002,"
        "is_chatroom:0,displayname:'某催收'},",
    )
    path = tmp_path / "某催收.html"
    path.write_text(page, "utf-8")
    assert detect(path) == "wechat"
    first, sent, system, voice = records(path)
    assert first.text == "明天不还'后果自负'\n<律师函>" and first.number_raw == "wechat:某催收"
    assert first.at == datetime(2025, 11, 20, 14, 13, 5, tzinfo=UTC) and first.source_ref == "message[1] (line 8)"
    assert first.raw["js"].startswith("{ type:1, text: '明天不还\\'") and first.raw["chat"] == "某催收"
    assert (sent.direction, sent.number_raw) == ("out", "wechat:某催收")
    assert isinstance(system, Skipped) and "system notice" in system.reason
    assert (voice.text, voice.channel) == (None, "im")
    other = tmp_path / "page.html"
    other.write_text("<html><body><script>{ type: 'x' }</script></body></html>", "utf-8")
    with pytest.raises(InputError, match="page.html: not a MemoTrace WeChat page"):
        list(read(other, "wechat", ImportOptions()))


# ---------------------------------------------------------------- 超级备份 (Super Backup)


def test_super_backup_sms_and_call_log(tmp_path: Path) -> None:
    sms = tmp_path / "sms_20261120.xml"
    sms.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<allsms count="3">\n'
        '\t<sms address="10690000888" time="2026年11月20日 下午10:13:05" date="1763648000123" type="1" '
        'body="【某金融】您已逾期&#10;请还款" read="1" service_center="+8613800200500" name="" />\n'
        '\t<sms address="13800138000" time="2026年11月20日 22:14" type="2" body="收到" read="1" name="" />\n'
        '\t<sms address="13800138000" date="1763648100000" type="3" body="草稿" />\n</allsms>\n',
        "utf-8",
    )
    assert detect(sms) == "superbackup"
    first, no_epoch, draft = records(sms)
    assert (first.channel, first.direction, first.number_raw, first.text) == (
        "sms",
        "in",
        "10690000888",
        "【某金融】您已逾期\n请还款",
    )
    assert first.at == datetime(2025, 11, 20, 14, 13, 20, 123000, tzinfo=UTC) and first.source_ref == "sms[1] (line 3)"
    assert first.raw["time"] == "2026年11月20日 下午10:13:05"
    assert no_epoch.at == datetime(2026, 11, 20, 22, 14, tzinfo=SHANGHAI) and no_epoch.at_precision == "minute"
    assert draft == Skipped("sms[3] (line 5)", "draft")
    calls = tmp_path / "calllog.xml"
    calls.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<alllogs count="4">\n'
        '\t<log number="17000000101" time="2026年11月20日 12:14:58" date="1763612098908" type="2" name="催收" '
        'new="1" dur="6" />\n'
        '\t<log number="17000000101" date="1763612332852" type="3" name="催收" new="0" dur="48" />\n'
        '\t<log number="-2" date="1763612400000" type="1" dur="30" />\n'
        '\t<log number="17000000101" date="1763612500000" type="9" dur="0" />\n</alllogs>\n',
        "utf-8",
    )
    assert detect(calls) == "superbackup"
    out, missed, hidden, odd = records(calls)
    assert (out.direction, out.status, out.duration_s) == ("out", "answered", 6)
    assert (missed.direction, missed.status, missed.duration_s) == ("in", "missed", None)  # 48 s of ringing
    assert missed.raw["dur"] == "48"
    assert (hidden.caller, hidden.number_raw) == ("withheld", "-2")
    assert odd == Skipped("log[4] (line 6)", "unknown call type '9'")


def test_super_backup_with_a_doctype_is_refused(tmp_path: Path, store) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE allsms [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        '<allsms><sms address="1" date="1763648000000" type="1" body="&b;" /></allsms>\n',
        "utf-8",
    )
    before = counts(store)
    with pytest.raises(InputError, match="DOCTYPE"):
        import_files(store, [path], format="superbackup")
    assert counts(store) == before


# ---------------------------------------------------------------- OPPO / ColorOS


def vmsg(box: str, tel: str, date: str, subject: str, extra: str = "") -> str:
    return (
        "BEGIN:VMSG\r\nVERSION:1.1\r\nBEGIN:VCARD\r\nTEL:" + tel + "\r\nEND:VCARD\r\nBEGIN:VBODY\r\n"
        f"X-BOX:{box}\r\nX-READ:READ\r\nX-SIMID:0\r\nX-LOCKED:UNLOCKED\r\nX-TYPE:SMS\r\n{extra}Date:{date}\r\n"
        f"Subject;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:{subject}\r\nEND:VBODY\r\nEND:VMSG\r\n"
    )


def test_oppo_vmsg_quoted_printable_bodies_boxes_and_wall_clock_dates(tmp_path: Path) -> None:
    # "再不还钱就上门" in UTF-8, quoted-printable, cut by a soft line break after 还.
    body = "=E5=86=8D=E4=B8=8D=E8=BF=98=\r\n=E9=92=B1=E5=B0=B1=E4=B8=8A=E9=97=A8"
    path = tmp_path / "sms.vmsg"
    path.write_text(
        vmsg("INBOX", "17000000101", "2026/11/20 22:13:05", body)
        + vmsg("SENDBOX", "17000000101", "2026/11/20 22:20:00", "=E5=A5=BD")
        + vmsg("DRAFT", "17000000101", "2026/11/20 22:30:00", "x"),
        "utf-8",
    )
    assert detect(path) == "oppo"
    got = records(path)
    first, sent, draft = got
    assert (first.channel, first.direction, first.number_raw, first.text) == (
        "sms",
        "in",
        "17000000101",
        "再不还钱就上门",
    )
    assert first.at == datetime(2026, 11, 20, 22, 13, 5, tzinfo=SHANGHAI)
    assert (first.tz_offset_min, first.at_precision, first.source_ref) == (480, "second", "VMSG[1] (line 1)")
    assert "Subject;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=E5=86=8D" in first.raw["vmsg"]
    assert (sent.direction, sent.text, sent.source_ref) == ("out", "好", "VMSG[2] (line 17)")
    assert draft == Skipped("VMSG[3] (line 32)", "draft")
    # A truncated file is refused naming where the message began.
    cut = tmp_path / "cut.vmsg"
    cut.write_text(vmsg("INBOX", "1", "2026/11/20 22:13:05", "x")[:60], "utf-8")
    with pytest.raises(InputError, match=r"cut.vmsg: line 1: a message without END:VMSG"):
        records(cut)


def test_oppo_call_log_xml(tmp_path: Path) -> None:
    path = tmp_path / "call_log.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<CallLog>\n'
        '<Call number="17000000101" date="1763647985000" duration="95" type="1" name="" />\n'
        '<Call number="" date="1763648000000" duration="0" type="3" presentation="2" />\n</CallLog>\n',
        "utf-8",
    )
    assert detect(path) == "oppo"
    answered, hidden = records(path)
    assert (answered.direction, answered.status, answered.duration_s) == ("in", "answered", 95)
    assert answered.at == datetime(2025, 11, 20, 14, 13, 5, tzinfo=UTC) and answered.source_ref == "Call[1] (line 3)"
    assert (hidden.status, hidden.caller) == ("missed", "withheld")


# ---------------------------------------------------------------- files of another kind


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("contacts.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n", "a VCARD file, not messages or calls"),
        ("page.html", "<!DOCTYPE html>\n<html><body>hello</body></html>", "a web page that is neither a Google Voice"),
        ("other.xml", "<?xml version='1.0'?><backup><x/></backup>", "XML with root <backup>, not a backup we read"),
    ],
)
def test_files_of_another_kind_get_one_line_naming_what_to_export(
    tmp_path: Path, cli, store, name, content, says
) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    result = cli("import", str(path), "--lang", "en")  # the English wording (Chinese: test_zh_everywhere)
    assert result.exit_code == 2
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
