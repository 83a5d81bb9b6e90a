"""From recognised lines to calls: the rows of a phone's recent-calls list.

    +86 138 0013 8000        22:13     王经理 (3)          昨天     10690000888      11月20日
    未接来电 北京 移动                 呼出 2分30秒                 呼入
    +1 202-555-0147     10:13 PM      Mark Acme      Yesterday    Mom             11/20/26
    Missed                            Outgoing                      Incoming

Each row is one call: the number or contact name (the row's first line), what the phone shows of
its direction and status (未接来电 / Missed, 呼入 / Incoming, 呼出 / Outgoing, a number drawn in red:
missed), a duration when shown, and the time in the right column with its own precision (22:13 is
a minute, 昨天 / 11月20日 / Monday a day). What a row does not show stays unknown. Pure.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from . import stamps
from .engine import Line

Probe = Callable[[int, int], tuple[int, ...]]
HEADER_BAND = 0.15
STATUS_BAR = 0.05
FOOTER_BAND = 0.93
RIGHT_COLUMN = 0.55  # the time sits right of 55 % of the width
# The phone's words for a call's kind: (direction, status). 呼入/Incoming says nothing of whether it
# was answered unless a duration is shown with it.
_KINDS = [
    (re.compile(r"未接(?:来电)?|响铃\s*\d+\s*[秒声]|^missed(?:\s+call)?", re.IGNORECASE), "in", "missed"),
    (re.compile(r"已拒接|拒接|^declined|^rejected", re.IGNORECASE), "in", "rejected"),
    (re.compile(r"呼入|来电|^incoming(?:\s+call)?", re.IGNORECASE), "in", None),
    (re.compile(r"呼出|去电|已拨|^outgoing(?:\s+call)?", re.IGNORECASE), "out", None),
]
_DURATION_ZH = re.compile(r"(?:(?P<h>\d+)\s*(?:小时|时))?\s*(?:(?P<m>\d+)\s*分(?:钟)?)?\s*(?:(?P<s>\d+)\s*秒)?")
_DURATION_EN = re.compile(
    r"(?:(?P<h>\d+)\s*h(?:r|rs|ours?)?)?\s*(?:(?P<m>\d+)\s*m(?:in|ins)?)?\s*(?:(?P<s>\d+)\s*s(?:ec|ecs)?)?\b"
)
_COUNT = re.compile(r"\s*[(（]\s*(\d{1,3})\s*[)）]\s*$")
# The list's whole title (a contact named 某某客服电话 in a thread's header is no call log).
_TITLE = re.compile(r"^(?:通话记录|最近通话|通话|电话|最近|recents|calls?|call history|call log|phone)$", re.IGNORECASE)


@dataclass
class CallRow:
    who: str  # the number or contact name as shown (a count like "(3)" removed)
    direction: str | None  # "in", "out", or None: the row does not show it
    status: str  # "missed", "rejected", "answered" (a duration shown), or "unknown"
    stamp: stamps.Stamp | None
    lines: list[Line]
    red: bool = False  # the number is drawn in red (the phone's mark of a missed call)
    duration_s: int | None = None
    count: int | None = None  # "(3)": the phone folded three calls into this row
    kind_text: str | None = None  # the words the direction and status were read from

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (
            round(min(ln.x0 for ln in self.lines)),
            round(min(ln.y0 for ln in self.lines)),
            round(max(ln.x1 for ln in self.lines)),
            round(max(ln.y1 for ln in self.lines)),
        )


def kind(text: str) -> tuple[str, str | None] | None:
    """(direction, status) a label states, or None when it states neither."""
    for pattern, direction, status in _KINDS:
        if pattern.search(text.strip()):
            return direction, status
    return None


def duration(text: str) -> int | None:
    """Seconds of a shown duration: 2分30秒, 45秒, 1小时2分, 2m 30s, 45s (None: none shown)."""
    for pattern in (_DURATION_ZH, _DURATION_EN):
        for m in pattern.finditer(text):
            if m[0].strip() and any(m[k] for k in ("h", "m", "s")):
                return int(m["h"] or 0) * 3600 + int(m["m"] or 0) * 60 + int(m["s"] or 0)
    return None


def looks_like_call_log(lines: list[Line], width: int, height: int) -> bool:
    """A recent-calls list: its title says so, or at least two rows carry a call kind and a time."""
    top = [ln for ln in lines if ln.cy < HEADER_BAND * height]
    if any(_TITLE.search(ln.text.strip()) and abs(ln.cx - width / 2) < 0.2 * width for ln in top):
        return True
    labels = sum(1 for ln in lines if ln.cy >= HEADER_BAND * height and _label_only(ln.text))
    return labels >= 2


def _label_only(text: str) -> bool:
    """A short line that is a call kind (with a duration or a place at most), not message text."""
    flat = text.strip()
    return kind(flat) is not None and len(flat) <= 16


def read_calls(
    lines: list[Line], width: int, height: int, reference: date, top: float | None = None, probe: Probe | None = None
) -> list[CallRow]:
    """Every row below the header (`top`, else the top 15 %) and above the tab bar, one call each."""
    if top is None:  # no header band seen in the pixels: the status bar and the centred title
        chrome = [
            ln for ln in lines if ln.cy < HEADER_BAND * height and (ln.cy < STATUS_BAR * height or _centred(ln, width))
        ]
        top = max((ln.y1 for ln in chrome), default=STATUS_BAR * height)
    body = [ln for ln in lines if top < ln.cy < FOOTER_BAND * height]
    rows: list[CallRow] = []
    for group in _rows(body):
        row = _row(group, width, reference, probe)
        if row is not None:
            rows.append(row)
    return rows


def _centred(line: Line, width: int) -> bool:
    return abs(line.cx - width / 2) < 0.15 * width


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Lines that overlap or nearly touch vertically make one row; rows are further apart."""
    if not lines:
        return []
    gap = 0.5 * statistics.median(ln.height for ln in lines)
    groups: list[list[Line]] = []
    bottom = -1.0
    for line in sorted(lines, key=lambda ln: ln.y0):
        if groups and line.y0 <= bottom + gap:
            groups[-1].append(line)
            bottom = max(bottom, line.y1)
        else:
            groups.append([line])
            bottom = line.y1
    return groups


