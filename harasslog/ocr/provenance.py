"""What `show` says about an event read from a screenshot: which image, where in it, and who checked it."""

from __future__ import annotations

import json
from typing import Any

from ..catalog import t


def show_fields(row: dict[str, Any], correction: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """The `ocr` entry of `show` for an OCR event (None for any other): the warning to check the
    text against the image, the image's SHA-256, the bubble's box, and the person's check if any."""
    source = str(row.get("source") or "")
    if not source.startswith("ocr:"):
        return None
    sha256 = source.partition(":")[2]
    try:
        raw = json.loads(row.get("raw") or "{}")
    except ValueError:
        raw = {}
    fields: dict[str, Any] = {
        "note": t(lang, "ocr.show_note", sha256=sha256),
        "image_sha256": sha256,
        "box": raw.get("box"),
        "cropped": raw.get("cropped"),
        "checked": None,
    }
    if correction is not None:
        fields["checked"] = {
            "text": correction["text"],
            "ocr_text": correction["ocr_text"],
            "reason": correction["reason"],
            "recorded_at": correction["recorded_at"],
        }
    return fields
