"""The context: one dict holding everything any template shows, built section by section.

Pure: the data was read by `collect` (attachments included); nothing here reads a file or the
store, and the clock is read only when `now` is not given.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from .. import __version__, anchor, deadlines
from ..models import Event, Finding
from . import binder, cfpb, exhibits, findings, parties, patterns, provenance, reviewing, timeline
from .collect import CaseData
from .common import local
from .redact import Redactor


def build_context(
    data: CaseData,
    *,
    lang: str,
    strings: dict[str, Any],
    redact: bool = False,
    now: datetime | None = None,
    target: str = "html",
    bates_prefix: str = binder.DEFAULT_PREFIX,
    bates_start: int = 1,
) -> dict[str, Any]:
    """Every section, redacted once when asked, then what is derived from the sections."""
    tz = ZoneInfo(data.profile.get("tz") or "UTC")
    now = (now or datetime.now(UTC)).astimezone(tz)
    t = strings
    # Withdrawn events (entry mistakes) appear in the full log only: never counted, never a finding.
    live = [e for e in data.events if e.withdrawn is None]
    gone = [e for e in data.events if e.withdrawn is not None]
    gone_ids = {e.id for e in gone}
    current = [f for f in data.findings if not gone_ids.intersection(f.event_ids)]
    raised = [f for f in data.review_items if not gone_ids.intersection(f.event_ids)]
    applied = reviewing.apply(current, data.reviews, live, raised)
    shown = applied.shown
    shown_findings = [r.finding for r in shown]
    worst_first = findings.ordered(shown_findings)
    finding_no, findings_of_event = findings.by_event(worst_first)
    log = timeline.event_rows(
        data.events,
        shown_findings,
        findings_of_event,
        finding_no,
        t=t,
        tz=tz,
        imports=data.imports,
        corroborations=data.corroborations,
    )
    log, exhibit_list = exhibits.build(log, data.attachments, data.images, data.ocr, t=t, tz=tz)
    rows = [r for r in log if r["withdrawn"] is None]
    events_by_id = {r["id"]: r for r in rows}
    exhibit_of_event = {r["id"]: r["exhibit"] for r in rows if r["exhibit"]}
    number_kind = {n["number"]: n.get("kind") or "unknown" for n in data.numbers}
    built = findings.build(worst_first, finding_no, events_by_id, exhibit_of_event, t=t, tz=tz, lang=lang)
    status = {finding_no[i]: shown[i] for i, _ in worst_first}
    for f in built:
        decided = status[f["no"]]
        f["review"] = decided.status
        # An accepted review item says so: raised as uncertain by the tool, accepted by a person, when.
        f["review_label"] = t["review"]["status"][decided.status] % {"date": _decision_date(decided.decided_at, tz)}
        f["review_note"] = decided.note
        f["added"] = decided.status == "added"
        f["from_review"] = decided.status.endswith("_review")
    sections: dict[str, Any] = {
        **_cover(data, t, tz, now, lang=lang, redact=redact, target=target),
        "bates_prefix": bates_prefix,
        "bates_start": bates_start,
        "us": binder.us_counts(live, data.requests, tz),
        "parties": parties.parties(data.parties, t, {e.party for e in live if e.party}),
        "numbers": parties.numbers(rows, live, number_kind),
        "debts": parties.debts(data.debts),
        "requests": parties.requests(data.requests, t, tz),
        "findings": built,
        "events": rows,  # the timeline (withdrawn events left out)
        "log": log,  # the full log appendix: every event, withdrawn ones marked with their reason
        "exhibits": exhibit_list,
        "provenance": provenance.statements(live, gone, data.imports, t),
        "review": {
            "findings": len(current),
            "reviewed": applied.reviewed,
            "rejected": applied.rejected,
            "added": sum(1 for r in shown if r.status == "added"),
            # The review tier: raised as uncertain, how many a person accepted, how many were not.
            "raised": applied.raised,
            "accepted_review": applied.accepted_review,
            "not_accepted": applied.raised - applied.accepted_review,
        },
        **_deadlines(data, shown_findings, tz, now),
    }
    if redact:
        sections = Redactor(data).apply(sections)
    out = _derived(sections, data, live, t, tz)
    out["facts"] = patterns.facts(
        out["findings"], [f for _, f in worst_first], list(zip(data.requests, out["requests"], strict=True)), t, tz
    )
    return out


def _decision_date(decided_at: str | None, tz: ZoneInfo) -> str:
    """The local date of a decision (UTC ISO in the store); "" when there is none."""
    if not decided_at:
        return ""
    return local(datetime.fromisoformat(decided_at.replace("Z", "+00:00")), tz, "%Y-%m-%d")


def _cover(
    data: CaseData, t: dict[str, Any], tz: ZoneInfo, now: datetime, *, lang: str, redact: bool, target: str
) -> dict[str, Any]:
    """Who, when, what was selected, with which tool and rule pack: the binder's first page."""
    profile = data.profile
    run = data.run
    return {
        "lang": lang,
        "t": t,
        "target": target,
        "tool": {"name": "harasslog", "version": __version__},
        "generated_at": now.strftime("%Y-%m-%d %H:%M"),
        "today": now.date().isoformat(),
        "tz": str(tz),
        "redact": redact,
        "jurisdiction": profile.get("jurisdiction") or "cn",
        "profile": {
            "name": profile.get("name"),
            "phone": profile.get("phone"),
            "id_number": profile.get("id_number"),
            "region": profile.get("region"),
            "tz": str(tz),
        },
        "filters": dict(data.filters),
        "filtered": any(data.filters.get(k) for k in ("since", "until", "party")),
        "run": {
            "pack_id": run["pack_id"],
            "pack_version": run["pack_version"],
            "at": local(datetime.fromisoformat(run["started"].replace("Z", "+00:00")), tz, "%Y-%m-%d %H:%M"),
        }
        if run
        else None,
        "chain_head": data.chain_head,
        "time_anchors": anchor.anchor_view(data.anchors, lang),
    }


