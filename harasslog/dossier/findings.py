"""The findings section: findings worst first, numbered, with their events, quotes and citations."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from ..models import Finding
from ..normalize import TIME_OF_DAY_UNKNOWN
from ..vocab import severity_rank
from .common import dedupe, label, local


def ordered(findings: list[Finding]) -> list[tuple[int, Finding]]:
    """(index in `findings`, finding), worst first, then earliest."""
    return sorted(enumerate(findings), key=lambda p: (-severity_rank(p[1].severity), p[1].start, p[0]))


def by_event(worst_first: list[tuple[int, Finding]]) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Each finding's number in the dossier (by index), and each event's findings (indices, worst first)."""
    number: dict[int, int] = {}
    of_event: dict[int, list[int]] = defaultdict(list)
    for no, (index, finding) in enumerate(worst_first, start=1):
        number[index] = no
        for eid in finding.event_ids:
            of_event[eid].append(index)
    return number, dict(of_event)


def join_names(names: list[str], lang: str) -> str:
    return "、".join(names) if lang == "zh" else ", ".join(names)


def build(
    worst_first: list[tuple[int, Finding]],
    number: dict[int, int],
    events_by_id: dict[int, dict[str, Any]],
    exhibit_of_event: dict[int, str],
    *,
    t: dict[str, Any],
    tz: ZoneInfo,
    lang: str,
) -> list[dict[str, Any]]:
    out = []
    for index, finding in worst_first:
        rows = [events_by_id[eid] for eid in finding.event_ids if eid in events_by_id]
        parties = dedupe(r["party"] for r in rows if r["party"])
        # A finding on records known only by their day starts and ends at no time of day: say what
        # the record says (its day, "time not recorded"), not the midnight it is stored at.
        untimed = bool(rows) and all(r["at_precision"] in TIME_OF_DAY_UNKNOWN for r in rows)
        start = rows[0]["time"] if untimed else local(finding.start, tz, "%Y-%m-%d %H:%M")
        end = rows[-1]["time"] if untimed else local(finding.end, tz, "%Y-%m-%d %H:%M")
        out.append(
            {
                "no": number[index],
                "rule_id": finding.rule_id,
                "category": finding.category,
                "category_label": label(t["categories"], finding.category),
                "severity": finding.severity,
                "severity_label": label(t["severities"], finding.severity),
                "title": finding.title or label(t["categories"], finding.category),
                # For a filing: the title without the tool's own markers ("(soft flag)", "（软标记）").
                "plain_title": _TOOL_MARKERS.sub("", finding.title or label(t["categories"], finding.category)),
                "explanation": finding.explanation,
                "start": start,
                "end": end,
                "start_date": local(finding.start, tz, "%Y-%m-%d"),
                "events": rows,
                "event_count": len(finding.event_ids),
                "parties": parties,
                "party": join_names(parties, lang),
                "numbers": dedupe(r["number"] for r in rows if r["number"]),
                "exhibits": [exhibit_of_event[r["id"]] for r in rows if r["id"] in exhibit_of_event],
                "quotes": [
                    {"text": m.text, "event": owner["time"] if owner else ""} for m, owner in _quotes(finding, rows)
                ],
                "citations": [_citation(c, t) for c in finding.citations],
            }
        )
    return out


_TOOL_MARKERS = re.compile(r"\s*[(（]\s*(soft flag|软标记)\s*[)）]", re.IGNORECASE)


def _citation(c: Any, t: dict[str, Any]) -> dict[str, Any]:
    return {
        "instrument": c.instrument,
        "article": c.article,
        "tag": c.tag,
        "tag_label": t.get(f"tag_{c.tag}", c.tag),
        # A link only when it is http(s): a rule pack's `javascript:` URL is shown as nothing.
        "url": c.url if c.url.startswith(("https://", "http://")) else "",
        "text": f"{c.instrument} {c.article}".strip(),
    }


def _quotes(finding: Finding, rows: list[dict[str, Any]]) -> list[tuple[Any, dict[str, Any] | None]]:
    """Pair each wording match with the event whose text holds it (the first such event)."""
    return [(m, next((r for r in rows if (r["text"] or "").find(m.text) >= 0), None)) for m in finding.matches]


def category_summary(findings: list[dict[str, Any]], t: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"category": c, "label": label(t["categories"], c), "count": n}
        for c, n in Counter(f["category"] for f in findings).most_common()
    ]
