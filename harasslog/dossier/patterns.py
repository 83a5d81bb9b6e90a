"""Patterns told as patterns: one rule's findings on consecutive days read as one fact.

The runs come from rules.runs.group_findings (one rule and collector group on consecutive local
days); the individual events stay in the evidence list, only the telling of the facts changes.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from ..models import Finding, Request
from ..rules.runs import FindingRun, group_findings
from ..vocab import severity_rank
from .common import dedupe, label, local


def worst_first(runs: list[FindingRun]) -> list[FindingRun]:
    """The complaint tells the gravest pattern first, then the earliest."""
    return sorted(runs, key=lambda r: (-max(severity_rank(f.severity) for f in r.findings), r.first_day))


def facts(
    built: list[dict[str, Any]],
    shown: list[Finding],
    requests: list[tuple[Request, dict[str, Any]]],
    t: dict[str, Any],
    tz: ZoneInfo,
) -> list[dict[str, Any]]:
    """The complaint's facts: a run of several findings as one item, a lone finding as itself.

    `built` are the findings section's dicts in the same order as `shown` (worst first);
    `requests` pairs each request with its (redacted) section dict, whose words are shown."""
    of = {id(f): b for f, b in zip(shown, built, strict=True)}
    items = []
    for run in worst_first(group_findings(shown, tz)):
        members = [of[id(f)] for f in run.findings]
        head = min(members, key=lambda b: b["no"])
        agreement = _agreement(run, requests, t, tz) if run.category == "request_violation" else None
        if len(members) == 1:
            items.append({"pattern": False, "finding": head, "agreement": agreement, "no": head["no"]})
            continue
        items.append(
            {
                "pattern": True,
                "no": head["no"],
                "finding": head,
                "nos": sorted(b["no"] for b in members),
                "first": run.first_day.isoformat(),
                "last": run.last_day.isoformat(),
                "days": run.days,
                "daily": run.days == len({f.start.astimezone(tz).date() for f in run.findings}),
                "event_count": len(run.events),
                "party": head["party"],
                "numbers": dedupe(n for b in members for n in b["numbers"]),
                "exhibits": dedupe(x for b in members for x in b["exhibits"]),
                "reviews": dedupe(b["review_label"] for b in members),
                "agreement": agreement,
            }
        )
    return sorted(items, key=lambda i: i["no"])


def _agreement(
    run: FindingRun, requests: list[tuple[Request, dict[str, Any]]], t: dict[str, Any], tz: ZoneInfo
) -> str | None:
    """When, how and with whom the request at issue was made, from the requests on record."""
    f = run.findings[0]
    at_issue = [
        (r, shown)
        for r, shown in requests
        if r.start <= f.start and (r.end is None or f.start < r.end) and (not r.group or r.group == f.group)
    ]
    if not at_issue:
        return None
    r, shown = at_issue[-1]
    p = t["patterns"]
    return str(
        p["agreement"]
        % {
            "kind": label(t["lawyer"]["request_kinds"], r.kind),
            "party": shown.get("party") or p["unknown"],
            "start": local(r.start, tz, "%Y-%m-%d"),
            "end": local(r.end, tz, "%Y-%m-%d") if r.end else p["open_ended"],
            "proof": p["proof"] % {"event": r.event_id} if r.event_id is not None else p["no_proof"],
        }
    )