def _deadlines(data: CaseData, shown: list[Finding], tz: ZoneInfo, now: datetime) -> dict[str, Any]:
    """The dates the letters quote, from `deadlines.compute` for each jurisdiction's rules."""
    today = now.date()

    def first(jurisdiction: str, kind: str) -> deadlines.Deadline | None:
        entries = deadlines.compute(jurisdiction, shown, data.events, tz, today)
        return min((d for d in entries if d.kind == kind), key=lambda d: d.deadline, default=None)

    nfra, fos, fdcpa = first("cn", "nfra_decision"), first("uk", "fos_final_response"), first("us", "fdcpa")
    return {
        "deadlines": {
            "nfra_reply": nfra.deadline if nfra else None,
            "fos_reply": fos.deadline if fos else None,
            "first_finding": fdcpa.counted_from if fdcpa else None,
            "fdcpa_earliest": fdcpa.deadline if fdcpa else None,
        }
    }


def _derived(ctx: dict[str, Any], data: CaseData, live: list[Event], t: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """What follows from the (redacted) sections: groupings, counts, charts, the CFPB form."""
    rows = ctx["events"]
    counts = Counter(e.channel for e in live)
    texts = counts.get("sms", 0) + counts.get("mms", 0)
    first = rows[0]["time"] if rows else None
    last = rows[-1]["time"] if rows else None
    out = {
        **ctx,
        # Only parties the evidence links to a contact are named as complained about; none: a blank.
        "institutions": [p for p in ctx["parties"] if p["kind"] == "creditor" and p["linked"]],
        "agencies": [p for p in ctx["parties"] if p["kind"] in ("agency", "law_firm", "unknown") and p["linked"]],
        "attachments": [x for x in ctx["exhibits"] if x["kind"] == "attachment"],
        "counts": {
            "total": len(rows),
            "in_store": data.total_events,
            "calls": counts.get("call", 0),
            "sms": texts,
            "other": len(rows) - counts.get("call", 0) - texts,
            "flagged": sum(1 for r in rows if r["flagged"]),
            "numbers": len(ctx["numbers"]),
            "findings": len(ctx["findings"]),
            "attachments": len(data.attachments),
        },
        "first": first,
        "last": last,
        "first_date": first[:10] if first else None,
        "last_date": last[:10] if last else None,
        "category_summary": findings.category_summary(ctx["findings"], t),
        **timeline.build(rows, live, t, tz),
    }
    out["cfpb"] = cfpb.form(out, t)
    return out
