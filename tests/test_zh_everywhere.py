"""A Chinese user's whole session prints no English sentence (issue 13 item 1).

LANG=zh_CN.UTF-8 and a Chinese store: init, add (each kind), import a backup with skipped rows, a CSV
with a bad row and a carrier 详单, list, show, search, analyze, review, deadlines, verify (store and
bundle), stats, datasette, and the errors a borrower meets. Every printed line goes through the
checker of the help test; JSON output stays English (its field names are the contract).
"""

from __future__ import annotations

from pathlib import Path

from helpers_import import call, sms, write_sbr
from test_help_i18n import untranslated
from test_import_formats_b import make_xlsx, ms
from typer.testing import CliRunner

from harasslog.cli import app

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
    return {"backup": backup, "csv": table, "carrier": carrier}


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
        ["add", "third-party", "--at", "2026-11-22T12:00", "--note", "打给了我母亲"],
        ["import", str(made["backup"])],
        ["import", str(made["csv"])],
        ["import", str(made["carrier"])],
        ["list"],
        ["show", "1"],
        ["show", "7"],
        ["search", "还钱"],
        ["analyze"],
        ["review", "list"],
        ["deadlines"],
        ["verify"],
        ["export", "bundle", "-o", str(tmp_path / "case.zip")],
        ["verify", "--bundle", str(tmp_path / "case.zip")],
        ["stats"],
        ["datasette", "-o", str(tmp_path / "meta.json")],
        ["show", "999"],
        ["show", "abc"],
        ["add", "sms", COLLECTOR, "--at", "yesterday-ish", "--text", "x"],
        ["request", "add", "--party", "某某", "--kind", "暂停"],
    ]
    done = []
    for args in steps:
        result = runner.invoke(app, ["--db", str(db), *args], env=ZH)
        done.append((" ".join(args), result.exit_code, result.stdout + result.stderr))
    missing = runner.invoke(app, ["--db", str(tmp_path / "none.db"), "list"], env=ZH)
    done.append(("list (no store)", missing.exit_code, missing.stdout + missing.stderr))
    return done


def test_a_chinese_session_prints_no_english_sentence(tmp_path: Path) -> None:
    bad = {}
    for command, _code, output in session(tmp_path):
        lines = untranslated(output, NAMES)
        if lines:
            bad[command] = lines
    assert bad == {}
