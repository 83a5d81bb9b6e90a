"""Writing the files a user asked for (reports, exports, bundles): private, whole or not at all.

Every output is written to a new file with an unpredictable name in the target folder (created
0600 with O_EXCL, so a planted file or symbolic link is never opened), synced to disk, then renamed
over the target. A rename replaces a symbolic link at the target instead of writing through it, and
a reader never sees half a file. The files hold the borrower's evidence, so only the owner may read
them (as the store itself).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from .errors import InputError

MODE = 0o600


@contextmanager
def output_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file to stream `path`'s content into; in place when the block ends without error."""
    path = Path(path)
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise InputError(f"{path}: is a folder, not a file name")
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=folder)
    except OSError as exc:
        raise InputError(f"{path}: cannot write here ({exc.strerror or exc})") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), MODE)  # mkstemp creates 0600 already; say so on every platform
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"{path}: cannot write it ({exc.strerror or exc})") from None
        raise
    _sync_folder(folder)


def write_output(path: Path, content: bytes | str) -> None:
    """The whole of `content` (text as UTF-8) to `path`, as `output_file` does."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with output_file(path) as handle:
        handle.write(data)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; some systems cannot open a folder, which is not an error."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
