"""`harasslog demo`: load every bundled example case into its own store under a folder, check it,
and report what was loaded (and, where analysis and dossiers are available, what they found)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from .casefile import apply_case, load_case
from .db import open_store
from .errors import InputError


def example_files() -> list[Path]:
    folder = resources.files("harasslog.examples")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml"))


def run_demo(out: Path) -> Iterator[str]:
    """Yield lines for the user as each example is loaded."""
    out.mkdir(parents=True, exist_ok=True)
    for case_path in example_files():
        store_path = out / (case_path.stem + ".db")
        if store_path.exists():
            raise InputError(f"{store_path} already exists: choose another --out folder or remove it")
        store = open_store(store_path)
        try:
            counts = apply_case(store, load_case(case_path))
            report = store.verify()
            yield (
                f"{case_path.stem}: {counts['events']} events, {counts['parties']} parties, "
                f"{counts['requests']} requests → {store_path} (verify: {'OK' if report.ok else 'FAILED'})"
            )
        finally:
            store.close()
    yield f"Look at one: harasslog --db {out / 'cn-threat-sms.db'} list"
