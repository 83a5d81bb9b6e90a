"""Commands that turn the store into documents: report, export (bundle, csv, json), stats, deadlines."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InputError
from ..outfile import write_output
from ..stats import COLUMNS, count_contacts
from ..vocab import Lang, StatsBy
from . import common, i18n

if TYPE_CHECKING:
    from ..store import Store

export_app = typer.Typer(
    help="Write the evidence out: a verifiable zip bundle, or every event as CSV or JSON.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]
OutOpt = Annotated[Path, typer.Option("-o", "--output", help="File to write.")]
BatesPrefixOpt = Annotated[
    str | None, typer.Option("--bates-prefix", help="Prefix of the page numbers a PDF carries (default HL-).")
]
BatesStartOpt = Annotated[int | None, typer.Option("--bates-start", help="First page number (default 1).")]


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.add_typer(export_app, name="export")
    app.command("stats")(stats)
    app.command("deadlines")(deadlines)


def _report_lang(store: Store, lang: Lang | None) -> str:
    return lang.value if lang is not None else common.lang(store)


def _current(store: Store) -> Store:
    """The store with current findings: when events, requests or the rule pack changed since the
    last analysis, run the same analysis again (and say so), so no dossier mixes new counts with
    old findings. Returns the store to read from (reopened for writing when it analyzed)."""
    from ..analysis import run_analysis
    from ..dossier.current import staleness

    stale = staleness(store)
    if stale is None:
        return store
    store.close()
    store = common.open_store()
    run = run_analysis(store, rules=stale.rules, since=stale.since, until=stale.until, lang=stale.lang)
    key = "cli.report.reanalyzed_pack" if stale.pack_changed else "cli.report.reanalyzed"
    common.tell(store, key, old=stale.run_id, changes=stale.changes, run=run.run_id, findings=len(run.findings))
    return store


# ---------------------------------------------------------------- report


def report(
    output: OutOpt,
    template: Annotated[
        str, typer.Option("--template", "-t", help="cn-complaint, cn-12321, us-cfpb, uk-fos or lawyer.")
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="html, md or pdf (default: from the -o suffix, else html).")
    ] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="Language of the dossier.")] = None,
    since: common.SinceOpt = None,
    until: common.UntilOpt = None,
    party: Annotated[str | None, typer.Option("--party", help="Only contacts linked to this party.")] = None,
    redact: Annotated[
        bool, typer.Option("--redact", help="Mask third parties' names and numbers and your ID number.")
    ] = False,
    template_dir: Annotated[
        Path | None, typer.Option("--template-dir", help="Folder with your own templates (overrides ours by name).")
    ] = None,
    bates_prefix: BatesPrefixOpt = None,
    bates_start: BatesStartOpt = None,
) -> None:
    """Render a complaint or an evidence binder from the store (run `analyze` first for findings)."""
    from .. import dossier
    from ..dossier.binder import check_bates

    prefix, start = check_bates(bates_prefix, bates_start)
    if fmt is None:
        suffix = output.suffix.lower().lstrip(".")
        fmt = {"md": "md", "markdown": "md", "pdf": "pdf"}.get(suffix, "html")
    if fmt not in dossier.FORMATS:
        raise InputError(f"--format must be html, md or pdf, not {fmt!r}")
    if template_dir is not None and not template_dir.is_dir():
        raise InputError(f"--template-dir {template_dir} is not a folder")
    store = common.open_store(readonly=True)
    language = _report_lang(store, lang)
    period = common.time_range(store, since, until)
    filters = dossier.Filters(since=period.since, until=period.until, party=party)
    store = _current(store)  # after the input is checked: bad input writes nothing
    content = dossier.render(
        store,
        template,
        fmt=fmt,
        lang=language,
        filters=filters,
        redact=redact,
        template_dir=template_dir,
        bates_prefix=prefix,
        bates_start=start,
    )
    write_output(output, content)
    if store.runs.last() is None:
        common.tell(store, "cli.report.not_analyzed")
    common.tell(store, "cli.report.wrote", path=output)


# ---------------------------------------------------------------- export


@export_app.command("bundle")
def export_bundle(
    output: OutOpt,
    lang: Annotated[Lang | None, typer.Option("--lang", help="Language of the dossiers inside.")] = None,
    pdf: Annotated[
        bool | None,
        typer.Option("--pdf/--no-pdf", help="Include PDF dossiers (default: when WeasyPrint and a CJK font exist)."),
    ] = None,
    bates_prefix: BatesPrefixOpt = None,
    bates_start: BatesStartOpt = None,
    load_file: Annotated[
        str | None,
        typer.Option(
            "--load-file", help="Also write a review-platform load file: dat (Concordance DAT + Opticon OPT)."
        ),
    ] = None,
) -> None:
    """A zip with the dossiers, every attachment, events.csv/json, manifest.json and SHA256SUMS.

    The PDF dossiers are numbered in one run (--bates-prefix, --bates-start): no two pages share a number."""
    from .. import dossier
    from ..bundle import LOAD_FILES, write_bundle
    from ..dossier.binder import check_bates
    from ..pdf import pdf_available

    prefix, start = check_bates(bates_prefix, bates_start)
    if load_file is not None and load_file not in LOAD_FILES:
        raise InputError(f"--load-file must be dat, not {load_file!r}")
    store = _current(common.open_store(readonly=True))
    language = _report_lang(store, lang)
    want_pdf = pdf_available() if pdf is None else pdf
    if load_file and not want_pdf:
        raise InputError(
            "--load-file lists the pages of the PDF dossiers, so it needs PDFs: "
            "drop --no-pdf, or install WeasyPrint and a CJK font"
        )
    now = datetime.now(UTC)
    data = dossier.collect(store)
    templates = dossier.templates_for(store.jurisdiction)
    dossiers, pages = dossier.render_bundle(
        data, templates, lang=language, pdf=want_pdf, now=now, bates_prefix=prefix, bates_start=start
    )
    fields = dossier.document_fields(data)
    manifest = write_bundle(
        store,
        output,
        lang=language,
        dossiers=dossiers,
        now=now,
        pages=pages,
        bates_prefix=prefix,
        load_file=load_file,
        load_fields=dict.fromkeys(pages, fields),
    )
    common.tell(store, "cli.export.bundle", path=output, files=len(manifest["files"]))


@export_app.command("csv")
def export_csv(output: OutOpt) -> None:
    """Every event as CSV (UTF-8 with BOM; message text exactly as stored)."""
    from ..bundle import export_file

    store = common.open_store(readonly=True)
    n = export_file(store, "csv", output)
    common.tell(store, "cli.export.events", count=n, path=output)


@export_app.command("json")
def export_json(output: OutOpt) -> None:
    """Every event as a JSON array (the `list --json` fields, plus note and rule_ids)."""
    from ..bundle import export_file

    store = common.open_store(readonly=True)
    n = export_file(store, "json", output)
    common.tell(store, "cli.export.events", count=n, path=output)


# ---------------------------------------------------------------- stats


def stats(
    by: Annotated[StatsBy, typer.Option("--by", help="Group by day, hour of the day or party.")] = StatsBy.DAY,
    since: common.SinceOpt = None,
    until: common.UntilOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Counts of contacts per day, per hour of the day (local time) or per party, with how many were flagged."""
    store = common.open_store(readonly=True)
    period = common.time_range(store, since, until)
    if by == StatsBy.DAY:  # counted in SQL: a page in under a second on a million events
        rows = store.events.day_counts(period.since, period.until, store.runs.flagged_event_ids())
    else:
        events = store.events.select(since=period.since, until=period.until)
        rows = count_contacts(events, store.runs.flagged_event_ids(), store.tz, by.value)
    if as_json:
        common.print_json(rows)
        return
    from .tables import Column, print_table

    columns = [
        Column(common.words(store, f"cli.stats.{key}"), justify="left" if key == by.value else "right")
        for key in (by.value, *COLUMNS)
    ]
    print_table(columns, ([str(row["key"]), *(str(row[k]) for k in COLUMNS)] for row in rows), show_edge=False)


