"""Big tables for people, fast: the layout Rich's Table gives, without Rich rendering every cell.

Rich builds a Text, a Padding and several lists of Segments for every cell it measures and draws:
on a page of 3,477 days or 1,085 calls that is seconds. `print_table` computes the same column
widths (Rich's measure, with Rich's own collapse and reduce steps), writes each cell that fits its
column as a padded string, and lets Rich's own Text.wrap fold the cells that do not, so the page
reads exactly as Rich drew it (tests/test_tables.py compares the two, character for character).
Rich still draws the table when colours are on and the rows fit one screen, and whenever a column
is too narrow for the simple rules here.

Every cell is made visible (textsafe.visible) before it is measured, as common.add_row does:
message texts and names are hostile input.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..textsafe import visible

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.segment import Segment


@dataclass(frozen=True)
class Column:
    """A column as `rich.table.Table.add_column` takes it (only what our tables use)."""

    header: str
    justify: str = "left"  # "left" or "right"
    no_wrap: bool = False
    overflow: str = "ellipsis"  # Rich's default for a column


def print_table(
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    title: str | None = None,
    caption: str | None = None,
    show_edge: bool = True,
) -> None:
    """Print a table on stdout, as a Rich Table with these columns and rows would print it."""
    from . import common, plaintable

    cells = [[visible("" if cell is None else str(cell)) for cell in row] for row in rows]
    text = plaintable.render(columns, cells, title=title, caption=caption, show_edge=show_edge)
    if text is not None:  # no terminal: the same text, without importing Rich's console (start-up)
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    console = common.out_console
    fast = _FastTable(columns, cells, title=title, caption=caption, show_edge=show_edge)
    # With colours on, Rich's escape codes are its own business: it draws a screenful itself.
    if console.color_system is None or len(cells) > console.height:
        if fast.fits(console, console.options):
            console.print(fast, crop=False)
            return
    console.print(rich_table(columns, cells, title=title, caption=caption, show_edge=show_edge))


def rich_table(
    columns: Sequence[Column],
    cells: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    caption: str | None = None,
    show_edge: bool = True,
) -> Any:
    """The same table as a Rich Table (cells already made visible)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, caption=caption, show_edge=show_edge)
    for column in columns:
        table.add_column(column.header, justify=column.justify, no_wrap=column.no_wrap, overflow=column.overflow)  # type: ignore[arg-type]
    for row in cells:
        table.add_row(*(Text(cell) for cell in row))
    return table


def _widest_line(text: str) -> int:
    """Rich's Text.__rich_measure__ maximum: the widest line, in cells (its minimum, the widest
    word, matters only to tables that expand, which ours never do)."""
    from rich.cells import cell_len

    lines = text.splitlines()
    return max(cell_len(line) for line in lines) if lines else 0


def _clamped(low: int, high: int, width: int) -> tuple[int, int]:
    """Measurement.get's normalize, with_maximum(width), normalize (zero when nothing shows)."""
    low = max(0, min(max(0, low), high))
    high = max(0, max(low, high))
    low, high = min(low, width), min(high, width)
    if high < 1:
        return 0, 0
    low = max(0, min(low, high))
    return low, max(low, high)


def _padded_measure(raw: tuple[int, int], width: int) -> tuple[int, int]:
    """A cell (Padding of one space each side around its Text) measured within `width` cells."""
    if width < 1:
        return 0, 0
    if width - 2 < 1:
        inner = (width, width)
    else:
        low, high = _clamped(*raw, width)
        inner = (min(low + 2, width), min(high + 2, width))
    return _clamped(*inner, width)


