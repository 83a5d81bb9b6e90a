"""A table written without Rich's console (output not a terminal) is the text Rich prints (issue 13.7).

Rich is the reference: each table is printed by Rich's own Table on a console of the same width,
as `harasslog list > file` printed it before, and the two texts must be equal, character for
character; whenever the plain writer is not sure (a cell that wraps, a terminal), it must decline.
"""

from __future__ import annotations

import io
import random
import sys

import pytest

from harasslog.cli import plaintable, tables
from harasslog.cli.common import _safe_console_class
from harasslog.textsafe import visible

HOSTILE = "还钱\x1b]52;c;ZXZpbA==\x07\u202eevil\u200b"
WORDS = ["最后通知", "call in answered 90s", "+8613800138000", "😀", "第1条", "ok", "2026-11-20 22:13", "", HOSTILE]


def by_rich(columns, cells, width, title, caption, show_edge):
    out = _safe_console_class()(file=io.StringIO(), width=width, markup=False)
    out.print(tables.rich_table(columns, cells, title=title, caption=caption, show_edge=show_edge))
    return out.file.getvalue()


@pytest.fixture
def plain_stdout(monkeypatch):
    """stdout a file (no terminal), no colour forced: what a pipe or `> file` gives."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    return monkeypatch


def test_plain_tables_are_what_rich_prints(plain_stdout):
    rng = random.Random(13)
    written = 0
    for _ in range(300):
        count = rng.randint(1, 7)
        columns = [
            tables.Column(
                rng.choice(["#", "时间", "号码", "what", "内容 text"]),
                justify=rng.choice(["left", "right"]),
                no_wrap=rng.random() < 0.5,
                overflow=rng.choice(["fold", "ellipsis"]),
            )
            for _ in range(count)
        ]
        cells = [[visible(rng.choice(WORDS)) for _ in range(count)] for _ in range(rng.randint(1, 6))]
        width = rng.choice([30, 45, 60, 80, 81, 120])
        title = rng.choice([None, "3 条记录", "12 events", "a title longer than a narrow table is wide, surely"])
        caption = rng.choice([None, "来源：T 手动录入  C 案件文件", "src: T typed  ✗ withdrawn", "odd"])
        show_edge = rng.random() < 0.8
        plain_stdout.setenv("COLUMNS", str(width))
        text = plaintable.render(columns, cells, title=title, caption=caption, show_edge=show_edge)
        if text is not None:
            written += 1
            assert text == by_rich(columns, cells, width, title, caption, show_edge), (columns, cells, width)
    assert written > 50  # many small tables are written without Rich


def test_width_is_richs(plain_stdout):
    columns = [tables.Column("内容")]
    cells = [["x" * 70]]
    assert plaintable.render(columns, cells, title=None, caption=None, show_edge=True) is not None  # 80 wide
    plain_stdout.setenv("COLUMNS", "50")
    assert plaintable.render(columns, cells, title=None, caption=None, show_edge=True) is None  # would wrap


@pytest.mark.parametrize("name", ["FORCE_COLOR", "TTY_COMPATIBLE"])
def test_forced_colours_are_left_to_rich(plain_stdout, name):
    plain_stdout.setenv(name, "1")
    assert plaintable.render([tables.Column("a")], [["b"]], title=None, caption=None, show_edge=True) is None


def test_a_terminal_is_left_to_rich(plain_stdout):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    plain_stdout.setattr(sys, "stdout", Terminal())
    assert plaintable.render([tables.Column("a")], [["b"]], title=None, caption=None, show_edge=True) is None


def test_emoji_codes_and_hidden_characters_in_titles_are_left_to_rich(plain_stdout):
    for title in (":smile: 3 events", "3\u202e events", " 3 events"):
        assert plaintable.render([tables.Column("a")], [["b"]], title=title, caption=None, show_edge=True) is None


def test_a_zero_width_is_left_to_rich(plain_stdout):
    plain_stdout.setenv("COLUMNS", "0")  # Rich keeps a width of 0 given so
    assert plaintable.render([tables.Column("a")], [["b"]], title=None, caption=None, show_edge=True) is None
