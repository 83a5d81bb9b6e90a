"""The signer's decisions applied to the findings: rejected ones leave, re-labelled ones change
category, findings a person added join (labelled as such, with the pack's own citations)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..models import Citation, Event, Finding
from ..store.reviews import ADDED_RULE, finding_key


@dataclass(frozen=True)
class Reviewed:
    finding: Finding
    status: str  # "accepted", "unreviewed", "relabelled" or "added"
    note: str | None = None


def latest(reviews: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The decision that counts for each finding key: the last one recorded."""
    out: dict[str, dict[str, Any]] = {}
    for r in reviews:
        out[r["finding_key"]] = r
    return out


def apply(findings: list[Finding], reviews: list[dict[str, Any]], events: list[Event]) -> tuple[list[Reviewed], int]:
    """(the findings a dossier shows, how many of the run's findings a person reviewed)."""
    decisions = latest(reviews)
    out: list[Reviewed] = []
    reviewed = 0
    for f in findings:
        d = decisions.get(finding_key(f.rule_id, f.event_ids))
        if d is None:
            out.append(Reviewed(f, "unreviewed"))
            continue
        reviewed += 1
        if d["decision"] == "reject":
            continue
        if d["decision"] == "relabel" and d.get("category"):
            cites = _citations(d) or f.citations
            out.append(
                Reviewed(replace(f, category=d["category"], title="", citations=cites), "relabelled", d["reason"])
            )
        else:
            out.append(Reviewed(f, "accepted", d.get("reason")))
    by_id = {e.id: e for e in events}
    for d in decisions.values():
        if d["decision"] != "add" or not d["rule_id"].startswith(ADDED_RULE):
            continue
        own = [by_id[i] for i in d["event_ids"] if i in by_id]
        if not own:
            continue  # outside the period selected, or withdrawn
        out.append(Reviewed(_added(d, own), "added", d.get("reason")))
    return out, reviewed


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
