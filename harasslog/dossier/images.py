"""Which attachments a dossier draws inline, decided by their bytes.

The declared type (an MMS part's `ct`, written by whoever sent it) is never trusted: it is shown as
text, and only PNG, JPEG, GIF and WebP recognised by their magic numbers are embedded, as data: URIs
built here from the recognised type. SVG, HTML and everything else are listed, never drawn.
"""

from __future__ import annotations

import base64
import io
import warnings
from pathlib import Path
from typing import Any

# Images up to this size are shown inline in the lawyer's binder (PDF and HTML stay self-contained).
INLINE_IMAGE_LIMIT = 2 * 1024 * 1024
# ...and up to this many pixels (a phone screenshot is 3-15 million): decoding costs 4 bytes a pixel.
MAX_INLINE_PIXELS = 40_000_000

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(content: bytes) -> str | None:
    """png, jpeg, gif or webp by magic number, else None."""
    for magic, mime in _MAGIC:
        if content.startswith(magic):
            return mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def inline_image(content: bytes) -> str | None:
    """A data: URI for an allowed image that decodes, else None (the exhibit is then only listed)."""
    mime = image_type(content)
    if mime is None or not _decodes(content):
        return None
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def load_inline(attachments: list[dict[str, Any]]) -> dict[str, str]:
    """Read the attachments small enough to draw: sha256 → data: URI, for those that qualify."""
    out: dict[str, str] = {}
    for a in attachments:
        if a["sha256"] in out or (a.get("size") or 0) > INLINE_IMAGE_LIMIT:
            continue
        path = Path(a.get("path") or "")
        if path.is_file():
            uri = inline_image(path.read_bytes())
            if uri is not None:
                out[a["sha256"]] = uri
    return out


def _decodes(content: bytes) -> bool:
    """A damaged image (a truncated MMS part) is listed but not drawn: it must not break the PDF."""
    try:
        from PIL import Image
    except ImportError:  # no Pillow (so no WeasyPrint either): the browser copes with a bad image
        return True
    try:
        with warnings.catch_warnings():
            # A small file can declare a huge canvas (a decompression bomb): refuse it before decoding.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > MAX_INLINE_PIXELS:
                    return False
                image.load()
    except Exception:
        return False
    return True


def crop_inline(path: Path, box: Any) -> str | None:
    """The bubble's box cut from a screenshot, as a PNG data: URI; None when the file, the box or
    Pillow is missing or the image does not qualify. It is drawn beside the transcription only:
    the exhibit is the whole image, whose bytes and SHA-256 stay as stored."""
    if not path.is_file() or path.stat().st_size > INLINE_IMAGE_LIMIT:
        return None
    content = path.read_bytes()
    if image_type(content) is None or not _decodes(content):
        return None
    try:
        from PIL import Image

        x0, y0, x1, y1 = (int(round(float(v))) for v in box)
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            x0, x1 = max(0, min(x0, x1)), min(width, max(x0, x1))
            y0, y1 = max(0, min(y0, y1)), min(height, max(y0, y1))
            if x1 - x0 < 2 or y1 - y0 < 2:
                return None
            out = io.BytesIO()
            image.crop((x0, y0, x1, y1)).save(out, format="PNG")
    except Exception:  # no Pillow, a malformed box: the whole image (its own exhibit) still shows
        return None
    return f"data:image/png;base64,{base64.b64encode(out.getvalue()).decode('ascii')}"