def _row(group: list[Line], width: int, reference: date, probe: Probe | None) -> CallRow | None:
    right = [ln for ln in group if ln.x0 > RIGHT_COLUMN * width]
    left = sorted((ln for ln in group if ln not in right), key=lambda ln: (ln.y0, ln.x0))
    stamp = next((s for ln in right if (s := stamps.parse(ln.text, reference)) is not None), None)
    if not left:
        return None
    first, rest = left[0], left[1:]
    who = first.text.strip()
    count = None
    if m := _COUNT.search(who):
        count, who = int(m[1]), who[: m.start()].strip()
    direction: str | None = None
    status = "unknown"
    kind_text = None
    seconds = None
    for line in rest + [ln for ln in right if stamps.parse(ln.text, reference) is None]:
        found = kind(line.text)
        if found is not None and kind_text is None:
            direction, shown = found
            status = shown or status
            kind_text = line.text.strip()
        seconds = seconds if seconds is not None else duration(line.text)
    red = probe is not None and _red(first, probe)
    if red and direction in (None, "in") and status == "unknown":
        direction, status = "in", "missed"  # the phone draws missed calls' numbers in red
    if seconds and status == "unknown":
        status = "answered"  # a call that lasted was answered
    return CallRow(who, direction, status, stamp, group, red, seconds, count, kind_text)


def _red(line: Line, probe: Probe) -> bool:
    """Whether the line's ink is red: a good share of its strongly red pixels along its middle."""
    y = int(line.cy)
    xs = range(int(line.x0), int(line.x1), 2)
    reds = sum(1 for x in xs if _is_red(probe(x, y)) or _is_red(probe(x, y - 3)) or _is_red(probe(x, y + 3)))
    return reds >= max(3, len(xs) // 10)


def _is_red(pixel: tuple[int, ...]) -> bool:
    r, g, b = pixel[:3]
    return r > 150 and r - g > 80 and r - b > 60
