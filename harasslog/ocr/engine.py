"""The OCR engine: text lines with their boxes, read offline by rapidocr-onnxruntime (extra `ocr`).

Only this module imports the engine, so everything else is testable without it and the command
line can say what to install when it is missing.
"""

from __future__ import annotations

import importlib.metadata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGE = "rapidocr-onnxruntime"
INSTALL_HINT = "pip install 'harasslog[ocr]'"
# opencv-python, which the engine needs, loads these system libraries (Debian names).
SYSTEM_HINT = "apt install libgl1 libglib2.0-0"


class EngineMissing(Exception):
    """The `ocr` extra is not installed, or a system library it loads is missing (the message says which)."""


@dataclass(frozen=True)
class Line:
    """One recognised line: its text, its box in image pixels (x0, y0, x1, y1) and the engine's confidence."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    score: float = 1.0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@lru_cache(maxsize=1)
def missing() -> str | None:
    """None when the engine can run here; else what to install."""
    try:
        importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return INSTALL_HINT
    try:
        import cv2  # noqa: F401  # the package is there; a system library it loads may not be
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        return f"{SYSTEM_HINT} ({exc})"
    return None


def available() -> bool:
    return missing() is None


def version() -> str:
    """The engine and its version, recorded with every import ("rapidocr-onnxruntime 1.4.4")."""
    try:
        return f"{PACKAGE} {importlib.metadata.version(PACKAGE)}"
    except importlib.metadata.PackageNotFoundError as exc:
        raise EngineMissing(INSTALL_HINT) from exc


@lru_cache(maxsize=1)
def _engine() -> Any:
    """One engine per process (loading the models takes about a second)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise EngineMissing(missing() or INSTALL_HINT) from exc
    # Screenshots are upright: the angle classifier only costs time. Scores under 0.5 are dropped.
    return RapidOCR(use_cls=False, print_verbose=False)


def read_lines(image: Path | bytes) -> list[Line]:
    """Every text line the engine finds in the image, top to bottom."""
    engine = _engine()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result, _ = engine(image if isinstance(image, bytes) else str(image), use_cls=False)
    lines: list[Line] = []
    for box, text, score in result or []:
        xs = [float(p[0]) for p in box]
        ys = [float(p[1]) for p in box]
        if str(text).strip():
            lines.append(Line(str(text), min(xs), min(ys), max(xs), max(ys), float(score)))
    lines.sort(key=lambda line: (line.y0, line.x0))
    return lines
