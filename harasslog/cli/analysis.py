"""Commands that check the evidence against rule packs: analyze, scan, rules list|show|test."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from .. import normalize
from ..analysis import run_analysis
from ..errors import InputError
from ..models import SEVERITIES
from ..rules import engine
from ..rules.loader import BUILTIN_PACKS, RulePack, load_pack
from ..rules.wording import matcher_for
from . import common

rules_app = typer.Typer(help="The rule packs: list rules, show one, test your own pack.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]
SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
    app.command("scan")(scan)
    app.add_typer(rules_app, name="rules")


def _group_label(group: str) -> str:
    return group.removeprefix("number:") if group else "?"


# ---------------------------------------------------------------- analyze


def analyze(
    rules: Annotated[
        str | None, typer.Option("--rules", help="Rule pack: cn, us, uk or a .toml file. Default: your jurisdiction.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only events from this time (inclusive).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only events before this time.")] = None,
    as_json: JsonOpt = False,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help=f"Exit 1 if any finding is this severe or worse: {', '.join(SEVERITIES)}."),
    ] = None,
) -> None:
    """Check every recorded contact against a rule pack; save the findings as the latest run."""
    if fail_on is not None and fail_on not in SEVERITIES:
        raise InputError(f"--fail-on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
    store = common.open_store()
    common.require_profile(store)
    tz = store.tz
    lang = common.lang(store)
    run = run_analysis(store, rules=rules, since=since, until=until, lang=lang)
    run_id, pack, findings = run.run_id, run.pack, run.findings
    if as_json:
        common.print_json([engine.finding_record(f, tz) for f in findings])
    else:
        _print_summary(findings, tz, lang == "zh")
    common.say(
        store,
        f"run {run_id}: {len(findings)} finding(s) from {run.events} event(s), pack {pack.id} {pack.version}",
        f"第 {run_id} 次分析：{run.events} 条记录，发现 {len(findings)} 项问题（规则包 {pack.id} {pack.version}）",
    )
    if fail_on is not None and any(engine.severity_rank(f.severity) >= engine.severity_rank(fail_on) for f in findings):
        raise typer.Exit(1)


def _print_summary(findings: list, tz: Any, zh: bool) -> None:
    if not findings:
        common.out_console.print("没有发现问题。" if zh else "No findings.")
        return
    rows: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"severity": "info", "findings": 0, "events": set(), "first": None, "last": None}
    )
    for f in findings:
        row = rows[(f.category, f.group)]
        if engine.severity_rank(f.severity) > engine.severity_rank(row["severity"]):
            row["severity"] = f.severity
        row["findings"] += 1
        row["events"].update(f.event_ids)
        row["first"] = min(row["first"] or f.start, f.start)
        row["last"] = max(row["last"] or f.end, f.end)
    table = Table(title="按类别和催收方汇总" if zh else "Findings by category and collector")
    for en, cn in (
        ("severity", "严重程度"),
        ("category", "类别"),
        ("collector", "催收方"),
        ("findings", "问题数"),
        ("events", "记录数"),
        ("dates", "日期"),
    ):
        table.add_column(
            cn if zh else en, no_wrap=en != "collector", overflow="fold", min_width=14 if en == "collector" else None
        )
    ordered = sorted(rows.items(), key=lambda kv: (-engine.severity_rank(kv[1]["severity"]), -kv[1]["findings"]))
    for (category, group), row in ordered:
        label = engine.CATEGORY_LABELS.get(category, (category, category))[0] if zh else category
        first = normalize.local_iso(row["first"], tz)[:10]
        last = normalize.local_iso(row["last"], tz)[:10]
        dates = first if first == last else f"{first}…{last[5:] if first[:4] == last[:4] else last}"
        # Cells are Text, never markup: collector names and quoted words are hostile input.
        table.add_row(
            Text(row["severity"], style=SEVERITY_STYLE[row["severity"]]),
            Text(label),
            Text(_group_label(group)),
            str(row["findings"]),
            str(len(row["events"])),
            dates,
        )
    common.out_console.print(table)
    detail = Table(title="问题明细（最严重的在前）" if zh else "Findings, worst first", show_lines=False)
    for en, cn in (("rule", "规则"), ("severity", "严重程度"), ("what happened", "情况"), ("events", "记录")):
        detail.add_column(cn if zh else en, no_wrap=en in ("rule", "severity"), overflow="fold")
    for f in sorted(findings, key=lambda f: (-engine.severity_rank(f.severity), f.start)):
        ids = ", ".join(str(i) for i in f.event_ids[:8]) + (" …" if len(f.event_ids) > 8 else "")
        detail.add_row(f.rule_id, Text(f.severity, style=SEVERITY_STYLE[f.severity]), Text(f.explanation), ids)
    common.out_console.print(detail)


# ---------------------------------------------------------------- scan


def _scan_packs(rules: str | None) -> list[RulePack]:
    """The packs `scan` uses: --rules, else CN for Chinese and the profile's English pack (us or uk)."""
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
    text_lang: Annotated[
        str | None, typer.Option("--lang", help="Language of the messages: zh or en (default: both).")
    ] = None,
    rules: Annotated[
        str | None, typer.Option("--rules", help="Use this pack's wording rules (cn, us, uk or a file).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per message: text, categories, matches.")
    ] = False,
) -> None:
    """Check message text for threatening, abusive or misleading wording, without storing anything."""
    if text_lang is not None and text_lang not in ("zh", "en"):
        raise InputError(f"--lang must be zh or en, not {text_lang!r}")
    matcher = matcher_for(_scan_packs(rules), (text_lang,) if text_lang else None)
    if text is None and sys.stdin.isatty():
        common.info("Paste messages, one per line, then press Ctrl-D / 每行粘贴一条短信，完成后按 Ctrl-D")
    messages = [text] if text is not None else (line.rstrip("\r\n") for line in sys.stdin)
    zh = common.lang() == "zh"
    for message in messages:
        if text is None and not message.strip():
            continue
        matches = matcher.scan(message)
        categories = sorted({m.category for m in matches})
        if as_json:
            common.print_json_line(
                {"text": message, "categories": categories, "matches": [engine.match_record(m) for m in matches]}
            )
            continue
        if not matches:
            common.out_console.print(("未发现问题：" if zh else "ok: ") + message, markup=False, highlight=False)
            continue
        common.out_console.print(("发现：" if zh else "flagged: ") + message, markup=False, highlight=False)
        for m in matches:
            label = engine.CATEGORY_LABELS[m.category][0 if zh else 1]
            common.out_console.print(
                f"  {m.rule_id} {label} [{m.start}:{m.end}] “{m.text}”", markup=False, highlight=False
            )


