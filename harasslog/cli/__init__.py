"""The command line. Each module registers one group of commands; this one builds the app.

The CLI layer only parses options, calls the domain modules and prints. Errors raised as
HarasslogError become one line on stderr and their exit code; nothing else reaches the user
as a traceback (set HARASSLOG_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from typing import Any

import typer
from typer._click.exceptions import ClickException as _ClickException  # typer >= 0.26 vendors click
from typer._click.exceptions import NoArgsIsHelpError as _NoArgsIsHelp
from typer.core import TyperCommand, TyperGroup

from ..catalog import t as catalog_t
from ..errors import HarasslogError
from ..vocab import Lang
from . import common, i18n, lazy, typer_speed

typer_speed.install()  # option values without pydantic where Typer does not need it (start-up time)

# Every top-level command: the module declaring it (its `register`) and the first sentence of its
# English help, which `harasslog --help` lists without importing the module (lazy.py). The order is
# the listing's. tests/test_startup.py checks this table against the commands the modules declare.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("evidence", "Create the store (or update its profile): who you are, your time zone and jurisdiction."),
    "list": ("evidence", "List recorded events, oldest first."),
    "show": ("evidence", "Show one event in full: its exact text, where it came from, its hash and attachments."),
    "withdraw": (
        "evidence",
        "Take back an event entered by mistake: a ledger entry; the event stays in the store and the full log, "
        "marked withdrawn with the reason, and is left out of analysis and findings.",
    ),
    "note": (
        "evidence",
        "Change your note on an event; the change is a ledger entry, the evidence itself is untouched.",
    ),
    "attach": ("evidence", "Attach a file to an event; it is copied beside the store and its SHA-256 chained."),
    "search": ("evidence", "Find messages containing some text (full text; works for Chinese)."),
    "verify": ("evidence", "Prove the store (or a bundle) is unaltered: exit 0 when intact, 1 naming what differs."),
    "demo": (
        "evidence",
        "Run the bundled example cases end to end: store, verify, analyze, dossiers; print what to open.",
    ),
    "import": ("importing", "Import phone exports."),
    "analyze": (
        "analysis",
        "Check every recorded contact against a rule pack; save the findings as the latest run.",
    ),
    "scan": (
        "analysis",
        "Check message text for threatening, abusive or misleading wording, without storing anything.",
    ),
    "report": (
        "reporting",
        "Render a complaint or an evidence binder from the store (run `analyze` first for findings).",
    ),
    "stats": (
        "reporting",
        "Counts of contacts per day, per hour of the day (local time) or per party, with how many were flagged.",
    ),
    "deadlines": (
        "reporting",
        "Deadlines that follow from the findings: FDCPA one year, TCPA four years, FOS eight weeks, NFRA 15 days.",
    ),
    "datasette": (
        "datasette",
        "Metadata for Datasette (titles, column descriptions, facets, canned queries) and the command to run.",
    ),
    "add": ("evidence", "Log a contact by hand: call, sms, visit, letter or third-party."),
    "party": ("evidence", "Collectors: creditors, agencies, law firms, and the numbers they use."),
    "debt": ("evidence", "Debts, so findings can say which debt a contact was about."),
    "request": ("evidence", "What you asked for or agreed: stop, pause (缓催), cease in writing..."),
    "rules": ("analysis", "The rule packs: list rules, show one, test your own pack."),
    "export": ("reporting", "Write the evidence out: a verifiable zip bundle, or every event as CSV or JSON."),
    "review": (
        "review",
        "Review the findings: accept, reject with a reason, re-label, or add one the rules missed.",
    ),
    "ocr": ("ocr", "Check what OCR read from screenshots: confirm it as read, or correct it."),
    "anchor": (
        "anchor",
        "An anchor outside the store: an RFC 3161 time-stamp request over the chain head (offline).",
    ),
}


def _usage_error(exc: _ClickException) -> typer.Exit:
    """A usage error (unknown option, bad choice, missing argument) as one line, like every other.

    Click quotes what the user typed, and that may be pasted hostile text: common.info shows it safely."""
    lang = common._options["lang"] or i18n.help_lang()
    common.info(f"harasslog: {i18n.usage_error(exc.format_message(), lang)}")
    return typer.Exit(exc.exit_code)


class _Group(TyperGroup):
    """The root: its commands built when used (COMMANDS, lazy.py); domain errors as one line and an
    exit code, for every subcommand."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.lang: str | None = None  # the language of this command line's help, once chosen
        self.commands = lazy.Commands(list(COMMANDS), self._load, loaded=dict(self.commands))

    def _load(self, name: str) -> Any:
        command = lazy.build(f"{__name__}.{COMMANDS[name][0]}", name, app, built=self._built)
        self._built((name,), command)
        return command

    def _built(self, path: tuple[str, ...], command: Any) -> None:
        if self.lang is not None:  # built after the language was chosen: localize it as the rest
            i18n.localize_tree(command, (i18n.ROOT, *path), self.lang)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names only: TyperGroup's would build every command

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list of `harasslog --help`, from the table's summaries (nothing imported)."""
        built = self.commands
        loaded = built.loaded if isinstance(built, lazy.Commands) else dict(built)
        self.commands = {name: loaded.get(name) or self._summary(name) for name in built}
        try:
            super().format_commands(ctx, formatter)
        finally:
            self.commands = built

    def _summary(self, name: str) -> Any:
        """A stand-in holding the table's summary, localized as the command itself would be."""
        summary = TyperCommand(name=name, help=COMMANDS[name][1])
        if self.lang is not None:
            i18n.localize_tree(summary, (i18n.ROOT, name), self.lang)
        return summary

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        if parent is None:  # the whole command line: choose the language, translate the help (i18n)
            common.set_global_options(db=None, lang=None)
            self.lang = i18n.language(list(args))
            i18n.localize(self, self.lang)
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except _NoArgsIsHelp:
            raise
        except _ClickException as exc:
            raise _usage_error(exc) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _NoArgsIsHelp:
            raise
        except _ClickException as exc:
            if os.environ.get("HARASSLOG_DEBUG"):
                raise
            raise _usage_error(exc) from None
        except HarasslogError as exc:
            common.info(f"harasslog: {i18n.error(str(exc), common.lang())}")
            raise typer.Exit(exc.exit_code) from None
        except sqlite3.DatabaseError as exc:
            if os.environ.get("HARASSLOG_DEBUG"):
                raise
            from ..db import describe_sqlite_error

            common.info(f"harasslog: {i18n.error(describe_sqlite_error(exc), common.lang())}")
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except ValueError as exc:
            if "null byte" not in str(exc) or os.environ.get("HARASSLOG_DEBUG"):
                raise
            # os and sqlite refuse NUL in paths: a pasted file name or --rules value, not our fault.
            common.info("harasslog: " + catalog_t(common.lang(), "cli.errors.nul"))
            raise typer.Exit(2) from None
        except BrokenPipeError:
            # `harasslog list | head`: the reader left; say nothing (Python's documented recipe:
            # stdout to devnull so the exit's flush cannot fail again).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except Exception as exc:
            if os.environ.get("HARASSLOG_DEBUG"):
                raise
            common.info("harasslog: " + catalog_t(common.lang(), "cli.errors.internal", name=type(exc).__name__))
            raise typer.Exit(3) from None


app = typer.Typer(
    cls=_Group,
    name="harasslog",
    help=(
        "Record, check and report harassment by debt collectors. Offline; nothing leaves this machine.\n\n"
        "Example: harasslog init --region CN --tz Asia/Shanghai --jurisdiction cn; "
        "harasslog add sms 13800138000 --text '...'; harasslog analyze; "
        "harasslog report --template cn-complaint -o complaint.html"
    ),
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,  # `harasslog` alone: the intro below
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    add_completion=True,  # Typer's own --install-completion / --show-completion
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        common.out(f"harasslog {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    db: str = typer.Option(
        None, "--db", envvar="HARASSLOG_DB", help="The store file (one per case). Default: your user data folder."
    ),
    lang: Lang = typer.Option(None, "--lang", help=i18n.LANG_HELP),
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_version, help="Print the name and version, and exit."
    ),
) -> None:
    common.set_global_options(db=db, lang=lang)
    if ctx.invoked_subcommand is None:
        # No command: the first three things to do, in the user's language (not the full help).
        common.out(catalog_t(lang.value if lang else i18n.help_lang(), "cli.intro"))


def main() -> None:
    """Console-script entry point."""
    sys.exit(app(standalone_mode=True) or 0)
