"""Required literals of a regular expression: strings one of which every match must contain.

The matcher looks for these strings first and runs a rule only when one occurs, so most messages cost
no regex at all. The pattern is read by a small parser of our own for what rule packs write (Python's
parser, re._parser, is private and changes between versions). Whatever it does not know (inline
flags, comments, conditionals) makes it give up: None means "no prefilter, always run the pattern",
so an answer it gives is always safe, and the worst a gap in it can cost is speed.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from typing import Any

_MAX_SET = 200  # a literal set grows by cross products; past this it is not worth keeping
_MAX_CLASS = 12  # [abc] counts as literal up to this many characters

# Parsed nodes (tuples, first item the kind):
#   ("lit", set[str])            one of these strings
#   ("any",)                     some text we do not tell apart (., \d, [a-z], a back reference)
#   ("zero",)                    consumes nothing (\b, ^, $, lookarounds)
#   ("group", [branch, ...])     alternatives, each a list of nodes
#   ("rep", node, low)           node repeated at least `low` times (low 0 with "opt" below: x?)
#   ("opt", node)                node or nothing (x?, x{0,1})
Node = tuple[Any, ...]
_ANY: Node = ("any",)
_ZERO: Node = ("zero",)

_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_BRACES = re.compile(r"\{(\d*)(,?)(\d*)\}")
_HEX = {"x": 2, "u": 4, "U": 8}


class _GiveUp(Exception):
    """A construct the parser does not know: no prefilter for this pattern."""


def required_literals(pattern: str) -> set[str] | None:
    """Strings one of which any match of the (expanded) pattern contains; None if none can be told."""
    try:
        branches, end = _branches(pattern, 0, 0)
    except (_GiveUp, IndexError, ValueError, RecursionError):
        return None
    if end != len(pattern):
        return None
    return _best([("group", branches)]) if len(branches) > 1 else _best(branches[0])


# ---------------------------------------------------------------- parsing


def _branches(p: str, i: int, depth: int) -> tuple[list[list[Node]], int]:
    """Alternatives from p[i] up to the ")" closing this depth (not consumed) or the end."""
    branches: list[list[Node]] = [[]]
    while i < len(p):
        c = p[i]
        if c == "|":
            branches.append([])
            i += 1
        elif c == ")":
            if depth == 0:
                raise _GiveUp
            return branches, i
        else:
            node, i = _atom(p, i, depth)
            node, i = _quantifier(p, i, node)
            branches[-1].append(node)
    if depth:
        raise _GiveUp
    return branches, i


def _atom(p: str, i: int, depth: int) -> tuple[Node, int]:
    c = p[i]
    if c == "(":
        return _group(p, i, depth)
    if c == "[":
        return _class(p, i)
    if c == ".":
        return _ANY, i + 1
    if c in "^$":
        return _ZERO, i + 1
    if c == "\\":
        return _escape(p, i)
    if c in "*+?":
        raise _GiveUp  # nothing to repeat: not a valid pattern
    return ("lit", {c}), i + 1  # "{" not starting a quantifier is a literal too


def _group(p: str, i: int, depth: int) -> tuple[Node, int]:
    kind = "group"
    if p.startswith("(?", i):
        if p.startswith(("(?:", "(?>"), i):
            i += 3
        elif p.startswith(("(?=", "(?!"), i):
            kind, i = "zero", i + 3
        elif p.startswith(("(?<=", "(?<!"), i):
            kind, i = "zero", i + 4
        elif p.startswith("(?P<", i):
            i = p.index(">", i) + 1
        elif p.startswith("(?P=", i):
            return _ANY, p.index(")", i) + 1  # a back reference to a named group
        else:
            raise _GiveUp  # inline flags, comments, conditionals
    else:
        i += 1
    branches, i = _branches(p, i, depth + 1)
    return (_ZERO if kind == "zero" else ("group", branches)), i + 1


def _escape(p: str, i: int) -> tuple[Node, int]:
    x = p[i + 1]
    if x in "dDwWsS":
        return _ANY, i + 2
    if x in "bBAZ":
        return _ZERO, i + 2
    if x.isdigit():  # a back reference or an octal escape: text we do not tell
        j = i + 1
        while j < len(p) and j < i + 4 and p[j].isdigit():
            j += 1
        return _ANY, j
    if x in _HEX:
        end = i + 2 + _HEX[x]
        return ("lit", {chr(int(p[i + 2 : end], 16))}), end
    if x == "N":
        return _ANY, p.index("}", i) + 1
    if x in _ESCAPED:
        return ("lit", {_ESCAPED[x]}), i + 2
    if x.isascii() and x.isalpha():
        raise _GiveUp
    return ("lit", {x}), i + 2


def _class(p: str, i: int) -> tuple[Node, int]:
    """[...]: literal when it lists a few plain characters (no ranges, classes or negation)."""
    i += 1
    plain = p[i] != "^"
    if not plain:
        i += 1
    chars: set[str] = set()
    first = True
    while first or p[i] != "]":
        c = p[i]
        if c == "\\":
            x = p[i + 1]
            if x in _ESCAPED:
                chars.add(_ESCAPED[x])
            elif x.isascii() and x.isalnum():
                plain = False  # \d, \w, \x41...: leave the class to the regex
            else:
                chars.add(x)
            i += 2
        else:
            if c == "-" and not first and p[i + 1] != "]":
                plain = False  # a range
            chars.add(c)
            i += 1
        first = False
    i += 1
    if plain and len(chars) <= _MAX_CLASS:
        return ("lit", chars), i
    return _ANY, i


def _quantifier(p: str, i: int, node: Node) -> tuple[Node, int]:
    if i >= len(p):
        return node, i
    c = p[i]
    if c in "*+?":
        low, high, i = (0 if c != "+" else 1), (1 if c == "?" else None), i + 1
    elif c == "{" and (m := _BRACES.match(p, i)) and (m[1] or m[2]):
        low = int(m[1] or 0)
        high = None if m[2] and not m[3] else int(m[3] or m[1])
        i = m.end()
    else:
        return node, i
    if i < len(p) and p[i] in "?+":
        i += 1  # lazy or possessive: the same strings
    if low == 0 and high == 1:
        return ("opt", node), i
    if low == high == 1:
        return node, i
    return ("rep", node, low), i


# ---------------------------------------------------------------- literal sets


def _options(node: Node) -> set[str] | None:
    """All the strings a small, purely literal element can stand for (None: not literal)."""
    kind = node[0]
    if kind == "lit":
        return set(node[1])
    if kind == "group":
        out: set[str] = set()
        for branch in node[1]:
            whole = _whole(branch)
            if whole is None:
                return None
            out |= whole
        return out if len(out) <= _MAX_SET else None
    if kind == "opt":
        inner = _whole([node[1]])
        return None if inner is None else inner | {""}
    return None


def _whole(items: list[Node]) -> set[str] | None:
    run: set[str] = {""}
    for node in items:
        options = _options(node)
        if options is None or len(run) * len(options) > _MAX_SET:
            return None
        run = {a + b for a in run for b in options}
    return run


def _literal_sets(items: list[Node]) -> list[set[str]]:
    """Factors of a sequence: each a set of strings, one of which must occur in a match."""
    factors: list[set[str]] = []
    run: set[str] = {""}
    for node in items:
        options = _options(node)
        if options is not None and len(run) * len(options) <= _MAX_SET:
            run = {a + b for a in run for b in options}
            continue
        if node[0] == "rep" and node[2] >= 1:
            inner = _whole([node[1]])  # "x+": at least one x, then the run cannot go on
            if inner is not None and len(run) * len(inner) <= _MAX_SET:
                factors.append({a + b for a in run for b in inner})
                run = {""}
                continue
        if run != {""}:
            factors.append(run)
        run = {""}
        if node[0] == "group":
            bests = [_best(branch) for branch in node[1]]
            if all(bests):
                factors.append(set().union(*bests))  # type: ignore[arg-type]
        elif node[0] == "rep" and node[2] >= 1:
            best = _best([node[1]])
            if best:
                factors.append(best)
    if run != {""}:
        factors.append(run)
    return factors


def _best(items: list[Node]) -> set[str] | None:
    factors = [f for f in _literal_sets(items) if "" not in f]
    if not factors:
        return None
    return max(factors, key=lambda f: (min(len(x) for x in f), -len(f)))


# ---------------------------------------------------------------- finding them


class Automaton:
    """Which of a set of strings occur in a text, in one pass over it (Aho-Corasick).

    Linear in the text whatever the number of strings: each character is one dictionary step,
    plus failure steps that never outnumber the characters read. The matcher's prefilter: a
    pattern runs only when one of its required literals is found.
    """

    def __init__(self, words: Iterable[str]) -> None:
        goto: list[dict[str, int]] = [{}]
        out: list[set[str]] = [set()]
        self.empty = False  # "" is a literal: it occurs in every text
        for word in words:
            if not word:
                self.empty = True
                continue
            state = 0
            for ch in word:
                nxt = goto[state].get(ch)
                if nxt is None:
                    nxt = len(goto)
                    goto[state][ch] = nxt
                    goto.append({})
                    out.append(set())
                state = nxt
            out[state].add(word)
        fail = [0] * len(goto)
        queue = deque(goto[0].values())  # depth 1: fail to the root
        while queue:  # breadth first, so a state's failure target is complete before it
            state = queue.popleft()
            for ch, nxt in goto[state].items():
                queue.append(nxt)
                f = fail[state]
                while f and ch not in goto[f]:
                    f = fail[f]
                target = goto[f].get(ch, 0)
                fail[nxt] = target if target != nxt else 0
                out[nxt] |= out[fail[nxt]]
        self._goto = goto
        self._fail = fail
        self._out: list[frozenset[str] | None] = [frozenset(o) if o else None for o in out]

    def find(self, text: str) -> set[str]:
        """The strings that occur in text."""
        goto, fail, out = self._goto, self._fail, self._out
        found: set[str] = {""} if self.empty else set()
        state = 0
        for ch in text:
            nxt = goto[state].get(ch)
            while nxt is None and state:  # follow failure links to the longest suffix that goes on
                state = fail[state]
                nxt = goto[state].get(ch)
            state = nxt or 0  # no state but the root is 0, and nothing leads back to it
            hit = out[state]
            if hit is not None:
                found |= hit
        return found
