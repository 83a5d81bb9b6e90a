"""What every command module shares: global options, consoles, opening the store, JSON output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from ..errors import InputError

if TYPE_CHECKING:
    from ..store import Store

# Messages for people go to stderr; stdout carries data (tables, JSON) only.
# Markup is off: message texts and names are hostile input, and "[white on white]…" in an SMS
# must print literally, never hide words. Styles are applied with Text/style= objects instead.
err_console = Console(stderr=True, markup=False)
out_console = Console(markup=False)

_options: dict[str, Any] = {"db": None, "lang": None}


def set_global_options(*, db: str | None, lang: str | None) -> None:
    if lang is not None and lang not in ("zh", "en"):
        raise InputError(f"--lang must be zh or en, not {lang!r}")
    _options["db"] = db
    _options["lang"] = lang


def db_path() -> Path:
    from ..paths import resolve_db_path

    return resolve_db_path(_options["db"])


def open_store(*, create: bool = False, readonly: bool = False) -> Store:
    """Open (and migrate) the store the global options point at.

    Only `init` creates a store: any other command on a mistyped --db path says so, instead of
    quietly starting an empty case file there. `readonly` for commands that only read: they take
    no write lock (a long import does not hold them up) and work on read-only media."""
    from ..db import open_store as _open

    return _open(db_path(), create=create, readonly=readonly)


def lang(store: Store | None = None) -> str:
    """The language for output: --lang, else the profile's, else Chinese for the cn rules, else English."""
    if _options["lang"]:
        return str(_options["lang"])
    if store is not None:
        profile = store.profile.get()
        if profile.get("lang") in ("zh", "en"):
            return str(profile["lang"])
        if store.profile.exists() and profile.get("jurisdiction") == "cn":
            return "zh"
    return "en"


def print_json(data: Any) -> None:
    """One JSON document on stdout, UTF-8, non-ASCII kept readable."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def print_json_line(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    err_console.print(message, markup=False, highlight=False, soft_wrap=True)


def say(store: Store, en: str, zh: str) -> None:
    """A message for people (stderr), in the user's language."""
    info(zh if lang(store) == "zh" else en)


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
        info("Paste the message, then press Ctrl-D (Windows: Ctrl-Z, Enter) / 粘贴短信内容后按 Ctrl-D")
    text = sys.stdin.read()
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    return text
