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
from typer.core import TyperGroup

from ..errors import HarasslogError
from . import analysis, common, evidence, importing, reporting


class _Group(TyperGroup):
    """Turns domain errors into one line and an exit code, for every subcommand."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except HarasslogError as exc:
            common.err_console.print(f"harasslog: {exc}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except sqlite3.DatabaseError as exc:
            if os.environ.get("HARASSLOG_DEBUG"):
                raise
            from ..db import describe_sqlite_error

            common.err_console.print(
                f"harasslog: {describe_sqlite_error(exc)}", markup=False, highlight=False, soft_wrap=True
            )
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("HARASSLOG_DEBUG") or isinstance(exc, _ClickException):
                raise
            common.err_console.print(
                f"harasslog: internal error ({type(exc).__name__}); "
                "run again with HARASSLOG_DEBUG=1 and report the traceback (it may hold your data: "
                "remove numbers and messages first)",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
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
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    add_completion=False,
)


@app.callback()
def _root(
    db: str = typer.Option(
        None, "--db", envvar="HARASSLOG_DB", help="The store file (one per case). Default: your user data folder."
    ),
    lang: str = typer.Option(None, "--lang", help="Language of messages and dossiers: zh or en."),
) -> None:
    common.set_global_options(db=db, lang=lang)


for _module in (evidence, importing, analysis, reporting):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    sys.exit(app(standalone_mode=True) or 0)  # type: ignore[func-returns-value]
