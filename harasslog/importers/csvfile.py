"""CSV written by phone assistants (小米/华为/360/腾讯手机管家 exports) and by hand.

Header names are recognised in Chinese and English (时间/日期/time, 号码/电话/number, 类型/type,
内容/短信内容/text/body, 时长/duration ...); `--map column=field` names any other column. Encodings:
UTF-8 with or without BOM, UTF-16 (BOM or not), else GB18030 (a superset of GBK). Times without
an offset are in the profile's zone. `type` values such as 来电/去电/未接/已拒接/拦截/接收/发送 or
incoming/outgoing/missed/received/sent give the channel, direction and status; a row with text and
no call word is an SMS, one without text a call. Rows are numbered as a spreadsheet shows them:
the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path

from ..errors import InputError
from ..models import RawEvent, Skipped
from ..normalize import caller_kind, offset_minutes, parse_duration
from .base import ImportOptions, Notice, Record, from_unix, printable

VERSION = "csv-2"
IMPLIED_IN = "in?"  # a status word's direction: "in" unless a direction word says otherwise
FIELDS = ("time", "number", "type", "text", "duration", "status", "channel", "direction", "name", "ignore")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "time": (
        "时间",
        "日期",
        "日期时间",
        "通话时间",
        "发送时间",
        "接收时间",
        "开始时间",
        "来电时间",
        "时间戳",
        "收到时间",
        "短信时间",
        "通话开始时间",
        "time",
        "date",
        "datetime",
        "date/time",
        "timestamp",
        "when",
        "at",
        "starttime",
        "calltime",
        "sentat",
        "receivedat",
        "calltimestamp",
        "calldate",
        "calldatetime",
        "callstart",
        "callstarttime",
        "startdate",
        "messagedate",
        "messagetime",
        "senttime",
    ),
    "number": (
        "号码",
        "电话",
        "电话号码",
        "手机号",
        "手机号码",
        "对方号码",
        "来电号码",
        "发件人",
        "发送人",
        "发信人",
        "联系电话",
        "主叫号码",
        "对方",
        "number",
        "phone",
        "phonenumber",
        "address",
        "from",
        "sender",
        "caller",
        "callerid",
        "contactnumber",
        "tel",
        "mobile",
        "remotenumber",
        "othernumber",
        "callernumber",
        "fromnumber",
        "contactphone",
        "phoneno",
    ),
    "type": (
        "类型",
        "呼叫类型",
        "通话类型",
        "短信类型",
        "记录类型",
        "type",
        "calltype",
        "kind",
        "messagetype",
        "eventtype",
    ),
    "direction": ("方向", "呼叫方向", "收发", "direction", "calldirection", "messagedirection"),
    "text": (
        "内容",
        "短信内容",
        "消息内容",
        "正文",
        "信息内容",
        "短信",
        "text",
        "body",
        "message",
        "content",
        "sms",
        "messagetext",
        "messagebody",
        "messagecontent",
        "smsbody",
    ),
    "duration": ("时长", "通话时长", "持续时间", "duration", "length", "seconds", "callduration", "talktime"),
    "status": ("状态", "通话状态", "status", "result", "callstatus", "callresult", "outcome"),
    "channel": ("渠道", "方式", "联系方式", "channel", "medium"),
    "name": ("姓名", "联系人", "名称", "备注名", "name", "contact", "contactname", "callername"),
}
_HEADER_INDEX = {word: name for name, words in SYNONYMS.items() for word in words}

# (keyword, channel, direction, status), most specific first; Chinese by substring (a keyword is
# removed once matched, so 已接收 is not also read as 已接), English by whole word. Words of a
# status (未接, missed...) only imply "in" (a missed call is usually one that came in): a direction
# word in the same row wins (呼出未接, 去电未接通 and "Placed, missed" are outgoing).
_ZH_WORDS: tuple[tuple[str, str | None, str | None, str | None], ...] = (
    ("未接", "call", IMPLIED_IN, "missed"),
    ("响一声", "call", IMPLIED_IN, "missed"),
    ("拒接", "call", IMPLIED_IN, "rejected"),
    ("拒绝", "call", IMPLIED_IN, "rejected"),
    ("挂断", "call", IMPLIED_IN, "rejected"),
    ("拦截", None, IMPLIED_IN, "blocked"),
    ("黑名单", None, IMPLIED_IN, "blocked"),
    ("骚扰", None, IMPLIED_IN, None),
    ("语音信箱", "call", IMPLIED_IN, "voicemail"),
    ("留言", "call", IMPLIED_IN, "voicemail"),
    ("已接收", None, "in", None),
    ("接收", None, "in", None),
    ("收到", None, "in", None),
    ("收件", None, "in", None),
    ("来电", "call", "in", None),
    ("呼入", "call", "in", None),
    ("已接", "call", IMPLIED_IN, "answered"),
    ("接听", "call", IMPLIED_IN, "answered"),
    ("去电", "call", "out", None),
    ("呼出", "call", "out", None),
    ("拨出", "call", "out", None),
    ("已拨", "call", "out", None),
    ("已发送", None, "out", None),
    ("发送", None, "out", None),
    ("发件", None, "out", None),
    ("彩信", "mms", None, None),
    ("短信", "sms", None, None),
    ("信息", "sms", None, None),
    ("通话", "call", None, None),
    ("电话", "call", None, None),
    ("上门", "visit", "in", None),
    ("来访", "visit", "in", None),
)
_EN_WORDS: dict[str, tuple[str | None, str | None, str | None]] = {
    "missed": ("call", IMPLIED_IN, "missed"),
    "rejected": ("call", IMPLIED_IN, "rejected"),
    "declined": ("call", IMPLIED_IN, "rejected"),
    "blocked": (None, IMPLIED_IN, "blocked"),
    "voicemail": ("call", IMPLIED_IN, "voicemail"),
    "incoming": (None, "in", None),
    "inbound": (None, "in", None),
    "received": (None, "in", None),
    "inbox": (None, "in", None),
    "in": (None, "in", None),
    "answered": ("call", IMPLIED_IN, "answered"),
    "outgoing": (None, "out", None),
    "outbound": (None, "out", None),
    "dialed": ("call", "out", None),
    "dialled": ("call", "out", None),
    "placed": ("call", "out", None),
    "sent": (None, "out", None),
    "outbox": (None, "out", None),
    "out": (None, "out", None),
    "sms": ("sms", None, None),
    "text": ("sms", None, None),
    "mms": ("mms", None, None),
    "call": ("call", None, None),
    "visit": ("visit", "in", None),
}

_NUMERIC = re.compile(r"^\d{9,19}(?:\.\d+)?$")
_YMD = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(上午|下午|晚上|早上|凌晨|中午)?\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})\s*分?"
    r"(?:\s*[:：]?\s*(\d{1,2})(?:[.,](\d{1,6}))?\s*秒?)?\s*([AaPp][Mm])?)?\s*$"
)
_DMY = re.compile(
    r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"
    r"(?:[\sT,]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\s*([AaPp][Mm])?)?\s*$"
)


def normalize_header(name: str) -> str:
    """Case, spaces, '_' and a unit in brackets do not matter: 'Duration (s)' is 'duration'."""
    value = re.sub(r"[(（\[].*?[)）\]]", "", name.replace("\ufeff", ""))
    return re.sub(r"[\s_\-]+", "", value).strip().lower()


UTF8_EVIDENCE = 24  # valid non-ASCII UTF-8 bytes (8 Chinese characters) that GBK text would not give
_ASCII = bytes(range(128))


def _count_non_ascii(data: bytes) -> int:
    return len(data.translate(None, _ASCII))


def sniff_encoding(path: Path) -> str:
    """utf-8-sig / utf-16 from a BOM; UTF-16 without one from its NULs; else UTF-8 if the whole
    file decodes as UTF-8, else GB18030 (GBK and GB2312 are subsets)."""
    with path.open("rb") as f:
        head = f.read(4096)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        sample = head[:512]
        if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) == 0:
            return "utf-16-le"
        if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4 and sample[1::2].count(0) == 0:
            return "utf-16-be"
        # Valid UTF-8 throughout: UTF-8. Invalid soon after the first non-ASCII byte: GB18030.
        # Plenty of valid non-ASCII UTF-8 first and a bad byte later: a damaged UTF-8 file, refused
        # rather than read whole as GB18030 (which would turn every Chinese message into mojibake).
        f.seek(0)
        lines, non_ascii, carry = 1, 0, b""
        while block := f.read(1 << 20):
            data = carry + block
            try:
                data.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as exc:
                if exc.end < len(data) or exc.reason != "unexpected end of data":
                    if non_ascii + _count_non_ascii(data[: exc.start]) >= UTF8_EVIDENCE:
                        line = lines + data[: exc.start].count(b"\n")
                        raise InputError(
                            f"{path.name}: line {line}: bytes that are not UTF-8 in a UTF-8 file"
                        ) from None
                    return "gb18030"
                carry, data = data[exc.start :], data[: exc.start]  # a character cut by the read
            lines += data.count(b"\n")
            non_ascii += _count_non_ascii(data)
        if carry:
            return "utf-8" if non_ascii >= UTF8_EVIDENCE else "gb18030"
        return "utf-8"


def resolve_columns(header: list[str], mapping: dict[str, str], name: str) -> dict[str, int]:
    """field -> column index, from the recognised names and --map (which wins)."""
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        field = _HEADER_INDEX.get(normalize_header(title))
        if field is not None and field not in columns:
            columns[field] = index
    for column, field in mapping.items():
        if field not in FIELDS:
            raise InputError(f"{column}={field}: unknown field (use one of {', '.join(FIELDS)})", field="map")
        matches = [i for i, title in enumerate(header) if title.strip() == column.strip()]
        if not matches:
            matches = [i for i, title in enumerate(header) if normalize_header(title) == normalize_header(column)]
        if not matches:
            raise InputError(f"{name}: the column {column!r} is not in the header", field="map")
        columns = {f: i for f, i in columns.items() if i != matches[0] and f != field}
        if field != "ignore":
            columns[field] = matches[0]
    return columns


def looks_like_events(columns: dict[str, int]) -> bool:
    return "time" in columns and ("number" in columns or "text" in columns)


MAX_LINE = 1 << 20  # characters in one line of the file; csv's own field limit (131072) caps one cell


def read_header(path: Path, mapping: dict[str, str] | None = None) -> tuple[str, list[str], dict[str, int]]:
    """(encoding, header, columns) of a CSV file; InputError if it is not one we can read."""
    encoding = sniff_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as f:
            header = next(csv.reader(_bounded_lines(f, path.name)), [])
    except (UnicodeDecodeError, csv.Error):
        raise InputError(f"{path.name}: not a readable CSV file") from None
    return encoding, header, resolve_columns(header, mapping or {}, path.name)


def _bounded_lines(f: io.TextIOBase, name: str) -> Iterator[str]:
    """The file's lines, refusing one longer than MAX_LINE (a file without newlines is no CSV)."""
    number = 0
    while line := f.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise InputError(f"{name}: line {number} is longer than {MAX_LINE} characters: not a CSV export")
        yield line


