"""Running an analysis on a store: pick the pack, evaluate the events, save the run.

The glue between the store and the pure engine, shared by `harasslog analyze` and the demo.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from .models import EventRow, Finding, Request
from .normalize import parse_range
from .ocr import review as ocr_review
from .rules import engine
from .rules.loader import RulePack, load_pack
from .rules.runs import FindingRun as FindingRun  # patterns told as patterns, for the dossiers
from .rules.runs import group_findings as group_findings
from .rules.wording import MAX_CHECKED

if TYPE_CHECKING:
    from .store import Store
    from .store.runs import Runs


@dataclass(frozen=True)
class AnalysisRun:
    """A saved run. Its findings are read back from the store when first asked for: the analysis
    wrote them there as it found them and holds none (a million events give ~100,000)."""

    run_id: int
    pack: RulePack
    events: int
    notes: list[str]  # what could not be checked (a message too long to read)
    findings_count: int  # the findings tier
    review_count: int  # the review tier
    runs: Runs = field(repr=False, compare=False)

    @cached_property
    def findings(self) -> list[Finding]:
        """The findings tier: what a dossier may state (read from the store, which must be open)."""
        return self.runs.findings(self.run_id)

    @cached_property
    def review(self) -> list[Finding]:
        """The review tier: for a person to accept or reject."""
        return self.runs.review_items(self.run_id)


def run_analysis(
    store: Store, *, rules: str | None = None, since: str | None = None, until: str | None = None, lang: str = "en"
) -> AnalysisRun:
    """Analyze the store's events (optionally within a period, read by normalize.parse_range) and save the run.

    The events stream from the store in time order, one row at a time (memory follows the rules'
    windows and the findings, not the store's size)."""
    pack = load_pack(rules or store.jurisdiction)
    tz = store.tz
    period = parse_range(since, until, tz)
    requests = store.requests.list()
    # Screenshots: a person's corrections replace OCR text; wording on unchecked OCR text goes to review.
    unchecked: set[int] = set()
    rows = ocr_review.read(
        store.events.for_analysis(period.since, period.until), store.ocr_corrections.latest(), unchecked
    )
    seen = _Tally(lang)
    found = engine.analyze_stream(
        seen.count(rows),
        requests,
        pack,
        tz=tz,
        lang=lang,
        who=store.events.recipients(),
        agreed_at=_agreed_at(store, requests, period.since, period.until),
    )
    with store.runs.staging() as staged:
        for key, finding in found:  # to the store as they come, sorted there
            staged.add(key, ocr_review.hold(finding, unchecked))
        with store.transaction():
            run_id = store.runs.save(
                pack_id=pack.id,
                pack_version=pack.version,
                params={
                    "rules": rules or store.jurisdiction,
                    "source": pack.source,
                    "since": since,
                    "until": until,
                    "events": seen.events,
                    "lang": lang,
                    "review_items": staged.counts["review"],
                },
                findings=staged,
            )
    counts = staged.counts
    return AnalysisRun(run_id, pack, seen.events, seen.notes, counts["finding"], counts["review"], store.runs)


class _Tally:
    """What the run reports of the events it read: how many, and which were too long to read in full."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.events = 0
        self.notes: list[str] = []

    def count(self, rows: Iterable[EventRow]) -> Iterator[EventRow]:
        for row in rows:
            self.events += 1
            if row.text is not None and len(row.text) > MAX_CHECKED:  # the note's own test, first
                note = engine.unchecked_note(row, self.lang)
                if note is not None:
                    self.notes.append(note)
            yield row


def _agreed_at(
    store: Store, requests: list[Request], since: datetime | None, until: datetime | None
) -> dict[int, datetime]:
    """When each contact a request was agreed in happened, among the events analyzed (a request binds
    from that contact); read before the stream, which reaches them only in time order."""
    wanted = {r.event_id for r in requests if r.event_id is not None}
    if not wanted:
        return {}
    found = store.events.select(since=since, until=until, ids=wanted)
    return {e.id: e.at for e in found if e.withdrawn is None}
