"""`harasslog add` with no arguments, on a terminal: ask what happened, one question at a time.

A worried person logs a call while the phone still rings: what happened, the number (the last ones
used are offered), when (Enter: now; 昨晚10点 and the rest as times.py reads them, said back), what
was said (a pasted multi-line SMS ends with an empty line or Ctrl-D) and the collector; then a
summary to confirm. Nothing is written until then: Ctrl-C or end of input at any question raises
Cancelled, and the caller records nothing.

The flow is pure apart from its Prompter (lines in, questions out), so tests drive it with plain
streams; the store is reached only through the Context the command builds.
"""

from __future__ import annotations

import select
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from ..errors import InputError
from ..textsafe import visible
from ..vocab import Channel

# What can happen, in the order offered: (channel, direction). A letter the borrower sent (a cease
# request, a dispute) is its own choice, so it can later prove a request (`request add --event`).
KINDS: tuple[tuple[str, str], ...] = (
    ("call", "in"),
    ("sms", "in"),
    ("visit", "in"),
    ("letter", "in"),
    ("letter", "out"),
    ("third_party", "in"),
)
# How a third party was contacted: every channel but third_party itself.
HOWS = tuple(c.value for c in Channel if c != Channel.THIRD_PARTY)
STATUSES = ("answered", "missed", "rejected")
YES = frozenset({"y", "yes", "是", "是的", "好", "对", "确认"})
NO = frozenset({"n", "no", "否", "不", "不是", "取消"})


# A catalog look-up in the user's language: w("cli.quickadd.kind"), w("channels.sms").
Words = Callable[..., str]


class Cancelled(Exception):
    """Ctrl-C or end of input at a question: nothing is recorded."""


@dataclass
class Prompter:
    """Questions on `err`, answers from `inp`. `pending` says whether more input is already waiting
    (the rest of a paste): an empty line followed at once by more text is part of the message."""

    inp: TextIO
    err: TextIO
    pending: Callable[[], bool] = field(default=lambda: False)

    def say(self, line: str) -> None:
        self.err.write(visible(line) + "\n")
        self.err.flush()

    def _line(self) -> str:
        line = self.inp.readline()
        if line == "":
            raise Cancelled
        return _chomp(line)

    def ask(self, question: str, default: str = "") -> str:
        """One answer, trimmed; Enter gives `default`."""
        shown = f" [{default}]" if default else ""
        self.err.write(visible(f"{question}{shown}: "))
        self.err.flush()
        return self._line().strip() or default

    def block(self) -> list[str]:
        """Lines as typed or pasted, up to an empty line (not one inside a paste) or Ctrl-D.
        Ctrl-D before anything is typed is end of input (Cancelled)."""
        lines: list[str] = []
        while True:
            line = self.inp.readline()
            if line == "":
                if not lines:
                    raise Cancelled
                return lines
            if line.endswith("\n"):
                text = _chomp(line)
            else:  # Ctrl-D after text on the same line: the text ends there
                lines.append(line)
                return lines
            if text == "" and (not lines or not self.pending()):
                return lines
            lines.append(text)


