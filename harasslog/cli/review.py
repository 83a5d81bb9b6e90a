"""`harasslog review`: the person who signs decides on every finding.

On a terminal it walks the flagged findings worst first, then the items to review (what the wording
check raised as uncertain: score, words and why), likeliest first, with the exact words and the
rule; accepting an item to review makes it a finding in dossiers (labelled as such), rejecting it
leaves it out; each
answer is a ledger entry at once (a review stopped half way keeps what was decided). For scripts:
`review list|accept|reject|relabel|add`. A decision names its finding by rule id and event ids
(its key, shown by `review list`), so it still applies after the findings are analyzed again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InputError
from . import common

if TYPE_CHECKING:
    from ..dossier import reviewing
    from ..store import Store
else:  # loaded on first use (start-up time of every command)
    reviewing = common.lazy_module("harasslog.dossier.reviewing")

review_app = typer.Typer(
    help="Review the findings: accept, reject with a reason, re-label, or add one the rules missed.",
    invoke_without_command=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the decision as JSON on stdout.")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="Why (kept in the ledger with the decision).")]
RefArg = Annotated[str, typer.Argument(help="The finding: its number in `review list`, or its key.")]


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")


def _open() -> tuple[Store, Any, list[reviewing.Item]]:
    """The store with current findings, the pack of its last run, and the review list."""
    from .reporting import _current

    store = _current(common.open_store())
    common.require_profile(store)
    run = store.runs.last()
    rules = ((run or {}).get("params") or {}).get("rules") or (run or {}).get("pack_id") or store.jurisdiction
    from ..rules.loader import load_pack

    pack = load_pack(rules)
    items = reviewing.queue(store.runs.findings(), store.reviews.list(), store.runs.review_items()) if run else []
    return store, pack, items


def _item(store: Store, items: list[reviewing.Item], ref: str) -> reviewing.Item:
    if store.runs.last() is None:
        raise InputError(common.words(store, "cli.review.not_analyzed"))
    item = reviewing.find(items, ref)
    if item is None:
        raise InputError(common.words(store, "cli.review.no_such", ref=ref))
    return item


def _category(store: Store, pack: Any, category: str) -> str:
    known = reviewing.categories(pack)
    if category not in known:
        raise InputError(common.words(store, "cli.review.bad_category", category=category, known=", ".join(known)))
    return category


def _decide(
    store: Store, pack: Any, item: reviewing.Item, decision: str, reason: str | None, category: str | None = None
) -> dict[str, Any]:
    citations, severity = reviewing.pack_category(pack, category) if category else ([], None)
    with store.transaction():
        review_id = store.reviews.add(
            key=item.key,
            rule_id=item.finding.rule_id,
            event_ids=item.finding.event_ids,
            decision=decision,
            category=category,
            reason=reason,
            citations=citations,
            severity=severity,
        )
    return _record(store, review_id)


def _record(store: Store, review_id: int) -> dict[str, Any]:
    found = next(r for r in store.reviews.list() if r["id"] == review_id)
    return {k: found[k] for k in ("id", "finding_key", "decision", "rule_id", "event_ids", "category", "reason")} | {
        "citations": found["citations"],
        "decided_at": found["decided_at"],
    }


def _done(store: Store, record: dict[str, Any], as_json: bool) -> None:
    if as_json:
        common.print_json(record)
    else:
        common.tell(store, f"cli.review.{record['decision']}", finding=record["finding_key"], id=record["id"])


# ---------------------------------------------------------------- the commands


@review_app.callback()
def review(ctx: typer.Context) -> None:
    """Walk the flagged findings worst first (on a terminal), or use a subcommand in scripts."""
    if ctx.invoked_subcommand is not None:
        return
    store, pack, items = _open()
    if store.runs.last() is None:
        raise InputError(common.words(store, "cli.review.not_analyzed"))
    walk(store, pack, items)


@review_app.command("list")
def review_list(as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False) -> None:
    """The last run's findings worst first, then its items to review, with their number, key and the
    decision that counts (tier: "finding", or "review" with its score)."""
    store, _pack, items = _open()
    rows = [
        {
            "no": i.no,
            "key": i.key,
            "rule_id": i.finding.rule_id,
            "category": i.finding.category,
            "severity": i.finding.severity,
            "event_ids": list(i.finding.event_ids),
            "review": i.status,
            "explanation": i.finding.explanation,
            "tier": i.finding.tier,
            "score": i.finding.score,
        }
        for i in items
    ]
    if as_json:
        common.print_json(rows)
        return
    for i in items:
        f = i.finding
        status = _status(store, i.status, f.tier)
        score = f"  {f.score:.2f}" if f.score is not None else ""
        from rich.cells import cell_len

        pad = " " * max(0, 10 - cell_len(status))  # Chinese characters are two columns wide
        severity = common.term(store, "severities", f.severity)
        common.out(f"{i.no:>3}  {status}{pad}  {severity:<8}{score}  {i.key}  {f.explanation}")


def _status(store: Store, decision: str, tier: str) -> str:
    """The decision as `review list` shows it; an undecided review item is "to review"."""
    if tier == "review" and decision == "unreviewed":
        return common.words(store, "cli.list.to_review")
    return common.term(store, "cli.review_status", decision)


@review_app.command("accept")
def review_accept(ref: RefArg, reason: ReasonOpt = None, as_json: JsonOpt = False) -> None:
    """Accept a finding (the dossier states it as reviewed), or an item to review (it becomes a finding,
    labelled as raised for review and accepted by you)."""
    store, pack, items = _open()
    _done(store, _decide(store, pack, _item(store, items, ref), "accept", reason), as_json)


@review_app.command("reject")
def review_reject(
    ref: RefArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the finding is wrong (required).")],
    as_json: JsonOpt = False,
) -> None:
    """Reject a finding or an item to review with a reason: dossiers leave it out (the ledger keeps the decision)."""
    store, pack, items = _open()
    if not reason.strip():
        raise InputError(common.words(store, "cli.review.reason_needed"))
    _done(store, _decide(store, pack, _item(store, items, ref), "reject", reason), as_json)


@review_app.command("relabel")
def review_relabel(
    ref: RefArg,
    category: Annotated[str, typer.Option("--category", help="Another category of the rule pack.")],
    reason: ReasonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Give a finding another category of the pack (with that category's citations)."""
    store, pack, items = _open()
    item = _item(store, items, ref)
    _done(store, _decide(store, pack, item, "relabel", reason, _category(store, pack, category)), as_json)


