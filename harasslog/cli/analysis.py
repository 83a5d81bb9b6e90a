"""Commands that check the evidence against rule packs: analyze, scan, rules list|show|test."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..catalog import has, t
from ..errors import InputError
from ..vocab import Lang, Severity, severity_rank
from . import common

# The rule engine, its packs and rich tables load only in the commands that use them (start-up time).
if TYPE_CHECKING:
    from rich.table import Table

    from ..rules.loader import RulePack

rules_app = typer.Typer(help="The rule packs: list rules, show one, test your own pack.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
    app.command("scan")(scan)
    app.add_typer(rules_app, name="rules")


def _group_label(group: str, lang: str = "en") -> str:
    from ..store.parties import WITHHELD_GROUP

    if group == WITHHELD_GROUP:  # every caller without a number: "withheld number" / 隐藏号码
        return t(lang, "caller.withheld")
    return group.removeprefix("number:") if group else "?"


# ---------------------------------------------------------------- analyze


def analyze(
    rules: Annotated[
        str | None, typer.Option("--rules", help="Rule pack: cn, us, uk or a .toml file. Default: your jurisdiction.")
    ] = None,
    since: common.SinceOpt = None,
    until: common.UntilOpt = None,
    as_json: JsonOpt = False,
    fail_on: Annotated[
        Severity | None, typer.Option("--fail-on", help="Exit 1 if any finding is this severe or worse.")
    ] = None,
    with_review: Annotated[
        bool,
        typer.Option(
            "--with-review",
            help="With --json: print {findings: [...], review: [...]}, the review items beside the findings.",
        ),
    ] = False,
) -> None:
    """Check every recorded contact against a rule pack; save the findings as the latest run."""
    from ..analysis import run_analysis
    from ..rules import engine

    store = common.open_store()
    common.require_profile(store)
    tz = store.tz
    lang = common.lang(store)
    with common.flags(since="--since", until="--until"):
        run = run_analysis(store, rules=rules, since=since, until=until, lang=lang)
    run_id, pack, findings = run.run_id, run.pack, run.findings
    for note in run.notes:
        common.info(note)
    if as_json and with_review:
        common.print_json(
            {
                "findings": [engine.finding_record(f, tz) for f in findings],
                "review": [_review_record(f, tz) for f in run.review],
            }
        )
    elif as_json:
        common.print_json([engine.finding_record(f, tz) for f in findings])
    else:
        _print_summary(findings, tz, lang == "zh")
    if run.review and not as_json:
        from ..dossier.reviewing import latest
        from ..store.reviews import finding_key

        decided = latest(store.reviews.list())
        undecided = sum(1 for f in run.review if finding_key(f.rule_id, f.event_ids) not in decided)
        common.out(t(lang, "cli.analyze.to_review", count=len(run.review), undecided=undecided))
    common.tell(
        store,
        "cli.analyze.run",
        run=run_id,
        findings=len(findings),
        events=run.events,
        pack=pack.id,
        version=pack.version,
    )
    if fail_on is not None and any(severity_rank(f.severity) >= severity_rank(fail_on) for f in findings):
        raise typer.Exit(1)


def _review_record(item: Any, tz: Any) -> dict[str, Any]:
    """A review item of `analyze --json --with-review`: a finding's fields, its score, and the key
    `harasslog review accept|reject` takes."""
    from ..rules import engine
    from ..store.reviews import finding_key

    return {**engine.finding_record(item, tz), "score": item.score, "key": finding_key(item.rule_id, item.event_ids)}


def _print_summary(findings: list, tz: Any, zh: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from .. import normalize

    if not findings:
        common.out(t("zh" if zh else "en", "cli.analyze.no_findings"))
        return
    rows: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"severity": "info", "findings": 0, "events": set(), "first": None, "last": None}
    )
    for f in findings:
        row = rows[(f.category, f.group)]
        if severity_rank(f.severity) > severity_rank(row["severity"]):
            row["severity"] = f.severity
        row["findings"] += 1
        row["events"].update(f.event_ids)
        row["first"] = min(row["first"] or f.start, f.start)
        row["last"] = max(row["last"] or f.end, f.end)
    lang = "zh" if zh else "en"
    table = Table(title=t(lang, "cli.analyze.summary_title"))
    for key in ("severity", "category", "collector", "findings", "events", "dates"):
        table.add_column(
            t(lang, f"cli.analyze.{key}"),
            no_wrap=key != "collector",
            overflow="fold",
            min_width=14 if key == "collector" else None,
        )
    ordered = sorted(rows.items(), key=lambda kv: (-severity_rank(kv[1]["severity"]), -kv[1]["findings"]))
    for (category, group), row in ordered:
        label = t("zh", f"categories.{category}") if zh and has(f"categories.{category}") else category
        first = normalize.local_iso(row["first"], tz)[:10]
        last = normalize.local_iso(row["last"], tz)[:10]
        dates = first if first == last else f"{first}…{last[5:] if first[:4] == last[:4] else last}"
        # Cells are Text, never markup: collector names and quoted words are hostile input.
        common.add_row(
            table,
            Text(common.term(None, "severities", row["severity"]), style=SEVERITY_STYLE[row["severity"]]),
            label,
            _group_label(group, lang),
            str(row["findings"]),
            str(len(row["events"])),
            dates,
        )
    common.out_console.print(table)
    detail = Table(title=t(lang, "cli.analyze.detail_title"), show_lines=False)
    for key in ("rule", "severity", "what_happened", "event_ids"):
        detail.add_column(t(lang, f"cli.analyze.{key}"), no_wrap=key in ("rule", "severity"), overflow="fold")
    for f in sorted(findings, key=lambda f: (-severity_rank(f.severity), f.start)):
        ids = ", ".join(str(i) for i in f.event_ids[:8]) + (" …" if len(f.event_ids) > 8 else "")
        severity = Text(common.term(None, "severities", f.severity), style=SEVERITY_STYLE[f.severity])
        common.add_row(detail, f.rule_id, severity, f.explanation, ids)
    common.out_console.print(detail)


# ---------------------------------------------------------------- scan


def _scan_packs(rules: str | None) -> list[RulePack]:
    """The packs `scan` uses: --rules, else CN for Chinese and the profile's English pack (us or uk)."""
    from ..rules.loader import load_pack

    if rules:
        return [load_pack(rules)]
    english = "us"
    try:
        store = common.open_store()
    except InputError:
        store = None
    if store is not None:
        try:
            if store.profile.exists() and store.jurisdiction == "uk":
                english = "uk"
        finally:
            store.close()
    return [load_pack("cn"), load_pack(english)]