def headerless_columns(fields: tuple[str, ...]) -> dict[str, int]:
    """field -> column index from --columns time,number,type,text (an empty name or "ignore" skips one)."""
    columns: dict[str, int] = {}
    for index, value in enumerate(fields):
        field = value.strip().lower()
        if field in ("", "ignore"):
            continue
        if field not in FIELDS:
            raise InputError(f"unknown field {value!r} (use {', '.join(FIELDS)})", field="columns")
        if field in columns:
            raise InputError(f"{field} is named twice", field="columns")
        columns[field] = index
    if not looks_like_events(columns):
        raise InputError("name a time column and a number or text column", field="columns")
    return columns


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    if options.columns:  # no header: every line is a record, numbered from 1
        header: list[str] = []
        encoding, columns = sniff_encoding(path), headerless_columns(options.columns)
    else:
        encoding, header, columns = read_header(path, options.mapping)
    if not looks_like_events(columns):
        raise InputError(
            f"{path.name}: the CSV header names no time column and no number or text column "
            f"(header: {printable(', '.join(header))}); name the columns (COLUMN=time, COLUMN=number, ...)",
            field="map",
        )
    total = path.stat().st_size
    row_number = 1 if header else 0
    assumed = 0
    try:
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as f:
            reader = csv.reader(_bounded_lines(f, path.name))
            if header:
                next(reader, None)
            for row_number, row in enumerate(reader, 2 if header else 1):
                if options.progress is not None and row_number % 2000 == 0:
                    options.progress(min(raw.tell(), total), total)
                was_assumed, record = _convert(
                    row, header, columns, f"row {row_number}", path.name, options.tz, options.direction
                )
                assumed += was_assumed
                yield record
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: row {row_number + 1}: bytes that are not {encoding} text") from None
    except csv.Error as exc:
        raise InputError(f"{path.name}: row {row_number + 1}: {exc}") from None
    if assumed:
        yield Notice(
            f"{path.name}: {assumed} rows whose type names no direction (such as sms or 短信) were read as "
            "incoming; if some were sent, give --direction out for a file of sent ones"
        )
    if options.progress is not None:
        options.progress(total, total)


