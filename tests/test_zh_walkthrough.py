"""A borrower who reads only Chinese, from the first `harasslog` to a rendered complaint (issue 13's
done-when), on a machine whose locale is not Chinese: every command is given `--lang zh`, in a
different place each time. Every line printed is checked for English words a Chinese reader would
have to understand; what may stay as written is listed in ALLOWED (command and option names and the
values typed after them, file names, rule ids, formats, the time zone, units). The evidence text is
Chinese, so none of it is excused.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from helpers_import import call, sms, write_sbr
from typer.testing import CliRunner

from harasslog.cli import app

NOT_ZH = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "COLUMNS": "200"}  # wide: no hash cut in two
COLLECTOR = "16500000102"
THREAT = "再不还钱就爆你通讯录，让你全家都知道"
# What a Chinese line may hold as written: the program and its commands, option values the reader
# types, formats, file and table names, standards and units.
ALLOWED = {
    "harasslog",
    "init",
    "add",
    "sms",
    "call",
    "import",
    "analyze",
    "report",
    "list",
    "review",
    "verify",
    "show",
    "search",
    "stats",
    "deadlines",
    "party",
    "request",
    "datasette",
    "serve",
    "immutable",
    "metadata",
    "json",
    "pip",
    "install",
    "help",
    "lang",
    "zh",
    "en",
    "template",
    "complaint",
    "html",
    "xml",
    "sbr",
    "csv",
    "zip",
    "now",
    "ISO",
    "UTC",
    "SHA",
    "CN",
    "US",
    "GB",
    "Asia",
    "Shanghai",
    "Datasette",
    "HARASSLOG_DB",
    "region",
    "tz",
    "jurisdiction",
    "cn",
    "backup",
    "accept",
    "reject",
    "reason",
    "db",
    "id",
    "ID",
    # table names (the store's contract), as verify names a row
    "events",
    "parties",
    "numbers",
    "findings",
    "ledger",
}
TOKENS = re.compile(
    r"--?[\w-]+"  # options
    r"|(?:/|\w:\\)[^\s，。；：（）]+"  # paths
    r"|[\w.-]+\.(?:db|html|xml|json|csv|zip|toml)\b"  # file names
    r"|\b[A-Z]{2,}-[A-Z0-9-]+\b"  # rule ids (CN-HOURS-001)
    r"|\b[0-9a-f]{16,}\b"  # hashes
    r"|\b[0-9a-f]{4,}\b"  # a hash in groups, or the tail of one wrapped in a table (7b95, ffce)
    r"|\b\d+(?:m|s|h|d)?\b"  # numbers, durations
)


def english(text: str) -> list[str]:
    """The English words in `text` a Chinese-only reader would meet."""
    words = re.findall(r"[A-Za-z][A-Za-z_]+", TOKENS.sub(" ", text))
    return sorted({w for w in words if w not in ALLOWED})


@pytest.fixture
def zh(db_path):
    runner = CliRunner()

    def run(*args: str, code: int = 0, excused: frozenset[str] = frozenset(), check: bool = True) -> str:
        result = runner.invoke(app, ["--db", str(db_path), *args], env=NOT_ZH, catch_exceptions=False)
        said = result.stdout + result.stderr
        assert result.exit_code == code, (args, said)
        assert not check or [w for w in english(said) if w not in excused] == [], (args, said)
        return said

    return run


def backup(tmp_path: Path) -> Path:
    """A phone backup holding two threats and a night call from the collector."""
    return write_sbr(
        tmp_path / "短信备份.xml",
        "\n".join(
            [
                sms(COLLECTOR, 1763647980000, 1, THREAT),  # 2026-11-20 22:13 Beijing
                sms(COLLECTOR, 1763651580000, 1, "再不还就去你单位找你领导"),
                call(COLLECTOR, 1763652000000, 1, 90),
            ]
        ),
        count=3,
    )


def test_a_chinese_reader_goes_from_the_first_command_to_a_complaint(zh, tmp_path, db_path):
    assert "先做这三步" in zh("--lang", "zh")
    assert "证据库" in zh("--lang", "zh", "list", code=2)  # no store yet: says so, in Chinese
    said = zh("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn", "--lang", "zh")
    assert "证据库已就绪" in said and "Asia/Shanghai" in said
    for at in ("昨晚10点", "昨天 22:13", "刚才", "前天下午3点"):
        said = zh("add", "sms", COLLECTOR, "--at", at, "--text", THREAT, "--lang", "zh")
        assert "已记录 短信" in said
    assert "时间未记录" in zh("add", "sms", COLLECTOR, "--at", "前天下午", "--text", "还钱", "--lang", "zh")
    assert "已记录 电话" in zh("--lang", "zh", "add", "call", COLLECTOR, "--at", "-2h", "--duration", "1m30s")

    assert "导入结果" in zh("import", str(backup(tmp_path)), "--party", "某某催收", "--lang", "zh")
    assert "高" in zh("analyze", "--lang", "zh")
    assert "⚑" in zh("list", "--flagged", "--lang", "zh")
    assert "未审阅" in zh("review", "list", "--lang", "zh")
    assert "已确认" in zh("review", "accept", "1", "--lang", "zh")
    assert "已驳回" in zh("review", "reject", "2", "--reason", "不是催收", "--lang", "zh")
    out = tmp_path / "投诉书.html"
    assert "已生成" in zh("report", "--template", "cn-complaint", "-o", str(out), "--lang", "zh")
    assert "金融消费投诉书" in out.read_text("utf-8")

    assert "完整" in zh("verify", "--lang", "zh")
    assert "涉嫌违规" in zh("stats", "--lang", "zh")
    assert "期限" in zh("deadlines", "--lang", "zh")
    assert "某某催收" in zh("party", "list", "--lang", "zh")
    assert "编号" in zh("request", "list", "--lang", "zh")
    assert "找到" in zh("search", "通讯录", "--lang", "zh")
    assert "内容" in zh("show", "1", "--lang", "zh")
    metadata = tmp_path / "metadata.json"
    assert "datasette serve --immutable" in zh("datasette", "-o", str(metadata), "--lang", "zh")
    assert "时间线" in metadata.read_text("utf-8")


def test_the_errors_a_chinese_reader_provokes_are_one_chinese_line_and_write_nothing(zh, db_path):
    zh("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    errors = [
        ("add", "sms", COLLECTOR, "--at", "明年", "--text", "x"),  # a time it cannot read
        ("add", "sms", COLLECTOR, "--at", "25:00", "--text", "x"),  # an hour that does not exist
        ("add", "call", COLLECTOR, "--duration", "五分钟"),
        ("show", "99"),  # no such event
        ("show", "abc"),
        ("list", "--bogus"),
        ("review", "reject", "1"),  # no --reason
        ("add", "sms", COLLECTOR, "--text", "   "),
    ]
    # A value not among the choices: they are listed as typed.
    statuses = frozenset({"answered", "missed", "rejected", "voicemail", "blocked", "unknown"})
    errors.append(("add", "call", COLLECTOR, "--status", "暂停"))
    for args in errors:
        said = zh(*args, "--lang", "zh", code=2, excused=statuses if "--status" in args else frozenset())
        assert len(said.strip().splitlines()) == 1, (args, said)
        assert re.search(r"[\u4e00-\u9fff]", said), (args, said)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_every_help_a_chinese_reader_opens_explains_the_english_values_to_type(db_path):
    """Option values are typed in English (the contract); each help says what they mean in Chinese.
    (Whether the rest of every help is Chinese is tests/test_help_i18n.py's walk.)"""

    def zh(*args: str) -> str:  # help lines wrap anywhere: compared without white space
        result = CliRunner().invoke(app, ["--db", str(db_path), *args, "--help", "--lang", "zh"], env=NOT_ZH)
        assert result.exit_code == 0, result.output
        return re.sub(r"\s+", "", result.stdout)

    assert "missed未接" in zh("add", "call")
    assert "sms短信" in zh("list")
    assert "pause约定暂停催收" in zh("request", "add")
    assert "agency催收机构" in zh("party", "add")
    assert "threat_third_party威胁联系亲友" in zh("review", "relabel")
    assert "high高" in zh("analyze")


def tampered(db_path: Path) -> None:
    """An event's text rewritten behind harasslog's back (its triggers dropped, plain SQLite)."""
    conn = sqlite3.connect(db_path)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE events SET text = '改过' WHERE id = 1")
    conn.commit()
    conn.close()


def test_verify_names_what_was_altered_in_chinese(zh, db_path):
    zh("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    zh("add", "sms", COLLECTOR, "--at", "昨晚10点", "--text", THREAT)
    tampered(db_path)
    said = zh("verify", "--lang", "zh", code=1)
    assert "已被改动" in said and "与当初记录的不一致" in said


def test_a_recorded_request_is_named_in_chinese(zh):
    zh("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    zh("party", "add", "某某催收", "--kind", "agency", check=False)
    assert "要求停止联系" in zh("request", "add", "--party", "某某催收", "--kind", "stop", "--lang", "zh")


def test_a_saved_party_is_named_in_chinese(zh):
    zh("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    assert "催收机构" in zh("party", "add", "某某催收", "--kind", "agency", "--lang", "zh")


def test_show_says_where_a_record_came_from_in_chinese(zh):
    zh("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    zh("add", "sms", COLLECTOR, "--at", "昨晚10点", "--text", THREAT)
    said = zh("show", "1", "--lang", "zh")
    assert "typed" not in said and "hand" not in said
    assert "手工录入" in said
