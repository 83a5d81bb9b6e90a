"""Wording detection: normalize a message, match a pack's patterns, map spans back to the original.

Collectors dodge keyword filters with Traditional characters, full-width forms and symbols or spaces
pushed between characters (爆 通 讯 录, 坐.牢). We match on a normalized copy of the text and report
every match as a span of the ORIGINAL text, byte for byte, so a lawyer can quote it.

Normalization, in order:
1. NFKC (full-width letters, digits and spaces become ASCII) and lower case;
2. Traditional → Simplified Chinese with OpenCC (t2s);
3. evasion gaps removed: any run of spaces or symbols between two Chinese characters, and the
   separators of a chain of three or more single characters ("k i l l", "爆。通。讯。录").
   Sentence punctuation between Chinese characters is kept, so patterns can stop at a sentence end.
   Invisible characters (zero-width spaces, direction marks, combining marks, variation selectors)
   are dropped in step 1: the reader sees "arrested" where "arr\u200bested" was sent;
4. readings (rules/obfuscation.py, forms as data in rulepacks/obfuscation.toml): masked swear words
   are read as the word (f*ck, f-ing, [expletive], $#!%) and unfilled template slots ({{name}}, %s,
   XXX, ***, 某某) as one short token, so "如果{{name}}今天不还款" reads like "如果某今天不还款";
   these are read before step 3, whose chain rule would take "{0} {1} {2}" for a spaced word.
   Chinese homophones and pinyin initials (特么, 傻x, cnm, s b) are read after it, so "沙 比" is too.
   A span that covers part of a read form maps to the whole form as written.

Steps 1-2 almost never change the length of a text; when they do (ligatures, "…" → "..."), a
per-character map is built. Steps 3 and 4 are one pass each; texts they do not touch cost nothing
more than that pass.

Conditional threats: phrase patterns miss new phrasings, so a rule may also list `consequences`,
word families that prove little alone (单位, 曝光, police, your clients) but make a threat within
params.within characters of one of the pack's `[conditions]` (再不还, 否则, if you don't, unless,
by Friday...). The pack holds the words; this module only measures the distance. The span reported
is the consequence's, in the original text.

Cost: a message is hostile input, so every step is linear in its length (conditions, exceptions and
spans are paired by bisect, never each with each), and only its first MAX_CHECKED characters are
read; `unchecked` tells callers what was left so they can say so. Which patterns run at all is
decided by a literal prefilter (rules/literals.py): an Aho-Corasick automaton finds, in one pass,
which of the packs' required literals occur, and only a pattern, consequence or exception that
needs one of them is run. `analyze` scans each message once with both tiers (`matcher_for(pack,
tier=None)`, split by `Matcher.split`), and a scan is cached per distinct text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

from ..models import Match
from .literals import Automaton, required_literals
from .obfuscation import Reading, chinese_readings, readings
from .pack import Rule, RulePack, expand

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SENTENCE = "。！？；，、：,.!?;:\n"
# A gap between two Chinese characters made only of spaces/symbols (no sentence punctuation).
_CJK_GAP = rf"(?<=[{_CJK}])[^\w{_SENTENCE}]+(?=[{_CJK}])|(?<=[{_CJK}])_+(?=[{_CJK}])"
# A chain of >= 3 single letters/characters, each separated by spaces or symbols: "爆 通 讯 录".
_W = r"[^\W_]"
_C = f"[{_CJK}]"
# Latin chains start at a word start; Chinese ones may hang off a word ("就爆。通。讯。录").
# A Latin chain repeats one separator ("k i l l", "a.r.r.e.s.t") and does not start inside a word or
# after an apostrophe, so short words ("I'm a bailiff", "it's a deal") are never run together.
_CHAIN = (
    rf"(?<![\w']){_W}(?P<sep>[\W_]{{1,3}}){_W}(?!{_W})(?:(?P=sep){_W}(?!{_W}))+"
    rf"|{_C}(?:[\W_]{{1,3}}{_C}(?!{_W})){{2,}}"
)
_REWRITE = re.compile(rf"(?P<chain>{_CHAIN})|(?P<gap>{_CJK_GAP})")
# Cheap necessary conditions for a rewrite: a lone character between separators (the middle of any
# chain), or a Chinese character followed by a space or symbol. Most texts fail both.
_MAY_REWRITE = re.compile(rf"[\W_][^\W_][\W_]|[{_CJK}][^\w{_SENTENCE}]|[{_CJK}]_")
_SEP = re.compile(r"[\W_]+")
_HAS_CJK = re.compile(f"[{_CJK}]")

_converter = None


_SURROGATES = re.compile("([\ud800-\udfff]+)")


def _t2s(text: str) -> str:
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    try:
        return str(_converter.convert(text))
    except UnicodeEncodeError:
        # Lone surrogates (half an emoji from a broken export) cannot be passed to OpenCC: convert
        # the text around them and keep them as they are.
        pieces = _SURROGATES.split(text)
        return "".join(p if i % 2 else str(_converter.convert(p)) for i, p in enumerate(pieces))


@dataclass(frozen=True)
class _ReadMap:
    """Where each read form's reading lies in the text after readings, and the form before them."""

    at: tuple[int, ...]  # reading starts, ascending
    stop: tuple[int, ...]  # reading ends
    src: tuple[int, ...]  # form starts
    dst: tuple[int, ...]  # form ends

    def back(self, start: int, end: int) -> tuple[int, int]:
        """A span after readings as a span before them: a reading it touches counts whole."""
        i = bisect_right(self.at, start) - 1
        s = start if i < 0 else (self.src[i] if start < self.stop[i] else self.dst[i] + start - self.stop[i])
        j = bisect_left(self.at, end) - 1  # the last reading that starts before end
        e = end if j < 0 else (self.dst[j] if end <= self.stop[j] else self.dst[j] + end - self.stop[j])
        return s, e


