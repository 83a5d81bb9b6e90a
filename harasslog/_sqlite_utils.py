"""sqlite-utils, imported only when used, and without numpy and pandas.

Most commands never need sqlite-utils: a current store is read and written through its sqlite3
connection. Only migrations (and `Store.db`) use it, and importing it costs start-up time (it brings
click, dateutil and pluggy), so `Migrations` here records the migrations and builds sqlite-utils' own
set on first use; `load()` imports the library.

sqlite-utils imports numpy and pandas whenever they are installed, only to adapt their types,
which the store never writes. With the `ocr` extra numpy is installed: imported by every command
that opens a store, it would cost start-up time and about 120 MB of address space. So both are
hidden while sqlite-utils is imported, and importable again afterwards (OCR needs numpy).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any


def load() -> ModuleType:
    """The sqlite_utils module, imported once (numpy and pandas hidden, plugins off)."""
    if "sqlite_utils" in sys.modules:
        return sys.modules["sqlite_utils"]
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
    try:
        import sqlite_utils
        import sqlite_utils.plugins as plugins
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]
    # sqlite-utils loads every installed package's `sqlite_utils` plugins into each connection:
    # third-party code inside the evidence store's process, and a scan of all installed packages'
    # entry points. The store never uses them; mark them as already loaded.
    if hasattr(plugins, "_plugins_loaded"):
        plugins._plugins_loaded = True
    return sqlite_utils


def database(conn: Any) -> Any:
    """A sqlite_utils Database over an open connection."""
    return load().Database(conn)


class Migrations:
    """sqlite-utils' `Migrations`, declared without importing it: the decorator records each
    migration in order; the real set is built (and every other attribute answered) on first use."""

    def __init__(self, name: str):
        self.name = name
        self._declared: list[tuple[Callable[..., Any], dict[str, Any]]] = []
        self._real: Any = None

    def __call__(self, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def record(function: Callable[..., Any]) -> Callable[..., Any]:
            self._declared.append((function, options))
            return function

        return record

    def names(self) -> list[str]:
        return [options.get("name") or function.__name__ for function, options in self._declared]

    def __getattr__(self, attr: str) -> Any:
        if self._real is None:
            real = load().Migrations(self.name)
            for function, options in self._declared:
                real(**options)(function)
            self._real = real
        return getattr(self._real, attr)
