"""The rows of an Excel .xlsx workbook's first sheet, as text: zipfile and expat, no dependency.

Enough of Office Open XML (ECMA-376 part 1, SpreadsheetML) for the tables carriers export: shared
strings, inline strings, numbers, and date cells (a number whose style has a date or time format)
shown as `2026-11-20 22:13:41`, or as `0:01:30` for a time alone (a duration). Every part is read
through xmlstream's filter (no DOCTYPE, no entities) with its unzipped size bounded, so a crafted
workbook can neither expand entities nor unzip without end.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import IO
from xml.parsers import expat

from ..errors import InputError
from .xmlstream import filtered_chunks

ZIP_MAGIC = b"PK\x03\x04"
MAX_PART = 256 << 20  # bytes one part (a sheet, the shared strings) may unzip to
MAX_COLUMNS = 1000  # a cell further right than this is not part of a call record
_EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
# Built-in number formats that show dates or times (ECMA-376 18.8.30, with the CJK locales' ids).
_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_TIME_ONLY_FORMATS = frozenset({18, 19, 20, 21, 45, 46, 47})
_CELL_REF = re.compile(r"([A-Z]{1,3})\d*")
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')

Row = list[str]
# What zipfile raises on a damaged or crafted archive (a bad header, a bad deflate stream, a CRC).
_DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error, struct.error, OSError)


def is_xlsx(path: Path) -> bool:
    """A zip holding a workbook (an .xlsx, whatever its name)."""
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except (*_DAMAGED, ValueError):
        return False


def sheet_rows(path: Path) -> Iterator[tuple[int, Row]]:
    """(row number as Excel shows it, cells as text) of the first sheet; gaps become ''."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as z:
            strings = _shared_strings(z, name)
            date_styles, time_styles = _date_styles(z, name)
            yield from _rows(z, _first_sheet(z, name), name, strings, date_styles, time_styles)
    except _DAMAGED:
        raise InputError(f"{name}: a damaged .xlsx workbook (the zip cannot be read)") from None


def _open(z: zipfile.ZipFile, member: str, name: str) -> _Bounded:
    try:
        info = z.getinfo(member)
    except KeyError:
        raise InputError(f"{name}: a damaged .xlsx workbook ({member} is missing)") from None
    if info.file_size > MAX_PART:
        raise InputError(f"{name}: refused: {member} unzips to more than {MAX_PART >> 20} MiB")
    return _Bounded(z.open(info), member, name)


class _Bounded:
    """A zip member read with its size counted (the size a zip declares may be false)."""

    def __init__(self, stream: IO[bytes], member: str, name: str) -> None:
        self.stream, self.member, self.name, self.read_bytes = stream, member, name, 0

    def read(self, size: int = -1) -> bytes:
        block = self.stream.read(size)
        self.read_bytes += len(block)
        if self.read_bytes > MAX_PART:
            raise InputError(f"{self.name}: refused: {self.member} unzips to more than {MAX_PART >> 20} MiB")
        return block

    def close(self) -> None:
        self.stream.close()


