"""Exhibits: every flagged event and every attachment, in time order, numbered EX-001..."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from ..normalize import from_utc_iso


def describe(row: dict[str, Any]) -> str:
    """An event exhibit's one-line description: its channel and number."""
    return f"{row['channel_label']} {row['number']}".strip()


def build(
    rows: list[dict[str, Any]],
    attachments: list[dict[str, Any]],
    images: dict[str, str],
    ocr: dict[int, dict[str, Any]] | None = None,
    *,
    t: dict[str, Any] | None = None,
    tz: ZoneInfo | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(event rows with their exhibit number and attachments filled in, every exhibit in order).

    An event read from a screenshot also carries `ocr`: the bubble's box, the bubble cut from the
    image (when it could be), the screenshot's own exhibit number, and the person's check."""
    ocr = ocr or {}
    by_event: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for a in attachments:
        by_event[a.get("event_id")].append(a)
    exhibits: list[dict[str, Any]] = []

    def number() -> str:
        return f"EX-{len(exhibits) + 1:03d}"

    out_rows = []
    shared: dict[str, dict[str, Any]] = {}  # sha256 → the exhibit of a file already attached to a record
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
            again = shared.get(a["sha256"])
            if again is not None:  # the same file attached to several records (a screenshot's bubbles): one exhibit
                again["records"].append(row)
                again["purpose"] = list(dict.fromkeys([*again["purpose"], *row["category_labels"]]))
                own.append(again)
                continue
            own.append(
                {
                    **_attachment(a, number(), row["time"], images),
                    "source": row.get("source_label", ""),
                    "purpose": row["category_labels"],
                    "record": row,
                    "records": [row],
                }
            )
            shared[a["sha256"]] = own[-1]
            exhibits.append(own[-1])
        shot = ocr.get(row["id"])
        if shot is not None:
            shot = _ocr(shot, own, row, t or {}, tz)
            if exhibit is not None:
                exhibits[_index(exhibits, exhibit)]["record"] = {**row, "attachments": own, "ocr": shot}
        out_rows.append({**row, "exhibit": exhibit, "attachments": own, "ocr": shot})
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
        "records": [],  # every record the file is attached to (one exhibit for them all)
    }


def _index(exhibits: list[dict[str, Any]], no: str) -> int:
    return next(i for i, x in enumerate(exhibits) if x["no"] == no)


def _ocr(
    shot: dict[str, Any], own: list[dict[str, Any]], row: dict[str, Any], t: dict[str, Any], tz: ZoneInfo | None
) -> dict[str, Any]:
    """What the binder shows of a screenshot event: the image's exhibit, the box, and the check:
    confirmed as read, corrected (both texts kept), or not checked by anyone yet."""
    image = next((a for a in own if a["sha256"] == shot["image_sha256"]), None)
    check = shot.get("check")
    checked = None
    if check is not None:
        when = from_utc_iso(check["recorded_at"])
        checked = {
            "confirmed": check["text"] == check["ocr_text"],
            "text": check["text"],
            "ocr_text": check["ocr_text"],
            "reason": check.get("reason") or "",
            "date": (when.astimezone(tz) if tz else when).strftime("%Y-%m-%d"),
        }
    box = shot.get("box")
    return {
        "image_sha256": shot["image_sha256"],
        "image_exhibit": image["no"] if image else None,
        "box": ", ".join(str(v) for v in box) if box else "",
        "cut": shot.get("cropped", False),  # the bubble ran past the screen's edge: the text is partial
        "crop": shot.get("crop"),
        "ocr_text": checked["ocr_text"] if checked else row["text"],
        "checked": checked,
    }
