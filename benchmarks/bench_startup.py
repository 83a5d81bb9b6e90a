"""Start-up time of the commands a worried person types most (issue 13.7, issue 15.4).

    python benchmarks/bench_startup.py [RUNS]

Each figure is the median of RUNS (default 9) fresh processes, measured in turns with a bare
`python -c pass` from the same interpreter, so a loaded machine slows both alike: wall time, and
CPU time (user + system), which a shared machine's load disturbs far less. The store is
a small temporary one (a CN profile and 20 events). Prints one line per command; nothing is asserted.
Output goes to /dev/null (as in a pipe or a script), and `list` is run once more on a pseudo-terminal,
as a person at a shell runs it (Rich then draws the table, in colour).

Bytecode is cached as for an installed harasslog (pip compiles it): the processes run with a
temporary PYTHONPYCACHEPREFIX even where PYTHONDONTWRITEBYTECODE is set (which would otherwise
make every run compile harasslog's modules again), after one warm-up run of each command.
"""

from __future__ import annotations

import os
import pty
import resource
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET = 0.25

TERMINAL = " (terminal)"  # a command whose stdout is a pseudo-terminal, as at a person's shell


def timed(args: list[str], env: dict[str, str], terminal: bool = False) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one fresh process (stdout a terminal if asked)."""
    master, slave = pty.openpty() if terminal else (None, None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        stdout = slave if slave is not None else subprocess.DEVNULL
        process = subprocess.Popen(args, env=env, stdout=stdout, stderr=subprocess.DEVNULL)
        while master is not None and process.poll() is None:  # read what it prints, or it blocks
            if select.select([master], [], [], 0.005)[0]:
                os.read(master, 65536)
        if process.wait() != 0:
            raise subprocess.CalledProcessError(process.returncode, args)
    finally:
        for fd in (master, slave):
            if fd is not None:
                os.close(fd)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    python = sys.executable
    cli = [python, "-m", "harasslog"]
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "HARASSLOG_DB": str(Path(tmp) / "case.db"), "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pyc")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [*cli, "init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        for i in range(20):
            at = f"2026-11-{1 + i % 28:02d}T21:{i:02d}"
            subprocess.run(
                [*cli, "add", "sms", "13912345678", "--at", at, "--text", f"第{i}条"],
                env=env,
                check=True,
                capture_output=True,
            )
        commands = {
            "harasslog --help": [*cli, "--help"],
            "harasslog --help --lang zh": [*cli, "--help", "--lang", "zh"],
            "harasslog add sms ...": [*cli, "add", "sms", "13800138000", "--text", "还钱", "--force"],
            "harasslog list": [*cli, "list"],
            "harasslog list" + TERMINAL: [*cli, "list"],
        }
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in ["python -c pass", *commands]}
        for name, args in commands.items():  # warm-up: bytecode written once, as an install has it
            timed(args, env, name.endswith(TERMINAL))
        for _ in range(runs):  # in turns: load changes hit every command alike
            samples["python -c pass"].append(timed([python, "-c", "pass"], env))
            for name, args in commands.items():
                samples[name].append(timed(args, env, name.endswith(TERMINAL)))

    def med(name: str, which: int) -> float:
        return statistics.median(sample[which] for sample in samples[name]) * 1000

    load = os.getloadavg()[0]
    print(f"median of {runs} runs, load average {load:.1f} on {os.cpu_count()} CPUs; target {TARGET * 1000:.0f} ms")
    print(f"{'command':<28} {'wall ms':>8} {'CPU ms':>7} {'CPU - baseline':>15}")
    for name in samples:
        wall, cpu = med(name, 0), med(name, 1)
        print(f"{name:<28} {wall:>8.0f} {cpu:>7.0f} {cpu - med('python -c pass', 1):>15.0f}")


if __name__ == "__main__":
    main()
