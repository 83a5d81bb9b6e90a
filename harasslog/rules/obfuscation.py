"""Masked profanity, homophones and unfilled template slots: what a written form is to be read as.

Collectors write f*ck, sh*t, [expletive], $#!%, cnm, 傻x or 特么 so that a keyword filter misses
them, and send templates whose {{name}}, %s or XXX were never filled in, which pushes a threat's
words further apart than a pattern's <gap> allows. `readings` finds each such form in a normalized
text and says what to read in its place; wording.normalize splices the readings into its copy and
maps every span back to the original. The forms are data (rulepacks/obfuscation.toml), loaded once.

Cost: one C-speed character scan finds the few places a form can start (a symbol, a bracket, an x,
a homophone's first character, a Latin run in a Chinese message); only those are looked at, each
with a bounded match, so the whole is linear in the text and a text with none costs one scan.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

# (start, end, reading): text[start:end] is to be read as `reading`.
Reading = tuple[int, int, str]

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{_CJK}]")
# Beside these a slot reads as Chinese (某): ideographs and Chinese punctuation.
_ZH_CONTEXT = re.compile(f"[{_CJK}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_STARS = "*#@$%!"  # symbols written for letters: f*ck, sh!t, a$$hole
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015"  # f-ing, f—ing
# Where a form can start. One scan of the text for these is all a text with none of them costs.
# Where a form can start: one character class, scanned at C speed. A dash counts only after a letter
# (f-ing; not 2026-05-01), a slot letter only doubled (xx, 某某; not "next").
_START = re.compile(r"[*#@$%!&{\[(<]|[a-z](?=[\-\u2010-\u2015])|xx|××|○○|某某|___")
_RUN = re.compile(rf"[{re.escape(_STARS + '&' + _DASHES)}]+")
_WORD_AFTER = re.compile(r"[a-z]{0,12}")
_IDENT = re.compile(r"[a-z_][a-z0-9_]{0,30}(?![a-z0-9_])")
_PRINTF = re.compile(r"%(?:\d{1,2}\$)?[sd](?![a-z0-9])|%\([a-z_]{1,30}\)[sd](?![a-z0-9])")
_BRACES = re.compile(r"\{\{[^{}\n]{1,40}\}\}|\$?\{[^{}\n]{1,40}\}")
_SQUARE = re.compile(r"\[([a-z_][a-z_ ]{0,29}|[^\[\]\n]{1,8})\]")
_ANGLE = re.compile(r"<([a-z_]{1,30})>")
_REPEAT = re.compile(r"x{2,8}|×{2,8}|○{2,6}|某{2,6}")
# A blank to fill in ("blow your _______ house up", "Dear ____,"): three or more underscores.
_BLANK = re.compile(r"_{3,40}")
_SEPS = re.compile(r"[ .*_-]")
_ANY_LETTER = re.compile(r"[a-z]")


@dataclass(frozen=True)
class _Lexicon:
    masked: tuple[str, ...]
    suffixes: frozenset[str]
    grawlix: frozenset[str]
    swear: str
    bleeped: re.Pattern[str]
    bleep_reading: str
    pinyin: dict[str, str]
    pinyin_forms: re.Pattern[str]
    homophones: re.Pattern[str]
    chinese_start: re.Pattern[str]  # a character a homophone or a pinyin form can start with
    homophone_reading: dict[str, str]
    token_zh: str
    token_en: str
    bracketed_zh: frozenset[str]
    html: frozenset[str]


@cache
def _lexicon() -> _Lexicon:
    data = tomllib.loads(resources.files("harasslog.rulepacks").joinpath("obfuscation.toml").read_text("utf-8"))
    masked, bleeped, slots = data["masked"], data["bleeped"], data["placeholders"]
    # One alternation, longest first: leftmost-longest without overlaps, scanned at C speed. A form
    # that ends in a Latin letter (傻x, 你m) must not run on into a Latin word.
    forms = sorted(data["homophones"], key=len, reverse=True)
    homophones = re.compile("|".join(re.escape(f) + ("(?![a-z0-9])" if f[-1] in _LETTERS else "") for f in forms))
    return _Lexicon(
        masked=tuple(masked["words"]),
        suffixes=frozenset(["", *masked["suffixes"]]),
        grawlix=frozenset(masked["grawlix"]),
        swear=masked["reading"],
        bleeped=re.compile("|".join(re.escape(f) for f in sorted(bleeped["forms"], key=len, reverse=True))),
        bleep_reading=bleeped["reading"],
        pinyin=dict(data["pinyin"]),
        # Each letter may be followed by one space or symbol: "s b", "c.n.m".
        pinyin_forms=re.compile("|".join("[ .*_-]?".join(k) for k in sorted(data["pinyin"], key=len, reverse=True))),
        homophones=homophones,
        chinese_start=re.compile("[a-z" + "".join(sorted({f[0] for f in forms})) + "]"),
        homophone_reading=dict(data["homophones"]),
        token_zh=slots["token_zh"],
        token_en=slots["token_en"],
        bracketed_zh=frozenset(slots["bracketed_zh"]),
        html=frozenset(slots["html"]),
    )


def readings(text: str) -> list[Reading]:
    """Every masked word (f*ck, [expletive], $#!%) and template slot in text, in order, disjoint.

    text is NFKC-folded, lower case and Simplified: wording.normalize calls this on its copy.
    """
    lex = _lexicon()
    found: list[Reading] = []
    pos = 0
    while (m := _START.search(text, pos)) is not None:
        i = m.start() + 1 if m.end() - m.start() == 1 and text[m.start()] in _LETTERS else m.start()
        if text[i] == "$" and text[i + 1 : i + 2].isdigit():
            pos = i + 1  # an amount ($120): the common case, no form
            continue
        hit = _at(text, i, lex)
        if hit is not None and found and hit[0] < found[-1][1]:
            hit = None  # it would overlap the form before it ("%s**": the slot, not "s**")
        if hit is not None:
            found.append(hit)
            pos = hit[1]
        else:
            # A run of symbols that is no form is skipped whole: its tail is no form either.
            run = _RUN.match(text, i)
            pos = run.end() if run is not None else i + 1
    return found


def chinese_readings(text: str) -> list[Reading]:
    """Homophones (沙比, 特么) and pinyin initials (cnm, sb) in a message with Chinese characters."""
    lex = _lexicon()
    if not lex.chinese_start.search(text) or not _HAS_CJK.search(text):
        return []
    found = _chinese(text, lex)
    return _first_of_overlapping(found) if len(found) > 1 else found


def _at(text: str, i: int, lex: _Lexicon) -> Reading | None:
    """The form that starts at text[i] (a symbol, a bracket or a repeated x), if any."""
    ch = text[i]
    if ch in "{[(<*":
        bleep = lex.bleeped.match(text, i)
        if bleep is not None:
            return i, bleep.end(), lex.bleep_reading
    if ch == "{" or ch == "$":
        braces = _BRACES.match(text, i)
        if braces is not None:
            return i, braces.end(), _token(text, i, braces.end(), lex)
    if ch == "[":
        square = _SQUARE.match(text, i)
        if square is not None:
            inner = square.group(1)
            if inner[0] in _LETTERS or inner[0] == "_" or inner in lex.bracketed_zh:
                return i, square.end(), _token(text, i, square.end(), lex)
        return None
    if ch == "<":
        angle = _ANGLE.match(text, i)
        if angle is not None and angle.group(1) not in lex.html:
            return i, angle.end(), _token(text, i, angle.end(), lex)
        return None
    if ch == "(":
        return None
    if ch == "_":
        blank = _BLANK.match(text, i)
        # Between two Chinese characters underscores are padding, which gap removal drops (坐___牢).
        if blank is None or not _alone(text, i, blank.end(), "_") or _between_chinese(text, i, blank.end()):
            return None
        return i, blank.end(), _token(text, i, blank.end(), lex)
    if ch in "x×○某":
        repeat = _REPEAT.match(text, i)
        if repeat is None or not _alone(text, i, repeat.end(), "_-"):
            return None
        return i, repeat.end(), _token(text, i, repeat.end(), lex)
    return _symbols(text, i, lex)


def _symbols(text: str, i: int, lex: _Lexicon) -> Reading | None:
    """A run of symbols at text[i]: a masked word (f*ck), a grawlix ($#!%), a slot (%s, $name, ***)."""
    if text[i] == "%":
        printf = _PRINTF.match(text, i)
        if printf is not None and (i == 0 or not text[i - 1].isdigit()):
            return i, printf.end(), _token(text, i, printf.end(), lex)
    run = _RUN.match(text, i)
    if run is None:
        return None
    end = run.end()
    # The letters written before the run (a masked word's first letters), if the run is inside a word.
    start = i
    while start > 0 and i - start < 7 and text[start - 1] in _LETTERS:
        start -= 1
    if start > 0 and text[start - 1] in _ALNUM:
        return None  # more than 7 letters before: not one of the words
    after = _WORD_AFTER.match(text, end)
    rest = after.group() if after is not None else ""
    stop = end + len(rest)
    if stop < len(text) and (text[stop] in _ALNUM or text[stop] in _STARS):
        return None
    symbols = run.group()
    if start < i:
        word = _unmask(text[start:i], symbols, rest, lex)
        return (start, stop, word) if word is not None else None
    if i > 0 and text[i - 1] in _ALNUM:
        return None
    if symbols == "$" and rest:
        ident = _IDENT.match(text, end)
        return (i, ident.end(), _token(text, i, ident.end(), lex)) if ident is not None else None
    if 3 <= len(symbols) <= 8 and set(symbols) <= lex.grawlix and len(set(symbols)) >= 3 and rest in lex.suffixes:
        return i, stop, lex.swear + rest
    if 2 <= len(symbols) <= 8 and set(symbols) == {"*"} and not rest:
        return i, end, _token(text, i, end, lex)
    return None


def _unmask(prefix: str, symbols: str, rest: str, lex: _Lexicon) -> str | None:
    """What prefix + symbols + rest spells (f + ** + king = fucking), or None.

    Stars stand for about as many letters as they are (f*** and f**k, not a** for asshole); a dash
    stands for any number but must be followed by letters (f-ing yes; the grade "f-" and "f-word" no).
    """
    dashes = all(c in _DASHES for c in symbols)
    if any(c in _DASHES for c in symbols) and not dashes:
        return None
    if dashes and not rest:
        # F--- and s--- alone: one dash per hidden letter exactly, at least two (f- is a grade).
        for word in lex.masked:
            if len(symbols) >= 2 and word.startswith(prefix) and len(word) - len(prefix) == len(symbols):
                return word
        return None
    if dashes and (len(symbols) > 3 or len(prefix) + len(rest) < 3):
        return None
    for word in lex.masked:
        if len(prefix) >= len(word) or not word.startswith(prefix):
            continue
        for kept in range(min(len(rest), len(word) - len(prefix) - 1), -1, -1):
            tail, suffix = rest[:kept], rest[kept:]
            if suffix not in lex.suffixes or not word.endswith(tail):
                continue
            hidden = len(word) - len(prefix) - kept
            if dashes or hidden - 1 <= len(symbols) <= hidden + 1:
                return word + suffix
    return None


def _chinese(text: str, lex: _Lexicon) -> list[Reading]:
    found = [(m.start(), m.end(), lex.homophone_reading[m.group()]) for m in lex.homophones.finditer(text)]
    if not _ANY_LETTER.search(text):
        return found
    for m in lex.pinyin_forms.finditer(text):
        # Whole Latin tokens only: "sbi", "atm", "5nm" keep their letters.
        if not (_alnum_at(text, m.start() - 1) or _alnum_at(text, m.end())):
            found.append((m.start(), m.end(), lex.pinyin[_SEPS.sub("", m.group())]))
    return found


def _alnum_at(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i] in _ALNUM


def _first_of_overlapping(found: list[Reading]) -> list[Reading]:
    """In order; of overlapping forms the one that starts first (then the longest) is kept."""
    kept: list[Reading] = []
    for start, end, reading in sorted(found, key=lambda r: (r[0], -r[1])):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end, reading))
    return kept


def _between_chinese(text: str, start: int, end: int) -> bool:
    return start > 0 and end < len(text) and bool(_HAS_CJK.match(text[start - 1]) and _HAS_CJK.match(text[end]))


def _alone(text: str, start: int, end: int, joiners: str) -> bool:
    """No letter, digit or joiner right before start or right after end (x in "xx-large" is a word)."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before in _ALNUM or before in joiners or after in _ALNUM or after in joiners)


def _token(text: str, start: int, end: int, lex: _Lexicon) -> str:
    """The slot's token: 某 beside Chinese (one space allowed between), x elsewhere."""
    around = text[max(0, start - 2) : start].rstrip()[-1:] + text[end : end + 2].lstrip()[:1]
    return lex.token_zh if _ZH_CONTEXT.search(around) else lex.token_en
