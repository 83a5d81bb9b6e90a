"""Time `harasslog import` of an SMS Backup & Restore file against a stdlib baseline.

The baseline runs in this process: `xml.etree.ElementTree.iterparse` + `sqlite3.executemany` into
a plain table (no normalization, no hash chain, no dedupe): the floor for "read XML, write SQLite".
`harasslog import` runs as a child process (`python -m harasslog`), so its peak memory is the
child's maximum RSS (getrusage(RUSAGE_CHILDREN)). Targets: at most 2x the baseline, under 300 MB.

    python benchmarks/bench_import.py                 # 1,000,000 messages
    python benchmarks/bench_import.py -n 100000 --profile   # where the time goes (cProfile, in-process)
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_sbr import generate  # noqa: E402


def baseline(xml: Path, db: Path) -> int:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE sms (address TEXT, date INTEGER, type INTEGER, body TEXT)")
    rows: list[tuple[str | None, int, int, str | None]] = []
    count = 0
    context = ET.iterparse(xml, events=("start", "end"))
    _, root = next(context)
    for event, elem in context:
        if event == "end" and elem.tag == "sms":
            a = elem.attrib
            rows.append((a.get("address"), int(a["date"]), int(a["type"]), a.get("body")))
            root.clear()
            if len(rows) >= 2000:
                conn.executemany("INSERT INTO sms VALUES (?, ?, ?, ?)", rows)
                count += len(rows)
                rows = []
    conn.executemany("INSERT INTO sms VALUES (?, ?, ?, ?)", rows)
    count += len(rows)
    conn.commit()
    conn.close()
    return count


def harasslog_import(xml: Path, db: Path) -> dict:
    env = {**os.environ, "HARASSLOG_DB": str(db)}
    subprocess.run(
        [sys.executable, "-m", "harasslog", "init", "--region", "CN", "--tz", "Asia/Shanghai"],
        env=env,
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [sys.executable, "-m", "harasslog", "import", str(xml), "--json"],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"harasslog import failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def profile(xml: Path, db: Path) -> None:
    from harasslog.db import open_store
    from harasslog.ingest import import_files

    store = open_store(db)
    with store.transaction():
        store.profile.set(region="CN", tz="Asia/Shanghai")
    profiler = cProfile.Profile()
    profiler.enable()
    import_files(store, [xml])
    profiler.disable()
    store.close()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1_000_000, help="messages (default 1,000,000)")
    parser.add_argument("--xml", type=Path, help="use this file instead of generating one")
    parser.add_argument("--profile", action="store_true", help="cProfile harasslog's import in-process instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="harasslog-bench-") as tmp:
        work = Path(tmp)
        xml = args.xml or work / "sms.xml"
        if args.xml is None:
            started = time.perf_counter()
            generate(xml, args.n)
            print(
                f"generated {args.n:,} messages, {xml.stat().st_size / 1e6:,.0f} MB "
                f"in {time.perf_counter() - started:.1f}s",
                flush=True,
            )
        if args.profile:
            profile(xml, work / "profile.db")
            return
        started = time.perf_counter()
        rows = baseline(xml, work / "baseline.db")
        base = time.perf_counter() - started
        print(f"baseline (iterparse + executemany): {rows:,} rows in {base:.1f}s", flush=True)
        started = time.perf_counter()
        summary = harasslog_import(xml, work / "store.db")
        ours = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        print(
            f"harasslog import: {summary['new']:,} new, {summary['duplicate']:,} duplicate, "
            f"{summary['skipped']:,} skipped in {ours:.1f}s"
        )
        print(
            f"ratio {ours / base:.2f}x (target <= 2x); peak RSS of the import {peak_mb:,.0f} MB "
            f"(target < 300 MB); {rows / ours:,.0f} messages/s"
        )


if __name__ == "__main__":
    main()