@review_app.command("add")
def review_add(
    event_id: Annotated[int, typer.Argument(help="The event the rules missed.")],
    category: Annotated[str, typer.Option("--category", help="A category of the rule pack.")],
    note: Annotated[str | None, typer.Option("--note", help="What the rules missed, in your words.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Flag an event the rules missed; dossiers label it as added by you, with the pack's citations."""
    store, pack, _items = _open()
    chosen = _category(store, pack, category)
    store.events.get(event_id)  # an unknown id: one clear line, exit 2
    from ..store.reviews import ADDED_RULE, added_key

    citations, severity = reviewing.pack_category(pack, chosen)
    with store.transaction():
        review_id = store.reviews.add(
            key=added_key(chosen, event_id),
            rule_id=ADDED_RULE,
            event_ids=[event_id],
            decision="add",
            category=chosen,
            reason=note,
            citations=citations,
            severity=severity,
        )
    _done(store, _record(store, review_id), as_json)


# ---------------------------------------------------------------- the interactive walk


def walk(store: Store, pack: Any, items: list[reviewing.Item]) -> None:
    """Ask about each unreviewed finding, worst first; every answer is recorded at once."""
    todo = [i for i in items if i.status == "unreviewed"]
    common.tell(store, "cli.review.start", todo=len(todo), total=len(items))
    events = {e.id: e for e in store.events.select()}
    for item in todo:
        _show(store, item, events)
        while True:
            try:
                answer = typer.prompt(common.words(store, "cli.review.prompt"), default="s", show_default=False)
            except typer.Abort:
                common.tell(store, "cli.review.stopped")
                return
            action, arg = reviewing.parse_answer(answer)
            if action == "quit":
                common.tell(store, "cli.review.stopped")
                return
            if action == "skip":
                break
            if action == "accept":
                _decide(store, pack, item, "accept", arg or None)
                break
            if action == "reject" and arg:
                _decide(store, pack, item, "reject", arg)
                break
            if action == "relabel" and arg in reviewing.categories(pack):
                _decide(store, pack, item, "relabel", None, arg)
                break
            common.tell(store, "cli.review.help", categories=", ".join(reviewing.categories(pack)))
    common.tell(store, "cli.review.finished")


def _show(store: Store, item: reviewing.Item, events: dict[int, Any]) -> None:
    f = item.finding
    common.out("")
    if f.tier == "review":  # uncertain: say so, and how likely, before anything else
        score = f"{f.score:.2f}" if f.score is not None else "?"
        common.out(common.words(store, "cli.review.to_review", score=score))
    severity, category = common.term(store, "severities", f.severity), common.term(store, "categories", f.category)
    common.out(f"#{item.no}  [{severity}]  {f.rule_id}  {category}  ({item.key})")
    common.out(f.explanation)
    for m in f.matches:
        common.out(common.words(store, "cli.review.words", text=m.text))
    for eid in f.event_ids[:10]:
        e = events.get(eid)
        if e is not None:
            from ..normalize import local_iso

            channel = common.term(store, "channels", e.channel)
            common.out(f"  {eid}: {local_iso(e.at, store.tz)} {channel} {e.number or e.number_raw or ''}")
    if len(f.event_ids) > 10:
        common.out(f"  … +{len(f.event_ids) - 10}")
