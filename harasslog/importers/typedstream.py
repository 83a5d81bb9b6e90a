"""Just enough of Apple's archives to read the text of an iMessage `attributedBody`.

Since iOS 16 many messages have `text` NULL and keep the text only in `attributedBody`, an archived
NSAttributedString. Usually a typedstream (NSArchiver): its first object holds the string as an
NSString/NSMutableString whose bytes follow the type tag `+`, preceded by a length: one byte below
0x80, or 0x81 + 2 bytes, or 0x82 + 4 bytes, little-endian. The length counts UTF-8 bytes, not
characters (a tool that counted characters dropped the end of Chinese messages). A byte from 0x93
up before the length is a reference into the stream's table of types already seen, not a length,
and is stepped over. Some tools and versions write the same object as an NSKeyedArchiver binary
plist instead (`bplist00`); its string is read from the archive's object table.
"""

from __future__ import annotations

import plistlib
from typing import Any

MAGIC = b"\x04\x0bstreamtyped"
BPLIST = b"bplist00"
_STRING_TAG = b"\x84\x01+"  # "new" marker, one-byte type signature "+", i.e. a C string of bytes
_INT16, _INT32, _REFERENCE = 0x81, 0x82, 0x92  # above _REFERENCE: an index into the shared table


def decode_attributed_body(blob: bytes | None) -> str | None:
    """The plain text inside an attributedBody, or None if it cannot be found."""
    if not blob:
        return None
    if blob.startswith(BPLIST):
        return _keyed_archive_text(blob)
    if not blob.startswith(MAGIC):
        return None
    start = blob.find(b"NSString")
    if start < 0:
        start = blob.find(b"NSMutableString")
    tag = blob.find(_STRING_TAG, max(start, 0))
    if tag < 0:
        return None
    return _length_prefixed(blob, tag + len(_STRING_TAG))


def _length_prefixed(blob: bytes, pos: int) -> str | None:
    if pos < len(blob) and blob[pos] > _REFERENCE and pos + 1 < len(blob) and blob[pos + 1] != 0x86:
        pos += 1  # a reference to a type already seen, then the length itself
    if pos >= len(blob):
        return None
    first = blob[pos]
    pos += 1
    if first == _INT16:
        length, pos = int.from_bytes(blob[pos : pos + 2], "little"), pos + 2
    elif first == _INT32:
        length, pos = int.from_bytes(blob[pos : pos + 4], "little"), pos + 4
    elif first < 0x80:
        length = first
    else:
        return None
    data = blob[pos : pos + length]
    if len(data) != length:
        return None
    return data.decode("utf-8", errors="replace")


def _keyed_archive_text(blob: bytes) -> str | None:
    """NSKeyedArchiver: $top.root is the attributed string, its "NSString" the text (a string, or
    an NSString object holding it as "NS.string")."""
    try:
        archive = plistlib.loads(blob)
    except Exception:  # plistlib raises several kinds on a damaged plist; none is worth more than None
        return None
    objects = archive.get("$objects") if isinstance(archive, dict) else None
    top = archive.get("$top") if isinstance(archive, dict) else None
    if not isinstance(objects, list) or not isinstance(top, dict):
        return None
    root = _deref(objects, top.get("root"))
    if not isinstance(root, dict):
        return None
    text = _deref(objects, root.get("NSString"))
    if isinstance(text, dict):
        text = _deref(objects, text.get("NS.string"))
    return text if isinstance(text, str) else None


def _deref(objects: list[Any], value: Any) -> Any:
    if isinstance(value, plistlib.UID):
        return objects[value.data] if 0 <= value.data < len(objects) else None
    return value
