"""From recognised lines to a conversation: the header, the time separators and the bubbles.

SMS and chat apps draw a thread the same way: a header with the other side's number or name, time
separators centred between the bubbles, incoming bubbles against the left edge and outgoing ones
against the right. Pure: the lines come from engine.py; `probe(x, y)`, when given, reads one
pixel's colour, to tell a bubble cut off at the top of the screenshot from a whole one.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from . import stamps
from .engine import Line

Probe = Callable[[int, int], tuple[int, ...]]
HEADER_BAND = 0.15  # the header (status bar, title) is within the top 15 % of a phone screenshot
STATUS_BAR = 0.05  # the clock, carrier and battery: anywhere across the top 5 %
FOOTER_BAND = 0.93  # the input bar (短信 / iMessage / 发送) is below this
CENTRED = 0.08  # a separator's centre is within 8 % of the width of the middle
SMALL_PRINT = 0.85  # a bubble's own time is printed smaller than message text
SAME_BUBBLE_GAP = 0.6  # lines of one bubble are closer than 0.6 line heights; bubbles further apart
_NUMBERISH = re.compile(r"^[+(]?[\d\s()\-+]{5,}$")
_HEADER_NOISE = re.compile(r"^[<〈‹＜(（]+|[>〉›＞]+$|\(\d+\)$|（\d+）$")


@dataclass
class Bubble:
    side: str  # "left" (incoming) or "right" (outgoing)
    lines: list[Line]
    stamp: stamps.Stamp | None = None
    cropped: bool = False  # cut off at the top of the screenshot: its text may be partial
    cut: list[Line] = field(default_factory=list)  # lines the header cuts through (left out of `text`)
    time_line: Line | None = None  # its own time, printed under or beside it ("22:13")

    @property
    def text(self) -> str:
        return join_lines([line.text for line in self.lines])

    @property
    def box(self) -> tuple[int, int, int, int]:
        """The bubble's box in image pixels: its lines' boxes with the bubble's padding around them."""
        pad = 0.35 * statistics.median(line.height for line in self.lines)
        return (
            round(min(line.x0 for line in self.lines) - pad),
            round(min(line.y0 for line in self.lines) - pad),
            round(max(line.x1 for line in self.lines) + pad),
            round(max(line.y1 for line in self.lines) + pad),
        )


@dataclass
class Screen:
    width: int
    height: int
    header: str | None = None
    bubbles: list[Bubble] = field(default_factory=list)
    separators: list[stamps.Stamp] = field(default_factory=list)
    calls: list[Any] = field(default_factory=list)  # a call log's rows (calllog.CallRow)
    skipped: dict[str, int] = field(default_factory=dict)  # rows not stored, by reason


def join_lines(texts: list[str]) -> str:
    """A wrapped bubble's lines as one text: Chinese runs on, Latin words get their space back."""
    out = ""
    for text in texts:
        text = text.strip()
        if out and text and out[-1].isascii() and text[0].isascii() and out[-1] != "-":
            out += " "
        out += text
    return out


def header_text(lines: list[Line], width: int) -> str | None:
    """The thread's title: a centred line of the header, a number if one is there, else the largest."""
    centred = [ln for ln in lines if abs(ln.cx - width / 2) < 0.15 * width] or lines  # Android: left-aligned
    cleaned = [(_HEADER_NOISE.sub("", ln.text).strip(), ln) for ln in centred]
    cleaned = [(text, ln) for text, ln in cleaned if text]
    if not cleaned:
        return None
    numbers = [(text, ln) for text, ln in cleaned if _NUMBERISH.match(text)]
    text, _ = max(numbers or cleaned, key=lambda item: item[1].height)
    return text


