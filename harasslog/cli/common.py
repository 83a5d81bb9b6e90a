"""What every command module shares: global options, consoles, opening the store, JSON output."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..catalog import has, t
from ..errors import HarasslogError, InputError
from ..textsafe import json_escape_invisible, visible
from ..vocab import Lang, values


def _safe_console_class() -> type:
    from rich.console import Console
    from rich.segment import Segment

    class SafeConsole(Console):
        """A console that never lets a control, format or bidi character reach the terminal.

        Message texts and names are written by the adversary: an ESC in an SMS could set the window
        title, write the clipboard (OSC 52) or clear the screen; U+202E could reverse what a lawyer
        reads. Cells and messages are made visible before layout (so widths are right); this is the net
        under that, applied to every text segment just before output. Rich's own styling is added after
        it, and its control segments (cursor moves of the progress bar) are left alone.
        """

        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            return super()._render_buffer(
                segment if segment.control else Segment(visible(segment.text), segment.style) for segment in buffer
            )

    return SafeConsole


if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..store import Store

    SafeConsole: type[Console]
    # Messages for people go to stderr; stdout carries data (tables, JSON) only.
    err_console: Console
    out_console: Console

_lazy: dict[str, Any] = {}


def __getattr__(name: str) -> Any:
    """SafeConsole, err_console and out_console are made on first use: rich costs start-up time.

    Markup is off: message texts and names are hostile input, and "[white on white]…" in an SMS
    must print literally, never hide words. Styles are applied with Text/style= objects instead."""
    if name not in ("SafeConsole", "err_console", "out_console"):
        raise AttributeError(name)
    if name not in _lazy:
        if "SafeConsole" not in _lazy:
            _lazy["SafeConsole"] = _safe_console_class()
        if name == "err_console":
            _lazy[name] = _lazy["SafeConsole"](stderr=True, markup=False)
        elif name == "out_console":
            _lazy[name] = _lazy["SafeConsole"](markup=False)
    return _lazy[name]


def shown(value: object) -> Text:
    """A table cell or line for the terminal: hostile text with its invisible characters shown."""
    from rich.text import Text

    if isinstance(value, Text):
        return Text(visible(value.plain), style=value.style, justify=value.justify)
    return Text("" if value is None else visible(str(value)))


def add_row(table: Table, *cells: object) -> None:
    """Every cell of every table goes through here (see SafeConsole)."""
    table.add_row(*(shown(cell) for cell in cells))


_options: dict[str, Any] = {"db": None, "lang": None}


def set_global_options(*, db: str | None, lang: str | None) -> None:
    """--lang is a Lang choice (Typer checked it); kept as its plain value."""
    _options["db"] = db
    _options["lang"] = Lang(lang).value if lang is not None else None
    _options["store_lang"] = None


def set_lang(lang: str) -> None:
    """--lang given after the command name (every command accepts it: see i18n)."""
    _options["lang"] = Lang(lang).value


# The largest id SQLite can hold: larger ones are bad input (exit 2), not an OverflowError.
MAX_ID = 2**63 - 1


@contextmanager
def flags(default: str | None = None, /, **by_field: str) -> Iterator[None]:
    """Name the flag behind a domain error, which names only its field.

    `with flags("--at"):` prefixes every error inside with --at; `with flags(since="--since",
    until="--until"):` picks the flag by the error's field."""
    try:
        yield
    except HarasslogError as exc:
        flag = by_field.get(exc.field or "", default)
        if flag is None:
            raise
        raise type(exc)(f"{flag}: {exc}", field=exc.field) from None


# --since/--until mean the same in every command (time_range below).
SinceOpt = Annotated[
    str | None, typer.Option("--since", help="Only contacts from this time (inclusive; a bare date: from its 00:00).")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Only contacts before this time (a bare date includes that whole day).")
]


def time_range(store: Any, since: str | None, until: str | None) -> Any:
    """--since/--until, read the same way by every command (normalize.parse_range)."""
    from ..normalize import parse_range

    with flags(since="--since", until="--until"):
        return parse_range(since, until, store.tz, region=store.region, lang=lang(store))


class _LazyModule(ModuleType):
    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self.__name__), attr)


