"""`harasslog import PATH...`: phone exports into the store, with progress and a summary per file.

All files of one command are one transaction: one refused file (exit 2, named on stderr) means
nothing of any of them is stored. Importing again is harmless: duplicates are recognised.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..catalog import t
from ..errors import InputError
from ..vocab import CSV_FIELDS as FIELDS
from ..vocab import IMPORT_FORMATS as FORMATS
from ..vocab import Direction
from . import common, i18n

if TYPE_CHECKING:
    from rich.table import Table

    from ..ingest import CsvOptions, ImportSummary
    from ..ocr import screenshot
    from ..store import Store

IMPORT_LABELS = ("file", "format", "new", "duplicate", "corroborated", "skipped", "why", "total", "title")


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """--map COLUMN=FIELD, repeated."""
    mapping: dict[str, str] = {}
    for item in items or []:
        column, sep, field = item.rpartition("=")
        if not sep or not column.strip() or not field.strip():
            raise InputError(f"--map needs COLUMN=FIELD (FIELD one of {', '.join(FIELDS)}), not {item!r}")
        field = field.strip().lower()
        if field not in FIELDS:
            raise InputError(f"--map {item}: unknown field {field!r} (use one of {', '.join(FIELDS)})")
        mapping[column] = field
    return mapping


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_command(
        paths: list[Path] = typer.Argument(
            ...,
            metavar="PATH",
            help="Export files: SMS Backup & Restore XML, sms.db, CallHistory.storedata, call_history.db, mmssms.db, "
            "calllog.db, Samsung logs.db, CSV, carrier itemised records (.xlsx, CSV); screenshots (.png, .jpg, "
            ".webp, or a folder of them) with the ocr extra.",
        ),
        format: str = typer.Option(
            "auto",
            "--format",
            metavar="FORMAT",
            help=f"Force the format: {'|'.join(FORMATS)} (auto detects it from the content).",
        ),
        party: str = typer.Option(
            None, "--party", metavar="NAME", help="Link the imported numbers to this collector (created if new)."
        ),
        mapping: list[str] = typer.Option(
            None,
            "--map",
            metavar="COLUMN=FIELD",
            help=f"CSV: COLUMN=FIELD for a header we do not know ({', '.join(FIELDS)}); repeatable.",
        ),
        columns: str = typer.Option(
            None,
            "--columns",
            metavar="FIELD,FIELD,...",
            help="CSV without a header: the field of each column in order, e.g. time,number,type,text "
            "(an empty name or 'ignore' skips a column).",
        ),
        direction: Direction = typer.Option(
            None,
            "--direction",
            help="CSV: the direction of rows whose type does not say (e.g. 'cellular'); without it they are refused. "
            "Call-log screenshots: the direction of rows that do not show it (else skipped).",
        ),
        channel: str = typer.Option(
            None,
            "--channel",
            metavar="sms|im|call",
            help="Screenshots: SMS threads (sms), chat apps (im) or call logs (call); "
            "without it a call log is told from its layout, others are sms.",
        ),
        number: str = typer.Option(
            None, "--number", metavar="N", help="Screenshots: the other side's number or name, if the header lacks it."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as one JSON object."),
    ) -> None:
        """Import phone exports. All files go in one transaction: if one is refused, none is stored.

        Example: harasslog import sms-20261120.xml calls-20261120.xml --party 某某催收
        """
        from ..ingest import CsvOptions, ImportSummary
        from ..ocr import screenshot

        fields = tuple(columns.split(",")) if columns is not None else ()
        csv_options = CsvOptions(fields, direction.value if direction else None)
        mapped = parse_mapping(mapping)
        store = common.open_store()
        try:
            files, images = screenshot.expand(paths)
            if channel not in (None, "sms", "im", "call"):
                raise InputError(f"--channel must be sms, im or call for screenshots, not {channel!r}")
            shot_options = screenshot.Options(
                channel or "sms", number, detect=channel is None, direction=direction.value if direction else None
            )
            with common.flags(map="--map", format="--format", columns="--columns", direction="--direction"):
                with store.transaction():  # exports and screenshots: one transaction, all or nothing
                    summary = _run(store, files, format, party, mapped, csv_options) if files else ImportSummary([])
                    if images:
                        summary.files += _screenshots(store, images, shot_options, party)
            if as_json:
                common.print_json(summary.as_dict())
            else:
                common.out_console.print(_table(summary, common.lang(store)))
            for warning in (w for f in summary.files for w in f.warnings):
                shown = i18n.phrase(warning, common.lang(store), i18n.WARNINGS)
                common.tell(store, "cli.warning", warning=shown)
            for f in summary.files:
                if f.corroborated_with_text:
                    common.tell(store, "cli.import.text_kept_as_source", file=f.file, count=f.corroborated_with_text)
        finally:
            store.close()


def _screenshots(store: Store, images: list[Path], options: screenshot.Options, party: str | None) -> list[Any]:
    from ..ocr import screenshot
    from ..ocr.engine import INSTALL_HINT, EngineMissing

    try:
        return screenshot.import_screenshots(store, images, options, party, common.lang(store))
    except EngineMissing as exc:
        if str(exc) == INSTALL_HINT:
            raise InputError(t(common.lang(store), "ocr.missing")) from None
        raise InputError(t(common.lang(store), "ocr.missing_system", hint=str(exc))) from None


def _run(
    store: Store, paths: list[Path], format: str, party: str | None, mapping: dict[str, str], csv: CsvOptions
) -> ImportSummary:
    from ..ingest import import_files

    options: dict[str, Any] = {"columns": csv.columns, "direction": csv.direction}
    if not common.err_console.is_terminal:
        return import_files(store, paths, format=format, party=party, mapping=mapping, **options)
    from rich.progress import (
        BarColumn,
        Progress,
        ProgressColumn,
        Task,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    unit = t(common.lang(store), "cli.import.records")

    class _RecordRate(ProgressColumn):
        """Records per second (the bar itself advances in bytes or rows, whichever the format has)."""

        def render(self, task: Task) -> Text:
            elapsed = task.elapsed or 0.0
            records = task.fields.get("records", 0)
            rate = f" {records / elapsed:,.0f}/s" if elapsed > 0.5 else ""
            return Text(f"{records:,} {unit}{rate}", style="progress.data.speed", no_wrap=True)

    progress = Progress(
        TextColumn("{task.description}", markup=False),  # file names print as they are
        BarColumn(),
        TaskProgressColumn(),
        _RecordRate(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=common.err_console,
        transient=True,
    )
    tasks: dict[str, Any] = {}
    last = [0.0]

    def update(file_name: str, done: int, total: int, records: int) -> None:
        if file_name not in tasks:
            tasks[file_name] = progress.add_task(file_name, total=total or None, records=0)
        now = time.monotonic()
        if now - last[0] < 0.1 and done < total:
            return
        last[0] = now
        progress.update(tasks[file_name], completed=done, total=total or None, records=records)

    with progress:
        return import_files(store, paths, format=format, party=party, mapping=mapping, progress=update, **options)


def _table(summary: ImportSummary, lang: str) -> Table:
    from rich.table import Table

    label = {key: t(lang, f"cli.import.{key}") for key in IMPORT_LABELS}
    table = Table(title=label["title"])
    table.add_column(label["file"], overflow="fold")
    table.add_column(label["format"])
    table.add_column(label["new"], justify="right")
    table.add_column(label["duplicate"], justify="right")
    # Records of contacts already stored from another source: a column only when there are some.
    sources = summary.corroborated > 0
    if sources:
        table.add_column(label["corroborated"], justify="right")
    table.add_column(label["skipped"], justify="right")
    table.add_column(label["why"], overflow="fold")

    def counts(new: int, duplicate: int, corroborated: int, skipped: int) -> list[str]:
        return [f"{n:,}" for n in (new, duplicate, *([corroborated] if sources else []), skipped)]

    for f in summary.files:
        why = "; ".join(
            f"{i18n.phrase(reason, lang, i18n.REASONS)}: {count}" for reason, count in f.skipped_reasons.items()
        )
        common.add_row(table, f.file, f.format, *counts(f.new, f.duplicate, f.corroborated, f.skipped), why)
    if len(summary.files) > 1:
        totals = counts(summary.new, summary.duplicate, summary.corroborated, summary.skipped)
        common.add_row(table, label["total"], "", *totals, "")
    return table