def read_screen(lines: list[Line], width: int, height: int, reference: date, probe: Probe | None = None) -> Screen:
    """The header, separators and bubbles of one screenshot, each bubble with the separator above it."""
    top = content_top(width, height, probe)
    if top is None:
        head = _header_lines(lines, width, height, reference)
        top = max((ln.y1 for ln in head), default=0.0)
    else:
        head = [ln for ln in lines if ln.cy < top]
    body = [ln for ln in lines if ln not in head and ln.cy < FOOTER_BAND * height]
    screen = Screen(width, height, header_text([ln for ln in head if ln.cy >= STATUS_BAR * height], width))
    items: list[tuple[float, stamps.Stamp | Bubble]] = []
    rest: list[Line] = []
    # The message text's line height: without separators and bare clocks (both small print).
    wording = [ln for ln in body if stamps.clock_only(ln.text) is None and stamps.parse(ln.text, reference) is None]
    typical = statistics.median(line.height for line in wording or body) if body else 0.0
    clocks: list[Line] = []
    for line in body:
        stamp = stamps.parse(line.text, reference) if abs(line.cx - width / 2) < CENTRED * width else None
        if stamp is not None:
            screen.separators.append(stamp)
            items.append((line.y0, stamp))
        elif stamps.clock_only(line.text) is not None and line.height < SMALL_PRINT * typical:
            clocks.append(line)  # small print: a bubble's own time, not a message saying "22:13"
        else:
            rest.append(line)
    bubbles = _group(rest, width)
    stray = [clock for clock in clocks if _owner(clock, bubbles, typical) is None]
    if stray:  # a small time no bubble owns: read it as text after all
        bubbles = _group(rest + stray, width)
    for clock in clocks:
        owner = _owner(clock, bubbles, typical) if clock not in stray else None
        if owner is not None and owner.time_line is None:
            owner.time_line = clock
    _sides(bubbles, width, probe)
    for bubble in bubbles:
        bubble.cropped = probe is not None and _cut_at_top(bubble, top, width, probe)
        if bubble.cropped:
            # A line the header cuts through is read as garbage: keep it in `cut`, out of the text.
            bubble.cut = [ln for ln in bubble.lines if ln.y0 <= top + 1]
            bubble.lines = [ln for ln in bubble.lines if ln.y0 > top + 1] or bubble.lines
            if bubble.lines == bubble.cut:
                bubble.cut = []
        items.append((bubble.lines[0].y0, bubble))
    current: stamps.Stamp | None = None
    for _, item in sorted(items, key=lambda pair: pair[0]):
        if isinstance(item, stamps.Stamp):
            current = item
        else:
            item.stamp = _own_time(item, current) if item.time_line else current
            screen.bubbles.append(item)
    return screen


def _owner(clock: Line, bubbles: list[Bubble], typical: float) -> Bubble | None:
    """The bubble a small time belongs to: the one it sits just under (within two lines' height)
    or just beside (level with its last line), on the same side of the screen."""
    best: tuple[float, Bubble] | None = None
    for bubble in bubbles:
        last = bubble.lines[-1]
        x0, x1 = min(ln.x0 for ln in bubble.lines), max(ln.x1 for ln in bubble.lines)
        under = 0 <= clock.y0 - last.y1 < 2 * typical and clock.x0 < x1 + typical and clock.x1 > x0 - typical
        beside = abs(clock.cy - last.cy) < 0.6 * typical and (
            0 <= clock.x0 - x1 < 3 * typical or 0 <= x0 - clock.x1 < 3 * typical
        )
        if under or beside:
            distance = abs(clock.cy - last.cy)
            if best is None or distance < best[0]:
                best = (distance, bubble)
    return best[1] if best else None


def _own_time(bubble: Bubble, separator: stamps.Stamp | None) -> stamps.Stamp | None:
    """A bubble's own time, to the minute, on the day of the separator above it: it takes
    precedence over the separator's time. With no separator above, the day is not shown: None."""
    assert bubble.time_line is not None
    clock = stamps.clock_only(bubble.time_line.text)
    if clock is None or separator is None:
        return None
    text = f"{separator.text} + {bubble.time_line.text}"
    return stamps.Stamp(datetime.combine(separator.at.date(), clock), "minute", text)