class _FastTable:
    def __init__(
        self,
        columns: Sequence[Column],
        cells: list[list[str]],
        *,
        title: str | None,
        caption: str | None,
        show_edge: bool,
    ):
        self.columns = columns
        self.cells = cells
        self.title = title
        self.caption = caption
        self.show_edge = show_edge
        self.widths: list[int] = []

    @staticmethod
    def _column_measures(widest: list[int], widths: Sequence[int]) -> list[int]:
        """Rich's _measure_column for each column: the widest any of its cells wants, within width
        (the measure only grows with a cell's widest line, so the column's widest line decides)."""
        return [_padded_measure((0, w), width)[1] if width >= 1 else 0 for w, width in zip(widest, widths, strict=True)]

    def fits(self, console: Console, options: ConsoleOptions) -> bool:
        """Compute the widths as Table._calculate_column_widths does; false if this module's
        simple cell rules might not give what Rich gives (a column under 3 cells, a header Rich
        would read as emoji codes), so the caller lets Rich draw it."""
        from rich._ratio import ratio_reduce
        from rich.table import Table

        if any(":" in c.header for c in self.columns):
            return False
        count = len(self.columns)
        extra = (2 if self.show_edge else 0) + count - 1
        max_width = options.max_width - extra
        widest = [
            max([_widest_line(c.header), *(_widest_line(row[i]) for row in self.cells)])
            for i, c in enumerate(self.columns)
        ]
        widths = [w or 1 for w in self._column_measures(widest, [max_width] * count)]
        if sum(widths) > max_width:
            widths = Table._collapse_widths(widths, [not c.no_wrap for c in self.columns], max_width)
            if sum(widths) > max_width:
                widths = ratio_reduce(sum(widths) - max_width, [1] * count, widths, widths)
            widths = self._column_measures(widest, widths)
        self.widths = widths
        return min(widths) >= 3 and sum(widths) + extra <= options.max_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        from rich import box
        from rich.segment import Segment

        widths = self.widths
        table_width = sum(widths) + (2 if self.show_edge else 0) + len(widths) - 1
        shape = box.HEAVY_HEAD.substitute(options, safe=console.safe_box)
        edge = self.show_edge
        if self.title:
            yield from self._annotation(console, options, self.title, "table.title", table_width)
        if edge:
            yield Segment(shape.get_top(widths) + "\n")
        header_style = console.get_style("table.header")
        header = [self._cell_lines(console, c.header, c, w) for c, w in zip(self.columns, widths, strict=True)]
        height = max(len(lines) for lines in header)
        for n in range(height):
            if edge:
                yield Segment(shape.head_left)
            for i, lines in enumerate(header):
                shift = height - len(lines)  # a header sits at the bottom of its row
                yield Segment(lines[n - shift] if n >= shift else " " * widths[i], header_style)
                if i < len(header) - 1:
                    yield Segment(shape.head_vertical)
            yield Segment((shape.head_right if edge else "") + "\n")
        yield Segment(shape.get_row(widths, "head", edge=edge) + "\n")
        last = len(self.cells) - 1
        for index, row in enumerate(self.cells):
            left, divider, right = (
                (shape.foot_left, shape.foot_vertical, shape.foot_right)
                if index == last
                else (shape.mid_left, shape.mid_vertical, shape.mid_right)
            )
            rendered = [
                self._cell_lines(console, text, c, w) for text, c, w in zip(row, self.columns, widths, strict=True)
            ]
            height = max(len(lines) for lines in rendered)
            out = []
            for n in range(height):
                line = divider.join(
                    lines[n] if n < len(lines) else " " * w for lines, w in zip(rendered, widths, strict=True)
                )
                out.append(f"{left}{line}{right}\n" if edge else line + "\n")
            yield Segment("".join(out))
        if edge:
            yield Segment(shape.get_bottom(widths) + "\n")
        if self.caption:
            yield from self._annotation(console, options, self.caption, "table.caption", table_width)

    @staticmethod
    def _annotation(console: Console, options: ConsoleOptions, text: str, style: str, width: int) -> Iterator[Segment]:
        """The title or caption, made exactly as Table's render_annotation makes it."""
        from rich.style import Style

        rendered = console.render_str(text, style=Style.pick_first(None, style), highlight=False)
        yield from console.render(
            rendered, options=options.update(width=width, highlight=False, height=None, justify="center")
        )

    @staticmethod
    def _cell_lines(console: Console, text: str, column: Column, width: int) -> list[str]:
        """A cell's lines, each `width` cells wide with its one space of padding either side."""
        from rich.cells import cell_len

        inner = width - 2
        size = cell_len(text)
        if size <= inner and len(text) <= inner and "\n" not in text and "\t" not in text and "\r" not in text:
            if column.justify == "right":
                text = text.rstrip()
                return [" " * (inner - cell_len(text) + 1) + text + " "]
            return [f" {text}{' ' * (inner - size)} "]
        return [f" {line} " for line in _wrapped(console, text, column, inner)]


def _wrapped(console: Console, text: str, column: Column, width: int) -> list[str]:
    """A cell that does not fit on one line, each line `width` cells: Text.wrap's steps on a plain
    line (divide_line, rstrip_end, justify, truncate); Rich itself wraps tabs and line breaks."""
    from rich._wrap import divide_line
    from rich.cells import cell_len, set_cell_size

    if "\n" in text or "\t" in text or column.no_wrap or column.justify not in ("left", "right"):
        return _rich_wrapped(console, text, column, width)
    offsets = divide_line(text, width, fold=column.overflow == "fold")
    pieces = [text[start:end] for start, end in zip([0, *offsets], [*offsets, len(text)], strict=True)]
    lines = []
    for piece in pieces:
        if len(piece) > width:  # rstrip_end: trailing spaces beyond the width go
            spaces = len(piece) - len(piece.rstrip())
            piece = piece[: len(piece) - min(spaces, len(piece) - width)]
        if column.justify == "right":
            piece = piece.rstrip()
        if cell_len(piece) > width:
            piece = (
                set_cell_size(piece, width - 1) + "…" if column.overflow == "ellipsis" else set_cell_size(piece, width)
            )
        if column.justify == "right":
            piece = " " * (width - cell_len(piece)) + piece
        lines.append(set_cell_size(piece, width))
    return lines


def _rich_wrapped(console: Console, text: str, column: Column, width: int) -> list[str]:
    """A cell wrapped by Rich's Text.wrap itself."""
    from rich.cells import set_cell_size
    from rich.text import Text

    lines = Text(text).wrap(
        console,
        width,
        justify=column.justify,  # type: ignore[arg-type]
        overflow=column.overflow,  # type: ignore[arg-type]
        no_wrap=column.no_wrap,
        tab_size=console.tab_size or 8,
    )
    return [set_cell_size(line.plain, width) for line in lines]