def _chomp(line: str) -> str:
    """A line less its line ending, nothing else (the message is kept as typed)."""
    if line.endswith("\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith("\n") else line


def stdin_pending(stream: TextIO | None = None, wait: float = 0.05) -> bool:
    """Whether more input is already waiting on a terminal (the rest of a paste); False where it
    cannot be told (Windows consoles), so an empty line then ends the message as documented."""
    stream = stream or sys.stdin
    try:
        ready, _, _ = select.select([stream], [], [], wait)
    except (OSError, ValueError):
        return False
    return bool(ready)


@dataclass(frozen=True)
class Context:
    """What the flow needs from the store and the catalog, as plain callables."""

    words: Callable[..., str]  # words(catalog key, **values) in the user's language
    recent: list[tuple[str, str | None]]  # the last numbers used, newest first: (number, party)
    read_time: Callable[[str], tuple[dict[str, Any], str]]  # text → (RawEvent time fields, said back)
    number_warning: Callable[[str], str | None]  # a one-line warning for a mistyped number, or None
    is_number: Callable[[str], bool]  # whether an answer holds a number at all
    party_of: Callable[[str], str | None]  # the party a number already belongs to
    party_exists: Callable[[str], bool]


@dataclass(frozen=True)
class Entry:
    """One contact as answered, ready to be recorded."""

    channel: str
    direction: str
    number: str
    when: dict[str, Any]
    shown_time: str
    text: str | None
    party: str | None
    status: str = "unknown"
    extra: dict[str, Any] = field(default_factory=dict)


def ask_entry(p: Prompter, ctx: Context) -> Entry | None:
    """Ask for one contact; None when the user declines the summary. Raises Cancelled."""
    w = ctx.words
    channel, direction = _ask_kind(p, w)
    extra: dict[str, Any] = {}
    if channel == "third_party":
        extra["who"] = _ask_required(p, w("cli.quickadd.who"), w("cli.quickadd.who_needed"))
        extra["how"] = _ask_choice(p, w, w("cli.quickadd.how"), HOWS, [w("channels." + h) for h in HOWS], default=0)
    number = _ask_number(p, ctx, w, required=channel in ("call", "sms"))
    when, shown_time = _ask_time(p, ctx, w)
    status = "unknown"
    if channel == "call":
        labels = [w("statuses." + s) for s in STATUSES]
        status = STATUSES[_ask_index(p, w, w("cli.quickadd.status"), labels, default=0)]
    text = _ask_text(p, w, channel)
    party = _ask_party(p, ctx, w, number)
    entry = Entry(channel, direction, number, when, shown_time, text, party, status, extra)
    for line in summary(entry, ctx, w):
        p.say(line)
    return entry if _ask_yes(p, w("cli.quickadd.confirm"), w, default=True) else None


def kind_label(w: Words, channel: str, direction: str) -> str:
    if channel == "letter":
        return w("cli.quickadd.letter_out" if direction == "out" else "cli.quickadd.letter_in")
    return w("channels." + channel)


def _ask_kind(p: Prompter, w: Words) -> tuple[str, str]:
    labels = [kind_label(w, c, d) for c, d in KINDS]
    # Also understood: the subcommand names (call, sms, visit, letter, third-party).
    names = {"call": 0, "sms": 1, "visit": 2, "letter": 3, "third-party": 5, "third_party": 5}
    return KINDS[_ask_index(p, w, w("cli.quickadd.kind"), labels, default=0, names=names)]


def _ask_index(
    p: Prompter, w: Words, question: str, labels: list[str], default: int, names: dict[str, int] | None = None
) -> int:
    """A choice from a numbered list: its number, its label, or one of `names`."""
    p.say(question)
    p.say("  " + "  ".join(f"{i}) {label}" for i, label in enumerate(labels, 1)))
    by_name = {label.casefold(): i for i, label in enumerate(labels)} | (names or {})
    while True:
        answer = p.ask(">", str(default + 1))
        if len(answer) <= 2 and answer.isdecimal() and 1 <= int(answer) <= len(labels):
            return int(answer) - 1
        if answer.casefold() in by_name:
            return by_name[answer.casefold()]
        p.say(w("cli.quickadd.choose", count=len(labels)))


def _ask_choice(p: Prompter, w: Words, question: str, values: tuple[str, ...], labels: list[str], default: int) -> str:
    names = {v: i for i, v in enumerate(values)}
    return values[_ask_index(p, w, question, labels, default, names)]


def _ask_required(p: Prompter, question: str, needed: str) -> str:
    while True:
        answer = p.ask(question)
        if answer:
            return answer
        p.say(needed)


def _ask_yes(p: Prompter, question: str, w: Words, default: bool) -> bool:
    shown = w("cli.quickadd.yes_no_default_yes") if default else w("cli.quickadd.yes_no_default_no")
    while True:
        answer = p.ask(f"{question} {shown}").casefold()
        if not answer:
            return default
        if answer in YES:
            return True
        if answer in NO:
            return False
        p.say(w("cli.quickadd.yes_or_no"))


def _ask_number(p: Prompter, ctx: Context, w: Words, *, required: bool) -> str:
    """A number as typed, or one of the last used (by its list number); '' when none was given
    and none is needed. A number that looks mistyped is said so, and kept only if the user agrees."""
    if ctx.recent:
        p.say(w("cli.quickadd.recent"))
        for i, (number, party) in enumerate(ctx.recent, 1):
            p.say(f"  {i}) {number}" + (f"  {party}" if party else ""))
    question = w("cli.quickadd.number_pick" if ctx.recent else "cli.quickadd.number") + (
        "" if required else w("cli.quickadd.optional")
    )
    while True:
        answer = p.ask(question)
        if len(answer) == 1 and answer.isdecimal() and 1 <= int(answer) <= len(ctx.recent):
            return ctx.recent[int(answer) - 1][0]
        if not answer:
            if not required:
                return ""
            p.say(w("cli.quickadd.number_needed"))
            continue
        if not ctx.is_number(answer):
            p.say(w("cli.quickadd.number_needed"))
            continue
        warning = ctx.number_warning(answer)
        if warning is None:
            return answer
        p.say(warning)
        if _ask_yes(p, w("cli.quickadd.number_keep"), w, default=True):
            return answer


def _ask_time(p: Prompter, ctx: Context, w: Words) -> tuple[dict[str, Any], str]:
    """When it happened (Enter: now), read as `--at` reads it and said back; asked again if unreadable."""
    while True:
        answer = p.ask(w("cli.quickadd.when"), w("cli.quickadd.now"))
        try:
            fields, shown = ctx.read_time(answer)
        except InputError as exc:
            p.say(str(exc))
            continue
        p.say(w("cli.quickadd.understood", at=shown))
        return fields, shown


def _ask_text(p: Prompter, w: Words, channel: str) -> str | None:
    """What was said or written. An SMS needs its text (whitespace alone is no message)."""
    keys = {"sms": "cli.quickadd.text_sms", "call": "cli.quickadd.text_call", "letter": "cli.quickadd.text_letter"}
    key = keys.get(channel, "cli.quickadd.text_other")
    while True:
        p.say(w(key) + ("" if channel == "sms" else w("cli.quickadd.text_optional")))
        lines = p.block()
        text = "\n".join(lines)
        if text.strip():
            return text
        if channel != "sms":
            return None
        p.say(w("cli.quickadd.text_needed"))


def _ask_party(p: Prompter, ctx: Context, w: Words, number: str) -> str | None:
    """The collector: Enter keeps the one the number already belongs to (or none); '-' for none."""
    known = (ctx.party_of(number) or dict(ctx.recent).get(number)) if number else None
    recent = list(dict.fromkeys(party for _, party in ctx.recent if party))
    if recent:
        p.say(w("cli.quickadd.parties"))
        p.say("  " + "  ".join(f"{i}) {name}" for i, name in enumerate(recent, 1)))
    answer = p.ask(w("cli.quickadd.party") if known is None else w("cli.quickadd.party_known"), known or "")
    if answer == "-" or not answer:
        return None
    if len(answer) <= 2 and answer.isdecimal() and 1 <= int(answer) <= len(recent) and not ctx.party_exists(answer):
        return recent[int(answer) - 1]
    return answer


def summary(entry: Entry, ctx: Context, w: Words) -> list[str]:
    """What will be recorded, line by line, for the user to confirm."""
    lines = [w("cli.quickadd.summary", kind=kind_label(w, entry.channel, entry.direction))]
    if entry.channel == "third_party":
        who, how = entry.extra["who"], w("channels." + entry.extra["how"])
        lines.append(w("cli.quickadd.summary_who", who=who, how=how))
    if entry.number:
        lines.append(w("cli.quickadd.summary_number", number=entry.number))
    lines.append(w("cli.quickadd.summary_when", at=entry.shown_time))
    if entry.channel == "call":
        lines.append(w("cli.quickadd.summary_status", status=w("statuses." + entry.status)))
    if entry.text is not None:
        text_lines = entry.text.split("\n")
        lines.append(w("cli.quickadd.summary_text", text=text_lines[0]))
        lines.extend("    " + line for line in text_lines[1:])
    if entry.party:
        new = "" if ctx.party_exists(entry.party) else w("cli.quickadd.summary_new_party")
        lines.append(w("cli.quickadd.summary_party", party=entry.party) + new)
    return lines
