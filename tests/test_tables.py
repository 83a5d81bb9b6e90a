"""The fast table renderer draws a table exactly as Rich's Table does (issue 15: same page, faster).

Rich is the reference here, not the code under test: each table is printed both ways on a console
of the same width and the two texts must be equal, character for character.
"""

from __future__ import annotations

import io
import random

import pytest

from harasslog.cli import tables
from harasslog.cli.common import _safe_console_class

HOSTILE = "还钱\x1b]52;c;ZXZpbA==\x07 clip\u202eevil\u200bzero"
# CJK, emoji, spaces at the ends, a long unbroken word, a line break, a tab, hostile controls.
PIECES = [
    "最后通知：第0次提醒，今天不处理将移交法务部门起诉。",
    "再不还钱 明天就上门",
    "😀",
    "  ",
    "call in answered 90s",
    "+8613800138000",
    "x" * 40,
    "第一行\n第二行",
    "a\tb",
    HOSTILE,
    "",
    "2026-11-20 22:13",
]


def console(width: int):
    return _safe_console_class()(file=io.StringIO(), width=width, markup=False)


def printed(table: object, width: int) -> str:
    out = console(width)
    if isinstance(table, tables._FastTable):
        assert table.fits(out, out.options)
        out.print(table, crop=False)
    else:
        out.print(table)
    return out.file.getvalue()


@pytest.mark.parametrize("width", [80, 120, 200])
@pytest.mark.parametrize("seed", range(8))
def test_the_fast_table_prints_what_rich_prints(width, seed):
    pick = random.Random(seed)
    columns = [
        tables.Column(
            pick.choice(["#", "时间", "内容", "number", "机构名称"]),
            justify=pick.choice(["left", "right"]),
            no_wrap=pick.random() < 0.2,
            overflow=pick.choice(["fold", "ellipsis"]),
        )
        for _ in range(pick.randint(3, 6))
    ]
    cells = [
        [tables.visible(" ".join(pick.choice(PIECES) for _ in range(pick.randint(0, 4)))) for _ in columns]
        for _ in range(pick.randint(0, 8))
    ]
    options = {
        "title": pick.choice([None, "3 条记录"]),
        "caption": "来源：T 手动录入  I 导入文件",
        "show_edge": seed % 2 == 0,
    }
    fast = tables._FastTable(columns, cells, **options)
    probe = console(width)
    if not fast.fits(probe, probe.options):
        pytest.skip("a column too narrow for the fast rules: Rich draws this one itself")
    assert printed(fast, width) == printed(tables.rich_table(columns, cells, **options), width)