# ---------------------------------------------------------------- deadlines


def deadlines(as_json: JsonOpt = False) -> None:
    """Deadlines that follow from the findings: FDCPA one year, TCPA four years, FOS eight weeks, NFRA 15 days."""
    from .. import deadlines as dl

    store = common.open_store(readonly=True)
    today = datetime.now(UTC).astimezone(store.tz).date()
    entries = dl.compute(store.jurisdiction, store.runs.findings(), list(store.events.select()), store.tz, today)
    if as_json:
        common.print_json([d.as_dict() for d in entries])
        return
    from rich.table import Table

    table = Table(show_edge=False)
    for key in ("deadline", "days_left", "what", "counted_from", "authority"):
        table.add_column(common.words(store, f"cli.deadlines.{key}"))
    lang = common.lang(store)

    def said(text: str, part: str) -> str:  # deadlines.py words its entries in English (the JSON's)
        return i18n.phrase(text, lang, f"cli.deadlines.{part}.")

    for d in entries:
        common.add_row(
            table,
            d.deadline,
            str(d.days_left),
            said(d.label, "labels"),
            f"{d.counted_from} ({said(d.basis, 'bases')})",
            f"{said(d.citation, 'citations')} [{d.tag}]",
        )
    common.out_console.print(table)
    common.tell(store, "cli.deadlines.disclaimer")
