"""Content-addressed files beside the store: case.db → case.attachments/ab/abcdef… (no SQL here)."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..paths import attachments_dir


class Blobs:
    def __init__(self, db_path: Path):
        self.root = attachments_dir(db_path)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def write(self, data: bytes | Path) -> tuple[str, int]:
        """Store bytes (or a file, streamed) under their SHA-256; returns (sha256, size).

        Written through a temporary file and moved into place, read-only, so a half-written file
        never carries a valid name. Storing the same content twice keeps one file."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out:
                for block in _blocks(data):
                    digest.update(block)
                    out.write(block)
                    size += len(block)
            final = self.path(digest.hexdigest())
            final.parent.mkdir(mode=0o700, exist_ok=True)
            if final.exists():
                os.unlink(tmp_name)
            else:
                os.chmod(tmp_name, 0o400)
                shutil.move(tmp_name, final)
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise
        return digest.hexdigest(), size


def _blocks(data: bytes | Path) -> Iterator[bytes]:
    if isinstance(data, bytes):
        yield data
        return
    with open(data, "rb") as source:
        yield from iter(lambda: source.read(1 << 20), b"")
