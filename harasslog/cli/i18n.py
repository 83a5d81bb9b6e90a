"""The command line in the user's language: which language, and help texts from the catalog.

Which language (`language`): `--lang` anywhere on the command line, else the store's profile
(its `lang`, or Chinese for the cn rules), else the system locale (LC_ALL, LC_MESSAGES, LANG:
zh_* is Chinese), else English.

Help texts, the one mechanism (`localize`), applied to the click tree just before parsing (and to each
command the root builds later, `localize_tree`):
- English stays where it is declared: the command's docstring and each option's `help=`.
- Chinese lives in templates/strings.toml under `cli.help`, keyed by the command path and the
  parameter's Python name: `[cli.help.harasslog.add.sms]` holds `_.zh` (the command's own help,
  example included) and `number.zh`, `text.zh`, ... (one per option or argument). Only `zh` is
  written there (English is the declaration); `catalog.problems()` knows this.
- Click's own words (Usage, Options, Commands, "Show this message and exit.", [default: …],
  [required]) are `cli.click.*` entries, en and zh, applied by `_Formatter` and typer's gettext hook.
- Every command also gets `--lang` (unless it has its own, like `scan` and `report`), so the flag
  works after the command name too.
So a new option or command needs one `zh` line in `cli.help`; tests/test_help_i18n.py walks every
command's --help in both languages and names any line left in English.
"""

from __future__ import annotations

import copy
import os
import re
from functools import cache
from typing import Any

import typer
import typer.core
import typer.main
from typer import _click as click

from ..catalog import entries, t
from ..vocab import Lang, values

HELP_SECTION = "cli.help"
SHARED = "cli.help._shared."
ROOT = "harasslog"
LANG_HELP = "Language of messages and help: zh or en (default: the profile's, else the system's)."

_state: dict[str, str] = {"help": "en"}


def locale_lang(environ: Any = None) -> str | None:
    """zh or en from the POSIX locale variables, as gettext reads them (the first one set wins)."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            code = value.split(".")[0].split("@")[0].lower()
            if code.startswith("zh"):
                return "zh"
            if code in ("c", "posix") or code.startswith("en"):
                return "en"
            return "en"
    return None


def argv_option(args: list[str], name: str) -> str | None:
    """The last value of `name` (`--lang zh` or `--lang=zh`) anywhere before `--`."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == name and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith(name + "="):
            found = arg.split("=", 1)[1]
    return found


def profile_lang(db: str | None) -> str | None:
    """The store's profile language, read directly and read-only (help must not open or migrate it)."""
    import sqlite3

    from ..paths import resolve_db_path

    path = resolve_db_path(db)
    if not path.is_file():
        return None
    # Read-only and leaving nothing behind: without a -wal file, `immutable` opens no -shm/-wal
    # (read-only media, a store being copied); with one, those files are already there.
    wal = path.with_name(path.name + "-wal").exists()
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro" + ("" if wal else "&immutable=1"), uri=True)
        try:
            row = conn.execute("SELECT lang, jurisdiction FROM profile WHERE id = 1").fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, ValueError):
        return None
    if row is None:
        return None
    if row[0] in values(Lang):
        return str(row[0])
    return "zh" if row[1] == "cn" else None


def language(args: list[str]) -> str:
    """The language of help and usage errors for this command line (see the module docstring)."""
    chosen = argv_option(args, "--lang")
    if chosen in values(Lang):
        return str(chosen)
    return profile_lang(argv_option(args, "--db")) or locale_lang() or "en"


def help_lang() -> str:
    return _state["help"]


def help_lang_chosen() -> bool:
    """Whether a command line chose the language (library callers never went through `localize`)."""
    return "chosen" in _state


# ---------------------------------------------------------------- click's own words


@cache
def _known() -> dict[str, dict[str, str]]:
    return entries()


@cache
def _shared() -> dict[str, dict[str, str]]:
    """Shared help entries by their English."""
    return {e["en"]: e for k, e in _known().items() if k.startswith(SHARED) and "en" in e}


def _click_words(lang: str) -> dict[str, str]:
    """English → `lang` for click's and typer's fixed words (cli.click.*); English needs no catalog."""
    return {} if lang == "en" else _translations(lang)


@cache
def _translations(lang: str) -> dict[str, str]:
    return {entry["en"]: entry[lang] for key, entry in _known().items() if key.startswith("cli.click.")}


