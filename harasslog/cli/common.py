"""What every command module shares: global options, consoles, opening the store, JSON output."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from ..errors import InputError

# Messages for people go to stderr; stdout carries data (tables, JSON) only.
err_console = Console(stderr=True)
out_console = Console()

_options: dict[str, Any] = {"db": None, "lang": None}


def set_global_options(*, db: str | None, lang: str | None) -> None:
    if lang is not None and lang not in ("zh", "en"):
        raise InputError(f"--lang must be zh or en, not {lang!r}")
    _options["db"] = db
    _options["lang"] = lang


def db_path() -> Path:
    from ..paths import resolve_db_path

    return resolve_db_path(_options["db"])


def open_store(*, create: bool = True):  # -> Store
    """Open (and migrate) the store the global options point at."""
    from ..db import open_store as _open

    return _open(db_path(), create=create)


def lang(store: Any = None) -> str:
    """The language for output: --lang, else the profile's, else English."""
    if _options["lang"]:
        return str(_options["lang"])
    if store is not None:
        profile_lang = store.profile().get("lang")
        if profile_lang in ("zh", "en"):
            return str(profile_lang)
    return "en"


def print_json(data: Any) -> None:
    """One JSON document on stdout, UTF-8, non-ASCII kept readable."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def print_json_line(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    err_console.print(message, markup=False, highlight=False)
