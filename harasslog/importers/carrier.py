"""Carrier itemised records: 通话详单 and 短信详单 from China Mobile, China Unicom and China Telecom.

What the carriers' apps and websites export as Excel (.xlsx) or CSV: one row per call or message,
under a header such as 起始时间 | 通信地点 | 通信方式 | 对方号码 | 通信时长 | 通信类型 | 费用 (calls) or
发送时间 | 对方号码 | 类型 (SMS), often below a few title lines (the number, the month). The
direction comes from 主叫 (out) / 被叫 (in) or 发送 / 接收; 通信类型 (本地, 国内长途) and the fees stay in
the raw record. There is never a message text: these records corroborate what the phone holds
(store/corroboration.py), and stand alone when the phone's log was deleted. A borrower can get
them for about six months back. Times are the carrier's local time, in the profile's zone.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Generator, Iterator
from contextlib import closing
from datetime import tzinfo
from pathlib import Path

from ..errors import InputError
from ..models import RawEvent, Skipped
from ..normalize import caller_kind, offset_minutes, parse_duration
from .base import ImportOptions, Record, printable
from .csvfile import MAX_LINE, cell_precision, normalize_header, parse_time, sniff_encoding
from .xlsx import is_xlsx, sheet_rows

VERSION = "carrier-1"
HEADER_ROWS = 30  # title lines a carrier puts above the header, at most

_TIME = ("起始时间", "通话起始时间", "开始时间", "通话开始时间", "发送时间", "接收时间", "收发时间", "通信时间")
_TIME_FALLBACK = ("通话时间", "时间", "日期时间")  # 通话时间 is a start time where no column above is
_DATE = ("日期", "通话日期", "通信日期")  # a date column beside a time of day alone
_NUMBER = ("对方号码", "对端号码", "对方号", "对方电话", "对方手机号码", "通信号码")
_DIRECTION = ("通信方式", "呼叫类型", "呼叫方式", "主被叫", "主/被叫", "收发类型", "收发方式", "发送类型", "类型")
_DURATION = ("通话时长", "通信时长", "时长")
# Columns only carriers' bills have: a CSV or sheet holding one of these besides a number column
# is an itemised record, not a phone assistant's export.
MARKERS = frozenset(
    normalize_header(h)
    for h in (
        "通信地点", "通话地点", "本机通话地", "通话地", "对方归属地", "通信类型", "通信方式", "主被叫",
        "费用", "通信费", "通话费", "实收通信费", "基本费", "长途费", "套餐优惠", "套餐及优惠", "业务名称",
        "信息类型",
    )
)  # fmt: skip

_OUT = ("主叫", "呼出", "拨出", "发送", "发出", "已发送")
_IN = ("被叫", "呼入", "来电", "接收", "收到", "已接收")
_FORWARDED = ("呼转", "呼叫转移", "前转")
_MESSAGE = ("发送", "发出", "已发送", "接收", "收到", "已接收")
_CLOCK_ONLY = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?$")


def sniff(path: Path) -> bool:
    """Whether a CSV or .xlsx file is a carrier's itemised record (its header, within the first rows)."""
    try:
        with closing(_rows(path)) as rows:
            return _find_header(rows) is not None
    except InputError:
        return False


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with closing(_rows(path)) as rows:
        yield from _read(rows, path.name, options)


def _read(rows: Iterator[tuple[int, list[str]]], name: str, options: ImportOptions) -> Iterator[Record]:
    found = _find_header(rows)
    if found is None:
        raise InputError(
            f"{name}: not a carrier itemised record we know (no header with 对方号码 and 起始时间 or "
            "发送时间 in its first rows); for another spreadsheet save it as CSV and use --format csv"
        )
    header, columns, year = found
    year = year or _year(name)
    rows_read = 0
    for number, row in rows:
        rows_read += 1
        if options.progress is not None and rows_read % 2000 == 0:
            options.progress(rows_read, 0)
        yield _convert(row, header, columns, f"row {number}", name, options.tz, year)


def _rows(path: Path) -> Generator[tuple[int, list[str]]]:
    """(row number, cells) of the file: the first sheet of an .xlsx, else CSV lines."""
    if is_xlsx(path):
        yield from sheet_rows(path)
        return
    encoding = sniff_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as f:
            lines = (line for line in iter(lambda: f.readline(MAX_LINE + 1), "") if _short(line, path.name))
            yield from enumerate(csv.reader(lines), 1)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path.name}: not a readable CSV file ({type(exc).__name__})") from None


def _short(line: str, name: str) -> bool:
    if len(line) > MAX_LINE:
        raise InputError(f"{name}: a line longer than {MAX_LINE} characters: not a carrier record")
    return True


def _find_header(rows: Iterator[tuple[int, list[str]]]) -> tuple[list[str], dict[str, int], str | None] | None:
    """The header row, its columns and the year the title lines name (查询月份：2026年11月), consuming
    rows up to the header (the title lines above it are not records)."""
    year = None
    for count, (_, row) in enumerate(rows, 1):
        columns = _columns(row)
        if columns is not None:
            return row, columns, year
        year = year or _year(" ".join(row))
        if count >= HEADER_ROWS:
            return None
    return None