def _cell(row: list[str], columns: dict[str, int], field: str) -> str:
    index = columns.get(field)
    return row[index] if index is not None and index < len(row) else ""


def classify(value: str) -> tuple[str | None, str | None, str | None]:
    """(channel, direction, status) that a type/status/direction cell speaks of; None = silent.

    The direction is IMPLIED_IN when only a status word spoke of it (未接 alone, "Missed")."""
    found: list[str | None] = [None, None, None]

    def take(result: tuple[str | None, str | None, str | None]) -> None:
        for i, part in enumerate(result):
            if found[i] is None and part is not None:
                found[i] = part

    rest = value
    implied: str | None = None
    for word, *result in _ZH_WORDS:
        if word in rest:
            take((result[0], None if result[1] == IMPLIED_IN else result[1], result[2]))
            implied = implied or (result[1] if result[1] == IMPLIED_IN else None)
            rest = rest.replace(word, " ")
    for word in re.findall(r"[a-z]+", rest.lower()):
        if word in _EN_WORDS:
            channel, direction, status = _EN_WORDS[word]
            take((channel, None if direction == IMPLIED_IN else direction, status))
            implied = implied or (direction if direction == IMPLIED_IN else None)
    return found[0], found[1] or implied, found[2]


def parse_time(value: str, tz: tzinfo) -> datetime | None:
    """A CSV time cell: epoch seconds/ms, ISO 8601, 2026/11/20 22:13, 2026年11月20日 下午3:05,
    20/11/2026 22:13 (day first). None if unreadable. Naive times are in `tz`."""
    text = value.strip()
    if _NUMERIC.match(text):
        return from_unix(float(text))
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _parse_pattern(text)
    if parsed is None:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=tz)


