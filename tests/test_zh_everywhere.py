"""A Chinese user's whole session prints no English sentence (issue 13 item 1).

LANG=zh_CN.UTF-8 and a Chinese store: init, add (each kind), import a backup with skipped rows, a CSV
with a bad row and a carrier 详单, list, show, search, analyze, review, deadlines, verify (store and
bundle), stats, datasette, and the errors a borrower meets. Every printed line goes through the
checker of the help test; JSON output stays English (its field names are the contract).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers_import import call, sms, write_sbr
from test_help_i18n import CJK, untranslated
from test_import_formats_b import make_xlsx, ms
from typer.testing import CliRunner

from harasslog.cli import app, i18n

ZH = {"LANG": "zh_CN.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
COLLECTOR = "16500000102"
# Names a Chinese line may hold as they are: the program, file names, formats, SMS text we stored.
NAMES = {"harasslog", "sbr", "csv", "carrier", "CSV", "SBR", "SHA", "zip", "json", "datasette", "Datasette", "sqlite"}


def files(tmp_path: Path) -> dict[str, Path]:
    backup = write_sbr(
        tmp_path / "sms-backup.xml",
        "\n".join(
            [
                sms(COLLECTOR, ms("2026-11-20T22:13:41"), 1, "再不还钱就爆你通讯录"),
                sms(COLLECTOR, ms("2026-11-20T22:13:41"), 1, "再不还钱就爆你通讯录"),
                sms("10086", ms("2026-11-20T23:00:00"), 3, "草稿"),
                call(COLLECTOR, ms("2026-11-20T23:30:00"), 1, 90),
                '<sms address="" date="notanumber" type="1" body="x" />',
            ]
        ),
        count=5,
    )
    table = tmp_path / "calls.csv"
    table.write_text(
        "time,number,direction,channel,text\n"
        "2026-11-21 08:00,16500000102,in,sms,今天必须还款\n"
        "not a time,16500000102,in,sms,坏行\n",
        encoding="utf-8",
    )
    carrier = make_xlsx(
        tmp_path / "短信详单.xlsx",
        [
            ["起始时间", "通信地点", "对方号码", "通信方式", "信息类型", "通信费"],
            ["2026-11-20 22:13:00", "北京", COLLECTOR, "接收", "短信", 0],
        ],
    )
    good = tmp_path / "more.csv"
    good.write_text("time,number,direction,channel,text\n2026-11-21 08:00,16500000102,in,sms,今天必须还款\n,,,,\n")
    (tmp_path / "empty.xml").write_bytes(b"")
    (tmp_path / "contacts.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:某某\nEND:VCARD\n")
    (tmp_path / "notes.txt").write_text("今天又打了三次电话\n")
    return {
        "backup": backup,
        "csv": table,
        "good_csv": good,
        "carrier": carrier,
        "empty": tmp_path / "empty.xml",
        "contacts": tmp_path / "contacts.vcf",
        "notes": tmp_path / "notes.txt",
    }


def session(tmp_path: Path) -> list[tuple[str, int, str]]:
    """(command, exit code, everything printed) for each step of the session."""
    db = tmp_path / "zh.db"
    runner = CliRunner()
    made = files(tmp_path)
    steps = [
        ["init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn", "--name", "张三"],
        ["add", "call", COLLECTOR, "--at", "2026-11-20T23:30", "--duration", "90"],
        ["add", "sms", COLLECTOR, "--at", "2026-11-20T23:40", "--text", "明天上门"],
        ["add", "visit", "--at", "2026-11-21T10:00", "--note", "两人上门"],
        ["add", "letter", "--at", "2026-11-22T10:00", "--note", "律师函"],
        ["add", "third-party", "--at", "2026-11-22T12:00", "--who", "我母亲", "--note", "打给了我母亲"],
        ["import", str(made["backup"])],
        ["import", str(made["csv"])],
        ["import", str(made["good_csv"])],
        ["import", str(made["carrier"])],
        ["list"],
        ["show", "1"],
        ["show", "6"],
        ["show", "abc"],
        ["search", "还钱"],
        ["analyze"],
        ["review", "list"],
        ["review", "relabel", "2", "--category", "over_frequency", "--reason", "太频繁"],
        ["review", "list"],
        ["deadlines"],
        ["verify"],
        ["export", "bundle", "-o", str(tmp_path / "case.zip")],
        ["verify", "--bundle", str(tmp_path / "case.zip")],
        ["stats"],
        ["datasette", "-o", str(tmp_path / "meta.json")],
        ["show", "999"],
        ["add", "sms", COLLECTOR, "--at", "yesterday-ish", "--text", "x"],
        ["request", "add", "--party", "某某", "--kind", "暂停"],
        ["import", str(made["empty"])],
        ["import", str(made["contacts"])],
        ["import", str(made["notes"])],
    ]
    done = []
    for args in steps:
        result = runner.invoke(app, ["--db", str(db), *args], env=ZH)
        done.append((" ".join(args), result.exit_code, result.stdout + result.stderr))
    missing = runner.invoke(app, ["--db", str(tmp_path / "none.db"), "list"], env=ZH)
    done.append(("list (no store)", missing.exit_code, missing.stdout + missing.stderr))
    return done


# Lines that are data, not words: a hash wrapped onto its own line, and the record as the phone
# exported it (show's raw JSON, byte for byte); and commands we tell the user to type.
DATA = re.compile(r'\s*(?:[0-9a-f]{4,}|"[\w-]+": .*|[{}],?)\s*')
COMMANDS = ("datasette ", "harasslog ")


def english_lines(output: str) -> list[str]:
    """The checker's English lines, less data and commands (they stay as written)."""
    return [
        line
        for line in untranslated(output, NAMES)
        if not DATA.fullmatch(line) and not line.strip().startswith(COMMANDS)
    ]


