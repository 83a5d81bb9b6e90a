"""A screenshot bubble that shows a message already in the store corroborates it (issue 16.4).

THE HOOK for the corroboration table (branch h-corrob): until it is merged, the corroboration is
recorded as an attachment of the matched event, the screenshot itself, whose note names the
bubble (its box and the OCR source); the attachment row is chained, so `verify` covers it and
`show` lists it. Once `store.corroborations` exists, `record` is the one place to change: write
(event_id, source "ocr:<sha256>", the bubble's box and text) there instead.
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
