"""Deadlines that follow from the findings: when a claim or a complaint step runs out.

Pure: findings, events and today's date in, dated entries out. The periods and their confidence tags
come from shared/reference (rules-us-uk.md §1-4, rules-china.md §3); they are not legal advice, and
each entry says what it is counted from.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .models import Event, Finding


@dataclass(frozen=True)
class Deadline:
    kind: str  # fdcpa, tcpa, fos_final_response, fos_refer, nfra_decision
    label: str
    counted_from: str  # ISO date
    basis: str  # what the start date is
    deadline: str  # ISO date
    days_left: int
    citation: str
    tag: str  # V / S / U, as in the reference
    rule_ids: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rule_ids": list(self.rule_ids)}


def _add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _entry(
    kind: str,
    label: str,
    start: date,
    end: date,
    today: date,
    basis: str,
    citation: str,
    tag: str,
    rule_ids: tuple[str, ...] = (),
) -> Deadline:
    return Deadline(kind, label, start.isoformat(), basis, end.isoformat(), (end - today).days, citation, tag, rule_ids)


def compute(
    jurisdiction: str, findings: list[Finding], events: list[Event], tz: ZoneInfo, today: date
) -> list[Deadline]:
    """The deadlines for the store's jurisdiction, soonest first."""
    if jurisdiction == "us":
        out = _us(findings, events, tz, today)
    elif jurisdiction == "uk":
        out = _uk(findings, tz, today)
    else:
        out = [
            _entry(
                "nfra_decision",
                "Institution's decision (if you complain today)",
                today,
                today + timedelta(days=15),
                today,
                "complaint received today",
                "银行业保险业消费投诉处理管理办法 (deadline article number unverified)",
                "S",
            )
        ]
    return sorted(out, key=lambda d: (d.deadline, d.kind))


# A TCPA ground is recorded by the person who logged the call, as a tag in its note
# (`harasslog note ID "#prerecorded"`): the store has no field for it, and a guess is no record.
TCPA_TAGS = {"#prerecorded": "prerecorded", "#robocall": "prerecorded", "#autodialer": "autodialer", "#dnc": "dnc"}
_TCPA_TAG = re.compile(r"(?<!\w)#(prerecorded|robocall|autodialer|dnc)(?!\w)", re.IGNORECASE)


def tcpa_ground(note: str | None) -> str | None:
    """The TCPA ground a note records (`prerecorded`, `autodialer`, `dnc`), or None."""
    match = _TCPA_TAG.search(note or "")
    return TCPA_TAGS[f"#{match.group(1).lower()}"] if match else None


def _us(findings: list[Finding], events: list[Event], tz: ZoneInfo, today: date) -> list[Deadline]:
    out: list[Deadline] = []
    # FDCPA: one year from each violation, no discovery rule (15 USC 1692k(d); Rotkiske 2019).
    for f in findings:
        start = f.start.astimezone(tz).date()
        out.append(
            _entry(
                "fdcpa",
                "FDCPA suit",
                start,
                _add_years(start, 1),
                today,
                f"{f.rule_id} on {start.isoformat()}",
                "15 USC 1692k(d)",
                "V",
                (f.rule_id,),
            )
        )
    # TCPA: four years from each call (28 USC 1658(a)), only for calls whose note records a TCPA
    # ground (prerecorded voice, autodialer, do-not-call): a flagged call alone is no TCPA claim.
    marked = sorted(
        (e.at.astimezone(tz).date(), e.id)
        for e in events
        if e.channel in ("call", "sms", "mms") and e.withdrawn is None and tcpa_ground(e.note)
    )
    if marked:
        start, event_id = marked[0]
        out.append(
            _entry(
                "tcpa",
                "TCPA suit (robocalls, prerecorded voice)",
                start,
                _add_years(start, 4),
                today,
                f"first call marked with a TCPA ground (#{event_id})",
                "28 USC 1658(a)",
                "S",
                (),
            )
        )
    return out


def _uk(findings: list[Finding], tz: ZoneInfo, today: date) -> list[Deadline]:
    out = [
        _entry(
            "fos_final_response",
            "Firm's final response (if you complain today)",
            today,
            today + timedelta(weeks=8),
            today,
            "complaint sent today",
            "DISP 1.6.2R",
            "V",
        )
    ]
    if findings:
        first = min(f.start for f in findings).astimezone(tz).date()
        out.append(
            _entry(
                "fos_refer",
                "Ombudsman outer limit (six years from the events)",
                first,
                _add_years(first, 6),
                today,
                "earliest finding",
                "DISP 2.8.2R",
                "S",
            )
        )
    return out