def _read(text: str, found: list[Reading]) -> tuple[str, _ReadMap | None]:
    """text with each (start, end, reading) spliced in, and the map back; found is ordered, disjoint."""
    if not found:
        return text, None
    pieces: list[str] = []
    at: list[int] = []
    stop: list[int] = []
    pos = 0
    out_len = 0
    for start, end, reading in found:
        pieces += (text[pos:start], reading)
        out_len += start - pos
        at.append(out_len)
        out_len += len(reading)
        stop.append(out_len)
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces), _ReadMap(tuple(at), tuple(stop), tuple(r[0] for r in found), tuple(r[1] for r in found))


@dataclass(frozen=True)
class Normalized:
    """A normalized text and how to map its positions back to the original text."""

    text: str
    original: str
    # Stage 1 (NFKC/lower/t2s) map: per normalized-stage-1 char, [start, end) in the original; None = identity.
    _starts: tuple[int, ...] | None = None
    _ends: tuple[int, ...] | None = None
    # Stage 2 (gap removal) map: sorted breakpoints, normalized positions and the stage-1 positions they
    # stand for; None = identity. Two tuples, so a lookup is one bisect (no list built per span).
    _break_at: tuple[int, ...] | None = None
    _break_to: tuple[int, ...] | None = None
    # Readings (masked words, slots) read before gap removal, and Chinese ones read after it.
    _early: _ReadMap | None = None
    _late: _ReadMap | None = None

    def _to_stage1(self, pos: int) -> int:
        if self._break_at is None or self._break_to is None:
            return pos
        i = bisect_right(self._break_at, pos) - 1
        if i < 0:
            return pos
        return self._break_to[i] + (pos - self._break_at[i])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The [start, end) span of the original text that produced normalized text[start:end]."""
        if self._late is not None:
            start, end = self._late.back(start, end)
        s1 = self._to_stage1(start)
        e1 = self._to_stage1(end - 1) + 1 if end > start else s1
        if self._early is not None:
            s1, e1 = self._early.back(s1, e1)
        if self._starts is None or self._ends is None:
            return s1, e1
        return self._starts[s1], self._ends[e1 - 1] if e1 > s1 else self._starts[s1]


# Per-character NFKC, learnt as characters are met: most map to one character (full-width forms),
# so a C-speed str.translate does the work; the few that expand ("…" → "...") take the slow path.
_ONE_TO_ONE: dict[int, str] = {}
_CHANGES: set[str] = set()
_EXPANDS: set[str] = set()
_KNOWN: set[str] = set()
_TRADITIONAL: set[str] = set()  # characters OpenCC t2s changes: only texts holding one are converted
# Chinese sentence marks stay as they are (patterns treat them as sentence ends), which keeps the
# common case (a Chinese message with "，") on the fast path.
_KEEP = set("，。！？；：、")
# Zero-width spaces and joiners, direction marks (Cf), combining marks and variation selectors (Mn,
# Me): invisible padding, dropped so that what is matched is what a reader sees ("arr\u200bested",
# zalgo letters). Dropping changes the length, so texts holding one take the per-character path.
_INVISIBLE = ("Cf", "Mn", "Me")
_DROPS: set[str] = set()
_MARKS: set[str] = set()  # the combining ones: a quote ending on a letter keeps the letter's marks


def _learn(chars: set[str]) -> None:
    for ch in chars:
        if unicodedata.category(ch) in _INVISIBLE:
            _DROPS.add(ch)
            if unicodedata.category(ch) != "Cf":
                _MARKS.add(ch)
        elif ch not in _KEEP:
            folded = unicodedata.normalize("NFKC", ch)
            if len(folded) == 1:
                if folded != ch:
                    _ONE_TO_ONE[ord(ch)] = folded
                    _CHANGES.add(ch)
            else:
                _EXPANDS.add(ch)
            if _HAS_CJK.match(ch) and _t2s(ch) != ch:
                _TRADITIONAL.add(ch)
        _KNOWN.add(ch)


def _stage1(text: str) -> tuple[str, tuple[int, ...] | None, tuple[int, ...] | None]:
    """NFKC (per character) + lower case + t2s; a per-character map only when the length changes."""
    chars = set(text)
    new = chars - _KNOWN
    if new:
        _learn(new)
    if not chars & _EXPANDS and not chars & _DROPS:
        lowered = (text.translate(_ONE_TO_ONE) if chars & _CHANGES else text).lower()
        if len(lowered) == len(text):
            converted = _t2s(lowered) if chars & _TRADITIONAL else lowered
            if len(converted) == len(lowered):
                return converted, None, None
    # Slow path: character by character, so every output char knows its source.
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        if ch in _DROPS:
            if ch in _MARKS and ends and ends[-1] == i:
                ends[-1] = i + 1
            continue
        piece = unicodedata.normalize("NFKC", ch) if ch in _EXPANDS else _ONE_TO_ONE.get(ord(ch), ch)
        piece = piece.lower()
        if _HAS_CJK.search(piece):
            converted = _t2s(piece)
            piece = converted if len(converted) == len(piece) else piece
        for c in piece:
            out.append(c)
            starts.append(i)
            ends.append(i + 1)
    return "".join(out), tuple(starts), tuple(ends)


@lru_cache(maxsize=4096)  # a Normalized is ~1 KB: 65,536 of them were 60 MB of a million-event analyze
def normalize(text: str) -> Normalized:
    """Normalize text for matching (see the module docstring); cached, collectors repeat templates."""
    s1, starts, ends = _stage1(text)
    # Slots and masked words are read before gaps are removed (the chain rule would take "{0} {1} {2}"
    # for a letter-spaced word); Chinese homophones after, so "沙 比" and "c n m" are read too.
    read1, early = _read(s1, readings(s1))
    s2, break_at, break_to = _stage2(read1)
    s3, late = _read(s2, chinese_readings(s2))
    return Normalized(s3, text, starts, ends, break_at, break_to, early, late)


def _stage2(s1: str) -> tuple[str, tuple[int, ...] | None, tuple[int, ...] | None]:
    """Evasion gaps removed, and a breakpoint map back to s1 (None when nothing was removed)."""
    if not _MAY_REWRITE.search(s1) or not _REWRITE.search(s1):
        return s1, None, None
    pieces: list[str] = []
    breaks: list[tuple[int, int]] = [(0, 0)]
    pos = 0  # in s1
    out_len = 0
    for m in _REWRITE.finditer(s1):
        pieces.append(s1[pos : m.start()])
        out_len += m.start() - pos
        if m.group("chain") is not None:
            # Keep the chain's characters, drop what separates them.
            cursor = m.start()
            cjk = _HAS_CJK.search(m.group()) is not None
            for sep in _SEP.finditer(m.group()):
                # A wider gap inside a letter-spaced run ("Y O U  W I L L") separates words: keep one space.
                keep = 1 if len(sep.group()) > 1 and sep.group().isspace() and not cjk else 0
                sep_start = m.start() + sep.start() + keep
                pieces.append(s1[cursor:sep_start])
                out_len += sep_start - cursor
                cursor = m.start() + sep.end()
                breaks.append((out_len, cursor))
            pieces.append(s1[cursor : m.end()])
            out_len += m.end() - cursor
        else:
            breaks.append((out_len, m.end()))
        pos = m.end()
    pieces.append(s1[pos:])
    return "".join(pieces), tuple(b[0] for b in breaks), tuple(b[1] for b in breaks)


# ---------------------------------------------------------------- the cap

# How many characters of one message are checked. Matching is linear in the text, but a phone backup
# may hold a 300 MB body: past this many characters a message is not read at all, and `unchecked`
# says which part was left, so every report can say so (a finding's explanation, `scan` output).
# 100,000 characters is about 40 pages; collection messages and letters are far shorter.
MAX_CHECKED = 100_000


def unchecked(text: str | None) -> tuple[int, int] | None:
    """The [start, end) of text that wording rules do not read; None when all of it is read."""
    if text is None or len(text) <= MAX_CHECKED:
        return None
    return MAX_CHECKED, len(text)


# ---------------------------------------------------------------- matching


@dataclass(frozen=True)
class CompiledRule:
    rule_id: str
    category: str
    patterns: tuple[re.Pattern[str], ...]
    exceptions: tuple[re.Pattern[str], ...]
    # Conditional threats: a consequence counts only within `within` characters of a condition.
    consequences: tuple[re.Pattern[str], ...] = ()
    conditions: re.Pattern[str] | None = None
    within: int = 0
    tier: str = "finding"
    recipients: tuple[str, ...] | None = None  # params.recipients: only for a message to one of them

    def conditional_spans(
        self, text: str, consequences: tuple[re.Pattern[str], ...] | list[re.Pattern[str]] | None = None
    ) -> list[tuple[int, int]]:
        """Consequence matches that lie near a condition match (either side, or overlapping).

        consequences: the ones worth running on text (the prefilter's choice); None: all of them."""
        if self.conditions is None:
            return []
        found = [
            (m.start(), m.end())
            for p in (self.consequences if consequences is None else consequences)
            for m in p.finditer(text)
            if m.end() > m.start()
        ]
        if not found:
            return []
        conds = [(m.start(), m.end()) for m in self.conditions.finditer(text)]
        # Near: the condition starts at most `within` after the consequence ends, and ends at most
        # `within` before it starts (cs - e <= within and s - ce <= within).
        return _touching(found, conds, self.within + 1)

    def applies(self, tier: str, recipient: str | None) -> bool:
        """Whether this rule is one compile_rules(tier=tier, recipient=recipient) would include."""
        return self.tier == tier and (self.recipients is None or recipient in self.recipients)


# What the prefilter picks: (rule index, kind, its index among the rule's patterns of that kind),
# kind 0 a pattern, 1 a consequence, 2 an exception (run only where the rule matched).
_Item = tuple[int, int, int]
_EXCEPTION = 2


@dataclass(frozen=True, eq=False)  # hashed by identity: scans are cached per matcher
class Matcher:
    """All wording rules of one or more packs, compiled, behind one literal prefilter.

    The prefilter finds which of the packs' literals occur in a text in one pass (an Aho-Corasick
    automaton, linear in the text), then runs only the patterns that need one of them: a pattern
    whose required literals are all absent cannot match. A matcher compiled with tier None holds
    both tiers and every recipient's rules: one scan per message, split by `split` (the engine's way).
    """

    rules: tuple[CompiledRule, ...]
    needs: dict[str, frozenset[int]]  # literal -> the rules that need it
    always: frozenset[int]  # rules with a pattern the prefilter cannot speak for
    items: dict[str, frozenset[_Item]] = field(default_factory=dict)  # literal -> the patterns that need it
    always_items: frozenset[_Item] = frozenset()  # patterns with no required literal: always run
    automaton: Automaton = field(default_factory=lambda: Automaton(()))  # finds the literals of `items`
    by_id: dict[str, CompiledRule] = field(default_factory=dict)

    def present(self, text: str) -> set[str]:
        """The literals (of `items`) that occur in the normalized text."""
        return self.automaton.find(text)

    def candidates(self, text: str) -> set[int]:
        """Indexes of the rules that can match the normalized text."""
        chosen = set(self.always)
        for literal in self.present(text):
            chosen |= self.needs.get(literal, frozenset())
        return chosen

    def scan(self, text: str) -> list[Match]:
        """Every match in the first MAX_CHECKED characters of text (see `unchecked` for the rest)."""
        if not text or not self.rules:
            return []
        return list(self._scan(text[:MAX_CHECKED]))

    @lru_cache(maxsize=8192)  # noqa: B019 - per distinct text (collectors repeat templates); matchers are few
    def _scan(self, text: str) -> tuple[Match, ...]:
        norm = normalize(text)
        chosen: set[_Item] = set(self.always_items)
        for literal in self.present(norm.text):
            chosen |= self.items[literal]
        if not chosen:
            return ()
        # Per rule: its patterns, consequences and exceptions worth running on this text.
        per_rule: dict[int, tuple[list[re.Pattern[str]], ...]] = {}
        for index, kind, j in sorted(chosen):
            rule = self.rules[index]
            per_rule.setdefault(index, ([], [], []))[kind].append(
                (rule.patterns, rule.consequences, rule.exceptions)[kind][j]
            )
        found: list[Match] = []
        for index, (pats, cons, exs) in per_rule.items():
            rule = self.rules[index]
            spans: list[tuple[int, int]] = rule.conditional_spans(norm.text, cons) if cons else []
            for pattern in pats:
                for m in pattern.finditer(norm.text):
                    if m.end() > m.start():
                        spans.append((m.start(), m.end()))
            if not spans:
                continue
            # Exceptions are compiled as lookaheads, so overlapping ones are all found.
            excepted = [(m.start(), m.end(1)) for ex in exs for m in ex.finditer(norm.text)]
            hidden = set(_touching(spans, excepted, 0))
            kept = [s for s in spans if s not in hidden]
            for s, e in _merge(kept):
                o_start, o_end = norm.span(s, e)
                found.append(Match(rule.rule_id, rule.category, text[o_start:o_end], o_start, o_end))
        found.sort(key=lambda m: (m.start, m.end, m.rule_id))
        return tuple(found)

    def split(self, matches: list[Match], tier: str, recipient: str | None = None) -> list[Match]:
        """The matches a matcher of one tier for `recipient` would have found (order kept)."""
        return [m for m in matches if self.by_id[m.rule_id].applies(tier, recipient)]


def _touching(spans: list[tuple[int, int]], others: list[tuple[int, int]], slack: int) -> list[tuple[int, int]]:
    """The spans (s, e) that some other span (a, b) touches: a < e + slack and b > s - slack.

    Sorting the others by start and keeping the furthest end reached so far answers each span with one
    bisect, so a message of many spans and many others costs O((n + m) log m), never n * m (issue 8.7).
    """
    if not others:
        return []
    ordered = sorted(others)
    starts = [a for a, _ in ordered]
    reach = list(accumulate((b for _, b in ordered), max))
    out = []
    for s, e in spans:
        k = bisect_left(starts, e + slack)  # the others that start before e + slack
        if k and reach[k - 1] > s - slack:
            out.append((s, e))
    return out


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans of one rule become one span."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def compile_rules(
    rules: list[Rule],
    langs: tuple[str, ...] | None = None,
    tier: str | None = "finding",
    recipient: str | None = None,
) -> Matcher:
    """A matcher of the wording rules of one tier ("finding" or "review") for a message to `recipient`.

    A rule with params.recipients (a disclosure: a message to a third party that mentions the debt)
    applies only to a message to one of them; recipient None (unknown, or the borrower) leaves it out.
    tier None: every wording rule of both tiers, whatever its recipients (split the matches with
    Matcher.split).
    """
    compiled: list[CompiledRule] = []
    needs: dict[str, set[int]] = {}
    items: dict[str, set[_Item]] = {}
    always: set[int] = set()
    always_items: set[_Item] = set()
    for rule in rules:
        if rule.kind != "wording" or rule.status in ("deprecated", "removed"):
            continue
        if tier is not None and rule.tier != tier:
            continue
        if tier is not None and "recipients" in rule.params and recipient not in rule.params["recipients"]:
            continue
        pats = [expand(p) for lang, ps in rule.patterns.items() if langs is None or lang in langs for p in ps]
        exs = [expand(p) for lang, ps in rule.exceptions.items() if langs is None or lang in langs for p in ps]
        cons = [expand(p) for lang, ps in rule.consequences.items() if langs is None or lang in langs for p in ps]
        conds = [expand(p) for lang, ps in rule.conditions.items() if langs is None or lang in langs for p in ps]
        if not pats and not cons:
            continue
        index = len(compiled)
        compiled.append(
            CompiledRule(
                rule.id,
                rule.category,
                tuple(re.compile(p) for p in pats),
                tuple(re.compile(f"(?=({p}))") for p in exs),
                tuple(re.compile(p) for p in cons),
                _conditions(tuple(conds)) if cons and conds else None,
                int(rule.params.get("within", 0)),
                rule.tier,
                tuple(rule.params["recipients"]) if "recipients" in rule.params else None,
            )
        )
        for kind, group in enumerate((pats, cons, exs)):
            for j, p in enumerate(group):
                literals = _literals(p)
                if literals is None:
                    if kind < _EXCEPTION:
                        always.add(index)
                    always_items.add((index, kind, j))
                    continue
                for literal in literals:
                    if kind < _EXCEPTION:  # an exception alone never makes a rule run
                        needs.setdefault(literal, set()).add(index)
                    items.setdefault(literal, set()).add((index, kind, j))
    return Matcher(
        tuple(compiled),
        {lit: frozenset(ids) for lit, ids in needs.items()},
        frozenset(always),
        {lit: frozenset(found) for lit, found in items.items()},
        frozenset(always_items),
        Automaton(items),
        {r.rule_id: r for r in compiled},
    )


