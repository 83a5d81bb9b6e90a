"""A small table written without Rich's console at all, when the output is no terminal (start-up time).

`harasslog list > file`, a pipe, a script: Rich would draw no colours and no styles, only text, so
the same text is written here without importing rich.console (some 30 ms of start-up, issue 13.7).
`render` gives exactly what tables.print_table gives through Rich (tests/test_plaintable.py
compares them, character for character) or None whenever anything might differ: a terminal or
forced colours, another platform or encoding, a cell that would wrap, columns Rich would shrink,
a title or caption that would wrap or that Rich might read as an emoji code. The caller then draws
the table as before. Cells come already made visible (textsafe.visible).
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..textsafe import visible

if TYPE_CHECKING:
    from .tables import Column

# Any of these makes Rich treat stdout as a terminal or change its size: Rich decides then.
_RICH_ENVIRONMENT = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS", "JUPYTER_LINES")


def console_width() -> int | None:
    """The width Rich's Console would use on this stdout, or None when Rich could draw styles
    (a terminal) or this module does not know its rules (Windows, a non-UTF-8 stdout, IDLE)."""
    stdout = sys.stdout
    if sys.platform == "win32" or any(name in os.environ for name in _RICH_ENVIRONMENT):
        return None
    if type(sys.stdin).__module__.startswith("idlelib") or hasattr(builtins, "get_ipython"):
        return None
    isatty = getattr(stdout, "isatty", None)
    try:
        if isatty is None or isatty():
            return None
    except ValueError:
        return None
    if not (getattr(stdout, "encoding", "utf-8") or "utf-8").lower().startswith("utf"):
        return None
    width = None
    for descriptor in (0, 1, 2):  # Rich's order: the first that is a terminal gives its size
        try:
            width = os.get_terminal_size(descriptor)[0]
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        if int(columns) == 0:
            return None  # Rich keeps a width of 0 given so, and draws what it draws
        width = int(columns)
    return width or 80


def render(
    columns: Sequence[Column],
    cells: Sequence[Sequence[str]],
    *,
    title: str | None,
    caption: str | None,
    show_edge: bool,
) -> str | None:
    """The table as text, as Rich would print it on this (non-terminal) stdout; None: let Rich draw it."""
    width = console_width()
    if width is None or not cells or any(":" in c.header for c in columns):
        return None
    from rich.box import HEAVY_HEAD
    from rich.cells import cell_len

    from .tables import _FastTable, _widest_line

    count = len(columns)
    extra = (2 if show_edge else 0) + count - 1
    max_width = width - extra
    widest = [max([_widest_line(c.header), *(_widest_line(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    widths = [w or 1 for w in _FastTable._column_measures(widest, [max_width] * count)]
    if sum(widths) > max_width or min(widths) < 3:
        return None  # Rich would shrink or wrap columns: its rules, not these
    table_width = sum(widths) + extra

    def fits(text: str, inner: int) -> bool:
        return "\n" not in text and "\t" not in text and "\r" not in text and cell_len(text) <= inner

    def cell(text: str, justify: str, inner: int) -> str:
        if justify == "right":
            text = text.rstrip()
            return " " * (inner - cell_len(text) + 1) + text + " "
        return f" {text}{' ' * (inner - cell_len(text))} "

    if any(c.justify not in ("left", "right") for c in columns):
        return None
    for row in [[c.header for c in columns], *cells]:
        if len(row) != count:
            return None
        if not all(fits(text, w - 2) and len(text) <= w - 2 for text, w in zip(row, widths, strict=True)):
            return None  # a cell that would wrap: Rich's Text.wrap decides
    for annotation in (title, caption):
        if annotation is None or annotation == "":
            continue
        if ":" in annotation or visible(annotation) != annotation or annotation != annotation.strip():
            return None  # an emoji code, a character SafeConsole would change, spaces Rich would strip
        if not fits(annotation, table_width):
            return None
    box = HEAVY_HEAD
    out: list[str] = []
    if title:
        out.append(_centered(title, table_width, cell_len(title)))
    if show_edge:
        out.append(box.get_top(widths) + "\n")
    header = (box.head_left if show_edge else "") + box.head_vertical.join(
        cell(c.header, c.justify, w - 2) for c, w in zip(columns, widths, strict=True)
    )
    out.append(header + (box.head_right if show_edge else "") + "\n")
    out.append(box.get_row(widths, "head", edge=show_edge) + "\n")
    last = len(cells) - 1
    for index, row in enumerate(cells):
        left, divider, right = (
            (box.foot_left, box.foot_vertical, box.foot_right)
            if index == last
            else (box.mid_left, box.mid_vertical, box.mid_right)
        )
        line = divider.join(cell(text, c.justify, w - 2) for text, c, w in zip(row, columns, widths, strict=True))
        out.append(f"{left}{line}{right}\n" if show_edge else line + "\n")
    if show_edge:
        out.append(box.get_bottom(widths) + "\n")
    if caption:
        out.append(_centered(caption, table_width, cell_len(caption)))
    return "".join(out)


def _centered(text: str, width: int, size: int) -> str:
    """A one-line title or caption centred as Rich's Text justify="center" pads it."""
    left = (width - size) // 2
    return " " * left + text + " " * (width - size - left) + "\n"
