"""Samsung logs.db, iOS 3-7 call_history.db and carriers' itemised records (通话详单 / 短信详单).

Every file is built here from the documented schema (Samsung's LogsProvider table `logs`, iOS 6's
`call` table as iphonebackuptools records it, the columns China Mobile / Unicom / Telecom export),
with fictional numbers; none is a real person's data.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def ms(local: str) -> int:
    """Epoch milliseconds of a Beijing wall-clock time."""
    return int(datetime.fromisoformat(local).replace(tzinfo=SHANGHAI).timestamp() * 1000)


# ---------------------------------------------------------------- builders


def make_samsung_logs(path: Path, rows: list[dict]) -> Path:
    """Samsung's logs.db: one `logs` table for calls (logtype 100/500) and messages (300 SMS, 200 MMS)."""
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE android_metadata (locale TEXT);
        CREATE TABLE logs (_id INTEGER PRIMARY KEY AUTOINCREMENT, number TEXT, address TEXT, date INTEGER,
            duration INTEGER, type INTEGER, new INTEGER, name TEXT, numbertype INTEGER, numberlabel TEXT,
            countryiso TEXT, voicemail_uri TEXT, is_read INTEGER, geocoded_location TEXT, lookup_uri TEXT,
            matched_number TEXT, normalized_number TEXT, photo_id INTEGER NOT NULL DEFAULT 0,
            formatted_number TEXT, messageid INTEGER, logtype INTEGER, frequent INTEGER, contactid INTEGER,
            raw_contact_id INTEGER, m_subject TEXT, m_content TEXT, sns_tid TEXT, sns_pkey TEXT,
            account_name TEXT, account_id TEXT, sns_receiver_count INTEGER, sp_type TEXT, cnap_name TEXT,
            cdnip_number TEXT, service_type INTEGER, presentation INTEGER NOT NULL DEFAULT 1);
    """)
    for row in rows:
        conn.execute(f"INSERT INTO logs ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    conn.commit()
    conn.close()
    return path


def make_call_history(path: Path, rows: list[tuple[int, str, int, int, int]]) -> Path:
    """iOS 6 call_history.db (ROWID, address, date in Unix seconds, duration, flags), with its triggers."""
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
        CREATE TABLE call (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT, date INTEGER,
            duration INTEGER, flags INTEGER, id INTEGER, name TEXT, country_code TEXT, network_code TEXT,
            read INTEGER, assisted INTEGER, face_time_data BLOB, originalAddress TEXT);
        CREATE TABLE data (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, pdp_ip INTEGER, bytes_rcvd REAL,
            bytes_sent REAL, bytes_last_rcvd REAL, bytes_last_sent REAL, bytes_lifetime_rcvd REAL,
            bytes_lifetime_sent REAL);
        CREATE INDEX date_index on call(date);
        INSERT INTO _SqliteDatabaseProperties VALUES ('timer_outgoing', '0');
        CREATE TRIGGER timer_outgoing_trigger INSERT ON call WHEN (NEW.flags & (1 << 0) == 1) BEGIN
            UPDATE _SqliteDatabaseProperties SET value = (((((SELECT NEW.duration)+59)/60)*60)
            + (SELECT value FROM _SqliteDatabaseProperties WHERE key = 'timer_outgoing'))
            WHERE key = 'timer_outgoing'; END;
    """)
    conn.executemany(
        "INSERT INTO call (ROWID, address, date, duration, flags, id, country_code, network_code, read)"
        " VALUES (?, ?, ?, ?, ?, -1, '460', '00', 1)",
        rows,
    )
    conn.commit()
    conn.close()
    return path


def make_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """A minimal SpreadsheetML workbook as Excel writes it: strings shared, numbers as numbers, and
    datetimes as a date-styled cell holding the float serial Excel stores."""
    strings: list[str] = []
    cells_xml = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, datetime):
                serial = (value - datetime(1899, 12, 30)).total_seconds() / 86400
                cells.append(f'<c r="{ref}" s="1"><v>{serial!r}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif value:
                strings.append(str(value))
                cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
        cells_xml.append(f'<row r="{r}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            '<sheets><sheet name="通话详单" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr(
            "xl/styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{main}">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
            '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>',
        )
        z.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(strings)}">'
            + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
            + "</sst>",
        )
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'
            + "".join(cells_xml)
            + "</sheetData></worksheet>",
        )
    return path