def scan(
    text: Annotated[
        str | None, typer.Argument(help="A message to check. Without it: one message per stdin line.")
    ] = None,
    text_lang: Annotated[Lang | None, typer.Option("--lang", help="Language of the messages (default: both).")] = None,
    rules: Annotated[
        str | None, typer.Option("--rules", help="Use this pack's wording rules (cn, us, uk or a file).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per message: text, categories, matches.")
    ] = False,
) -> None:
    """Check message text for threatening, abusive or misleading wording, without storing anything."""
    from .. import records
    from ..rules import triage
    from ..rules.wording import matcher_for, unchecked

    packs = _scan_packs(rules)
    matcher = matcher_for(packs, (text_lang.value,) if text_lang else None)
    if text is None and sys.stdin.isatty():
        common.tell(None, "cli.paste.lines")
    messages = [text] if text is not None else (line.rstrip("\r\n") for line in sys.stdin)
    language = common.lang()
    for message in messages:
        if text is None and not message.strip():
            continue
        matches = matcher.scan(message)
        review = triage.review_items(message, packs, matches, lang=language)
        if as_json:
            common.print_json_line(records.scan_record(message, matches, review))
            continue
        not_read = unchecked(message)
        if not_read is not None:
            first, last = not_read
            common.info(t(language, "cli.scan.unchecked", first=f"{first + 1:,}", last=f"{last:,}", limit=f"{first:,}"))
        if not matches and not review:
            common.out(t(language, "cli.scan.ok") + message)
            continue
        common.out(t(language, "cli.scan.flagged" if matches else "cli.scan.to_review") + message)
        for m in matches:
            label = t(language, f"categories.{m.category}")
            common.out(f"  {m.rule_id} {label} [{m.start}:{m.end}] “{m.text}”")
        if review:
            common.out("  " + t(language, "cli.scan.review_heading"))
            for item in review:
                label = t(language, f"categories.{item.category}")
                why = f"（{item.why}）" if language == "zh" else f" ({item.why})"
                common.out(f"    {label} {item.score:.2f} [{item.start}:{item.end}] “{item.text}”{why}")


# ---------------------------------------------------------------- rules


def _packs(pack: str | None) -> list[RulePack]:
    from ..rules.loader import BUILTIN_PACKS, load_pack

    return [load_pack(pack)] if pack else [load_pack(name) for name in BUILTIN_PACKS]