_CLOCK = re.compile(r"\d{1,2}\s*[:：时点]\s*(?:\d{1,2}\s*分?)?(?:\s*[:：]\s*(\d{1,2}))?")


def cell_precision(value: str) -> str:
    """How precise a CSV time cell is: epoch numbers and times with seconds "second", hh:mm
    "minute", a date alone "day" (stored at its 00:00, which is not a time of day)."""
    text = value.strip()
    if _NUMERIC.match(text):
        return "second"
    clock = _CLOCK.search(text)
    if clock is None:
        return "day"
    return "second" if clock.group(1) else "minute"


def _hour(hour: int, period: str | None) -> int:
    if period is None:
        return hour
    p = period.lower()
    if p in ("pm", "下午", "晚上", "中午") and hour < 12 and not (p == "中午" and hour == 11):
        return hour + 12
    if p in ("am", "凌晨", "早上", "上午") and hour == 12:
        return 0
    return hour


def _parse_pattern(text: str) -> datetime | None:
    try:
        m = _YMD.match(text)
        if m:
            year, month, day = int(m[1]), int(m[2]), int(m[3])
            period = m[4] or m[9]
            hour = _hour(int(m[5] or 0), period)
            micro = int((m[8] or "0").ljust(6, "0"))
            return datetime(year, month, day, hour, int(m[6] or 0), int(m[7] or 0), micro)
        m = _DMY.match(text)
        if m:
            day, month, year = int(m[1]), int(m[2]), int(m[3])
            if month > 12 and day <= 12:  # 11/20/2026: month first after all
                day, month = month, day
            hour = _hour(int(m[4] or 0), m[7])
            return datetime(year, month, day, hour, int(m[5] or 0), int(m[6] or 0))
    except ValueError:
        return None
    return None