def _gettext(message: str) -> str:
    """typer.core's gettext: its [default: …], [required], Options/Commands/Arguments headings."""
    if _state["help"] == "en":
        return message
    return _click_words(_state["help"]).get(message, message)


class _Formatter(click.HelpFormatter):
    """Click's help formatter with its fixed words ("Usage:", "Show this message and exit.") translated."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        word = _click_words(_state["help"]).get("Usage:", "Usage:")
        super().write_usage(prog, args, prefix=word if word.endswith("：") else word + " ")

    def write_heading(self, heading: str) -> None:
        if _state["help"] == "en":
            return super().write_heading(heading)
        self.write(f"{'':>{self.current_indent}}{_click_words(_state['help']).get(heading, heading)}：\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        words = _click_words(_state["help"])
        super().write_dl([(a, words.get(b, b)) for a, b in rows], col_max, col_spacing)


_contexts: dict[type, type] = {}


def _context_class(base: type) -> type:
    """`base` (click's or typer's Context) rendering help with _Formatter."""
    if base not in _contexts:
        _contexts[base] = type("LocalizedContext", (base,), {"formatter_class": _Formatter})
    return _contexts[base]


# ---------------------------------------------------------------- help texts


def _set_lang(value: Lang | None) -> None:
    if value is not None:
        from . import common

        common.set_lang(value)


_made: dict[str, Any] = {}


def _lang_option() -> Any:
    """The --lang every command accepts: built once by Typer itself from a declaration, then shared."""
    if "lang" not in _made:
        template = typer.Typer()

        @template.command()
        def _declared(
            lang: Lang | None = typer.Option(None, "--lang", help=LANG_HELP, expose_value=False, callback=_set_lang),
        ) -> None:
            pass

        _made["lang"] = typer.main.get_command(template).params[0]
    # A copy per command: localizing one command's help must not change another's (or the next run's).
    return copy.copy(_made["lang"])


def _short(text: str) -> str:
    """The command list's one line: the first sentence of the help."""
    first = text.strip().split("\n\n")[0]
    end = first.find("。")
    return first[: end + 1] if end >= 0 else first


def help_key(path: tuple[str, ...], param: str = "_") -> str:
    return ".".join((HELP_SECTION, *path, param))