@lru_cache(maxsize=4096)
def _literals(pattern: str) -> frozenset[str] | None:
    """required_literals, cached: the same pattern is compiled for several matchers (tiers, recipients)."""
    found = required_literals(pattern)
    return None if found is None else frozenset(found)


@lru_cache(maxsize=64)
def _conditions(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """A pack's conditions as one alternation (several rules share it)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Packs are immutable; the cache keeps them alive so their ids stay unique.
_MatcherKey = tuple[tuple[int, ...], tuple[str, ...] | None, str | None, str | None]
_matchers: dict[_MatcherKey, tuple[list[RulePack], Matcher]] = {}


def matcher_for(
    packs: RulePack | list[RulePack],
    langs: tuple[str, ...] | None = None,
    tier: str | None = "finding",
    recipient: str | None = None,
) -> Matcher:
    """The compiled matcher of one or several packs' rules of one tier, for one recipient (cached)."""
    pack_list = list(packs) if isinstance(packs, list) else [packs]
    key = (tuple(id(p) for p in pack_list), langs, tier, recipient)
    if key not in _matchers:
        if len(_matchers) > 64:
            _matchers.clear()
        rules = [r for p in pack_list for r in p.rules]
        _matchers[key] = (pack_list, compile_rules(rules, langs, tier, recipient))
    return _matchers[key][1]


def scan_text(
    text: str,
    packs: RulePack | list[RulePack],
    *,
    langs: tuple[str, ...] | None = None,
    tier: str = "finding",
    recipient: str | None = None,
) -> list[Match]:
    """Every wording match of one tier in text, as spans of the original text, ordered by position.

    recipient: who the message went to when known ("third_party"); None = the borrower or unknown."""
    return matcher_for(packs, langs, tier, recipient).scan(text)