MOBILE_CALLS = (
    "中国移动 通话详单\n"
    "手机号码：138****8000,查询月份：2026年11月\n"
    "起始时间,通信地点,通信方式,对方号码,通信时长,通信类型,套餐优惠,实收通信费(元)\n"
    "2026-11-20 22:13:05,北京,被叫,17000000101,1分30秒,本地,,0.00\n"
    "11-20 22:40:00,北京,主叫,17000000101,00:00:45,国内长途,,0.15\n"  # the year is the title's
    "2026-11-21 09:00:10,北京,呼转,16500000102,8秒,本地,,0.00\n"
    "合计,,,,,,,0.15\n"
)


# ---------------------------------------------------------------- helpers


def imported(cli, *paths: Path, extra: tuple[str, ...] = ()) -> dict:
    result = cli("import", *map(str, paths), "--json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def events(cli) -> list[dict]:
    result = cli("list", "--json")
    assert result.exit_code == 0, result.stderr
    return sorted(json.loads(result.stdout), key=lambda e: e["id"])


def refused(cli, path: Path) -> str:
    result = cli("--lang", "en", "import", str(path))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


# ---------------------------------------------------------------- Samsung logs.db


def test_samsung_logs_calls_and_messages_apart(tmp_path: Path, store, cli) -> None:
    path = make_samsung_logs(
        tmp_path / "logs.db",
        [
            {"number": "17000000101", "date": ms("2026-11-20T22:13:05"), "duration": 90, "type": 1, "logtype": 100},
            {"number": "17000000101", "date": ms("2026-11-20T22:20:00"), "duration": 0, "type": 3, "logtype": 100},
            {"number": "17000000101", "date": ms("2026-11-20T22:30:00"), "duration": 12, "type": 2, "logtype": 500},
            {
                "number": "16500000102",
                "date": ms("2026-11-20T22:14:00"),
                "type": 1,
                "logtype": 300,
                "m_content": "再不还钱就爆你通讯录",
            },  # fmt: skip
            {
                "number": "16500000102",
                "date": ms("2026-11-20T22:15:00"),
                "type": 3,
                "logtype": 300,
                "m_content": "草稿",
            },  # fmt: skip
            {"number": "someone@example.com", "date": ms("2026-11-20T22:16:00"), "type": 1, "logtype": 1000},
        ],
    )
    summary = imported(cli, path)
    assert summary["files"][0]["format"] == "samsung-logs"
    assert summary["new"] == 4
    assert summary["files"][0]["skipped_reasons"] == {"draft": 1, "not a call or message (logtype 1000)": 1}
    got = [(e["channel"], e["direction"], e["status"], e["duration_s"], e["text"], e["at"]) for e in events(cli)]
    assert got == [
        ("call", "in", "answered", 90, None, "2026-11-20T22:13:05+08:00"),
        ("call", "in", "missed", 0, None, "2026-11-20T22:20:00+08:00"),
        ("call", "out", "answered", 12, None, "2026-11-20T22:30:00+08:00"),  # a video call is a call
        ("sms", "in", "unknown", None, "再不还钱就爆你通讯录", "2026-11-20T22:14:00+08:00"),
    ]


# ---------------------------------------------------------------- iOS call_history.db


def test_ios_call_history_flags_give_direction_and_outcome(tmp_path: Path, store, cli) -> None:
    at = ms("2026-11-20T22:13:05") // 1000
    path = make_call_history(
        tmp_path / "call_history.db",
        [
            (1, "17000000101", at, 30, 4),  # incoming, lasted: answered
            (2, "17000000101", at + 600, 0, 4),  # incoming, no duration: missed
            (3, "17000000101", at + 1200, 0, 5),  # outgoing, not connected
            (4, "", at + 1800, 0, 4),  # iOS could not identify the caller
        ],
    )
    summary = imported(cli, path)
    assert summary["files"][0]["format"] == "ios-call-history" and summary["new"] == 4
    got = [(e["direction"], e["status"], e["number"], e["caller"], e["at"]) for e in events(cli)]
    assert got == [
        ("in", "answered", "+8617000000101", None, "2026-11-20T22:13:05+08:00"),
        ("in", "missed", "+8617000000101", None, "2026-11-20T22:23:05+08:00"),
        ("out", "unknown", "+8617000000101", None, "2026-11-20T22:33:05+08:00"),
        ("in", "missed", None, "unknown", "2026-11-20T22:43:05+08:00"),
    ]


# ---------------------------------------------------------------- carriers' itemised records


def test_carrier_csv_in_gbk_below_title_lines(tmp_path: Path, store, cli) -> None:
    path = tmp_path / "通话详单-202611.csv"
    path.write_bytes(MOBILE_CALLS.encode("gb18030"))  # what the carrier's site downloads
    summary = imported(cli, path)
    file = summary["files"][0]
    assert file["format"] == "carrier" and file["new"] == 2
    assert file["skipped_reasons"] == {
        "forwarded call (呼转): who called whom is not recorded": 1,
        "not a record (no time or no number)": 1,  # the 合计 line
    }
    first, second = events(cli)
    assert (first["direction"], first["duration_s"], first["status"], first["at"]) == (
        "in", 90, "answered", "2026-11-20T22:13:05+08:00",
    )  # fmt: skip
    assert (second["direction"], second["duration_s"], second["at_precision"]) == ("out", 45, "second")
    assert second["at"] == "2026-11-20T22:40:00+08:00"
    shown = json.loads(cli("show", str(first["id"]), "--json").stdout)
    assert shown["raw"]["通信地点"] == "北京" and shown["raw"]["实收通信费(元)"] == "0.00"
    assert shown["source_ref"] == "row 4"  # the row as the spreadsheet numbers it


def test_carrier_times_without_a_year_need_a_title_or_file_name_giving_it(tmp_path: Path, store, cli) -> None:
    lines = MOBILE_CALLS.splitlines(keepends=True)[2:5]  # no title lines
    bare = tmp_path / "详单.csv"
    bare.write_text("".join(lines), encoding="utf-8")
    assert "has no year" in refused(cli, bare)
    named = tmp_path / "通话详单-202611.csv"
    named.write_text("".join(lines), encoding="utf-8")
    assert imported(cli, named)["new"] == 2
    assert events(cli)[1]["at"] == "2026-11-20T22:40:00+08:00"


def test_carrier_xlsx_calls_with_date_cells_and_sms_records(tmp_path: Path, store, cli) -> None:
    calls = make_xlsx(
        tmp_path / "详单.xlsx",
        [
            ["中国电信 通话详单"],
            ["呼叫类型", "对方号码", "开始时间", "通话时长", "通话地点", "通话类型", "费用"],
            ["被叫", "17000000101", datetime(2026, 11, 20, 22, 13, 5), "1分30秒", "上海", "本地", 0],
            ["主叫", "+86 170 0000 0101", "2026-11-20 22:40", "45", "上海", "本地", 0.1],
        ],
    )
    texts = make_xlsx(
        tmp_path / "短信详单.xlsx",
        [
            ["发送时间", "对方号码", "类型", "信息类型", "费用"],
            ["2026/11/20 22:13:41", "10690000888", "接收", "短信", 0],
            ["2026/11/20 22:50:02", "16500000102", "发送", "短信", 0.1],
        ],
    )
    summary = imported(cli, calls, texts)
    assert [f["format"] for f in summary["files"]] == ["carrier", "carrier"] and summary["new"] == 4
    got = [(e["channel"], e["direction"], e["number"], e["at"], e["duration_s"], e["text"]) for e in events(cli)]
    assert got == [
        ("call", "in", "+8617000000101", "2026-11-20T22:13:05+08:00", 90, None),
        ("call", "out", "+8617000000101", "2026-11-20T22:40:00+08:00", 45, None),
        ("sms", "in", "10690000888", "2026-11-20T22:13:41+08:00", None, None),  # no text: carriers keep none
        ("sms", "out", "+8616500000102", "2026-11-20T22:50:02+08:00", None, None),
    ]
    assert [e["at_precision"] for e in events(cli)] == ["second", "minute", "second", "second"]


def test_old_xls_pdf_and_other_workbooks_get_one_line_naming_what_to_export(tmp_path: Path, store, cli) -> None:
    xls = tmp_path / "详单.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert "save it as .xlsx or .csv" in refused(cli, xls)
    pdf = tmp_path / "详单.pdf"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n")
    assert "a PDF" in refused(cli, pdf) and "Excel or CSV" in refused(cli, pdf)
    budget = make_xlsx(tmp_path / "budget.xlsx", [["月份", "金额"], ["11月", 1200]])
    assert "not a carrier itemised record" in refused(cli, budget)
    assert events(cli) == []


def test_a_workbook_declaring_entities_is_refused(tmp_path: Path, store, cli) -> None:
    good = make_xlsx(tmp_path / "good.xlsx", [["起始时间", "对方号码", "通信方式", "费用"]])
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as z:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/sharedStrings.xml":
                data = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]><sst><si><t>&a;</t></si></sst>'
            z.writestr(name, data)
    result = cli("--lang", "en", "import", "--format", "carrier", str(path))
    assert result.exit_code == 2 and "DOCTYPE" in result.stderr, result.output
    assert events(cli) == []
