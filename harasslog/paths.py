"""Where the store lives: --db, else HARASSLOG_DB, else the platform's user data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "harasslog"


def user_data_dir() -> Path:
    """The platform's per-user data folder for harasslog (not its config folder: this is data)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_NAME
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


def resolve_db_path(option: str | None) -> Path:
    """--db wins; typer already folds HARASSLOG_DB into the option, but library callers may not."""
    chosen = option or os.environ.get("HARASSLOG_DB")
    if chosen:
        return Path(chosen).expanduser()
    return user_data_dir() / "harasslog.db"


def attachments_dir(db_path: Path) -> Path:
    """Attachments sit beside the store, content-addressed: case.db → case.attachments/ab/abcdef…"""
    return db_path.with_name(db_path.stem + ".attachments")
