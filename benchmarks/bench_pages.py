"""Time the commands that show a page on a big store, each against a stdlib floor in the same run.

Each command runs as a child process (`python -m harasslog ...`) `--runs` times; the figure is the
median wall time, next to its target (issue 15) and its floor: bare Python with sqlite3 running
the one query a page needs, in the same run. `verify` also reports its peak RSS (wait4).

    python benchmarks/bench_pages.py --store /tmp/1m.db            # an existing store
    python benchmarks/bench_pages.py -n 1000000                    # import a generated SBR file first
    python benchmarks/bench_pages.py --store /tmp/1m.db --report   # also report HTML/PDF over 10,000 events
    python benchmarks/bench_pages.py --store /tmp/1m.db --no-verify   # the page commands alone

The PDF runs once unless --pdf-runs says more (it takes minutes). The medians are of --runs.

Targets: list --limit 50, list --number, show, search, stats --by day under 1 s each on 1,000,000
events; report over 10,000 events HTML < 3 s, PDF < 30 s; verify at most 200 MB.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_sbr import generate  # noqa: E402

FLOOR = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
    " c.execute('SELECT * FROM events ORDER BY at LIMIT 50').fetchall()"
)


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit code) of one child process.

    CPU time (user + system) is printed too: on a shared machine the wall time mostly measures
    the wait for a processor."""
    started = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1) and child.stderr is not None:
        sys.stderr.write(child.stderr.read().decode(errors="replace"))
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


def build(work: Path, n: int) -> Path:
    xml, db = work / "sms.xml", work / "store.db"
    generate(xml, n)
    env = {**os.environ, "HARASSLOG_DB": str(db)}
    harasslog = [sys.executable, "-m", "harasslog"]
    subprocess.run([*harasslog, "init", "--region", "CN", "--tz", "Asia/Shanghai"], env=env, check=True)
    subprocess.run([*harasslog, "import", str(xml), "--json"], env=env, check=True, stdout=subprocess.DEVNULL)
    return db


def cases(db: Path, with_report: bool, work: Path, with_verify: bool = True) -> list[tuple[str, list[str], float]]:
    conn = sqlite3.connect(db)
    count, middle = conn.execute("SELECT COUNT(*), MAX(id) / 2 FROM events").fetchone()
    number = conn.execute("SELECT number_raw FROM events WHERE id = ?", (middle,)).fetchone()[0]
    # A range of 10,000 events in the middle of the store, as report's --since/--until dates.
    first, last = conn.execute(
        "SELECT MIN(at), MAX(at) FROM (SELECT at FROM events WHERE id >= ? ORDER BY id LIMIT 10000)", (middle,)
    ).fetchone()
    conn.close()
    print(f"store {db}: {count:,} events; --number {number}; report range {first[:10]} .. {last[:10]}")
    found = [
        ("list --limit 50", ["list", "--limit", "50"], 1.0),
        ("list --number N", ["list", "--number", number], 1.0),
        ("show ID", ["show", str(middle)], 1.0),
        ("search WORD (3+ characters)", ["search", "催收专员"], 1.0),
        ("search WORD (2 characters)", ["search", "起诉"], 1.0),
        ("stats --by day", ["stats", "--by", "day"], 1.0),
    ]
    if with_verify:
        found.append(("verify", ["verify"], 0.0))
    if with_report:
        since, until = first[:10], last[:10]
        for fmt, target in (("html", 3.0), ("pdf", 30.0)):
            command = ["report", "-t", "lawyer", "--since", since, "--until", until, "-o", str(work / f"report.{fmt}")]
            found.append((f"report {fmt} (~10,000 events)", command, target))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, help="an existing store (else one is built with -n events)")
    parser.add_argument("-n", type=int, default=1_000_000, help="events to import when building (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command, for the medians (default 3)")
    parser.add_argument("--report", action="store_true", help="also time report HTML and PDF over 10,000 events")
    parser.add_argument("--no-verify", action="store_true", help="leave out verify (a minute a run on 1,000,000)")
    parser.add_argument(
        "--pdf-runs", type=int, default=1, help="runs of report PDF (default 1: minutes each on 10,000 events)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="harasslog-pages-") as tmp:
        work = Path(tmp)
        db = args.store or build(work, args.n)
        env = {**os.environ, "HARASSLOG_DB": str(db), "COLUMNS": "200"}
        floors = [timed([sys.executable, "-c", FLOOR, str(db)], env) for _ in range(args.runs)]
        floor = statistics.median(r[0] for r in floors)
        print(
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
            " (2 CPUs: the CPU figures are the comparable ones)"
        )
        print(
            f"floor (python + sqlite3, first 50 events): {floor:.2f}s wall, "
            f"{statistics.median(r[1] for r in floors):.2f}s CPU (medians of {args.runs})"
        )
        for name, command, target in [
            ("--help (start-up)", ["--help"], 0.25),
            *cases(db, args.report, work, not args.no_verify),
        ]:
            count = args.pdf_runs if name.startswith("report pdf") else args.runs
            runs = [timed([sys.executable, "-m", "harasslog", *command], env) for _ in range(count)]
            seconds, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
            peak = max(r[2] for r in runs)
            codes = sorted({r[3] for r in runs})
            goal = f"target < {target:g} s" if target else "target <= 200 MB"
            print(
                f"{name:32} {seconds:7.2f}s wall {cpu:6.2f}s CPU  {seconds / floor:6.1f}x floor"
                f"  peak {peak:5,.0f} MB  {goal}" + (f"  exit {codes}" if codes != [0] else ""),
                flush=True,
            )


if __name__ == "__main__":
    main()
