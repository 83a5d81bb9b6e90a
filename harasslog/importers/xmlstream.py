"""Safe, streaming XML for phone backups: no DTD, no entities, surrogate-pair references repaired.

Uses expat directly (the parser under ElementTree) with start/end handlers, so no tree is built
and memory stays flat however large the file; line numbers are known for every element.

Two things are done to the bytes before expat sees them, chunk by chunk:
- a DOCTYPE is refused outright: a real backup has none, and refusing it stops entity bombs
  ("billion laughs") and external entities before any expansion;
- a file declaring an encoding expat cannot read itself (GBK, GB18030, Big5 ... from converters)
  is decoded with Python's codec and handed on as UTF-8; an encoding nobody knows is refused;
- character references to UTF-16 surrogates (`&#55357;&#56832;`, written by Signal, Silence
  and converters for emoji) are illegal XML and make expat fail: a high+low pair becomes the
  one reference it stands for (`&#128512;`), a lone one becomes U+FFFD.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from ..errors import InputError

CHUNK = 1 << 20
# One child of the root (an <mms> with its parts, base64 included) may take this many bytes: far
# more than carriers allow for an MMS (a few MB), and what keeps one element's memory bounded.
MAX_ELEMENT = 64 << 20
_NATIVE = {"utf-8", "utf8", "utf-16", "utf16", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
_DECLARED = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']{1,40})["']""")

_SURROGATE_REF = rb"&#(?:5[5-7][0-9]{3}|[xX][dD][89a-fA-F][0-9a-fA-F]{2});"
_SURROGATES = re.compile(rb"(" + _SURROGATE_REF + rb")(" + _SURROGATE_REF + rb")?")
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)


def _ref_value(ref: bytes) -> int:
    body = ref[2:-1]
    return int(body[1:], 16) if body[:1] in (b"x", b"X") else int(body)


def _fix_one(ref: bytes) -> bytes:
    value = _ref_value(ref)
    return b"&#65533;" if 0xD800 <= value <= 0xDFFF else ref


def _fix_surrogates(match: re.Match[bytes]) -> bytes:
    first, second = match.group(1), match.group(2)
    high = _ref_value(first)
    if second is not None:
        low = _ref_value(second)
        if 0xD800 <= high <= 0xDBFF and 0xDC00 <= low <= 0xDFFF:
            combined = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            return b"&#%d;" % combined
        # Not a pair: repair each alone (the second may itself start a pair, but a high
        # surrogate followed by a high one is broken data either way).
        return _fix_one(first) + _fix_one(second)
    return _fix_one(first)


def repair_surrogates(data: bytes) -> bytes:
    return _SURROGATES.sub(_fix_surrogates, data) if b"&#" in data else data


