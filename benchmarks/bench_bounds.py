"""Peak memory of the commands that used to hold a whole input or output in memory.

    python benchmarks/bench_bounds.py [SIZE_MB] [--src PATH]

Builds, in a temporary folder, a store with one SIZE_MB attachment and EVENTS messages of 2 kB, a
zip whose SHA256SUMS unpacks to SIZE_MB*2 MiB, and a SIZE_MB file without a newline; then runs
`export bundle`, `export json`, `verify --bundle` and `import` on them in a subprocess each and
prints the exit code and peak RSS. `--src` runs another checkout's harasslog package (e.g. an
older commit unpacked with `git archive`) to compare. Nothing is asserted. `export bundle` also
renders every dossier in memory (the dossier code's share, not the zip's).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from harasslog.db import open_store
from harasslog.models import RawEvent

EVENTS = 30_000
MB = 1 << 20


def build(folder: Path, size_mb: int) -> None:
    store = open_store(folder / "case.db")
    with store.transaction():
        store.profile.set(name="测试", phone="13800138000", region="CN", tz="Asia/Shanghai", jurisdiction="cn")
    big = folder / "video.bin"
    with big.open("wb") as handle:
        for _ in range(size_mb):
            handle.write(bytes(MB))
    start = datetime(2026, 9, 1, 8, tzinfo=timezone(timedelta(hours=8)))
    text = "再不还钱就上门" * 100
    with store.transaction():
        store.attachments.add(None, big, name="video.bin")
        store.events.add_many(
            RawEvent("sms", "in", f"1391234{i % 20:04d}", start + timedelta(seconds=i), text=f"{i} {text}")
            for i in range(EVENTS)
        )
    store.close()
    big.unlink()
    bomb = folder / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        with zf.open("SHA256SUMS", "w", force_zip64=True) as member:
            for _ in range(size_mb * 2):
                member.write(b"0" * MB)
    line = folder / "noline.csv"
    with line.open("wb") as handle:
        for _ in range(size_mb):
            handle.write(b"a" * MB)


def peak(src: str | None, args: list[str], cwd: Path) -> str:
    env = dict(os.environ, PYTHONPATH=src) if src else None
    code = (
        "import resource, runpy, sys; sys.argv = ['harasslog', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('harasslog', run_name='__main__')\n"
        "finally:\n    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    # cwd: `python -c` puts the current folder first on sys.path, which would shadow --src.
    result = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, cwd=cwd)
    rss_kb = int(result.stderr.strip().splitlines()[-1])
    return f"exit {result.returncode}, peak RSS {rss_kb / 1024:.0f} MB"


def main() -> None:
    if sys.argv[1:2] == ["--build"]:  # the child that makes the inputs (see below)
        build(Path(sys.argv[2]), int(sys.argv[3]))
        return
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 500
    src = sys.argv[sys.argv.index("--src") + 1] if "--src" in sys.argv else None
    with tempfile.TemporaryDirectory() as tmp:
        # Built in a child: Linux carries a process's peak RSS over fork and exec, so a parent that
        # held the inputs would inflate every measurement after it.
        subprocess.run([sys.executable, __file__, "--build", tmp, str(size_mb)], check=True)
        folder = Path(tmp)
        db = ["--db", str(folder / "case.db")]
        runs = {
            f"export bundle ({size_mb} MB attachment, {EVENTS} events)": [
                *db, "export", "bundle", "--no-pdf", "-o", str(folder / "b.zip")
            ],
            f"export json ({EVENTS} events of 2 kB)": [*db, "export", "json", "-o", str(folder / "e.json")],
            f"verify --bundle (SHA256SUMS of {size_mb * 2} MiB)": [*db, "verify", "--bundle", str(folder / "bomb.zip")],
            f"import ({size_mb} MB without a newline)": [*db, "import", str(folder / "noline.csv")],
        }  # fmt: skip
        for label, args in runs.items():
            print(f"{label}: {peak(src, args, folder)}")


if __name__ == "__main__":
    main()
