"""The parties section: who called (parties, numbers), what is owed (debts), what was asked (requests)."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from ..models import Event, Request
from .common import label, local


def parties(data_parties: list[dict[str, Any]], t: dict[str, Any], linked: set[str]) -> list[dict[str, Any]]:
    """Every party, each marked `linked` when the evidence ties it to a contact: an event linked to
    it (directly or through its number), or to an agency it is the creditor of. Only linked parties
    may be named as the party complained about."""
    hired_by = {p.get("creditor") for p in data_parties if p["name"] in linked and p.get("creditor")}
    return [
        {
            "linked": p["name"] in linked or p["name"] in hired_by,
            "name": p["name"],
            "kind": p.get("kind") or "unknown",
            "kind_label": t["kinds"].get(p.get("kind") or "unknown", p.get("kind")),
            "creditor": p.get("creditor"),
            "numbers": list(p.get("numbers", [])),
            "events": p.get("events", 0),
        }
        for p in data_parties
    ]


def numbers(rows: list[dict[str, Any]], events: list[Event], number_kind: dict[str, str]) -> list[dict[str, Any]]:
    """Per incoming number: counts, first and last contact, and every message from it (for 12321)."""
    grouped: dict[str, list[tuple[Event, dict[str, Any]]]] = defaultdict(list)
    for e, row in zip(events, rows, strict=True):
        # A caller without a number is keyed by its kind as shown ("withheld number"), never the raw marker ("-2").
        key = e.number or (row["number"] if e.caller else e.number_raw)
        if key and e.direction == "in":
            grouped[key].append((e, row))
    out = []
    for key, pairs in grouped.items():
        kinds = Counter(e.channel for e, _ in pairs)
        texts = kinds.get("sms", 0) + kinds.get("mms", 0)
        out.append(
            {
                "number": key,
                "kind": number_kind.get(key, "unknown"),
                "party": pairs[0][0].party or "",
                "calls": kinds.get("call", 0),
                "sms": texts,
                "other": len(pairs) - kinds.get("call", 0) - texts,
                "total": len(pairs),
                "flagged": sum(1 for _, r in pairs if r["flagged"]),
                "first": pairs[0][1]["time"],
                "last": pairs[-1][1]["time"],
                "messages": [r for e, r in pairs if e.channel in ("sms", "mms") and e.text is not None],
                "call_times": [r for e, r in pairs if e.channel == "call"],
            }
        )
    out.sort(key=lambda n: (-n["total"], n["number"] or ""))
    return out


def debts(data_debts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "creditor": d.get("creditor"),
            "account": d.get("account_ref"),
            "amount": " ".join(x for x in (d.get("amount"), d.get("currency")) if x),
            "due": d.get("due_date"),
        }
        for d in data_debts
    ]


def requests(data_requests: list[Request], t: dict[str, Any], tz: ZoneInfo) -> list[dict[str, Any]]:
    return [
        {
            "kind": r.kind,
            "label": label(t["lawyer"]["request_kinds"], r.kind),
            "party": r.party or "",
            "start": local(r.start, tz, "%Y-%m-%d %H:%M"),
            "end": local(r.end, tz, "%Y-%m-%d %H:%M") if r.end else None,
            "channel": label(t["channels"], r.channel) if r.channel else None,
            "event_id": r.event_id,
            "note": r.note,
        }
        for r in data_requests
    ]
