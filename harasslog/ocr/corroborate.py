"""A screenshot bubble that shows a message already in the store corroborates it (issue 16.4).

THE HOOK for the corroboration table of branch h-corrob (merged into main after this branch was
cut; not in this branch's base). Here the corroboration is recorded as an attachment of the
matched event, the screenshot itself, whose note names the bubble (source, box, OCR text); the
attachment row is chained, so `verify` covers it and `show` lists it. At merge, in
screenshot.import_screenshot, replace the per-bubble `matching_event` + `record` loop with
`absorbed = store.corroborations.absorb(raws, import_id=..., source=f"ocr:{sha256}", taken=set(),
party_id=party_id)`, store `absorbed.remaining` as events, and keep attaching the image to each
matched event (the exhibit) with `record`'s attachment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..integrity import canonical
from ..models import RawEvent

if TYPE_CHECKING:
    from ..store import Store

NOTE_PREFIX = "corroborates this event: "


def record(store: Store, event_id: int, bubble: RawEvent, source: str) -> None:
    """Record that the bubble read into `bubble` (from image `source`) shows event `event_id`."""
    (image,) = bubble.attachments
    detail = {"source": source, "box": bubble.raw["box"], "ocr_text": bubble.text, "at_precision": bubble.at_precision}
    note = NOTE_PREFIX + canonical(detail).decode("utf-8")
    store.attachments.add(event_id, image.data, name=image.name, mime=image.mime, note=note)
