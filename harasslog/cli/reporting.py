"""Commands that turn the store into documents: report, export (bundle, csv, json), stats, deadlines."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from ..errors import InputError
from ..outfile import write_output
from . import common

export_app = typer.Typer(
    help="Write the evidence out: a verifiable zip bundle, or every event as CSV or JSON.", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]
OutOpt = Annotated[Path, typer.Option("-o", "--output", help="File to write.")]


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.add_typer(export_app, name="export")
    app.command("stats")(stats)
    app.command("deadlines")(deadlines)


def _report_lang(store: Any, lang: str | None) -> str:
    if lang is not None and lang not in ("zh", "en"):
        raise InputError(f"--lang must be zh or en, not {lang!r}")
    return lang or common.lang(store)


# ---------------------------------------------------------------- report


def report(
    output: OutOpt,
    template: Annotated[
        str, typer.Option("--template", "-t", help="cn-complaint, cn-12321, us-cfpb, uk-fos or lawyer.")
    ],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="html, md or pdf (default: from the -o suffix, else html).")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of the dossier: zh or en.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only contacts from this time or date on.")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only contacts before this time (a bare date includes that day).")
    ] = None,
    party: Annotated[str | None, typer.Option("--party", help="Only contacts linked to this party.")] = None,
    redact: Annotated[
        bool, typer.Option("--redact", help="Mask third parties' names and numbers and your ID number.")
    ] = False,
    template_dir: Annotated[
        Path | None, typer.Option("--template-dir", help="Folder with your own templates (overrides ours by name).")
    ] = None,
) -> None:
    """Render a complaint or an evidence binder from the store (run `analyze` first for findings)."""
    from .. import render

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".")
        fmt = {"md": "md", "markdown": "md", "pdf": "pdf"}.get(suffix, "html")
    if fmt not in render.FORMATS:
        raise InputError(f"--format must be html, md or pdf, not {fmt!r}")
    store = common.open_store()
    language = _report_lang(store, lang)
    filters = render.parse_filters(store, since, until, party)
    content = render.render(
        store, template, fmt=fmt, lang=language, filters=filters, redact=redact, template_dir=template_dir
    )
    write_output(output, content)
    if store.last_run() is None:
        common.say(
            store,
            "note: no analysis yet, so the dossier lists records without findings (run `harasslog analyze`)",
            "提示：尚未运行规则检查，文书只列出记录（请先运行 harasslog analyze）",
        )
    common.say(store, f"wrote {output}", f"已生成 {output}")


# ---------------------------------------------------------------- export


@export_app.command("bundle")
def export_bundle(
    output: OutOpt,
    lang: Annotated[str | None, typer.Option("--lang", help="Language of the dossiers inside: zh or en.")] = None,
    pdf: Annotated[
        bool | None,
        typer.Option("--pdf/--no-pdf", help="Include PDF dossiers (default: when WeasyPrint and a CJK font exist)."),
    ] = None,
) -> None:
    """A zip with the dossiers, every attachment, events.csv/json, manifest.json and SHA256SUMS."""
    from .. import render
    from ..bundle import write_bundle
    from ..pdf import pdf_available

    store = common.open_store()
    language = _report_lang(store, lang)
    want_pdf = pdf_available() if pdf is None else pdf
    now = datetime.now(UTC)
    dossiers: dict[str, bytes | str] = {}
    data = render.collect(store)
    strings = render.load_strings(language)
    for template in render.templates_for(store.jurisdiction):
        for fmt in ("html", "md", "pdf") if want_pdf else ("html", "md"):
            dossiers[f"{template}.{language}.{fmt}"] = render.render_data(
                data, template, fmt=fmt, lang=language, strings=strings, now=now
            )
    manifest = write_bundle(store, output, lang=language, dossiers=dossiers, now=now)
    common.say(
        store,
        f"wrote {output}: {len(manifest['files'])} files; check it with `harasslog verify --bundle {output}`"
        " or, unzipped, `sha256sum -c SHA256SUMS`",
        f"已生成 {output}：{len(manifest['files'])} 个文件；可用 harasslog verify --bundle {output} 核验，"
        "或解压后运行 sha256sum -c SHA256SUMS",
    )


@export_app.command("csv")
def export_csv(output: OutOpt) -> None:
    """Every event as CSV (UTF-8 with BOM; message text exactly as stored)."""
    from ..bundle import export_file

    store = common.open_store()
    n = export_file(store, "csv", output)
    common.say(store, f"wrote {n} events to {output}", f"已导出 {n} 条记录到 {output}")


@export_app.command("json")
def export_json(output: OutOpt) -> None:
    """Every event as a JSON array (the `list --json` fields, plus note and rule_ids)."""
    from ..bundle import export_file

    store = common.open_store()
    n = export_file(store, "json", output)
    common.say(store, f"wrote {n} events to {output}", f"已导出 {n} 条记录到 {output}")


# ---------------------------------------------------------------- stats


def stats(
    by: Annotated[str, typer.Option("--by", help="day, hour or party.")] = "day",
    as_json: JsonOpt = False,
) -> None:
    """Counts of contacts per day, per hour of the day (local time) or per party, with how many were flagged."""
    if by not in ("day", "hour", "party"):
        raise InputError(f"--by must be day, hour or party, not {by!r}")
    store = common.open_store()
    rows = compute_stats(store, by)
    if as_json:
        common.print_json(rows)
        return
    zh = common.lang(store) == "zh"
    heads = {"day": ("日期", "day"), "hour": ("小时", "hour"), "party": ("对方", "party")}[by]
    table = Table(show_edge=False)
    for zh_head, en_head in (
        heads,
        ("合计", "total"),
        ("来电", "calls"),
        ("短信", "sms"),
        ("其他", "other"),
        ("涉嫌违规", "flagged"),
    ):
        table.add_column(zh_head if zh else en_head, justify="left" if en_head == heads[1] else "right")
    for row in rows:
        table.add_row(str(row["key"]), *(str(row[k]) for k in ("total", "calls", "sms", "other", "flagged")))
    common.out_console.print(table)


def compute_stats(store: Any, by: str) -> list[dict[str, Any]]:
    """Rows of {key, total, calls, sms, other, flagged}; days and hours in the borrower's time zone."""
    tz = store.tz
    flagged = store.flagged_event_ids()
    buckets: dict[Any, Counter[str]] = {}
    for e in store.events():
        local = e.at.astimezone(tz)
        key: Any = {"day": local.date().isoformat(), "hour": local.hour, "party": e.party or (e.number or "")}[by]
        c = buckets.setdefault(key, Counter())
        c["total"] += 1
        c["calls" if e.channel == "call" else "sms" if e.channel in ("sms", "mms") else "other"] += 1
        c["flagged"] += e.id in flagged
    keys = sorted(buckets, key=lambda k: (-buckets[k]["total"], str(k))) if by == "party" else sorted(buckets)
    return [{"key": k, **{f: buckets[k][f] for f in ("total", "calls", "sms", "other", "flagged")}} for k in keys]


# ---------------------------------------------------------------- deadlines


def deadlines(as_json: JsonOpt = False) -> None:
    """Deadlines that follow from the findings: FDCPA one year, TCPA four years, FOS eight weeks, NFRA 15 days."""
    from .. import deadlines as dl

    store = common.open_store()
    today = datetime.now(UTC).astimezone(store.tz).date()
    entries = dl.compute(store.jurisdiction, store.findings(), list(store.events()), store.tz, today)
    if as_json:
        common.print_json([d.as_dict() for d in entries])
        return
    zh = common.lang(store) == "zh"
    table = Table(show_edge=False)
    for head in (
        ("期限", "deadline"),
        ("剩余天数", "days left"),
        ("事项", "what"),
        ("起算", "counted from"),
        ("依据", "authority"),
    ):
        table.add_column(head[0] if zh else head[1])
    for d in entries:
        table.add_row(d.deadline, str(d.days_left), d.label, f"{d.counted_from} ({d.basis})", f"{d.citation} [{d.tag}]")
    common.out_console.print(table)
    common.say(
        store,
        "These dates are counted from your records; they are not legal advice. Check them with a lawyer.",
        "以上日期依据记录推算，不构成法律意见，请向律师核实。",
    )
