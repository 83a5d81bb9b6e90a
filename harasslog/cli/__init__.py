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
from typer.core import TyperGroup

from ..catalog import t as catalog_t
from ..errors import HarasslogError
from ..vocab import Lang
from . import analysis, anchor, common, datasette, evidence, i18n, importing, ocr, reporting, review, typer_speed

typer_speed.install()  # option values without pydantic where Typer does not need it (start-up time)


def _usage_error(exc: _ClickException) -> typer.Exit:
    """A usage error (unknown option, bad choice, missing argument) as one line, like every other.

    Click quotes what the user typed, and that may be pasted hostile text: common.info shows it safely."""
    lang = common._options["lang"] or i18n.help_lang()
    common.info(f"harasslog: {i18n.usage_error(exc.format_message(), lang)}")
    return typer.Exit(exc.exit_code)


class _Group(TyperGroup):
    """Turns domain errors into one line and an exit code, for every subcommand."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        if parent is None:  # the whole command line: choose the language, translate the help (i18n)
            common.set_global_options(db=None, lang=None)
            i18n.localize(self, i18n.language(list(args)))
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


for _module in (evidence, importing, analysis, reporting, review, datasette, ocr, anchor):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    sys.exit(app(standalone_mode=True) or 0)
