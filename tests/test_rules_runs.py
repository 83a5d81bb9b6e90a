"""Patterns told as patterns: group_findings turns daily findings of one rule into runs of days."""

from __future__ import annotations

import dataclasses
from datetime import date

from helpers_rules import SHANGHAI, Timeline, request

from harasslog.analysis import group_findings
from harasslog.rules.engine import analyze
from harasslog.rules.loader import load_pack

CN = load_pack("cn")


def pause_runs(tl: Timeline, agreed: int):
    pause = request("pause", "2026-10-30 00:00", SHANGHAI, end="2027-10-30 00:00", event_id=agreed)
    findings = [f for f in analyze(tl.events, [pause], CN, tz=SHANGHAI) if f.rule_id == "CN-REQ-001"]
    return findings, group_findings(findings, SHANGHAI)


def test_daily_breaches_of_a_pause_are_one_run_with_every_event() -> None:
    tl = Timeline(SHANGHAI)
    agreed = tl.call("2026-10-30 10:00", duration_s=300)
    calls = [tl.call(f"2026-11-{day:02d} 09:30") for day in range(1, 15)]  # every day 11-01..11-14
    findings, runs = pause_runs(tl, agreed)
    assert len(findings) == 14
    assert len(runs) == 1
    run = runs[0]
    assert (run.rule_id, run.category, run.group) == ("CN-REQ-001", "request_violation", "Acme")
    assert (run.first_day, run.last_day, run.days) == (date(2026, 11, 1), date(2026, 11, 14), 14)
    assert run.events == tuple(calls)
    assert run.findings == tuple(findings)


def test_a_missing_day_starts_a_new_run() -> None:
    tl = Timeline(SHANGHAI)
    agreed = tl.call("2026-10-30 10:00", duration_s=300)
    first = [tl.call("2026-11-01 09:30"), tl.call("2026-11-01 16:00"), tl.call("2026-11-02 09:30")]
    later = [tl.call("2026-11-04 09:30")]
    _, runs = pause_runs(tl, agreed)
    assert [(r.first_day.isoformat(), r.last_day.isoformat(), r.days, r.events) for r in runs] == [
        ("2026-11-01", "2026-11-02", 2, tuple(first)),
        ("2026-11-04", "2026-11-04", 1, tuple(later)),
    ]


def test_days_are_the_borrowers_local_days() -> None:
    """23:30 and 00:30 Shanghai time are consecutive local days, though one UTC day."""
    tl = Timeline(SHANGHAI)
    agreed = tl.call("2026-10-30 10:00", duration_s=300)
    tl.call("2026-11-01 07:30")  # 2026-10-31 23:30 UTC
    tl.call("2026-11-02 07:30")
    _, runs = pause_runs(tl, agreed)
    assert [(r.first_day, r.days) for r in runs] == [(date(2026, 11, 1), 2)]


def test_different_rules_and_collectors_are_never_merged() -> None:
    tl = Timeline(SHANGHAI)
    for day in (1, 2):
        for hour in ("09:00", "10:00", "11:00", "12:00"):
            tl.call(f"2026-11-{day:02d} {hour}")
    other = Timeline(SHANGHAI, group="Other")
    other.call("2026-11-03 23:00")
    late = dataclasses.replace(other.events[0], id=100)
    findings = analyze([*tl.events, late], [], CN, tz=SHANGHAI)
    runs = group_findings(findings, SHANGHAI)
    keys = sorted((r.rule_id, r.group, r.days) for r in runs)
    assert ("CN-FREQ-001", "Acme", 2) in keys
    assert ("CN-HOURS-001", "Other", 1) in keys
    assert sum(len(r.findings) for r in runs) == len(findings)  # every finding in exactly one run


def test_no_findings_no_runs() -> None:
    assert group_findings([], SHANGHAI) == []
