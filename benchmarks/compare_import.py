"""Import the same files with two versions of harasslog and say whether the results are identical.

For a change to the import path that must not change what is stored (issue 15): each version
imports the files into a fresh store (then the first file again: all duplicates), and the script
compares what they hold and print, apart from what differs by run (times written, the hashes that
cover them, the store's path): both imports' `--json`, `list --json`, `verify --json`, every
event row, the numbers table and the schema (every table, index and trigger). Exit 1 if any differ.

    python benchmarks/compare_import.py --old /work/main sms.xml calls.xml   # this tree is the new one
    python benchmarks/compare_import.py --old ../main --n 30000              # a generated backup of 30,000
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_sbr import generate  # noqa: E402

HERE = Path(__file__).resolve().parent.parent
BY_RUN = {"hash", "prev_hash", "head", "recorded_at", "started", "finished", "path", "store"}
EVENT_COLUMNS = (
    "id, channel, direction, number, number_raw, party_id, at, tz_offset_min, duration_s, status, text,"
    " import_id, source_ref, raw, note, source, at_precision, caller"
)


def scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<by run>" if k in BY_RUN else scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def harasslog(tree: Path, db: Path, *args: str) -> Any:
    env = {**os.environ, "HARASSLOG_DB": str(db), "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-m", "harasslog", *args], env=env, capture_output=True, text=True, cwd=tree)
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"exit": done.returncode, "stdout": done.stdout, "stderr": done.stderr}


def results(tree: Path, files: list[Path], work: Path) -> dict[str, Any]:
    db = work / "store.db"
    harasslog(tree, db, "init", "--region", "CN", "--tz", "Asia/Shanghai")
    found = {
        "import": harasslog(tree, db, "import", *map(str, files), "--json"),
        "import again": harasslog(tree, db, "import", str(files[0]), "--json"),
        "list --json": harasslog(tree, db, "list", "--json"),
        "verify --json": harasslog(tree, db, "verify", "--json"),
    }
    conn = sqlite3.connect(db)
    found["events rows"] = conn.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY id").fetchall()
    found["numbers rows"] = conn.execute("SELECT * FROM numbers ORDER BY number").fetchall()
    found["schema"] = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
    conn.close()
    return {k: json.loads(json.dumps(scrub(v), ensure_ascii=False)) for k, v in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, required=True, help="the source tree of the version before")
    parser.add_argument("--new", type=Path, default=HERE, help="the source tree after (default: this one)")
    parser.add_argument("--n", type=int, default=30_000, help="messages of the generated backup (default 30,000)")
    parser.add_argument("files", nargs="*", type=Path, help="more files to import after the generated one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="harasslog-compare-") as tmp:
        work = Path(tmp)
        generated = work / "sms.xml"
        generate(generated, args.n, surrogates=True)
        files = [generated, *(f.resolve() for f in args.files)]
        (work / "old").mkdir()
        (work / "new").mkdir()
        old = results(args.old.resolve(), files, work / "old")
        new = results(args.new.resolve(), files, work / "new")
    events = len(new["events rows"])
    differ = [part for part in old if old[part] != new[part]]
    for part in old:
        print(f"{part}: {'DIFFERS' if part in differ else 'identical'}")
    print(f"{events:,} events from {len(files)} files; {'identical' if not differ else 'NOT identical'}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
