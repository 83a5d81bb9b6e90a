"""The signer's decisions applied to the findings: rejected ones leave, re-labelled ones change
category, findings a person added join (labelled as such, with the pack's own citations).

Review items (the review tier: what the wording check raised as uncertain) join only once a person
accepted (or re-labelled) them, labelled as raised for review and accepted on the decision's date;
unaccepted ones never appear and are never counted as findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..models import Citation, Event, Finding
from ..store.reviews import ADDED_RULE, finding_key


@dataclass(frozen=True)
class Reviewed:
    finding: Finding
    # "accepted", "unreviewed", "relabelled" or "added"; for review items a person accepted,
    # "accepted_review" or "relabelled_review"
    status: str
    note: str | None = None
    decided_at: str | None = None  # UTC ISO time of the decision that counts (None: unreviewed)


@dataclass(frozen=True)
class Applied:
    """What a dossier shows, and the counts its review sentence states."""

    shown: list[Reviewed]
    reviewed: int  # of the run's findings, how many a person decided on
    rejected: int  # of the run's findings, how many were rejected (left out)
    raised: int  # review items the check raised (in the period shown)
    accepted_review: int  # of those, how many a person accepted (shown as findings, labelled)


def latest(reviews: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The decision that counts for each finding key: the last one recorded."""
    out: dict[str, dict[str, Any]] = {}
    for r in reviews:
        out[r["finding_key"]] = r
    return out


def apply(
    findings: list[Finding],
    reviews: list[dict[str, Any]],
    events: list[Event],
    review_items: list[Finding] | None = None,
) -> Applied:
    """The findings a dossier shows (decisions applied), with the counts of what was decided."""
    decisions = latest(reviews)
    out: list[Reviewed] = []
    reviewed = rejected = 0
    for f in findings:
        d = decisions.get(finding_key(f.rule_id, f.event_ids))
        if d is None:
            out.append(Reviewed(f, "unreviewed"))
            continue
        reviewed += 1
        if d["decision"] == "reject":
            rejected += 1
            continue
        out.append(_decided(f, d, ""))
    accepted_review = 0
    for f in review_items or []:
        d = decisions.get(finding_key(f.rule_id, f.event_ids))
        if d is None or d["decision"] not in ("accept", "relabel"):
            continue  # never in a dossier until a person accepts it
        accepted_review += 1
        out.append(_decided(replace(f, tier="finding"), d, "_review"))
    by_id = {e.id: e for e in events}
    for d in decisions.values():
        if d["decision"] != "add" or not d["rule_id"].startswith(ADDED_RULE):
            continue
        own = [by_id[i] for i in d["event_ids"] if i in by_id]
        if not own:
            continue  # outside the period selected, or withdrawn
        out.append(Reviewed(_added(d, own), "added", d.get("reason"), d.get("decided_at")))
    return Applied(out, reviewed, rejected, len(review_items or []), accepted_review)


def _decided(f: Finding, d: dict[str, Any], suffix: str) -> Reviewed:
    """A finding as a person decided it: accepted, or re-labelled with the new category's citations."""
    if d["decision"] == "relabel" and d.get("category"):
        cites = _citations(d) or f.citations
        relabelled = replace(f, category=d["category"], title="", citations=cites)
        return Reviewed(relabelled, "relabelled" + suffix, d["reason"], d.get("decided_at"))
    return Reviewed(f, "accepted" + suffix, d.get("reason"), d.get("decided_at"))


def _citations(d: dict[str, Any]) -> tuple[Citation, ...]:
    return tuple(Citation(**c) for c in d.get("citations") or [])


def _added(d: dict[str, Any], own: list[Event]) -> Finding:
    start: datetime = min(e.at for e in own)
    end: datetime = max(e.at for e in own)
    return Finding(
        rule_id=ADDED_RULE,
        category=d["category"],
        severity=d.get("severity") or "medium",
        event_ids=tuple(e.id for e in own),
        start=start,
        end=end,
        explanation=d.get("reason") or "",
        citations=_citations(d),
    )


# ---------------------------------------------------------------- what `harasslog review` walks


@dataclass(frozen=True)
class Item:
    no: int  # its number in this run's review list (worst first)
    key: str  # the stable key decisions are recorded under
    finding: Finding
    status: str  # "unreviewed", "accept", "reject" or "relabel": the decision that counts


def queue(findings: list[Finding], reviews: list[dict[str, Any]], review_items: Sequence[Finding] = ()) -> list[Item]:
    """The run's findings worst first, then earliest; then its review items, likeliest first (score),
    then earliest; each with its key and current decision."""
    from .findings import ordered

    decisions = latest(reviews)
    to_review = sorted(review_items, key=lambda f: (-(f.score or 0.0), f.start, f.rule_id))
    items = []
    for no, f in enumerate([f for _, f in ordered(findings)] + to_review, start=1):
        key = finding_key(f.rule_id, f.event_ids)
        d = decisions.get(key)
        items.append(Item(no, key, f, d["decision"] if d else "unreviewed"))
    return items


def find(items: list[Item], ref: str) -> Item | None:
    """A finding by its number in the review list or by its key (RULE-ID:event,ids)."""
    ref = ref.strip()
    for item in items:
        if ref == item.key or (ref.isdigit() and int(ref) == item.no):
            return item
    return None


def pack_category(pack: Any, category: str) -> tuple[list[dict[str, Any]], str]:
    """(the citations the pack gives for this category, its most severe rule's severity); never
    an invented citation: a category no rule of the pack has is refused by the caller."""
    from dataclasses import asdict

    from ..vocab import severity_rank

    rules = [r for r in pack.rules if r.category == category and r.status != "removed"]
    citations: list[dict[str, Any]] = []
    for r in rules:
        for c in r.citations:
            if asdict(c) not in citations:
                citations.append(asdict(c))
    severity = max((r.severity for r in rules), key=severity_rank, default="medium")
    return citations, severity


def categories(pack: Any) -> list[str]:
    """The categories a person may choose: those the pack has rules for, in pack order."""
    seen: dict[str, None] = {}
    for r in pack.rules:
        if r.status != "removed":
            seen.setdefault(r.category, None)
    return list(seen)


def parse_answer(text: str) -> tuple[str, str]:
    """An answer at the review prompt: a (accept), r REASON (reject), l CATEGORY (re-label),
    s (skip), q (quit). Returns (action, argument); ("?", "") when it is none of these."""
    word, _, rest = text.strip().partition(" ")
    action = {"a": "accept", "r": "reject", "l": "relabel", "s": "skip", "q": "quit"}.get(word.lower(), "?")
    return action, rest.strip()
