"""Records for scripts: every `--json` shape of the command line, in one place (DESIGN.md's fields).

Pure functions from the domain's objects to plain dicts; the CLI prints them with json.dumps
(which escapes control characters), so the text in them stays exact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import tzinfo
from typing import Any

from .models import Event, Match, Request, ReviewItem
from .normalize import local_iso

RECORD_FIELDS = (
    "id",
    "channel",
    "direction",
    "number",
    "number_raw",
    "party",
    "at",
    "duration_s",
    "status",
    "text",
    "import_id",
    "hash",
    "source",
    "at_precision",
    "withdrawn",
    "caller",
)


def event_record(event: Event, tz: tzinfo) -> dict[str, Any]:
    """An event as `list --json` prints it: `at` in ISO 8601 with the borrower's offset."""
    return {
        "id": event.id,
        "channel": event.channel,
        "direction": event.direction,
        "number": event.number,
        "number_raw": event.number_raw,
        "party": event.party,
        "at": local_iso(event.at, tz),
        "duration_s": event.duration_s,
        "status": event.status,
        "text": event.text,
        "import_id": event.import_id,
        "hash": event.hash,
        # How it entered the store, how precise `at` is (a "day" has no time of day: `at` is that
        # day's 00:00), and the reason it was withdrawn (null while it stands).
        "source": event.source,
        "at_precision": event.at_precision,
        "withdrawn": event.withdrawn,
        # A caller without a number: "withheld", "unknown" or "payphone" (number is then null).
        "caller": event.caller,
    }


IMPORT_SOURCE_FIELDS = ("file_name", "sha256", "size", "format", "importer_version", "started")


def import_source_record(import_row: dict[str, Any] | None) -> dict[str, Any] | None:
    """Where an imported event came from: the file, its SHA-256 and the importer that read it."""
    if import_row is None:
        return None
    return {key: import_row[key] for key in IMPORT_SOURCE_FIELDS}


def show_record(
    event: Event,
    row: dict[str, Any],
    tz: tzinfo,
    *,
    source: dict[str, Any] | None,
    attachments: list[dict[str, Any]],
    findings: list[str],
    to_review: list[str] | None = None,
) -> dict[str, Any]:
    """`show --json`: the list fields, then the stored row's provenance, attachments and findings.

    `import` is the file an imported event came from (name, SHA-256, importer), else null;
    `to_review` the rule ids of the last analysis's items to review on it (not findings)."""
    record = event_record(event, tz)
    record.update(
        tz_offset_min=row["tz_offset_min"],
        source_ref=row["source_ref"],
        note=event.note,
        recorded_at=row["recorded_at"],
        prev_hash=row["prev_hash"],
        **{"import": source},
        raw=json.loads(row["raw"]) if row["raw"] else None,
        attachments=attachments,
        findings=findings,
        to_review=to_review or [],
    )
    return record


def withdrawal_record(event_id: int, reason: str, recorded_utc: str, head: str | None, tz: tzinfo) -> dict[str, Any]:
    """`withdraw --json`: which event, why, when, and the chain head that now records it."""
    return {"id": event_id, "withdrawn": reason, "recorded_at": local_iso(recorded_utc, tz), "head": head}


REQUEST_FIELDS = ("id", "kind", "party", "from", "until", "channel", "event_id", "note")


def request_record(request: Request, tz: tzinfo) -> dict[str, Any]:
    """`request list --json`: dates in ISO 8601 with the borrower's offset."""
    return {
        "id": request.id,
        "kind": request.kind,
        "party": request.party,
        "from": local_iso(request.start, tz),
        "until": local_iso(request.end, tz) if request.end else None,
        "channel": request.channel,
        "event_id": request.event_id,
        "note": request.note,
    }


def verify_record(report: Any, store_path: str, *, checked: bool = False) -> dict[str, Any]:
    """`verify --json` for the store; `head` is the chain head hash that `--head` checks.

    With a head to check (`--head`, `--manifest`) it also says which head was checked and how many
    entries came after it."""
    record = {
        "ok": report.ok,
        "store": store_path,
        "entries": report.entries,
        "head": report.head,
        "attachments": report.attachments_checked,
        "problems": report.problems,
    }
    if checked:
        record["checked_head"] = report.checked_head
        record["entries_after_checked_head"] = report.entries_after_head
    return record


def bundle_verify_record(bundle: str, problems: list[str]) -> dict[str, Any]:
    """`verify --bundle --json`."""
    return {"ok": not problems, "bundle": bundle, "problems": problems}


def scan_record(text: str, matches: Iterable[Match], review: Iterable[ReviewItem] = ()) -> dict[str, Any]:
    """One `scan --json` line: the text exactly as given, its categories and the matched spans (the
    findings tier), and `review`: what a person should look at beyond them (the review tier)."""
    from .rules.engine import match_record
    from .rules.wording import unchecked

    found = list(matches)
    not_read = unchecked(text)
    return {
        "text": text,
        "categories": sorted({m.category for m in found}),
        "matches": [match_record(m) for m in found],
        "review": [review_item_record(i) for i in review],
        "unchecked": None if not_read is None else {"start": not_read[0], "end": not_read[1]},
    }


def review_item_record(item: ReviewItem) -> dict[str, Any]:
    """A review item as `scan --json` prints it (DESIGN.md: category, score, text, start, end, why)."""
    return {
        "category": item.category,
        "score": item.score,
        "text": item.text,
        "start": item.start,
        "end": item.end,
        "why": item.why,
    }


def rule_head(pack: Any, rule: Any) -> dict[str, Any]:
    """The fields `rules list --json` and `rules show --json` share."""
    return {
        "pack": pack.id,
        "version": pack.version,
        "id": rule.id,
        "kind": rule.kind,
        "category": rule.category,
        "severity": rule.severity,
        "status": rule.status,
        "tier": rule.tier,  # "finding", or "review": raises items for a person to accept, never findings
    }


def rule_tags(rule: Any) -> str:
    """How firm a rule's sources are: V verified, S secondary, U unverified (in that order)."""
    return "".join(sorted({c.tag for c in rule.citations}, key="VSU".index))


def rule_list_record(pack: Any, rule: Any, lang: str) -> dict[str, Any]:
    """One rule of `rules list --json`."""
    return {**rule_head(pack, rule), "title": rule.title(lang), "tags": rule_tags(rule)}


def rule_record(pack: Any, rule: Any) -> dict[str, Any]:
    """`rules show --json`: the whole rule, both languages."""
    return {
        **rule_head(pack, rule),
        "title_zh": rule.title_zh,
        "title_en": rule.title_en,
        "explanation_zh": rule.explanation_zh,
        "explanation_en": rule.explanation_en,
        "params": rule.params,
        "citations": [
            {"instrument": c.instrument, "article": c.article, "tag": c.tag, "url": c.url} for c in rule.citations
        ],
        "patterns": {k: list(v) for k, v in rule.patterns.items()},
        "exceptions": {k: list(v) for k, v in rule.exceptions.items()},
        "consequences": {k: list(v) for k, v in rule.consequences.items()},
        "conditions": {k: list(v) for k, v in rule.conditions.items()},
        "examples": len(rule.examples),
    }