def filtered_chunks(stream: BinaryIO, name: str, on_bytes: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """The file's bytes, repaired and checked, cut only just after a '>'.

    A character reference or a DOCTYPE never contains '>', so none is ever split between
    two chunks; the bytes after the last '>' wait for the next read.
    """
    carry = b""
    while True:
        block = stream.read(CHUNK)
        if on_bytes is not None and block:
            on_bytes(len(block))
        data = carry + block
        if not block:
            cut = len(data)
        else:
            cut = data.rfind(b">") + 1
            if cut == 0 and len(data) > MAX_ELEMENT:
                raise InputError(f"{name}: refused: no tag ends within {MAX_ELEMENT >> 20} MiB (not a phone backup)")
        piece, carry = data[:cut], data[cut:]
        if piece:
            if _DOCTYPE.search(piece):
                raise InputError(
                    f"{name}: refused: the XML has a DOCTYPE or ENTITY declaration "
                    "(phone backups have none; it could be an entity bomb)"
                )
            yield repair_surrogates(piece)
        if not block:
            return


class _Transcoded:
    """A binary stream in another encoding read as UTF-8, its XML declaration saying so."""

    def __init__(self, stream: BinaryIO, encoding: str, name: str, on_bytes: Callable[[int], None] | None) -> None:
        self.stream, self.name, self.on_bytes = stream, name, on_bytes
        self.encoding = encoding
        self.decoder = codecs.getincrementaldecoder(encoding)()
        self.first = True

    def read(self, size: int) -> bytes:
        block = self.stream.read(size)
        if self.on_bytes is not None and block:
            self.on_bytes(len(block))
        try:
            text = self.decoder.decode(block, final=not block)
        except UnicodeDecodeError:
            raise InputError(f"{self.name}: bytes that are not {self.encoding} text") from None
        if self.first:
            text = re.sub(r"""(<\?xml[^>]*?encoding\s*=\s*["'])[^"']*""", r"\1UTF-8", text, count=1)
            self.first = False
        return text.encode("utf-8")


def _source(stream: BinaryIO, name: str, on_bytes: Callable[[int], None] | None) -> tuple[BinaryIO, bool]:
    """The stream expat can read (transcoded when the declared encoding needs it), and whether it was."""
    head = stream.read(1024)
    stream.seek(0)
    match = _DECLARED.match(head)
    if match is None:
        return stream, False
    declared = match.group(1).decode("ascii", "replace").strip()
    if declared.lower() in _NATIVE:
        return stream, False
    try:
        encoding = codecs.lookup(declared).name
    except LookupError:
        raise InputError(f"{name}: the XML declares an encoding nobody knows ({declared[:40]!r})") from None
    return _Transcoded(stream, encoding, name, on_bytes), True  # type: ignore[return-value]


Element = tuple[str, dict[str, str], int, list[tuple[str, dict[str, str]]]]


def numbered_children(
    path: Path, roots: tuple[str, ...], progress: Callable[[int, int], None] | None = None
) -> Iterator[tuple[str, int, dict[str, str], int, list[tuple[str, dict[str, str]]]]]:
    """`iter_children` with each child's number among its tag's (sms[3]) and the progress of the
    read reported as (bytes read, file size): (tag, number, attributes, line, descendants)."""
    counters: dict[str, int] = {}
    for tag, attrs, line, children in iter_children(path, roots, byte_progress(path, progress)):
        index = counters[tag] = counters.get(tag, 0) + 1
        yield tag, index, attrs, line, children


def byte_progress(path: Path, progress: Callable[[int, int], None] | None) -> Callable[[int], None]:
    """An `on_bytes` for iter_children that reports (bytes read, file size) to `progress`."""
    total, done = path.stat().st_size, 0

    def on_bytes(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total)

    return on_bytes


def iter_children(
    path: Path, roots: tuple[str, ...], on_bytes: Callable[[int], None] | None = None
) -> Iterator[Element]:
    """Stream the root's children of a backup file, each once it has ended, as
    (tag, attributes, line, descendants) with descendants a flat list of (tag, attributes).

    The root must be one of `roots`. Only one child is held at a time (plus those parsed in the
    current chunk), and none may exceed MAX_ELEMENT bytes, so memory does not grow with the file.
    """
    name = path.name
    pending: list[Element] = []
    parser = new_parser(name)
    depth = 0
    current: Element | None = None
    since = 0  # byte offset where the current child (or the last tag) began

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth, current, since
        depth += 1
        if depth == 2:
            current = (tag, attrs, parser.CurrentLineNumber, [])
            since = parser.CurrentByteIndex
        elif depth > 2 and current is not None:
            current[3].append((tag, attrs))
        elif depth == 1 and tag not in roots:
            raise InputError(f"{name}: the root element is <{tag}>, expected " + " or ".join(f"<{r}>" for r in roots))
        if current is None:
            since = parser.CurrentByteIndex

    def end(_tag: str) -> None:
        nonlocal depth, current, since
        if depth == 2 and current is not None:
            pending.append(current)
            current = None
        depth -= 1
        if current is None:
            since = parser.CurrentByteIndex

    parser.StartElementHandler = start
    parser.EndElementHandler = end

    def oversize(fed: int) -> str | None:
        if fed - since <= MAX_ELEMENT:
            return None
        return f"one <{current[0]}> (line {current[2]})" if current is not None else "one piece"

    for _ in feed(path, parser, oversize, on_bytes):
        if pending:
            yield from pending
            pending.clear()
    yield from pending


def new_parser(name: str) -> expat.XMLParserType:
    """An expat parser that refuses a DTD or entity declarations (handlers set by the caller)."""

    def refuse(*_args: object) -> None:
        raise InputError(f"{name}: refused: the XML declares a DTD or entities")

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse  # type: ignore[assignment]
    return parser


def feed(
    path: Path,
    parser: expat.XMLParserType,
    oversize: Callable[[int], str | None],
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[None]:
    """Feed the file to `parser` chunk by chunk (repaired and checked: see filtered_chunks), yielding
    after each chunk so the caller can hand on what its handlers collected, and once after the end.
    `oversize(bytes fed)` names what is larger than MAX_ELEMENT (then refused), or returns None."""
    name = path.name
    fed = 0
    try:
        with path.open("rb") as raw:
            stream, transcoded = _source(raw, name, on_bytes)
            for chunk in filtered_chunks(stream, name, None if transcoded else on_bytes):
                parser.Parse(chunk, False)
                fed += len(chunk)
                what = oversize(fed)
                if what is not None:
                    raise InputError(f"{name}: refused: {what} is larger than {MAX_ELEMENT >> 20} MiB")
                yield
            parser.Parse(b"", True)
            yield
    except expat.ExpatError as exc:
        reason = expat.errors.messages[exc.code] if exc.code else str(exc)
        hint = " (the file is truncated)" if reason in ("no element found", "unclosed token") else ""
        raise InputError(f"{name}: not well-formed XML at line {exc.lineno}: {reason}{hint}") from None
    except (LookupError, ValueError) as exc:  # an encoding expat was told of but cannot use
        raise InputError(f"{name}: cannot read this XML ({' '.join(str(exc).split())[:160]})") from None