REFUSED = ("calls.csv", "show abc", "show 999", "--at yesterday-ish", "--kind 暂停", "empty.xml", "contacts.vcf")
REFUSED += ("notes.txt", "(no store)")


def test_a_chinese_session_prints_no_english_sentence(tmp_path: Path) -> None:
    bad = {}
    for command, code, output in session(tmp_path):
        refused = any(part in command for part in REFUSED)
        assert code == (2 if refused else 0), (command, output)
        lines = english_lines(output)
        if lines:
            bad[command] = lines
    assert bad == {}


def test_json_keeps_the_importers_english(tmp_path: Path) -> None:
    db = tmp_path / "zh.db"
    runner = CliRunner()
    runner.invoke(app, ["--db", str(db), "init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn"])
    result = runner.invoke(app, ["--db", str(db), "import", str(files(tmp_path)["backup"]), "--json"], env=ZH)
    assert result.exit_code == 0, result.output
    reasons = json.loads(result.stdout)["files"][0]["skipped_reasons"]
    assert reasons == {"draft": 1, "no date": 1}


def test_every_fixed_skip_reason_reads_in_chinese() -> None:
    """The reasons importers take from tables (drafts, outboxes, MMS reports, a time out of range)."""
    from harasslog.importers import codes, ios_sms, oppo
    from harasslog.ingest import TIME_OUT_OF_RANGE

    fixed = {*codes.SMS_NOT_SENT.values(), *codes.MMS_NOT_SENT.values(), *codes.MMS_REPORTS.values()}
    fixed |= {*oppo.NOT_SENT.values(), *ios_sms.LEGACY_SMS_SKIP.values(), *ios_sms.LEGACY_IMESSAGE_SKIP.values()}
    for reason in (*fixed, TIME_OUT_OF_RANGE, "unknown call type '9'", "unknown sms type '7'"):
        shown = i18n.phrase(reason, "zh", i18n.REASONS)
        assert CJK.search(shown), reason


def test_us_and_uk_deadlines_in_chinese(tmp_path: Path) -> None:
    runner = CliRunner()
    for region, tz, jurisdiction in (("US", "America/New_York", "us"), ("GB", "Europe/London", "uk")):
        db = tmp_path / f"{jurisdiction}.db"
        steps = [
            ["init", "--region", region, "--tz", tz, "--jurisdiction", jurisdiction, "--lang", "zh"],
            ["add", "call", "+12025550188", "--at", "2026-11-20T23:30", "--duration", "60", "--note", "#robocall"],
            ["analyze"],
            ["deadlines"],
        ]
        for args in steps:
            result = runner.invoke(app, ["--db", str(db), *args], env=ZH)
            assert result.exit_code == 0, (args, result.output)
        assert english_lines(result.stdout) == [], result.stdout
        assert "期限" in result.stdout and len(result.stdout.splitlines()) > 2, result.stdout
