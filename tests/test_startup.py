"""Commands that start at once (issue 13.7, issue 15.4): what the shortcuts must keep exact.

`harasslog --help` lists the commands from a table instead of building them, commands are built
when used, and the catalog is read by a small reader of its TOML subset. Each shortcut must give
what the long way gives; nothing here times anything (benchmarks/bench_startup.py measures)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import typer
import typer.main

from harasslog import catalog
from harasslog.cli import COMMANDS, app

ROOT = Path(__file__).resolve().parents[1]


def _help(root, lang: str, capsys) -> str:
    with pytest.raises((SystemExit, typer.Exit)) as done:  # --help ends the run (exit 0)
        root.main(["--help", "--lang", lang], prog_name="harasslog", standalone_mode=True)
    assert getattr(done.value, "code", getattr(done.value, "exit_code", None)) in (0, None)
    return capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_command_list_of_help_is_what_the_commands_say(lang, capsys, monkeypatch):
    """The table's one-liners, shown without building the commands, read as the built commands' own help."""
    monkeypatch.setenv("HARASSLOG_DB", "/nonexistent/none.db")
    listed = _help(typer.main.get_command(app), lang, capsys)
    built = typer.main.get_command(app)
    for name in COMMANDS:
        built.commands[name]  # build every command first: the listing then comes from them
    assert _help(built, lang, capsys) == listed
    assert ("Commands:" if lang == "en" else "命令：") in listed
    for name in COMMANDS:
        assert f"\n  {name} " in listed


def test_the_table_names_every_command_the_modules_declare():
    """A command added to a module but not to COMMANDS would be unreachable (and the reverse an error)."""
    declared: dict[str, str] = {}
    for module_name in sorted({module for module, _ in COMMANDS.values()}):
        staging = typer.Typer()
        __import__(f"harasslog.cli.{module_name}", fromlist=["register"]).register(staging)
        for command in staging.registered_commands:
            declared[command.name or typer.main.get_command_name(command.callback.__name__)] = module_name
        for group in staging.registered_groups:
            declared[group.name] = module_name
    assert declared == {name: module for name, (module, _) in COMMANDS.items()}


def test_help_and_a_command_build_only_what_they_use():
    """`harasslog --help` imports no command module; `add sms` builds the add group alone."""
    code = (
        "import sys; from harasslog.cli import app; import typer.main\n"
        "root = typer.main.get_command(app)\n"
        "try: root.main(sys.argv[1:], prog_name='harasslog')\n"
        "except SystemExit: pass\n"
        "import json; modules = sorted(m for m in sys.modules if m.startswith('harasslog.cli.'))\n"
        "print(json.dumps([modules, sorted(root.commands.loaded)]), file=sys.stderr)"
    )
    env = {"HARASSLOG_DB": "/nonexistent/none.db", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}

    def run(*args: str) -> list[list[str]]:
        done = subprocess.run([sys.executable, "-P", "-c", code, *args], capture_output=True, text=True, env=env)
        return json.loads(done.stderr.splitlines()[-1])

    modules, loaded = run("--help")
    assert set(modules) <= {
        "harasslog.cli.common",
        "harasslog.cli.i18n",
        "harasslog.cli.lazy",
        "harasslog.cli.typer_speed",
    }
    assert loaded == []
    modules, loaded = run("add", "sms", "--help")
    assert loaded == ["add"] and "harasslog.cli.evidence" in modules and "harasslog.cli.reporting" not in modules


def test_the_catalog_reader_reads_the_shipped_catalog_as_tomllib_does():
    text = (ROOT / "templates" / "strings.toml").read_text("utf-8")
    assert catalog._read_subset(text) == tomllib.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        'a.zh = "x\\ty \\"q\\" \\u4e2d"\n# note\n[b]\nc.en = "d"  # trailing\n',
        'a = """\nline one\nline "two" \\\n   joined""""\n',
        'days = [\n  "周一", # Monday\n  "周二",\n]\n',
    ],
)
def test_the_catalog_reader_agrees_with_tomllib_on_what_it_reads(text):
    assert catalog._read_subset(text) == tomllib.loads(text)


@pytest.mark.parametrize("text", ["[t]\nx = 1\n", "a = 'literal'\n", 'a = {b = "c"}\n', 'a = "x"\na = "y"\n'])
def test_anything_else_is_left_to_tomllib(text):
    """Outside the subset (numbers, literal strings, inline tables, a key given twice) tomllib decides."""
    with pytest.raises(ValueError):
        catalog._read_subset(text)
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        with pytest.raises(tomllib.TOMLDecodeError):
            catalog.read(text)
    else:
        assert catalog.read(text) == expected


def test_list_opens_a_current_store_without_sqlite_utils_or_phonenumbers(cn, db_path):
    """A current store is read on its sqlite3 connection; numbers are not read, so neither loads."""
    assert cn("add", "sms", "13912345678", "--at", "2026-11-20T22:13", "--text", "还钱").exit_code == 0
    code = (
        "import sys, json; from harasslog.cli import main\n"
        "sys.argv = ['harasslog', 'list']\n"
        "try: main()\n"
        "except SystemExit as done: code = done.code\n"
        "print(json.dumps([code, sorted(m for m in ('sqlite_utils', 'phonenumbers') if m in sys.modules)]))"
    )
    env = {"HARASSLOG_DB": str(db_path), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    done = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True, env=env)
    assert "还钱" in done.stdout
    assert json.loads(done.stdout.splitlines()[-1]) == [0, []]
