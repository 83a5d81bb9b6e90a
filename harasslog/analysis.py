"""Running an analysis on a store: pick the pack, evaluate the events, save the run.

The glue between the store and the pure engine, shared by `harasslog analyze` and the demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .models import Finding
from .normalize import parse_range
from .ocr import review as ocr_review
from .rules import engine
from .rules.loader import RulePack, load_pack
from .rules.runs import FindingRun as FindingRun  # patterns told as patterns, for the dossiers
from .rules.runs import group_findings as group_findings

if TYPE_CHECKING:
    from .store import Store


@dataclass(frozen=True)
class AnalysisRun:
    run_id: int
    pack: RulePack
    events: int
    findings: list[Finding]  # the findings tier: what a dossier may state
    notes: list[str] = field(default_factory=list)  # what could not be checked (a message too long to read)
    review: list[Finding] = field(default_factory=list)  # the review tier: for a person to accept or reject


def run_analysis(
    store: Store, *, rules: str | None = None, since: str | None = None, until: str | None = None, lang: str = "en"
) -> AnalysisRun:
    """Analyze the store's events (optionally within a period, read by normalize.parse_range) and save the run."""
    pack = load_pack(rules or store.jurisdiction)
    tz = store.tz
    period = parse_range(since, until, tz)
    events = [e for e in store.events.select(since=period.since, until=period.until) if e.withdrawn is None]
    # Screenshots: a person's corrections replace OCR text; wording on unchecked OCR text goes to review.
    events, unchecked = ocr_review.prepare(events, store.ocr_corrections.latest())
    both = engine.analyze(events, store.requests.list(), pack, tz=tz, lang=lang, who=store.events.recipients())
    both = ocr_review.hold_for_review(both, unchecked)
    findings = [f for f in both if f.tier == "finding"]
    review = [f for f in both if f.tier == "review"]
    with store.transaction():
        run_id = store.runs.save(
            pack_id=pack.id,
            pack_version=pack.version,
            params={
                "rules": rules or store.jurisdiction,
                "source": pack.source,
                "since": since,
                "until": until,
                "events": len(events),
                "lang": lang,
                "review_items": len(review),
            },
            findings=both,
        )
    return AnalysisRun(run_id, pack, len(events), findings, engine.unchecked_notes(events, lang), review)