def _parse(
    stream: IO[bytes] | _Bounded,
    name: str,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Feed one part to expat with these handlers; yields after each chunk (so rows stream)."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> None:
        raise InputError(f"{name}: refused: the workbook's XML declares a DTD or entities")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        for chunk in filtered_chunks(stream, name):  # type: ignore[arg-type]
            parser.Parse(chunk, False)
            yield None
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise InputError(f"{name}: a damaged .xlsx workbook (its XML is not well-formed: {exc})") from None
    finally:
        stream.close()
    yield None


def _local(tag: str) -> str:
    return tag.rpartition(":")[2]


def _shared_strings(z: zipfile.ZipFile, name: str) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    strings: list[str] = []
    parts: list[str] = []
    state = {"in_t": False, "skip": 0}

    def start(tag: str, _attrs: dict[str, str]) -> None:
        tag = _local(tag)
        if tag == "si":
            parts.clear()
        elif tag in ("rPh", "phoneticPr"):  # phonetic guides are not the cell's text
            state["skip"] += 1
        elif tag == "t" and not state["skip"]:
            state["in_t"] = True

    def end(tag: str) -> None:
        tag = _local(tag)
        if tag == "si":
            strings.append("".join(parts))
        elif tag in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif tag == "t":
            state["in_t"] = False

    def text(data: str) -> None:
        if state["in_t"]:
            parts.append(data)

    for _ in _parse(_open(z, "xl/sharedStrings.xml", name), name, start, end, text):
        pass
    return strings


def _date_styles(z: zipfile.ZipFile, name: str) -> tuple[set[int], set[int]]:
    """(styles whose number format shows a date or time, those showing a time of day alone)."""
    if "xl/styles.xml" not in z.namelist():
        return set(), set()
    custom: dict[int, str] = {}
    formats: list[int] = []
    depth = {"cellXfs": False}

    def start(tag: str, attrs: dict[str, str]) -> None:
        tag = _local(tag)
        if tag == "numFmt":
            custom[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            depth["cellXfs"] = True
        elif tag == "xf" and depth["cellXfs"]:
            formats.append(_int(attrs.get("numFmtId")))

    def end(tag: str) -> None:
        if _local(tag) == "cellXfs":
            depth["cellXfs"] = False

    for _ in _parse(_open(z, "xl/styles.xml", name), name, start, end):
        pass
    dates, times = set(), set()
    for style, fmt in enumerate(formats):
        code = _QUOTED.sub("", custom.get(fmt, "")).lower()
        has_date = fmt in _DATE_FORMATS or any(c in code for c in "ymd")
        has_time = any(c in code for c in "hs")
        if has_date or has_time:
            dates.add(style)
            if fmt in _TIME_ONLY_FORMATS or (fmt in custom and has_time and not any(c in code for c in "yd")):
                times.add(style)
    return dates, times


def _first_sheet(z: zipfile.ZipFile, name: str) -> str:
    """The first sheet's part, from the workbook and its relationships (else sheet1.xml)."""
    sheets: list[str] = []
    targets: dict[str, str] = {}

    def on_sheet(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            sheets.append(rid)

    def on_rel(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    for _ in _parse(_open(z, "xl/workbook.xml", name), name, on_sheet):
        pass
    if "xl/_rels/workbook.xml.rels" in z.namelist():
        for _ in _parse(_open(z, "xl/_rels/workbook.xml.rels", name), name, on_rel):
            pass
    target = targets.get(sheets[0], "") if sheets else ""
    if target:
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        if path in z.namelist():
            return path
    return "xl/worksheets/sheet1.xml"


def _rows(
    z: zipfile.ZipFile, member: str, name: str, strings: list[str], dates: set[int], times: set[int]
) -> Iterator[tuple[int, Row]]:
    done: list[tuple[int, Row]] = []
    row: dict[int, str] = {}
    cell: dict[str, str] = {}
    parts: list[str] = []
    state = {"row": 0, "col": 0, "in_value": False}

    def start(tag: str, attrs: dict[str, str]) -> None:
        tag = _local(tag)
        if tag == "row":
            row.clear()
            number = _int(attrs.get("r"))
            state["row"] = number if number > 0 else state["row"] + 1
            state["col"] = 0
        elif tag == "c":
            cell.clear()
            cell.update(attrs)
            ref = _CELL_REF.match(attrs.get("r", ""))
            state["col"] = _column(ref.group(1)) if ref else state["col"] + 1
            parts.clear()
        elif tag in ("v", "t"):
            state["in_value"] = True

    def end(tag: str) -> None:
        tag = _local(tag)
        if tag in ("v", "t"):
            state["in_value"] = False
        elif tag == "c":
            if state["col"] <= MAX_COLUMNS:
                row[state["col"]] = _value(cell, "".join(parts), strings, dates, times)
        elif tag == "row":
            width = max(row, default=0)
            done.append((state["row"], [row.get(i, "") for i in range(1, width + 1)]))

    def text(data: str) -> None:
        if state["in_value"]:
            parts.append(data)

    for _ in _parse(_open(z, member, name), name, start, end, text):
        yield from done
        done.clear()


def _value(cell: dict[str, str], raw: str, strings: list[str], dates: set[int], times: set[int]) -> str:
    kind = cell.get("t", "n")
    if kind == "s":
        index = _int(raw)
        return strings[index] if 0 <= index < len(strings) else ""
    if kind in ("inlineStr", "str", "e"):
        return raw
    if kind == "b":
        return "TRUE" if raw.strip() == "1" else "FALSE"
    style = _int(cell.get("s"))
    if raw and style in dates:
        try:
            serial = float(raw)
        except ValueError:
            return raw
        if style in times or 0 <= serial < 1:  # a time alone: a duration on a call record
            seconds = round(serial * 86400)
            return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        try:
            moment = _EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))
        except (OverflowError, ValueError):
            return raw
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return raw


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _int(value: str | None) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return -1
