"""The step between the store and the analysis for events read from screenshots (issue 16.3).

OCR can misread a character, and one character can turn a reminder into a threat. So, before the
engine runs, an OCR event's text is the person's correction when there is one (`harasslog ocr
correct`); and after it runs, a wording finding that rests on OCR text no person has confirmed or
corrected is moved to the review tier: a dossier states it only once someone has looked at the
screenshot. Conduct findings (times, counts) are left as the engine made them. Pure.

    events, unchecked = review.prepare(events, store.ocr_corrections.latest())
    findings = review.hold_for_review(engine.analyze(events, ...), unchecked)

or, streaming a store (analysis.run_analysis): `review.read(rows, corrections, unchecked)` before
the engine and `review.hold(finding, unchecked)` on each finding it gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any, TypeVar

from ..models import Event, Finding

E = TypeVar("E", bound=Any)  # an Event, or a row of the store read for the analysis (models.EventRow)


def is_ocr(event: Any) -> bool:
    return bool(event.source.startswith("ocr:"))


def prepare(events: Iterable[Event], corrections: dict[int, dict[str, Any]]) -> tuple[list[Event], set[int]]:
    """The events as the analysis should read them (a corrected text in place of the OCR text) and
    the ids of OCR events no person has checked yet."""
    unchecked: set[int] = set()
    return list(read(events, corrections, unchecked)), unchecked


def read(events: Iterable[E], corrections: dict[int, dict[str, Any]], unchecked: set[int]) -> Iterator[E]:
    """`prepare` one event at a time, for a stream: each event as the analysis should read it; the
    ids of OCR events no person has checked are added to `unchecked` as they pass."""
    for event in events:
        if is_ocr(event):
            correction = corrections.get(event.id)
            if correction is None:
                unchecked.add(event.id)
            elif correction["text"] != event.text:
                text = correction["text"]
                event = event._replace(text=text) if hasattr(event, "_replace") else replace(event, text=text)
        yield event


def hold_for_review(findings: Iterable[Finding], unchecked: set[int]) -> list[Finding]:
    """Wording findings (they carry matched spans) on any unchecked OCR event go to the review tier."""
    if not unchecked:
        return list(findings)
    return [hold(f, unchecked) for f in findings]


def hold(finding: Finding, unchecked: set[int]) -> Finding:
    """`hold_for_review` of one finding, for a stream: a wording finding's events have all passed
    `read` when the engine gives it, so `unchecked` already holds them."""
    if unchecked and finding.tier == "finding" and finding.matches and unchecked.intersection(finding.event_ids):
        return replace(finding, tier="review")
    return finding
