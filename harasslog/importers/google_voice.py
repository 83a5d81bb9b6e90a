"""Google Voice from Google Takeout: the `Voice/Calls/*.html` pages, or the `takeout-*.zip` as downloaded.

Each page is one conversation or one call, in hAtom/hCard markup (Google never documented it; the
classes below are what every Takeout since 2011 writes):
- texts and group texts: `div.hChatLog` with one `div.message` each: `abbr.dt[title]` the time
  (ISO 8601 with milliseconds and offset), `cite.sender a.tel[href=tel:...]` the sender (`abbr.fn`
  "Me" for the account holder, `span.fn` for others), `q` the text, `img` / `a.vcard` MMS parts
  (files beside the page, Takeout adds their extension: attached to the event when found);
  `div.participants` lists a group's numbers, so a message Me sent to a group goes to all of them
  ('~'-joined, as Android writes groups).
- calls: `div.haudio` with `div.contributor a.tel` the other side, `abbr.published[title]` the time,
  `abbr.duration[title]` (PT1M23S), the labels (`a[rel=tag]` #placed, #received, #missed,
  #voicemail) and, for a voicemail, its transcript `span.full-text` (stored as the event's text)
  and its recording (`audio[src]`, attached when found).

A zip is read in place, member by member, without extracting; the import's SHA-256 is the zip's and
each record's raw keeps the member's name and the record's HTML fragment as written. Pages are parsed
with the standard library's html.parser (no entities beyond HTML's own, no network, no scripts),
each page at most MAX_PAGE bytes.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..models import RawAttachment, RawEvent, Skipped
from ..normalize import offset_minutes
from .base import ImportOptions, Record, printable

VERSION = "google-voice-1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_PAGE = 16 << 20  # bytes in one page: a conversation of years is a few MB
MAX_MEMBERS = 500_000  # pages read from one zip
MAX_TAGS = 500_000  # tags in one page (about 50,000 messages): html.parser takes some 25 us per tag
MAX_TOTAL = 2 << 30  # bytes of pages unpacked from one zip
MAX_PART = 32 << 20  # bytes of one picture or recording attached from beside a page
PART_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".vcf", ".mp3", ".mp4", ".3gp", ".amr", ".wav", ".webp")
MAX_DEPTH = 256  # open elements at once: Takeout nests about ten; more is a crafted page
CALLS_MEMBER = re.compile(r"(?:^|/)Voice/Calls/[^/]+\.html?$", re.I)
MARKERS = (b'class="hChatLog', b'class="haudio"')
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
CALL_KINDS = {  # label -> (direction, status)
    "placed": ("out", None),
    "received": ("in", "answered"),
    "missed": ("in", "missed"),
    "voicemail": ("in", "voicemail"),
}
# Every '<' of a Takeout page (XHTML) opens a complete tag, end tag, comment, declaration or processing
# instruction. html.parser takes quadratic time on ones left open ("<a <a <a ...", "</</</"), so a page
# with such a '<' is refused before it is parsed, in one linear scan.
_MARKUP = re.compile(
    r"""<(?:[A-Za-z][\w:.-]*(?:\s+[^\s=<>"'/]+(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'|[^\s"'<>=`]+))?)*\s*/?"""
    r"""|/[A-Za-z][\w:.-]*\s*|![A-Za-z\[][^<>]*|\?[^<>]*)>"""
)
_DURATION = re.compile(r"P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", re.I)


def is_page(head: bytes) -> bool:
    return any(marker in head for marker in MARKERS)


def zip_names(path: Path) -> set[str]:
    """The member names of a zip (empty when it cannot be read: reading it says why)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


def read(path: Path, options: ImportOptions) -> Iterator[Record]:
    with path.open("rb") as f:
        magic = f.read(4)
    if magic == ZIP_MAGIC:
        yield from _read_zip(path, options)
        return
    if path.stat().st_size > MAX_PAGE:
        raise InputError(f"{path.name}: refused: larger than {MAX_PAGE >> 20} MiB (no Google Voice page is)")
    data = path.read_bytes()
    yield from _page(None, _text(data, path.name), path.name, options, _beside(path))
    if options.progress is not None:
        options.progress(len(data), len(data))


def _read_zip(path: Path, options: ImportOptions) -> Iterator[Record]:
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if not i.is_dir() and CALLS_MEMBER.search(i.filename)]
            if not members:
                raise InputError(
                    f"{name}: a ZIP archive without Voice/Calls/*.html: not a Google Voice Takeout "
                    "(export Voice from takeout.google.com, or unzip and import the files inside)"
                )
            if len(members) > MAX_MEMBERS:
                raise InputError(f"{name}: refused: more than {MAX_MEMBERS:,} pages in one archive")
            unpacked = 0
            by_stem: dict[str, zipfile.ZipInfo] = {}
            for info in zf.infolist():  # the pictures, cards and recordings beside the pages
                if not info.is_dir() and "/Voice/Calls/" in f"/{info.filename}":
                    by_stem.setdefault(info.filename, info)
                    by_stem.setdefault(info.filename.rpartition(".")[0], info)

            def fetch(page: str, src: str) -> tuple[str, bytes] | None:
                nonlocal unpacked
                if not _plain_name(src):
                    return None
                found = by_stem.get(f"{page.rpartition('/')[0]}/{src}")
                if found is None or found.flag_bits & 0x1:
                    return None
                with zf.open(found) as part:
                    data = part.read(MAX_PART + 1)
                unpacked += len(data)
                if unpacked > MAX_TOTAL:
                    raise InputError(f"{name}: refused: its files unpack to more than {MAX_TOTAL >> 30} GiB")
                return found.filename, data

            for done, info in enumerate(members, 1):
                if info.flag_bits & 0x1:
                    raise InputError(f"{name}: {printable(info.filename)}: encrypted; export the Takeout again")
                with zf.open(info) as member:
                    data = member.read(MAX_PAGE + 1)
                if len(data) > MAX_PAGE:
                    raise InputError(
                        f"{name}: refused: {printable(info.filename)} unpacks to more than {MAX_PAGE >> 20} MiB"
                    )
                unpacked += len(data)
                if unpacked > MAX_TOTAL:
                    raise InputError(f"{name}: refused: its pages unpack to more than {MAX_TOTAL >> 30} GiB")
                text = _text(data, f"{name}: {printable(info.filename)}")
                yield from _page(info.filename, text, name, options, partial(fetch, info.filename))
                if options.progress is not None:
                    options.progress(done, len(members))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError) as exc:
        detail = " ".join(str(exc).split())[:120]
        raise InputError(f"{name}: a damaged or unreadable ZIP archive ({detail})") from None


Fetch = Callable[[str], "tuple[str, bytes] | None"]  # a file a page names -> (its name, its bytes)


def _plain_name(src: str) -> bool:
    """A file name a page may name: no folder, no way out of the page's own folder."""
    return bool(src) and "/" not in src and "\\" not in src and src not in (".", "..") and "\0" not in src


def _beside(path: Path) -> Fetch:
    """Files named by a page, looked up in the page's folder (Takeout writes them with an extension)."""

    def fetch(src: str) -> tuple[str, bytes] | None:
        if not _plain_name(src):
            return None
        for candidate in (src, *(src + ext for ext in PART_EXTENSIONS)):
            file = path.parent / candidate
            if file.is_file():
                with file.open("rb") as f:
                    return file.name, f.read(MAX_PART + 1)
        return None

    return fetch


def _text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: byte {exc.start} is not UTF-8 (Google Voice pages are UTF-8)") from None


@dataclass
class _Item:
    """One message or call as read from the page: what the markup said, and where it was."""

    kind: str  # "message" or "call"
    start: int
    line: int
    end: int = 0
    time: str = ""
    tel: str = ""
    name: str = ""
    me: bool = False
    text: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # MMS files named by the page
    labels: list[str] = field(default_factory=list)
    heading: list[str] = field(default_factory=list)  # "Placed call to", "Voicemail from" ...
    duration: str = ""
    transcript: list[str] | None = None


class _Page(HTMLParser):
    def __init__(self, text: str, where: str) -> None:
        super().__init__(convert_charrefs=True)
        self.where = where
        self.source = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.stack: list[tuple[str, frozenset[str]]] = []
        self.items: list[_Item] = []
        self.item: _Item | None = None
        self.item_depth = 0
        self.participants: list[str] = []
        self.in_participants = 0
        self.title: list[str] = []
        self.sink: list[str] | None = None
        self.sink_depth = 0
        self.name_sink: list[str] | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = frozenset(a.get("class", "").split())
        item = self.item
        if tag == "br" and self.sink is not None:
            self.sink.append("\n")
        if tag in VOID:
            if tag == "img" and item is not None:
                item.parts.append(a.get("src", ""))
            return
        self.stack.append((tag, classes))
        depth = len(self.stack)
        if depth > MAX_DEPTH:
            raise InputError(f"{self.where}refused: elements nested more than {MAX_DEPTH} deep (not a Takeout page)")
        if item is None and tag == "div" and ("message" in classes or "haudio" in classes):
            line, _ = self.getpos()
            self.item = _Item("message" if "message" in classes else "call", self._offset(), line)
            self.item_depth = depth
        elif tag == "div" and "participants" in classes:
            self.in_participants = depth
        elif tag == "title" and item is None:
            self._open(self.title)
        elif item is not None:
            self._inside(item, tag, classes, a)
        elif self.in_participants and tag == "a" and "tel" in classes:
            self.participants.append(_tel(a.get("href", "")))

    def _inside(self, item: _Item, tag: str, classes: frozenset[str], a: dict[str, str]) -> None:
        if tag == "abbr" and classes & {"dt", "published"}:
            item.time = a.get("title", "")
        elif tag == "abbr" and "duration" in classes:
            item.duration = a.get("title", "")
        elif tag == "a" and "tel" in classes and not item.tel:
            item.tel = _tel(a.get("href", ""))
        elif "fn" in classes and self._within("sender", "contributor"):
            item.me = item.me or tag == "abbr"  # Takeout writes the account holder as <abbr class="fn">Me</abbr>
            self.name_sink = []
            self._open(self.name_sink)
        elif tag == "span" and "fn" in classes and len(self.stack) == self.item_depth + 1:
            self._open(item.heading)
        elif tag == "q":
            self._open(item.text)
        elif tag == "span" and "full-text" in classes:
            item.transcript = []
            self._open(item.transcript)
        elif tag == "a" and a.get("rel") == "tag":
            item.labels.append(a.get("href", "").rpartition("#")[2].lower())
        elif tag == "a" and "vcard" in classes:
            item.parts.append(a.get("href", ""))
        elif tag == "audio":
            item.parts.append(a.get("src", ""))

    def _within(self, *classes: str) -> bool:
        return any(c in cls for _tag, cls in self.stack[self.item_depth :] for c in classes)

    def _open(self, sink: list[str]) -> None:
        if self.sink is None:  # never two at once: a crafted page cannot mix one text into another
            self.sink, self.sink_depth = sink, len(self.stack)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not any(t == tag for t, _ in self.stack):
            return  # a stray end tag: nothing was open
        while self.stack:
            depth = len(self.stack)
            if self.sink is not None and depth == self.sink_depth:
                if self.item is not None and self.name_sink is self.sink:
                    self.item.name = "".join(self.sink).strip()
                    self.name_sink = None
                self.sink = None
            if self.item is not None and depth == self.item_depth:
                close = self.source.find(">", self._offset())
                self.item.end = len(self.source) if close < 0 else close + 1
                self.items.append(self.item)
                self.item = None
            if depth == self.in_participants:
                self.in_participants = 0
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.sink is not None:
            self.sink.append(data)


def _tel(href: str) -> str:
    return href.removeprefix("tel:").strip()


def _check_markup(text: str, where: str) -> None:
    if text.count("<") > MAX_TAGS:
        raise InputError(f"{where}refused: more than {MAX_TAGS:,} tags in one page (not a Google Voice Takeout page)")
    pos = 0
    while (i := text.find("<", pos)) >= 0:
        if text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            pos = end + 3 if end >= 0 else -1
        else:
            match = _MARKUP.match(text, i)
            pos = match.end() if match else -1
        if pos < 0:
            line = text.count("\n", 0, i) + 1
            raise InputError(f"{where}line {line}: a '<' that opens no complete tag: not a Google Voice Takeout page")


def _page(member: str | None, text: str, name: str, options: ImportOptions, fetch: Fetch) -> Iterator[Record]:
    where = f"{name}: {printable(member)}: " if member else f"{name}: "
    _check_markup(text, where)
    parser = _Page(text, where)
    parser.feed(text)
    parser.close()
    if parser.item is not None:  # a page cut short: its last record still counts, to the end
        parser.item.end = len(text)
        parser.items.append(parser.item)
    where = f"{member}: " if member else ""
    tz = options.tz
    if not parser.items:
        yield Skipped(f"{where}page", "a Google Voice page with no message or call")
        return
    others = [i.tel for i in parser.items if i.kind == "message" and not i.me and i.tel]
    title = " ".join("".join(parser.title).split())
    counters: dict[str, int] = {}
    for item in parser.items:
        index = counters[item.kind] = counters.get(item.kind, 0) + 1
        ref = f"{where}{item.kind}[{index}] (line {item.line})"
        fragment = text[item.start : item.end]
        raw: dict[str, Any] = {"member": member, "html": fragment} if member else {"html": fragment}
        raw_parts, attachments = _parts(item.parts, fetch)
        if raw_parts:
            raw["parts"] = raw_parts
        if item.kind == "message":
            yield _message(item, ref, raw, attachments, parser.participants, others, title, tz)
        else:
            yield _call(item, ref, raw, attachments, tz)


def _parts(named: list[str], fetch: Fetch) -> tuple[list[dict[str, Any]], tuple[RawAttachment, ...]]:
    """The files a record names: attached when found beside the page (the raw record keeps each
    one's hash, not its bytes), else named as not found."""
    raw: list[dict[str, Any]] = []
    attachments: list[RawAttachment] = []
    for src in dict.fromkeys(p for p in named if p):
        found = fetch(src)
        if found is None:
            raw.append({"src": src, "file": None})
        elif len(found[1]) > MAX_PART:
            raw.append({"src": src, "file": found[0], "not_read": f"larger than {MAX_PART >> 20} MiB"})
        else:
            file, data = found
            raw.append({"src": src, "file": file, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
            mime = mimetypes.guess_type(file)[0]
            attachments.append(RawAttachment(name=file.rpartition("/")[2], mime=mime, data=data))
    return raw, tuple(attachments)


def _time(item: _Item, tz: tzinfo) -> datetime | str:
    """The record's instant; a time written without an offset is the profile's wall clock."""
    if not item.time:
        return "no time"
    try:
        at = datetime.fromisoformat(item.time.strip())
    except ValueError:
        return "unreadable time"
    return at if at.tzinfo is not None else at.replace(tzinfo=tz)


def _message(
    item: _Item,
    ref: str,
    raw: dict[str, Any],
    attachments: tuple[RawAttachment, ...],
    group: list[str],
    others: list[str],
    title: str,
    tz: tzinfo,
) -> Record:
    at = _time(item, tz)
    if isinstance(at, str):
        return Skipped(ref, at)
    text = "".join(item.text)
    parts = [p for p in item.parts if p]
    if not text.strip() and not parts:
        return Skipped(ref, "empty message")
    if item.me:
        direction = "out"
        if group:
            number = "~".join(dict.fromkeys(t for t in group if t))
        else:
            number = others[0] if others else (title if re.fullmatch(r"\+?[\d\s()-]{3,}", title) else "")
    else:
        direction, number = "in", item.tel
    return RawEvent(
        channel="mms" if parts else "sms",
        direction=direction,
        number_raw=number,
        at=at,
        tz_offset_min=offset_minutes(at),
        text=text if text.strip() else None,
        source_ref=ref,
        raw=raw,
        attachments=attachments,
    )


def _call(item: _Item, ref: str, raw: dict[str, Any], attachments: tuple[RawAttachment, ...], tz: tzinfo) -> Record:
    heading = " ".join("".join(item.heading).split()).lower()
    kind = next((label for label in item.labels if label in CALL_KINDS), None)
    kind = kind or next((k for k in CALL_KINDS if heading.startswith(k)), None)
    if kind is None:
        what = next((label for label in item.labels if label not in ("inbox", "trash")), heading or "unlabelled")
        return Skipped(ref, f"a {what[:30]} entry, not a call placed, received, missed or a voicemail")
    at = _time(item, tz)
    if isinstance(at, str):
        return Skipped(ref, at)
    duration = _seconds(item.duration)
    direction, status = CALL_KINDS[kind]
    if status is None:
        status = "answered" if duration else "unknown"
    transcript = "".join(item.transcript).strip() if item.transcript is not None else ""
    return RawEvent(
        channel="call",
        direction=direction,
        number_raw=item.tel,
        caller=None if item.tel else "unknown",
        at=at,
        tz_offset_min=offset_minutes(at),
        duration_s=None if status == "missed" else duration,
        status=status,
        text=transcript or None,
        source_ref=ref,
        raw=raw,
        attachments=attachments,
    )


def _seconds(value: str) -> int | None:
    """An ISO 8601 duration (PT1M23S) in whole seconds; None when absent or unreadable."""
    match = _DURATION.fullmatch(value.strip()) if value.strip() else None
    if match is None or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return round(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