def content_top(width: int, height: int, probe: Probe | None) -> float | None:
    """Where the conversation starts: going up the screen's left edge from its middle, the first
    row that is not the conversation's background (the header's divider or its own colour)."""
    if probe is None:
        return None
    background = probe(2, height // 2)
    y = height // 2
    while y > 0 and _close(probe(2, y - 1), background):
        y -= 1
    if y <= 0 or y > HEADER_BAND * height:
        return None  # no header band seen (a cropped or unusual screenshot): the lines decide
    return float(y)


def _header_lines(lines: list[Line], width: int, height: int, reference: date) -> list[Line]:
    """The leading lines of the status bar and the title bar: up to the first line that is neither
    in the status bar nor centred (a bubble scrolled under the header), or a time separator."""
    head: list[Line] = []
    for line in sorted(lines, key=lambda ln: ln.y0):
        if line.cy >= HEADER_BAND * height:
            break
        if line.cy < STATUS_BAR * height:
            head.append(line)
            continue
        centred = abs(line.cx - width / 2) < 0.15 * width
        chrome = len(line.text.strip()) <= 4 and (line.x1 < 0.2 * width or line.x0 > 0.8 * width)  # < 返回 ...
        if chrome:
            head.append(line)
            continue
        if not centred or stamps.parse(line.text, reference) is not None:
            break
        head.append(line)
    return head


def _group(lines: list[Line], width: int) -> list[Bubble]:
    """Consecutive lines, close together and aligned on the same left edge, make one bubble."""
    if not lines:
        return []
    typical = statistics.median(line.height for line in lines)
    bubbles: list[Bubble] = []
    for line in sorted(lines, key=lambda ln: ln.y0):
        last = bubbles[-1].lines[-1] if bubbles else None
        if (
            last is not None
            and line.y0 - last.y1 < SAME_BUBBLE_GAP * typical
            and abs(line.x0 - bubbles[-1].lines[0].x0) < 0.03 * width
        ):
            bubbles[-1].lines.append(line)
            continue
        bubbles.append(Bubble(side="left", lines=[line]))
    return bubbles


def _sides(bubbles: list[Bubble], width: int, probe: Probe | None) -> None:
    """Incoming bubbles share the left edge, outgoing ones the right edge, and each kind has its
    colour. A bubble against one edge only is that side; one against both (as wide as a bubble
    gets) or neither takes the side of the bubbles of its colour, else of the nearer edge."""
    edges = [_edges(b, width, probe) for b in bubbles]
    if not edges:
        return
    left_margin = min(e[0] for e in edges)
    right_margin = max(e[1] for e in edges)
    tolerance = 0.03 * width
    undecided: list[int] = []
    colours: dict[str, list[tuple[int, ...]]] = {"left": [], "right": []}
    for i, (left, right, colour) in enumerate(edges):
        at_left, at_right = left - left_margin < tolerance, right_margin - right < tolerance
        if at_left != at_right:
            bubbles[i].side = "left" if at_left else "right"
            if colour is not None:
                colours[bubbles[i].side].append(colour)
        else:
            undecided.append(i)
    for i in undecided:
        left, right, colour = edges[i]
        by_colour = [side for side, seen in colours.items() if colour and any(_close(colour, c) for c in seen)]
        if len(by_colour) == 1:
            bubbles[i].side = by_colour[0]
        else:
            bubbles[i].side = "left" if left <= width - right else "right"


def _edges(bubble: Bubble, width: int, probe: Probe | None) -> tuple[float, float, tuple[int, ...] | None]:
    """The bubble's left and right edges (its background, followed out from the text) and colour."""
    x0 = min(ln.x0 for ln in bubble.lines)
    x1 = max(ln.x1 for ln in bubble.lines)
    if probe is None:
        return x0, x1, None
    widest = max(bubble.lines, key=lambda ln: ln.x1 - ln.x0)
    y = int(widest.cy)
    colour = probe(int(widest.x0) - 4, y)
    left = int(widest.x0) - 4
    while left > 0 and _close(probe(left - 1, y), colour):
        left -= 1
    right = int(widest.x1) + 4
    while right < width - 1 and _close(probe(right + 1, y), colour):
        right += 1
    if left <= 0 and right >= width - 1:  # the text sits on the background: no bubble to follow
        return x0, x1, None
    return float(left), float(right), colour


def _close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a[:3], b[:3], strict=False))


def _cut_at_top(bubble: Bubble, content_top: float, width: int, probe: Probe) -> bool:
    """Whether the bubble runs into the header or the image's top edge (cut off): walk up from its
    first line, just left of the text (inside the bubble's padding), until the background shows."""
    first = bubble.lines[0]
    x = max(0, int(first.x0) - 4)
    y = int(first.cy)
    background = probe(width - 3 if bubble.side == "left" else 2, y)
    if _close(probe(x, y), background):
        return False  # no bubble colour to follow (text drawn straight on the background)
    while y > content_top and not _close(probe(x, y - 1), background):
        y -= 1
    return y <= content_top + 1
