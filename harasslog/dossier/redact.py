"""Redaction: one pass over a built context, field by field, before any template sees it.

Third parties' numbers are masked (institutions' short codes and gateways stay: they are what a
complaint is about), parties that may be people (kind unknown) become [A], [B]..., and their
names are replaced inside free text too; runs of digits in free text (phone, ID and account
numbers) are masked; the borrower's ID number is dropped.
"""

from __future__ import annotations

import re
from typing import Any

from .. import textsafe
from .collect import CaseData
from .common import INSTITUTIONAL_KINDS, dedupe
from .exhibits import describe
from .findings import join_names


class Redactor:
    def __init__(self, data: CaseData) -> None:
        self._kind = {n["number"]: n.get("kind") or "unknown" for n in data.numbers}
        self._pseudonyms = pseudonyms(data)
        self._party_names = {p["name"] for p in data.parties} | {e.party for e in data.events if e.party}
        longest_first = sorted(self._pseudonyms, key=len, reverse=True)
        self._names = re.compile("|".join(map(re.escape, longest_first))) if longest_first else None

    def number(self, number: str | None) -> str | None:
        if not number or self._kind.get(number) in INSTITUTIONAL_KINDS:
            return number
        return textsafe.mask_number(number)

    def name(self, name: str | None) -> str | None:
        return None if name is None else self._pseudonyms.get(name, name)

    def text(self, text: str | None) -> str | None:
        if not text:
            return text
        if self._names is not None:
            text = self._names.sub(lambda m: self._pseudonyms[m.group(0)], text)
        return textsafe.mask_digits_in_text(text)

    # ------------------------------------------------------------ the context, section by section

    def apply(self, ctx: dict[str, Any]) -> dict[str, Any]:
        """A redacted copy of the sections built by `context` (derived keys are added after this)."""
        rows = [self._row(r) for r in ctx["events"]]
        by_id = {r["id"]: r for r in rows}
        exhibits = [self._exhibit(x, by_id) for x in ctx["exhibits"]]
        by_no = {x["no"]: x for x in exhibits}
        rows = [{**r, "attachments": [by_no[a["no"]] for a in r["attachments"]]} for r in rows]
        by_id = {r["id"]: r for r in rows}
        log = [
            by_id.get(r["id"])
            or {**self._row(r), "attachments": [by_no[a["no"]] for a in r["attachments"] if a["no"] in by_no]}
            for r in ctx["log"]
        ]
        return {
            **ctx,
            "log": log,
            "profile": {**ctx["profile"], "id_number": None},
            "filters": {**ctx["filters"], "party": self.name(ctx["filters"].get("party"))},
            "events": rows,
            "exhibits": exhibits,
            "findings": [self._finding(f, by_id, ctx["lang"]) for f in ctx["findings"]],
            "numbers": [self._number_row(n, by_id) for n in ctx["numbers"]],
            "parties": [
                {
                    **p,
                    "name": self.name(p["name"]),
                    "creditor": self.name(p["creditor"]),
                    "numbers": [self.number(n) for n in p["numbers"]],
                }
                for p in ctx["parties"]
            ],
            "debts": [
                {**d, "creditor": self.name(d["creditor"]), "account": self.text(d["account"])} for d in ctx["debts"]
            ],
            "requests": [{**r, "party": self.name(r["party"]), "note": self.text(r["note"])} for r in ctx["requests"]],
            "us": self._us(ctx["us"]),
        }

    def _us(self, us: dict[str, Any]) -> dict[str, Any]:
        """The US counts name collectors by party or, without one, by number: both masked like the log."""

        def who(value: str) -> str:
            return (self.name(value) or "") if value in self._party_names else (self.number(value) or "")

        return {
            **us,
            "per_day": [{**r, "collector": who(r["collector"])} for r in us["per_day"]],
            "per_week": [{**r, "collector": who(r["collector"])} for r in us["per_week"]],
            "after_stop": [{**r, "party": self.name(r["party"])} for r in us["after_stop"]],
            "tcpa": {**us["tcpa"], "calls": [{**c, "collector": who(c["collector"])} for c in us["tcpa"]["calls"]]},
        }

    def _row(self, row: dict[str, Any]) -> dict[str, Any]:
        return {
            **row,
            "number": self.number(row["number"]) or "",
            "number_raw": self.number(row["number_raw"]) or "",
            "party": self.name(row["party"]) or "",
            "text": self.text(row["text"]),
            "segments": self._segments(row["text"], row["segments"]),
            "note": self.text(row["note"]),
            "withdrawn_label": self.text(row["withdrawn_label"]),
            # A file's name can hold a name or a number too; what OCR read and a person corrected is text.
            "sources": [
                {**src, "label": self.text(src["label"]), "file": self.text(src["file"])}
                for src in row.get("sources", [])
            ],
            "ocr": self._ocr(row.get("ocr")),
        }

    def _ocr(self, shot: dict[str, Any] | None) -> dict[str, Any] | None:
        if shot is None:
            return None
        checked = shot.get("checked")
        if checked is not None:
            checked = {**checked, **{k: self.text(checked[k]) for k in ("text", "ocr_text", "reason")}}
        return {**shot, "ocr_text": self.text(shot.get("ocr_text")), "checked": checked}

    def _segments(self, text: str | None, pieces: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each piece redacted; if a name or number spans a highlight's edge, the text loses its highlights."""
        whole = self.text(text)
        redacted = [{**p, "text": self.text(p["text"])} for p in pieces]
        if "".join(p["text"] for p in redacted) != (whole or ""):
            return [{"text": whole, "hit": False}] if whole else []
        return redacted

    def _exhibit(self, x: dict[str, Any], rows: dict[int, dict[str, Any]]) -> dict[str, Any]:
        record = rows.get(x["event_id"]) if x.get("event_id") is not None else None
        if x["kind"] == "event":
            return {**x, "description": describe(rows[x["event_id"]]), "record": record}
        records = [rows[r["id"]] for r in x.get("records", []) if r["id"] in rows]
        return {
            **x,
            "description": self.text(x["description"]),
            "name": self.text(x["name"]),
            "record": record,
            "records": records,
        }

    def _finding(self, f: dict[str, Any], rows: dict[int, dict[str, Any]], lang: str) -> dict[str, Any]:
        events = [rows[r["id"]] for r in f["events"]]
        parties = dedupe(r["party"] for r in events if r["party"])
        return {
            **f,
            "title": self.text(f["title"]),
            "plain_title": self.text(f["plain_title"]),
            "explanation": self.text(f["explanation"]),
            "events": events,
            "parties": parties,
            "party": join_names(parties, lang),
            "numbers": dedupe(r["number"] for r in events if r["number"]),
            "quotes": [{**q, "text": self.text(q["text"])} for q in f["quotes"]],
            "review_note": self.text(f["review_note"]),
        }

    def _number_row(self, n: dict[str, Any], rows: dict[int, dict[str, Any]]) -> dict[str, Any]:
        return {
            **n,
            "number": self.number(n["number"]),
            "party": self.name(n["party"]) or "",
            "messages": [rows[r["id"]] for r in n["messages"]],
            "call_times": [rows[r["id"]] for r in n["call_times"]],
        }


def pseudonyms(data: CaseData) -> dict[str, str]:
    """Parties that may be people (kind unknown) become [A], [B]..., as does a filter naming one."""
    kind = {p["name"]: p.get("kind") or "unknown" for p in data.parties}
    names = sorted({e.party for e in data.events if e.party and kind.get(e.party, "unknown") == "unknown"})
    names += sorted(p["name"] for p in data.parties if p.get("kind") == "unknown" and p["name"] not in names)
    chosen = data.filters.get("party")
    if chosen and kind.get(chosen, "unknown") == "unknown" and chosen not in names:
        names.append(chosen)
    return {name: f"[{_letters(i)}]" for i, name in enumerate(names)}


def _letters(n: int) -> str:
    """0 → A, 25 → Z, 26 → AA, like spreadsheet columns."""
    letters = ""
    while True:
        letters = chr(ord("A") + n % 26) + letters
        n = n // 26 - 1
        if n < 0:
            return letters