def lazy_module(name: str) -> ModuleType:
    """`name` as a stand-in that imports the module on its first attribute use.

    Command modules declare every command at start-up, but each command needs only some of the
    domain: `normalize = lazy_module("harasslog.normalize")` keeps phonenumbers, the rule engine
    and the store out of `harasslog --help` without moving imports into every function body.
    (Declare the real import under TYPE_CHECKING so mypy still checks the uses.)"""
    return _LazyModule(name)


def db_path() -> Path:
    from ..paths import resolve_db_path

    return resolve_db_path(_options["db"])


def open_store(*, create: bool = False, readonly: bool = False) -> Store:
    """Open (and migrate) the store the global options point at.

    Only `init` creates a store: any other command on a mistyped --db path says so, instead of
    quietly starting an empty case file there. `readonly` for commands that only read: they take
    no write lock (a long import does not hold them up) and work on read-only media."""
    from ..db import open_store as _open

    store = _open(db_path(), create=create, readonly=readonly)
    _options["store_lang"] = _profile_lang(store)  # for words printed without the store at hand
    return store


def lang(store: Store | None = None) -> str:
    """The language for output: --lang, else the profile's, else Chinese for the cn rules, else the
    system locale (LC_ALL, LC_MESSAGES, LANG), else English. Without a store at hand: the store
    last opened, else the language the command line chose (i18n.language: its profile read-only)."""
    if _options["lang"]:
        return str(_options["lang"])
    chosen = _profile_lang(store) if store is not None else _options.get("store_lang")
    if chosen:
        return str(chosen)
    from . import i18n

    if store is None and i18n.help_lang_chosen():  # the command line's (profile read read-only, or locale)
        return i18n.help_lang()
    return i18n.locale_lang() or "en"


def _profile_lang(store: Store) -> str | None:
    profile = store.profile.get()
    if profile.get("lang") in values(Lang):
        return str(profile["lang"])
    if store.profile.exists() and profile.get("jurisdiction") == "cn":
        return "zh"
    return None


def term(store: Any, section: str, value: str | None) -> str:
    """A stored value as people read it: `sms` → 短信 in Chinese (the catalog's `section.value`);
    in English the value as stored (sms, in, answered, high), as the JSON has it."""
    if value is None:
        return ""
    language = lang(store)
    if language == "en" or not has(f"{section}.{value}"):
        return value
    return t(language, f"{section}.{value}")


def print_json(data: Any) -> None:
    """One JSON document on stdout, UTF-8, non-ASCII kept readable; controls and bidi escaped (exact)."""
    import json  # here: most commands print no JSON (start-up time)

    sys.stdout.write(json_escape_invisible(json.dumps(data, ensure_ascii=False, indent=2, default=str)) + "\n")
    sys.stdout.flush()


def print_json_line(data: Any) -> None:
    import json

    sys.stdout.write(json_escape_invisible(json.dumps(data, ensure_ascii=False, default=str)) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    """One message for people on stderr, shown safely (visible: no control or bidi character)."""
    _write(sys.stderr, visible(message))


def out(line: str) -> None:
    """One line of data for people on stdout (not JSON), shown safely."""
    _write(sys.stdout, visible(line))


def _write(stream: Any, text: str) -> None:
    # What rich printed for a plain line (no markup, no highlighting, soft wrap): the text and a
    # newline. Written directly, so a command that prints only lines never loads rich.
    stream.write(text + "\n")
    stream.flush()


def words(store: Any, key: str, **values: Any) -> str:
    """A catalog entry in the user's language (catalog.t)."""
    return t(lang(store), key, **values)


def tell(store: Any, key: str, **values: Any) -> None:
    """A message for people (stderr), from the catalog, in the user's language."""
    info(words(store, key, **values))


def require_profile(store: Store) -> None:
    """Writing evidence needs the borrower's time zone and region: refuse before guessing them."""
    if not store.profile.exists():
        raise InputError(
            "no profile in this store yet: run `harasslog init --region CN --tz Asia/Shanghai` "
            "(or --region US / GB) first, so times and numbers are read correctly"
        )


def read_stdin_text() -> str:
    """A pasted message: stdin as typed, less the one newline the terminal adds at the end."""
    if sys.stdin.isatty():
        tell(None, "cli.paste.message")
    text = sys.stdin.read()
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    return text
