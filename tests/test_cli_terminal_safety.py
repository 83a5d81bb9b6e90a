"""Hostile message text never reaches the terminal raw (issue 8.2).

An SMS can carry OSC 52 (write the clipboard), OSC 0 (window title), CSI (clear the screen),
C1 controls and bidi overrides. Every non-JSON output must show them as [U+XXXX]; JSON keeps
the text exact (json.dumps escapes the controls).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

HOSTILE = (
    "还钱\x1b]52;c;ZXZpbA==\x07 clip\x1b]0;pwned\x07 title\x1b[2J clear\x1b[31m red\x9b31m c1"
    "\u202eevil\u2066iso\u2069\u200bzero\x00nul\x7fdel"
)

# Newline and tab are layout; every other control, format or bidi character is forbidden raw.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def assert_safe(result) -> None:
    for stream in (result.stdout, result.stderr):
        bad = {f"U+{ord(c):04X}" for c in _FORBIDDEN.findall(stream)}
        bad |= {f"U+{ord(c):04X}" for c in stream if unicodedata.category(c) in ("Cc", "Cf") and c not in "\n\t"}
        assert not bad, (bad, stream)


@pytest.fixture
def hostile(cli):
    assert cli("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn").exit_code == 0
    for args in (
        ("add", "sms", "13912345678", "--at", "2026-11-20T22:13", "--text", HOSTILE, "--party", HOSTILE),
        ("party", "add", "催收" + HOSTILE, "--number", "13700001111"),
        ("add", "visit", "--at", "2026-11-21 09:00", "--text", HOSTILE, "--note", HOSTILE),
    ):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert_safe(result)
    return cli


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("--lang", "zh", "list"),
        ("show", "1"),
        ("show", "2"),
        ("search", "还钱"),
        ("party", "list"),
        ("request", "list"),
        ("stats", "--by", "party"),
        ("analyze",),
        ("scan", HOSTILE),
        ("--lang", "zh", "scan", "再不还钱就让你坐牢" + HOSTILE),
    ],
)
def test_no_escape_or_bidi_character_reaches_the_terminal(hostile, args):
    result = hostile(*args)
    assert result.exit_code in (0, 1), result.stderr
    assert_safe(result)


def test_show_makes_each_character_visible(hostile, monkeypatch):
    from harasslog.cli import common

    monkeypatch.setattr(common.out_console, "_width", 1000)  # no folding inside the sequences
    out = hostile("show", "1").stdout
    assert "[U+001B]]52;c;ZXZpbA==[U+0007]" in out and "[U+202E]evil" in out and "[U+009B]31m" in out


def test_json_output_keeps_the_text_exact(hostile):
    result = hostile("list", "--json")
    assert json.loads(result.stdout)[0]["text"] == HOSTILE
    assert_safe(result)  # C1, bidi and format characters are escaped as \uXXXX too
    for args in (("show", "1", "--json"), ("search", "还钱", "--json"), ("party", "list", "--json")):
        result = hostile(*args)
        assert_safe(result)
        assert any(HOSTILE in value for value in strings(json.loads(result.stdout))), args


def strings(node):
    """Every string value in parsed JSON."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def test_json_keeps_characters_beyond_the_bmp_and_lone_surrogates_exact(hostile):
    text = "tag\U000e0041 emoji😀 pua\ue000"
    assert hostile("add", "sms", "13912345678", "--at", "2026-11-22T10:00", "--text", text).exit_code == 0
    result = hostile("list", "--json")
    assert_safe(result)
    assert json.loads(result.stdout)[-1]["text"] == text and "😀" in result.stdout


def test_scan_from_stdin_and_scan_json(hostile):
    result = hostile("scan", input=HOSTILE + "\n")
    assert_safe(result)
    result = hostile("scan", "--json", HOSTILE)
    assert_safe(result)
    assert json.loads(result.stdout)["text"] == HOSTILE


@pytest.mark.parametrize(
    "args",
    [
        ("show", "x" + HOSTILE),
        ("list", "--channel", HOSTILE),
        ("list", "--nope" + HOSTILE),
        (HOSTILE,),
        ("list", "--party", "nobody" + HOSTILE),
        ("add", "call", "13912345678", "--status", HOSTILE),
        ("add", "sms", "13912345678", "--at", HOSTILE, "--text", "x"),
        ("add", "call", "13912345678", "--duration", HOSTILE),
        ("rules", "show", HOSTILE),
        ("scan", "--rules", HOSTILE, "x"),
    ],
)
def test_errors_quote_hostile_input_safely_on_one_line(hostile, args):
    result = hostile(*args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("harasslog: ") and result.stderr.count("\n") == 1, result.stderr
    assert_safe(result)


def test_import_summary_shows_a_hostile_file_name_safely(hostile, tmp_path: Path, monkeypatch):
    name = "sms\x1b]0;pwned\x07\u202e.csv"
    path = tmp_path / name
    path.write_text("time,number,type,text\n2026-11-20 22:13,13912345678,sms,hi\x1b[2J\n", encoding="utf-8")
    from harasslog.cli import common

    monkeypatch.setattr(common.out_console, "_width", 1000)
    result = hostile("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert_safe(result)
    assert "[U+001B]]0;pwned[U+0007][U+202E].csv" in result.stdout


def test_rules_test_output_is_safe(hostile, tmp_path: Path):
    pack = tmp_path / ("pack\x1b]0;t\x07.toml")
    pack.write_text("not toml \x1b[2J", encoding="utf-8")
    result = hostile("rules", "test", str(pack))
    assert result.exit_code == 2
    assert_safe(result)


def test_the_console_net_catches_text_that_bypassed_the_cell_helpers():
    """Even a renderable built without common.shown (a progress bar's file name) prints safely,
    while Rich's own styling still reaches a colour terminal."""
    import io

    from rich.text import Text

    from harasslog.cli.common import SafeConsole

    buffer = io.StringIO()
    console = SafeConsole(file=buffer, force_terminal=True, color_system="standard", markup=False, width=200)
    console.print(Text("file\x1b]0;pwned\x1b\\\u202e.xml", style="red"))
    out = buffer.getvalue()
    assert "[U+001B]]0;pwned[U+001B]\\[U+202E].xml" in out
    assert "\x1b[31m" in out  # the style, added after the text was made safe
    assert "\u202e" not in out and out.count("\x1b") == out.count("\x1b[")  # only SGR sequences remain
