"""Every --help in Chinese and English; --lang anywhere; the language from the profile or the locale;
--version, completion and the first-run intro (issue 13 items 1 and 5); a light `import harasslog.cli`."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from harasslog.cli import app, i18n

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Words that stay as written in a Chinese help: option names, <metavars>, [choices], UPPER names.
NOT_WORDS = re.compile(r"(?<![\w])--?[\w-]+|<[^>]*>|\[[^\]\u4e00-\u9fff]*\]|\b[A-Z][A-Z_]+\b")
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:,? +[A-Za-z]{2,}){3,}\b")  # four English words in a row


def commands() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    return [path[1:] for path, _ in i18n.walk(root)]


def help_of(path: tuple[str, ...], lang: str, **env: str) -> str:
    result = CliRunner().invoke(app, [*path, "--help", "--lang", lang] if lang else [*path, "--help"], env=env)
    assert result.exit_code == 0, (path, result.output)
    return result.stdout


def untranslated(text: str, names: set[str]) -> list[str]:
    """Lines of a Chinese help that still read as English."""
    bad = []
    for line in text.splitlines():
        words = NOT_WORDS.sub(" ", line)
        words = " ".join(w for w in words.split() if w not in names)
        if re.search(r"[A-Za-z]{2,}", words) and not CJK.search(line):
            bad.append(line)
        elif ENGLISH_RUN.search(words):
            bad.append(line)
    return bad


def test_the_walk_finds_every_command():
    found = commands()
    assert len(found) > 40
    assert ("add", "sms") in found and ("review", "relabel") in found and ("export", "bundle") in found


def test_every_command_and_option_has_a_chinese_help():
    """The catalog side: any help declared in English without a cli.help entry is named here."""
    root = typer.main.get_command(app)
    missing = []
    for path, command in i18n.walk(root):
        if command.help and not i18n.translated(path, None, command.help):
            missing.append(" ".join(path))
        for param in command.params:
            english = getattr(param, "help", None)
            if english and not i18n.translated(path, param.name, english):
                missing.append(f"{' '.join(path)} {param.name}")
    assert missing == []


def test_every_help_in_chinese_has_no_english_left():
    names = {"harasslog", *(name for path in commands() for name in path)}
    bad = {}
    for path in commands():
        text = help_of(path, "zh")
        assert "用法：" in text and "显示本帮助并退出。" in text and "Usage" not in text, path
        lines = untranslated(text, names)
        if lines:
            bad[" ".join(path) or "harasslog"] = lines
    assert bad == {}


def test_every_help_in_english_stays_english():
    for path in commands():
        text = help_of(path, "en")
        assert text.startswith("Usage: harasslog") and "Show this message and exit." in text, path
        assert "显示本帮助" not in text and "用法" not in text


def test_the_checker_catches_an_english_line():
    assert untranslated("  --party <str>  The collector behind it.", set()) == [
        "  --party <str>  The collector behind it."
    ]
    assert untranslated("  --party <str>  背后的催收方（债权机构或催收公司）。", set()) == []


@pytest.mark.parametrize("where", ["before", "after"])
def test_lang_is_accepted_before_or_after_the_command(cli, where):
    assert cli("init", "--region", "US", "--tz", "America/New_York", "--jurisdiction", "us").exit_code == 0
    args = ["--lang", "zh", "list"] if where == "before" else ["list", "--lang", "zh"]
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert "0 条记录" in result.stdout


def test_lang_after_a_subcommand_of_a_group(cli):
    cli("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    result = cli("debt", "add", "--creditor", "Acme", "--lang", "en")
    assert result.exit_code == 0 and result.stderr == "Debt #1 with Acme saved\n"


def test_help_follows_the_system_locale_then_the_profile(cli, db_path):
    assert "显示本帮助并退出。" in help_of(("list",), "", LANG="zh_CN.UTF-8", LC_ALL="", LC_MESSAGES="")
    assert "Show this message and exit." in help_of(("list",), "", LANG="C.UTF-8", LC_ALL="", LC_MESSAGES="")
    cli("init", "--region", "US", "--tz", "America/New_York", "--jurisdiction", "us", "--lang", "zh")
    # An English locale, but this store's profile says Chinese: the profile wins; --lang beats both.
    env = {"LANG": "en_US.UTF-8", "LC_ALL": "", "HARASSLOG_DB": str(db_path)}
    assert "显示本帮助并退出。" in help_of(("list",), "", **env)
    assert "Show this message and exit." in help_of(("list",), "en", **env)


def test_locale_variables_in_gettext_order():
    assert i18n.locale_lang({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    assert i18n.locale_lang({"LC_ALL": "", "LC_MESSAGES": "en_GB", "LANG": "zh_TW.UTF-8"}) == "en"
    assert i18n.locale_lang({"LANG": "zh_HK.Big5"}) == "zh"
    assert i18n.locale_lang({}) is None


def test_a_usage_error_in_chinese():
    result = CliRunner().invoke(app, ["list", "--lang", "zh", "--bogus"])
    assert result.exit_code == 2
    assert result.stderr == "harasslog: 没有这个选项：--bogus（见 --help）\n"


def test_version_and_completion_options():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and re.fullmatch(r"harasslog \d+\.\d+\.\d+\n", result.stdout)
    text = help_of((), "en")
    assert "--install-completion" in text and "--show-completion" in text


@pytest.mark.parametrize(("lang", "words"), [("zh", "先做这三步"), ("en", "First steps")])
def test_no_arguments_shows_the_first_three_steps(lang, words):
    result = CliRunner().invoke(app, ["--lang", lang])
    assert result.exit_code == 0
    assert words in result.stdout
    for step in ("harasslog init", "harasslog add sms", "harasslog import", "harasslog analyze", "harasslog report"):
        assert step in result.stdout
    assert "--install-completion" not in result.stdout  # an intro, not the full help


def test_importing_the_cli_leaves_heavy_modules_unloaded():
    """Start-up: the renderers, OpenCC and the rule engine load only in the commands that use them."""
    code = "import sys, harasslog.cli; print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True).stdout.split()
    )
    heavy = {"weasyprint", "jinja2", "opencc", "harasslog.rules.engine", "sqlite_utils", "phonenumbers", "rich.table"}
    assert heavy & loaded == set()


def test_errors_in_chinese(cli, tmp_path):
    """The errors a borrower meets first, in Chinese (issue 13.1); --lang en keeps them English."""
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "none.db"), "list"], env={"LANG": "zh_CN.UTF-8"})
    assert result.exit_code == 2
    assert result.stderr.startswith(f"harasslog: {tmp_path / 'none.db'} 处没有证据库：请先运行 harasslog init")
    cli("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    assert cli("show", "99").stderr == "harasslog: 没有编号为 99 的记录\n"
    assert cli("show", "99", "--lang", "en").stderr == "harasslog: no event with id 99\n"
    kind = cli("request", "add", "--party", "某某", "--kind", "暂停")
    assert kind.exit_code == 2 and kind.stderr.startswith("harasslog: '--kind' 的值无效：'暂停' 不是可选值之一：'stop'")


def test_table_words_in_chinese(cli):
    cli("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn")
    cli("add", "call", "13912345678", "--at", "2026-11-20T23:30", "--duration", "90")
    cli("party", "add", "某某催收", "--kind", "agency", "--number", "13912345678")
    listing = cli("list").stdout
    assert "电话 呼入" in listing and "已接听 90s" in listing and "call in" not in listing
    assert "催收机构" in cli("party", "list").stdout
    shown = cli("show", "1").stdout
    assert "渠道" in shown and "哈希值" in shown and "hash" not in shown
    english = cli("list", "--lang", "en").stdout
    assert "call in" in english and "answered 90s" in english


def test_help_texts_name_the_formats_and_fields_the_importers_read():
    """`import --help` reads the format and CSV field names from vocab, not the importers (start-up)."""
    from harasslog import vocab
    from harasslog.importers import FORMATS
    from harasslog.importers.csvfile import FIELDS

    assert vocab.IMPORT_FORMATS == tuple(FORMATS)
    assert vocab.CSV_FIELDS == tuple(FIELDS)