_YEAR = re.compile(r"(20\d{2})\s*(?:年|[-/._]\s*\d{1,2}(?!\d)|(?=(?:0[1-9]|1[0-2])(?!\d)))")
# A time of a carrier's monthly list written without its year: 11-20 22:13:05, 11月20日 22:13.
_NO_YEAR = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s+(\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)$")


def _year(text: str) -> str | None:
    """The year a title line or file name gives (2026年11月, 2026-11, 通话详单-202611.xlsx)."""
    found = _YEAR.search(text)
    return found.group(1) if found else None


def _columns(header: list[str]) -> dict[str, int] | None:
    names = [normalize_header(cell) for cell in header]

    def first(words: tuple[str, ...]) -> int | None:
        for word in words:
            if normalize_header(word) in names:
                return names.index(normalize_header(word))
        return None

    number, time = first(_NUMBER), first(_TIME)
    if time is None:
        time = first(_TIME_FALLBACK)
    if number is None or time is None or not MARKERS.intersection(names):
        return None
    columns = {"number": number, "time": time}
    for field, words in (("date", _DATE), ("direction", _DIRECTION), ("duration", _DURATION)):
        index = first(words)
        if index is not None and index not in columns.values():
            columns[field] = index
    if "duration" not in columns and names[time] != normalize_header("通话时间"):
        index = first(("通话时间",))  # beside a start time, 通话时间 is how long the call lasted
        if index is not None:
            columns["duration"] = index
    return columns


def _cell(row: list[str], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    return row[index].strip() if index is not None and index < len(row) else ""


def _convert(
    row: list[str], header: list[str], columns: dict[str, int], ref: str, name: str, tz: tzinfo, year: str | None
) -> Record:
    if not any(cell.strip() for cell in row):
        return Skipped(ref, "empty row")
    raw: dict[str, str] = {}  # every cell under its header; a repeated or missing header gets its column
    for i, cell in enumerate(row):
        key = header[i] if i < len(header) and header[i] else f"column {i + 1}"
        raw[key if key not in raw else f"{key} ({i + 1})"] = cell
    time_cell = _cell(row, columns, "time")
    if _CLOCK_ONLY.match(time_cell) and _cell(row, columns, "date"):
        time_cell = f"{_cell(row, columns, 'date')} {time_cell}"
    no_year = _NO_YEAR.match(time_cell)
    if no_year:
        if year is None:
            raise InputError(
                f"{name}: {ref}: the time {printable(time_cell, 40)!r} has no year, and no title line or the "
                "file name gives one; add the year to the file name (通话详单-202611.csv) and import it again"
            )
        time_cell = f"{year}-{no_year.group(1)}-{no_year.group(2)} {no_year.group(3)}"
    number = _cell(row, columns, "number")
    if not time_cell or not number:
        # Totals (合计) and notes under the table: no time or no number.
        return Skipped(ref, "not a record (no time or no number)")
    at = parse_time(time_cell, tz)
    if at is None:
        if not re.search(r"\d", time_cell):
            return Skipped(ref, "not a record (no time or no number)")
        raise InputError(
            f"{name}: {ref}: cannot read the time {printable(time_cell, 40)!r} "
            "(use 2026-11-20 22:13:41 or 2026年11月20日 22:13)"
        )
    kind = _cell(row, columns, "direction") or " ".join(row)
    if any(word in kind for word in _FORWARDED):
        return Skipped(ref, "forwarded call (呼转): who called whom is not recorded")
    direction = _direction(kind)
    if direction is None:
        return Skipped(ref, f"no direction (主叫/被叫, 发送/接收) in {printable(kind, 30)!r}")
    channel = _channel(row, kind)
    duration = _duration(_cell(row, columns, "duration"), name, ref) if channel == "call" else None
    return RawEvent(
        channel=channel,
        direction=direction,
        number_raw=number,
        caller=caller_kind(number),
        at=at,
        duration_s=duration,
        status=("answered" if duration else "unknown") if channel == "call" else "unknown",
        source_ref=ref,
        raw=raw,
        tz_offset_min=offset_minutes(at),
        at_precision=cell_precision(time_cell),
    )


def _direction(kind: str) -> str | None:
    out, into = any(w in kind for w in _OUT), any(w in kind for w in _IN)
    if out == into:  # neither, or both (a row that says 主叫 and 被叫 is not read as either)
        return None
    return "out" if out else "in"


def _channel(row: list[str], kind: str) -> str:
    """call, sms or mms: a row with a duration column is a call unless it speaks of 短信/彩信."""
    words = " ".join(row)
    if "彩信" in words:
        return "mms"
    if "短信" in words or any(w in kind for w in _MESSAGE):
        return "sms"
    return "call"


def _duration(cell: str, name: str, ref: str) -> int | None:
    """Seconds from 1分30秒, 00:01:30, 90 or 90秒; None when the row gives none."""
    if not cell:
        return None
    text = cell.replace("小时", "h").replace("时", "h").replace("分钟", "m").replace("分", "m").replace("秒", "s")
    text = re.sub(r"[’'′]", "m", text).replace('"', "s").replace("″", "s")
    try:
        return parse_duration(text.replace(" ", ""))
    except InputError:
        raise InputError(f"{name}: {ref}: cannot read the duration {printable(cell, 20)!r}") from None