def walk(command: Any, path: tuple[str, ...] = (ROOT,)) -> Any:
    """Every (path, command) of the tree, the root first."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


def localize(root: Any, lang: str) -> None:
    """Prepare the click tree for this run: --lang on every command, help in `lang`.

    Only the commands built so far are touched: the root builds the others when they are used
    (lazy.py) and localizes each with `localize_tree` then."""
    _state["help"] = lang
    _state["chosen"] = lang
    typer.core._ = _gettext  # typer's fixed words go through gettext; see _gettext
    _localize_one(root, (ROOT,), lang)
    built = getattr(root.commands, "loaded", root.commands)
    for name, command in list(built.items()):
        localize_tree(command, (ROOT, name), lang)


def localize_tree(command: Any, path: tuple[str, ...], lang: str) -> None:
    """`command` and everything under it built so far, as `localize` does the tree (a subcommand
    built later is localized then: lazy.build's `built`)."""
    _localize_one(command, path, lang)
    commands = getattr(command, "commands", {})
    for name, sub in sorted(getattr(commands, "loaded", commands).items()):
        localize_tree(sub, (*path, name), lang)


def _localize_one(command: Any, path: tuple[str, ...], lang: str) -> None:
    known, shared = (_known(), _shared()) if lang != "en" else ({}, {})  # English needs no catalog
    if not issubclass(command.context_class, tuple(_contexts.values())):
        command.context_class = _context_class(command.context_class)
    if path != (ROOT,) and not any("--lang" in getattr(p, "opts", ()) for p in command.params):
        command.params.append(_lang_option())
    if lang == "en":
        return
    own = _zh(known, shared, help_key(path), command.help, lang)
    if own:
        command.help = own
        command.short_help = _short(own)
    command.options_metavar = _click_words(lang).get("[OPTIONS]", command.options_metavar)
    if getattr(command, "subcommand_metavar", None):
        command.subcommand_metavar = _click_words(lang).get("COMMAND [ARGS]...", command.subcommand_metavar)
    for param in command.params:
        english = getattr(param, "help", None)
        if english == LANG_HELP:  # the --lang every command gets
            text = _zh(known, shared, help_key((ROOT,), "lang"), english, lang)
        else:
            text = _zh(known, shared, help_key(path, param.name or ""), english, lang)
        if text:
            param.help = text


def _zh(known: dict[str, dict[str, str]], shared: dict[str, dict[str, str]], key: str, english: Any, lang: str) -> Any:
    """The entry for this command path and parameter, else the shared one with the same English."""
    return known.get(key, {}).get(lang) or shared.get(english or "", {}).get(lang)


def translated(path: tuple[str, ...], param: str | None, english: str | None, lang: str = "zh") -> str | None:
    """The help text a command or parameter gets in `lang` (None: none in the catalog)."""
    known, shared = _known(), _shared()
    if english == LANG_HELP:
        path, param = (ROOT,), "lang"
    return _zh(known, shared, help_key(path, param or "_"), english, lang)


# ---------------------------------------------------------------- usage errors


@cache
def _usage_errors() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Click's usage errors and their catalog entries, compiled when the first one is shown."""
    return (
        (re.compile(r"No such option: (?P<option>\S+)(?P<rest>.*)"), "cli.click.no_such_option"),
        (re.compile(r"Missing argument '(?P<name>[^']+)'\."), "cli.click.missing_argument"),
        (re.compile(r"Missing option '(?P<name>.+?)'\."), "cli.click.missing_option"),  # '--template' / '-t'
        (re.compile(r"No such command '(?P<name>.*)'\."), "cli.click.no_such_command"),
        (re.compile(r"Invalid value for '(?P<name>[^']+)': (?P<rest>.*)", re.S), "cli.click.invalid_value"),
        (re.compile(r"Got unexpected extra arguments? \((?P<rest>.*)\)", re.S), "cli.click.extra_arguments"),
        (re.compile(r"Option '(?P<name>[^']+)' requires an argument\."), "cli.click.needs_value"),
        (re.compile(r"Missing command\."), "cli.click.missing_command"),
    )


def usage_error(message: str, lang: str) -> str:
    """A click usage error in `lang` (the common ones; the rest stay as click words them)."""
    if lang != "en":
        for pattern, key in _usage_errors():
            match = pattern.fullmatch(message.strip())
            if match:
                values = {k: error(v, lang) if k == "rest" else v for k, v in match.groupdict().items()}
                message = t(lang, key, **values)
                break
    return t(lang, "cli.click.see_help", message=message)


# ---------------------------------------------------------------- domain errors

ERRORS = "cli.errors."
_FLAG = r"(?P<_flag>(?:--[\w-]+[^:]*: )*)"  # common.flags prefixes "--at: " (or "--map x: ")


@cache
def _patterns(section: str, prefix: str = "") -> list[tuple[re.Pattern[str], str]]:
    """One pattern per entry of `section`: its English with each %(name)s matching any text."""
    patterns = []
    for key, entry in _known().items():
        if not key.startswith(section) or key.startswith(section + "words.") or "en" not in entry:
            continue
        body = re.sub(r"%\\\((\w+)\\\)s", lambda m: f"(?P<{m.group(1)}>.+?)", re.escape(entry["en"]))
        patterns.append((re.compile(prefix + body, re.S), key))
    return patterns


def _error_patterns() -> list[tuple[re.Pattern[str], str]]:
    return _patterns(ERRORS, _FLAG)


def error(message: str, lang: str) -> str:
    """A domain error (raised in English) in `lang`; one the catalog does not list stays as raised."""
    if lang == "en":
        return message
    words = {e["en"]: e[lang] for k, e in _known().items() if k.startswith(ERRORS + "words.")}
    for pattern, key in _error_patterns():
        match = pattern.fullmatch(message)
        if match:
            values = {k: words.get(v, v) for k, v in match.groupdict().items() if k != "_flag"}
            return match.group("_flag") + t(lang, key, **values)
    return message


# ---------------------------------------------------------------- import reasons and warnings

REASONS = "cli.import.reasons."
WARNINGS = "cli.import.warnings."


def phrase(message: str, lang: str, section: str) -> str:
    """An importer's skip reason or warning (stored and in JSON in English) as printed in `lang`:
    the `section` entry whose English matches it, its values kept as written; else as stored."""
    if lang == "en":
        return message
    for pattern, key in _patterns(section):
        match = pattern.fullmatch(message)
        if match:
            return t(lang, key, **match.groupdict())
    return message
