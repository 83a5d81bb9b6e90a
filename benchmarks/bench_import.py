"""Time `harasslog import` of an SMS Backup & Restore file against a stdlib baseline, in one run.

The baseline: `xml.etree.ElementTree.iterparse` + `sqlite3.executemany` into a plain 4-column
table (no normalization, no hash chain, no dedupe): the floor for "read XML, write SQLite".
Baseline and `harasslog import` (a child process, `python -m harasslog`, into a fresh store) run
alternately, `--runs` times each; the figures are the medians, in µs per event, and the ratio of
the medians. Peak memory is each import child's maximum RSS (wait4). Targets (issue 15): at most
3x the baseline (2x the aim), at most 300 MB.

    python benchmarks/bench_import.py                       # 200,000 messages, median of 5
    python benchmarks/bench_import.py -n 1000000 --runs 3   # a million
    python benchmarks/bench_import.py -n 100000 --profile   # where the time goes (cProfile, in-process)
    python benchmarks/bench_import.py --old ../main         # also another source tree's import, alternated
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sqlite3
import statistics
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


def harasslog_import(xml: Path, db: Path, tree: Path | None = None) -> tuple[dict, float, float, float]:
    """(the import's --json summary, wall seconds, CPU seconds, peak RSS in MB) in a fresh store,
    with the harasslog installed here or the one in source tree `tree`."""
    env = {**os.environ, "HARASSLOG_DB": str(db)}
    # `python -m` puts the working folder first on sys.path: the tree's own folder for `tree`,
    # and one without a harasslog package for the installed one.
    cwd = tree.resolve() if tree is not None else db.parent
    if tree is not None:
        env["PYTHONPATH"] = str(cwd)
    subprocess.run(
        [sys.executable, "-m", "harasslog", "init", "--region", "CN", "--tz", "Asia/Shanghai"],
        env=env,
        check=True,
        capture_output=True,
        cwd=cwd,
    )
    out = db.with_suffix(".json")
    started = time.perf_counter()
    with out.open("w") as stdout:
        child = subprocess.Popen(
            [sys.executable, "-m", "harasslog", "import", str(xml), "--json"], env=env, stdout=stdout, cwd=cwd
        )
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"harasslog import failed ({child.returncode})")
    cpu = usage.ru_utime + usage.ru_stime
    return json.loads(out.read_text()), seconds, cpu, usage.ru_maxrss / 1024  # KiB on Linux


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
    parser.add_argument("-n", type=int, default=200_000, help="messages (default 200,000)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each, for the medians (default 5)")
    parser.add_argument("--xml", type=Path, help="use this file instead of generating one")
    parser.add_argument("--profile", action="store_true", help="cProfile harasslog's import in-process instead")
    parser.add_argument("--old", type=Path, help="a source tree whose import also runs, alternated (before/after)")
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
        base_times: list[float] = []
        base_cpu: list[float] = []
        ours_times: list[float] = []
        ours_cpu: list[float] = []
        peaks: list[float] = []
        old_times: list[float] = []
        old_cpu: list[float] = []
        for run in range(args.runs):
            target = work / f"baseline-{run}.db"
            started, started_cpu = time.perf_counter(), time.process_time()
            rows = baseline(xml, target)
            base_times.append(time.perf_counter() - started)
            base_cpu.append(time.process_time() - started_cpu)
            target.unlink()
            summary, seconds, cpu, peak = harasslog_import(xml, work / f"store-{run}.db")
            ours_times.append(seconds)
            ours_cpu.append(cpu)
            peaks.append(peak)
            for leftover in work.glob(f"store-{run}.*"):
                leftover.unlink()
            print(
                f"run {run + 1}: baseline {base_times[-1]:.1f}s ({base_cpu[-1]:.1f}s CPU), harasslog import "
                f"{seconds:.1f}s ({cpu:.1f}s CPU; {summary['new']:,} new, {summary['duplicate']:,} duplicate), "
                f"peak RSS {peak:,.0f} MB",
                flush=True,
            )
            if args.old is not None:
                _, seconds, cpu, _ = harasslog_import(xml, work / f"old-{run}.db", args.old)
                old_times.append(seconds)
                old_cpu.append(cpu)
                for leftover in work.glob(f"old-{run}.*"):
                    leftover.unlink()
                print(f"run {run + 1}: {args.old} import {seconds:.1f}s ({cpu:.1f}s CPU)", flush=True)
        median = statistics.median
        per = 1e6 / rows
        print(f"medians of {args.runs} runs, {rows:,} messages, in µs per event (wall / CPU):")
        print(
            f"  baseline (iterparse + executemany, 4 columns): "
            f"{median(base_times) * per:.1f} / {median(base_cpu) * per:.1f}"
        )
        print(f"  harasslog import: {median(ours_times) * per:.1f} / {median(ours_cpu) * per:.1f}")
        print(
            f"ratio {median(ours_times) / median(base_times):.2f}x wall, {median(ours_cpu) / median(base_cpu):.2f}x CPU"
            f" (target <= 3x, aim 2x); peak RSS {max(peaks):,.0f} MB (target <= 300 MB)"
        )
        if old_cpu:
            print(
                f"  {args.old} import: {median(old_times) * per:.1f} / {median(old_cpu) * per:.1f}"
                f" ({median(old_cpu) / median(base_cpu):.2f}x CPU); this one takes"
                f" {median(ours_cpu) / median(old_cpu):.2f} of its CPU time"
            )
        print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print("(CPU time is the fairer figure on a shared machine: wall time there mostly measures the wait for a CPU)")


if __name__ == "__main__":
    main()
