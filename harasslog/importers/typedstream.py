"""Just enough of Apple's typedstream (NSArchiver) to read the text of an iMessage `attributedBody`.

Since iOS 16 many messages have `text` NULL and keep the text only in `attributedBody`, an archived
NSAttributedString. Its first object holds the string as an NSString/NSMutableString whose bytes
follow the type tag `+`, preceded by a length: one byte below 0x80, or 0x81 + 2 bytes, or 0x82 +
4 bytes, little-endian. The length counts UTF-8 bytes, not characters (a tool that counted
characters dropped the end of Chinese messages).
"""

from __future__ import annotations

MAGIC = b"\x04\x0bstreamtyped"
_STRING_TAG = b"\x84\x01+"  # "new" marker, one-byte type signature "+", i.e. a C string of bytes


def decode_attributed_body(blob: bytes | None) -> str | None:
    """The plain text inside an attributedBody, or None if it cannot be found."""
    if not blob or not blob.startswith(MAGIC):
        return None
    start = blob.find(b"NSString")
    if start < 0:
        start = blob.find(b"NSMutableString")
    tag = blob.find(_STRING_TAG, max(start, 0))
    if tag < 0:
        return None
    pos = tag + len(_STRING_TAG)
    if pos >= len(blob):
        return None
    first = blob[pos]
    pos += 1
    if first == 0x81:
        length, pos = int.from_bytes(blob[pos : pos + 2], "little"), pos + 2
    elif first == 0x82:
        length, pos = int.from_bytes(blob[pos : pos + 4], "little"), pos + 4
    elif first < 0x80:
        length = first
    else:
        return None
    data = blob[pos : pos + length]
    if len(data) != length:
        return None
    return data.decode("utf-8", errors="replace")