# What phone assistants and spreadsheets write where a withheld or unknown caller's number would be.
_CALLER_WORDS = {
    "隐藏号码": "withheld",
    "私人号码": "withheld",
    "保密号码": "withheld",
    "未知号码": "unknown",
    "withheld": "withheld",
    "private": "withheld",
    "private number": "withheld",
    "restricted": "withheld",
    "unknown": "unknown",
    "unknown number": "unknown",
    "payphone": "payphone",
}

_DECIMAL_SECONDS = re.compile(r"\d{1,12}\.\d{1,6}", re.A)


def _duration(cell: str) -> int:
    """Seconds from a duration cell; decimal seconds (58.0, as spreadsheets write them) round to whole ones."""
    if _DECIMAL_SECONDS.fullmatch(cell):
        whole, _, fraction = cell.partition(".")
        return parse_duration(str(int(whole) + (fraction[0] >= "5")))
    return parse_duration(cell)


def _convert(
    row: list[str],
    header: list[str],
    columns: dict[str, int],
    ref: str,
    name: str,
    tz: tzinfo,
    default_direction: str | None = None,
) -> tuple[bool, Record]:
    """(whether its direction was assumed "in" from a type that names none, the record)."""
    if not any(cell.strip() for cell in row):
        return False, Skipped(ref, "empty row")
    raw: dict[str, str] = {}
    for i, cell in enumerate(row):
        key = header[i] if i < len(header) and header[i] else f"column {i + 1}"
        raw[key if key not in raw else f"{key} ({i + 1})"] = cell
    time_cell = _cell(row, columns, "time")
    if not time_cell.strip():
        return False, Skipped(ref, "no time")
    at = parse_time(time_cell, tz)
    if at is None:
        raise InputError(
            f"{name}: {ref}: cannot read the time {time_cell.strip()[:40]!r} "
            "(use 2026-11-20 22:13, 2026/11/20 22:13:05, 2026年11月20日 22:13 or ISO 8601)"
        )
    channel = direction = status = None
    implied = False
    spoken = ""  # the first type/direction/status cell that said something: quoted if it gave no direction
    for field in ("channel", "type", "direction", "status"):
        cell = _cell(row, columns, field)
        spoken = spoken or (cell.strip() if field != "channel" else "")
        c, d, s = classify(cell)
        if d == IMPLIED_IN:
            implied, d = True, None
        channel, direction, status = channel or c, direction or d, status or s
    if direction is None and implied:
        direction = "in"
    assumed = False
    if direction is None and spoken:
        if default_direction is not None:
            direction = default_direction
        elif channel is not None or status is not None:  # "sms", 短信: read as incoming, as before, and said
            assumed = True
        else:  # nothing we know ("cellular"): never guessed
            raise InputError(
                f"{name}: {ref}: the type {spoken[:40]!r} does not say whether it came in or went out; "
                "name it with --map, or give --direction in|out for such rows"
            )
    text_cell = _cell(row, columns, "text") if "text" in columns else None
    text = text_cell if text_cell else None
    duration_cell = _cell(row, columns, "duration").strip()
    duration = None
    if duration_cell:
        try:
            duration = _duration(duration_cell)
        except InputError:
            raise InputError(f"{name}: {ref}: cannot read the duration {duration_cell[:20]!r}") from None
    if channel is None:
        channel = "sms" if text else "call"
    if status is None:
        status = ("answered" if duration else "unknown") if channel == "call" else "unknown"
    number = _cell(row, columns, "number").strip()
    return assumed, RawEvent(
        channel=channel,
        direction=direction or "in",
        number_raw=number,
        caller=_CALLER_WORDS.get(number.lower()) or caller_kind(number),
        at=at,
        text=text,
        duration_s=duration,
        status=status,
        source_ref=ref,
        raw=raw,
        tz_offset_min=offset_minutes(at),
        at_precision=cell_precision(time_cell),
    )
