"""Exhibits: every flagged event and every attachment, in time order, numbered EX-001..."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def describe(row: dict[str, Any]) -> str:
    """An event exhibit's one-line description: its channel and number."""
    return f"{row['channel_label']} {row['number']}".strip()


def build(
    rows: list[dict[str, Any]], attachments: list[dict[str, Any]], images: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(event rows with their exhibit number and attachments filled in, every exhibit in order)."""
    by_event: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for a in attachments:
        by_event[a.get("event_id")].append(a)
    exhibits: list[dict[str, Any]] = []

    def number() -> str:
        return f"EX-{len(exhibits) + 1:03d}"

    out_rows = []
    for row in rows:
        exhibit = None
        if row["flagged"]:
            exhibit = number()
            exhibits.append(
                {
                    "no": exhibit,
                    "kind": "event",
                    "anchor": row["anchor"],
                    "time": row["time"],
                    "description": describe(row),
                    "sha256": row["hash"],
                    "source": row.get("source_label", ""),
                    "size": None,
                    "name": None,
                    "event_id": row["id"],
                    "purpose": row["category_labels"],  # what the exhibit is offered to show: its findings
                    "record": row,
                }
            )
        own = []
        for a in by_event.get(row["id"], []):
            own.append(
                {
                    **_attachment(a, number(), row["time"], images),
                    "source": row.get("source_label", ""),
                    "purpose": row["category_labels"],
                    "record": row,
                }
            )
            exhibits.append(own[-1])
        out_rows.append({**row, "exhibit": exhibit, "attachments": own})
    for a in by_event.get(None, []):
        exhibits.append(_attachment(a, number(), None, images))
    return out_rows, exhibits


def _attachment(a: dict[str, Any], number: str, time: str | None, images: dict[str, str]) -> dict[str, Any]:
    return {
        "no": number,
        "kind": "attachment",
        "anchor": f"att-{a['id']}",
        "time": time,
        "description": a.get("name") or "",
        "name": a.get("name") or "",
        "mime": a.get("mime") or "",  # as declared: shown as text, never used to draw
        "sha256": a["sha256"],
        "source": "",
        "size": a.get("size"),
        "event_id": a.get("event_id"),
        "inline": images.get(a["sha256"]),  # plain text: autoescape quotes it in the src attribute
        "purpose": [],
        "record": None,
    }
