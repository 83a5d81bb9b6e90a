"""Time the corroboration step of `harasslog import`: a phone backup, then a carrier CSV of the same contacts.

1. the phone's SMS Backup & Restore file (gen_sbr, N messages) into a fresh store;
2. a carrier 短信详单 CSV listing every one of them (minute precision, no text): each row becomes a
   corroboration of its event, nothing new, counts unchanged;
3. the same carrier CSV again: all duplicates, no corroboration twice.
Each step runs in this process (import_files) and prints its time; figures, never asserted.

    python benchmarks/bench_corroboration.py -n 100000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_sbr import generate  # noqa: E402

from harasslog.db import open_store  # noqa: E402
from harasslog.ingest import import_files  # noqa: E402


def carrier_csv(sbr: Path, out: Path) -> None:
    """One carrier row per message of the backup: its minute in Beijing time, number and direction."""
    tz = ZoneInfo("Asia/Shanghai")
    with out.open("w", encoding="utf-8") as f:
        f.write("起始时间,通信地点,对方号码,通信方式,信息类型,通信费\n")
        for _, elem in ET.iterparse(sbr):
            if elem.tag == "sms":
                at = datetime.fromtimestamp(int(elem.get("date", "0")) / 1000, UTC).astimezone(tz)
                way = "接收" if elem.get("type") == "1" else "发送"
                f.write(f"{at:%Y-%m-%d %H:%M},北京,{elem.get('address')},{way},短信,0.10\n")
                elem.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sbr, csv = Path(tmp) / "sms.xml", Path(tmp) / "carrier.csv"
        generate(sbr, args.n)
        carrier_csv(sbr, csv)
        store = open_store(Path(tmp) / "store.db")
        with store.transaction():
            store.profile.set(region="CN", tz="Asia/Shanghai", jurisdiction="cn")
        for label, path in (("phone backup", sbr), ("carrier CSV", csv), ("carrier CSV again", csv)):
            start = time.perf_counter()
            summary = import_files(store, [path])
            took = time.perf_counter() - start
            print(
                f"{label:18} {took:7.1f} s  new {summary.new:,}  duplicate {summary.duplicate:,}"
                f"  corroborated {summary.corroborated:,}  skipped {summary.skipped:,}"
            )
        print(f"events {store.events.count():,}; verify ok: {store.verify().ok}")
        store.close()


if __name__ == "__main__":
    main()
