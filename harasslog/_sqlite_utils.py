"""sqlite-utils, imported without numpy and pandas.

sqlite-utils imports numpy and pandas whenever they are installed, only to adapt their types,
which the store never writes. With the `ocr` extra numpy is installed: imported by every command
that opens a store, it would cost start-up time and about 120 MB of address space. So both are
hidden while sqlite-utils is imported, and importable again afterwards (OCR needs numpy).
"""

from __future__ import annotations

import sys

_HIDDEN = [name for name in ("numpy", "pandas") if name not in sys.modules]
for _name in _HIDDEN:
    sys.modules[_name] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
try:
    from sqlite_utils import Database, Migrations
finally:
    for _name in _HIDDEN:
        if sys.modules.get(_name) is None:
            del sys.modules[_name]

__all__ = ["Database", "Migrations"]
