"""A screenshot bubble that shows a message already in the store corroborates it (issue 16.4).

screenshot.import_screenshot matches each bubble against stored messages (same channel,
direction, number and text in its minute); a match is kept as a row of the corroborations table
(store/corroboration.py, the bubble's record as OCR read it) and the screenshot is attached to the
matched event as its exhibit, with a note naming the bubble. Both writes are chained.
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
