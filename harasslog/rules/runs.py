"""Patterns told as patterns: findings of one rule on consecutive days, grouped into runs.

Pure: findings in, runs out. A dossier says "every day from 11-01 to 11-14, 14 calls during the
pause" once, and still lists each event as evidence (a run keeps its findings and event ids).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from ..models import Finding


@dataclass(frozen=True)
class FindingRun:
    """Findings of one rule, for one collector group, on consecutive local days (no day missing).

    `days` is the number of days from first_day to last_day inclusive (every one has a finding);
    `events` the distinct event ids of its findings, in the order they list them; `findings` in time order.
    """

    rule_id: str
    category: str
    first_day: date
    last_day: date
    days: int
    events: tuple[int, ...]
    findings: tuple[Finding, ...]
    group: str = ""


def group_findings(findings: list[Finding], tz: tzinfo) -> list[FindingRun]:
    """Runs of consecutive days per (rule, group), in the borrower's zone; ordered by first day, then
    rule id. A finding that spans days (a seven-day count) covers each of them; a lone day is a run
    of one, so every finding is in exactly one run."""
    by_key: dict[tuple[str, str], list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.start, f.end, f.event_ids)):
        by_key.setdefault((f.rule_id, f.group), []).append(f)
    runs: list[FindingRun] = []
    for (rule_id, group), items in by_key.items():
        current: list[Finding] = []
        first = last = date.min
        for f in items:
            start, end = f.start.astimezone(tz).date(), f.end.astimezone(tz).date()
            if current and start.toordinal() <= last.toordinal() + 1:
                current.append(f)
                last = max(last, end)
                continue
            if current:
                runs.append(_run(rule_id, group, first, last, current))
            current, first, last = [f], start, end
        if current:
            runs.append(_run(rule_id, group, first, last, current))
    runs.sort(key=lambda r: (r.first_day, r.rule_id, r.group))
    return runs


def _run(rule_id: str, group: str, first: date, last: date, items: list[Finding]) -> FindingRun:
    events: list[int] = []
    seen: set[int] = set()
    for f in items:
        for i in f.event_ids:
            if i not in seen:
                seen.add(i)
                events.append(i)
    return FindingRun(
        rule_id=rule_id,
        category=items[0].category,
        first_day=first,
        last_day=last,
        days=(last - first).days + 1,
        events=tuple(events),
        findings=tuple(items),
        group=group,
    )