# ---------------------------------------------------------------- rules


def _packs(pack: str | None) -> list[RulePack]:
    return [load_pack(pack)] if pack else [load_pack(name) for name in BUILTIN_PACKS]


def _tags(rule: Any) -> str:
    return "".join(sorted({c.tag for c in rule.citations}, key="VSU".index))


@rules_app.command("list")
def rules_list(
    pack: Annotated[
        str | None, typer.Option("--pack", help="cn, us, uk or a .toml file (default: all shipped).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the rules: id, kind, category, severity and how firm their sources are (V/S/U)."""
    zh = common.lang() == "zh"
    packs = _packs(pack)
    if as_json:
        common.print_json(
            [
                {**_rule_head(p, r), "title": r.title("zh" if zh else "en"), "tags": _tags(r)}
                for p in packs
                for r in p.rules
            ]
        )
        return
    table = Table(title="规则" if zh else "Rules")
    for en, cn in (
        ("id", "编号"),
        ("category", "类别"),
        ("severity", "严重程度"),
        ("sources", "依据"),
        ("title", "标题"),
    ):
        table.add_column(cn if zh else en, no_wrap=en in ("id", "sources"), overflow="fold")
    for p in packs:
        for r in p.rules:
            table.add_row(*(Text(v) for v in (r.id, r.category, r.severity, _tags(r), r.title("zh" if zh else "en"))))
    common.out_console.print(table)
    common.info("sources: V verified primary text, S secondary reporting, U unverified")


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="A rule id such as CN-HOURS-001.")],
    pack: Annotated[str | None, typer.Option("--pack", help="Look in this pack (cn, us, uk or a file).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one rule: what it checks, why, its parameters and its citations."""
    found = [(p, r) for p in _packs(pack) for r in p.rules if r.id == rule_id.upper()]
    if not found:
        raise InputError(f"no rule {rule_id!r} (see `harasslog rules list`)")
    p, r = found[0]
    if as_json:
        common.print_json(
            {
                **_rule_head(p, r),
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "explanation_zh": r.explanation_zh,
                "explanation_en": r.explanation_en,
                "params": r.params,
                "citations": [
                    {"instrument": c.instrument, "article": c.article, "tag": c.tag, "url": c.url} for c in r.citations
                ],
                "patterns": {k: list(v) for k, v in r.patterns.items()},
                "exceptions": {k: list(v) for k, v in r.exceptions.items()},
                "consequences": {k: list(v) for k, v in r.consequences.items()},
                "conditions": {k: list(v) for k, v in r.conditions.items()},
                "examples": len(r.examples),
            }
        )
        return
    zh = common.lang() == "zh"
    table = Table(show_header=False, box=None)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    _row(table, "id", f"{r.id} ({p.id} {p.version})")
    _row(table, "kind", f"{r.kind} / {r.category} / {r.severity}" + ("" if r.status == "stable" else f" / {r.status}"))
    _row(table, "title", r.title_zh if zh else r.title_en)
    _row(table, "why", r.explanation_zh if zh else r.explanation_en)
    if r.params:
        _row(table, "params", ", ".join(f"{k}={v}" for k, v in r.params.items() if k != "notices"))
    for c in r.citations:
        _row(table, f"[{c.tag}]", f"{c.instrument}, {c.article}" + (f"\n{c.url}" if c.url else ""))
    for lang, pats in r.patterns.items():
        _row(table, f"patterns {lang}", "\n".join(pats))
    for lang, pats in r.consequences.items():
        within = r.params.get("within")
        _row(table, f"consequences {lang}", f"(within {within} characters of a condition)\n" + "\n".join(pats))
    _row(table, "examples", str(len(r.examples)))
    common.out_console.print(table, markup=False, highlight=False)


def _rule_head(p: RulePack, r: Any) -> dict[str, Any]:
    """The fields `rules list --json` and `rules show --json` share."""
    return {
        "pack": p.id,
        "version": p.version,
        "id": r.id,
        "kind": r.kind,
        "category": r.category,
        "severity": r.severity,
        "status": r.status,
    }


def _row(table: Table, *cells: str) -> None:
    table.add_row(*(Text(c) for c in cells))


@rules_app.command("test")
def rules_test(path: Annotated[Path, typer.Argument(help="A rule pack (.toml) to validate and test.")]) -> None:
    """Validate a rule pack and run every example it carries: exit 1 if one fails, 2 if the pack is invalid."""
    pack = load_pack(path)
    failures = 0
    total = 0
    for rule in pack.rules:
        for n, example in enumerate(rule.examples, 1):
            total += 1
            problem = engine.check_example(pack, rule, example)
            if problem is not None:
                failures += 1
                common.out_console.print(
                    f"FAIL {rule.id} example #{n} (expect {example['expect']}): {problem}",
                    markup=False,
                    highlight=False,
                )
    common.out_console.print(
        f"{pack.id} {pack.version}: {len(pack.rules)} rules, {total} examples, {failures} failed",
        markup=False,
        highlight=False,
    )
    if failures:
        raise typer.Exit(1)
