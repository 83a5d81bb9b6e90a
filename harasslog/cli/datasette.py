"""`harasslog datasette`: metadata for browsing the store with Datasette, and the command to run.

The metadata is data (harasslog/datasette.py); this command picks the language and the rule pack,
prints or writes it, and tells the command line. It never starts a server.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Annotated

import typer

from ..errors import InputError
from . import common


def register(app: typer.Typer) -> None:
    app.command("datasette")(datasette)


def datasette(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the metadata to this file instead of stdout.")
    ] = None,
    rules: Annotated[
        str | None,
        typer.Option("--rules", help="Pack whose quiet hours the night query uses (default: the last analysis's)."),
    ] = None,
) -> None:
    """Metadata for Datasette (titles, column descriptions, facets, canned queries) and the command to run."""
    from ..datasette import metadata, quiet_hours, serve_command  # only this command needs them
    from ..outfile import write_output
    from ..rules.loader import load_pack

    store = common.open_store(readonly=True)
    run = store.runs.last()
    pack = load_pack(rules or ((run or {}).get("params") or {}).get("rules") or store.jurisdiction)
    quiet = quiet_hours(pack)
    if quiet is None:
        common.tell(store, "cli.datasette.no_quiet_hours", pack=pack.id)
    data = metadata(store.path.stem, lang=common.lang(store), quiet=quiet)
    if not _wal_flushed(store.path):
        common.tell(store, "cli.datasette.wal_busy")
    if output is None:
        common.print_json(data)
    else:
        write_output(output, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        common.tell(store, "cli.datasette.saved", path=str(output))
    command = serve_command(store.path, output or Path("metadata.json"))
    common.tell(store, "cli.datasette.run", command=command)


def _wal_flushed(path: Path) -> bool:
    """Datasette's --immutable reads the store file alone: writes still in its WAL would be missed,
    so they are checkpointed into it first. False when that could not be done (a writer is busy)."""
    wal = path.with_name(path.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return True
    try:
        writer = common.open_store()
    except (InputError, sqlite3.DatabaseError):
        return False  # read-only media: nothing is being written there
    try:
        return writer.checkpoint()
    finally:
        writer.close()