@rules_app.command("list")
def rules_list(
    pack: Annotated[
        str | None, typer.Option("--pack", help="cn, us, uk or a .toml file (default: all shipped).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the rules: id, kind, category, severity and how firm their sources are (V/S/U)."""
    from rich.table import Table

    from .. import records

    zh = common.lang() == "zh"
    packs = _packs(pack)
    if as_json:
        common.print_json([records.rule_list_record(p, r, "zh" if zh else "en") for p in packs for r in p.rules])
        return
    lang = "zh" if zh else "en"
    table = Table(title=t(lang, "cli.rules.title"))
    for key in ("id", "category", "severity", "sources", "rule_title"):
        table.add_column(t(lang, f"cli.rules.{key}"), no_wrap=key in ("id", "sources"), overflow="fold")
    for p in packs:
        for r in p.rules:
            category = common.term(None, "categories", r.category)
            severity = common.term(None, "severities", r.severity)
            common.add_row(table, *(r.id, category, severity, records.rule_tags(r), r.title("zh" if zh else "en")))
    common.out_console.print(table)
    common.tell(None, "cli.rules_legend.sources")


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="A rule id such as CN-HOURS-001.")],
    pack: Annotated[str | None, typer.Option("--pack", help="Look in this pack (cn, us, uk or a file).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one rule: what it checks, why, its parameters and its citations."""
    from rich.table import Table

    from .. import records

    found = [(p, r) for p in _packs(pack) for r in p.rules if r.id == rule_id.upper()]
    if not found:
        raise InputError(f"no rule {rule_id!r} (see `harasslog rules list`)")
    p, r = found[0]
    if as_json:
        common.print_json(records.rule_record(p, r))
        return
    zh = common.lang() == "zh"
    lang = "zh" if zh else "en"
    table = Table(show_header=False, box=None)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    _row(table, t(lang, "cli.rule_show.id"), f"{r.id} ({p.id} {p.version})")
    kind = (
        f"{r.kind} / {common.term(None, 'categories', r.category)} / {common.term(None, 'severities', r.severity)}"
        + ("" if r.status == "stable" else f" / {r.status}")
    )
    _row(table, t(lang, "cli.rule_show.kind"), kind + (f" / tier {r.tier}" if r.tier != "finding" else ""))
    _row(table, t(lang, "cli.rule_show.title"), r.title_zh if zh else r.title_en)
    _row(table, t(lang, "cli.rule_show.why"), r.explanation_zh if zh else r.explanation_en)
    if r.params:
        _row(
            table, t(lang, "cli.rule_show.params"), ", ".join(f"{k}={v}" for k, v in r.params.items() if k != "notices")
        )
    for c in r.citations:
        only = f"\n({'仅适用于' if zh else 'only on'}: {', '.join(c.channels)})" if c.channels else ""
        _row(table, f"[{c.tag}]", f"{c.instrument}, {c.article}" + (f"\n{c.url}" if c.url else "") + only)
    for text_lang, pats in r.patterns.items():
        _row(table, t(lang, "cli.rule_show.patterns", language=text_lang), "\n".join(pats))
    for text_lang, pats in r.consequences.items():
        within = t(lang, "cli.rule_show.within", within=r.params.get("within"))
        _row(table, t(lang, "cli.rule_show.consequences", language=text_lang), within + "\n" + "\n".join(pats))
    _row(table, t(lang, "cli.rule_show.examples"), str(len(r.examples)))
    common.out_console.print(table, markup=False, highlight=False)


def _row(table: Table, *cells: str) -> None:
    common.add_row(table, *cells)


@rules_app.command("test")
def rules_test(path: Annotated[Path, typer.Argument(help="A rule pack (.toml) to validate and test.")]) -> None:
    """Validate a rule pack and run every example it carries: exit 1 if one fails, 2 if the pack is invalid."""
    from ..rules import engine
    from ..rules.loader import load_pack

    pack = load_pack(path)
    failures = 0
    total = 0
    for rule in pack.rules:
        for n, example in enumerate(rule.examples, 1):
            total += 1
            problem = engine.check_example(pack, rule, example)
            if problem is not None:
                failures += 1
                common.out(
                    common.words(
                        None, "cli.rule_test.fail", rule=rule.id, n=n, expect=example["expect"], problem=problem
                    )
                )
    counts = {"pack": pack.id, "version": pack.version, "rules": len(pack.rules), "total": total, "failed": failures}
    common.out(common.words(None, "cli.rule_test.summary", **counts))
    if failures:
        raise typer.Exit(1)
