"""`harasslog demo`: each bundled example case, end to end, into a folder: load it into its own
store, verify it, analyze it, render its dossiers, and say what to open."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from .analysis import run_analysis
from .casefile import apply_case, load_case
from .db import open_store
from .dossier import render_all
from .errors import InputError
from .models import SEVERITIES


def example_files() -> list[Path]:
    folder = resources.files("harasslog.examples")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml"))


def run_demo(out: Path, *, pdf: bool = False) -> Iterator[str]:
    """Yield lines for the user as each example is processed."""
    out.mkdir(parents=True, exist_ok=True)
    cases = example_files()
    for case_path in cases:
        if (out / (case_path.stem + ".db")).exists():
            raise InputError(f"{out / (case_path.stem + '.db')} already exists: choose another --out folder")
    opened: list[Path] = []
    for case_path in cases:
        store_path = out / (case_path.stem + ".db")
        store = open_store(store_path)
        try:
            counts = apply_case(store, load_case(case_path))
            verified = store.verify().ok
            lang = "zh" if store.jurisdiction == "cn" else "en"
            run = run_analysis(store, lang=lang)
            findings = run.findings  # read from the store, so before it closes
            written = render_all(store, out / case_path.stem, lang, pdf=pdf)
        finally:
            store.close()
        by_severity = Counter(f.severity for f in findings)
        severities = ", ".join(f"{by_severity[s]} {s}" for s in reversed(SEVERITIES) if by_severity[s])
        yield (
            f"{case_path.stem}: {counts['events']} events, verify {'OK' if verified else 'FAILED'}, "
            f"{len(findings)} findings ({severities or 'none'}), {len(written)} dossiers in {out / case_path.stem}"
        )
        opened.extend(p for p in written if p.suffix == ".html" and p.name.startswith(("cn-complaint", "us-cfpb")))
    yield "Open in a browser:"
    for path in opened:
        yield f"  {path}"
    yield f"Or look at the log: harasslog --db {out / 'cn-threat-sms.db'} list"
