"""Making hostile text safe to show: invisible characters made visible, Markdown escaped, numbers masked.

Message text comes from strangers. In a dossier it must read exactly as received, yet it must not
reorder the page (right-to-left overrides), hide characters (zero-width, control codes), inject
Markdown or HTML, or break a table. HTML escaping itself is Jinja's autoescape; these are the rest.
Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markupsafe import Markup

# Kept as they are: newline and tab (layout handles them). "\r\n" reads as a newline.
_KEEP = {"\n", "\t"}


def _visible_char(ch: str) -> str:
    code = ord(ch)
    if ch in _KEEP:
        return ch
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        # [U+0007] rather than a control picture (␇): CJK fonts lack those glyphs, and a box says nothing.
        return f"[U+{code:04X}]"
    return ch


_NEEDS_WORK = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e"
    r"\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
    r"\ue000-\uf8ff\U000e0000-\U000e007f]"
)


def visible(text: str) -> str:
    """Show every character that would otherwise be invisible or act on the layout.

    Control codes (BEL → [U+0007]), format characters such as RIGHT-TO-LEFT OVERRIDE, zero-width
    spaces and byte-order marks, and lone surrogates are shown as their code point; CRLF is a newline.
    Everything else, emoji and CJK included, is left exactly as it is.
    """
    text = text.replace("\r\n", "\n")
    if not _NEEDS_WORK.search(text) and "\r" not in text:
        return text
    return "".join(_visible_char(ch) if _NEEDS_WORK.match(ch) or ch == "\r" else ch for ch in text)


_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<|~])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# Characters that only mean something at the start of a line: headings, quotes, lists, setext rules.
_MD_LINE_START = re.compile(
    r"^([ \t]*)(#{1,6}(?=[ \t]|$)|>|[-+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|[-=]+(?=[ \t]*$))", re.M
)
# GFM viewers make bare `http://…` and `www.…` into links: a backslash before the colon or the dot
# shows the same text, not clickable (a scam SMS's link must not become one in a complaint).
_MD_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(?=//)")
_MD_WWW = re.compile(r"([Ww]{3})\.")
_AUTOLINK = re.compile(r"https?://[^\s<>\\`]+")


def md_escape(text: str) -> str:
    """Escape text for Markdown so it renders literally (CommonMark backslash escapes).

    `*`, `_`, backticks, brackets, `<`, `|` and `~` are escaped everywhere; headings (`# `), quotes
    (`>`), list markers (`- `, `+ `, `1. `) and setext rules (`---`, `===`) only where they start a
    line (the start of the value counts). `&` only where it would form an entity. Bare URLs are
    kept from becoming links: `http\\://`, `www\\.`.
    """
    text = _MD_ANYWHERE.sub(r"\\\1", text)
    # The `in` tests skip a regex for the many values that cannot match (dossiers escape every cell).
    if "&" in text:
        text = _MD_ENTITY.sub(r"\\&", text)
    if "://" in text:
        text = _MD_SCHEME.sub(r"\1\\:", text)
    if "." in text:
        text = _MD_WWW.sub(r"\1\\.", text)
    return _MD_LINE_START.sub(_escape_line_start, text)


def _escape_line_start(m: re.Match[str]) -> str:
    marker = m.group(2)
    if marker[0].isdigit():  # "1." → "1\." (a backslash before a digit is not an escape)
        return m.group(1) + marker[:-1] + "\\" + marker[-1]
    return m.group(1) + "\\" + marker


def md_cell(value: object) -> Markup:
    """One Markdown table cell: escaped, invisible characters shown, line breaks as <br>."""
    from markupsafe import Markup  # imported where used: only the dossiers need it (start-up time)

    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    text = md_escape(visible(str(value)))
    return Markup(text.replace("\n", "<br>").replace("\t", " "))


def md_autolink(url: object) -> Markup:
    """A citation's http(s) URL as a Markdown autolink `<…>`; anything else as escaped text."""
    from markupsafe import Markup

    text = "" if url is None else str(url)
    if _AUTOLINK.fullmatch(text):
        return Markup(f"<{text}>")
    return Markup(md_escape(visible(text)))


def md_fenced(value: object) -> Markup:
    """A fenced code block holding the text verbatim: nothing inside is Markdown, so nothing is escaped.

    The fence is longer than any run of backticks in the text, so the text cannot close it.
    """
    from markupsafe import Markup

    text = visible("" if value is None else str(value))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}text\n{text}\n{fence}")


def md_finalize(value: object) -> object:
    """Jinja `finalize` for Markdown: every {{ value }} is escaped unless marked safe."""
    from markupsafe import Markup

    if value is None:
        return ""
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool | int | float):
        return value
    return Markup(md_escape(visible(str(value))))


def html_finalize(value: object) -> object:
    """Jinja `finalize` for HTML: invisible characters made visible; autoescape does the rest."""
    from markupsafe import Markup

    if value is None:
        return ""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return visible(value)


# ------------------------------------------------------------------ redaction

# A run starts and ends at the edge of the digits, whatever is around it: Chinese (请联系13800138000),
# letters (ID11010519491231002X) or a full stop. Only the inside of a decimal (3.14159265) is left alone.
_DIGIT_RUN = re.compile(r"(?<!\d)(?<!\d\.)(\+?\d[\d \-]{5,}\d[\dXx]?)(?!\d)(?!\.\d)")


def mask_number(number: str | None) -> str | None:
    """Keep a leading +country code and the last two digits: +8613812345678 → +86•••••••••78."""
    if not number:
        return number
    digits = [i for i, ch in enumerate(number) if ch.isdigit()]
    if len(digits) <= 6:
        return number  # short codes and service numbers identify institutions, not people
    keep = set(digits[-2:])
    if number.startswith("+"):
        prefix_len = 3 if number[1:3] in ("86", "44") else 2
        keep.update(digits[: prefix_len - 1])
    return "".join(ch if (not ch.isdigit() or i in keep) else "•" for i, ch in enumerate(number))


def mask_digits_in_text(text: str) -> str:
    """Mask phone, ID and account numbers (runs of seven or more digits) inside message text."""
    return _DIGIT_RUN.sub(lambda m: mask_number(m.group(1)) or "", text)


# ------------------------------------------------------------------ JSON for a terminal


def json_escape_invisible(json_text: str) -> str:
    """Escape, as \\uXXXX, every character `visible` would mark, in JSON text made with ensure_ascii=False.

    json.dumps escapes C0 controls but leaves C1 controls (U+009B acts as CSI on some terminals),
    bidi overrides, format characters and lone surrogates raw. Outside strings JSON is ASCII, so
    these can only be inside strings, where the escape decodes to the same text: the data stays exact.
    """
    if not _NEEDS_WORK.search(json_text):
        return json_text

    def escape(m: re.Match[str]) -> str:
        code = ord(m.group())
        if code > 0xFFFF:  # as a surrogate pair, the only JSON spelling beyond the BMP
            code -= 0x10000
            return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
        return f"\\u{code:04x}"

    return _NEEDS_WORK.sub(escape, json_text)
