"""Time dossier rendering and bundling on a synthetic case.

    python benchmarks/bench_report.py [EVENTS] [--pdf]

Builds a temporary store with EVENTS contacts (calls and SMS from 20 numbers over 60 days, one in
five flagged), then times collect+render for each template in Markdown and HTML, the bundle, and
(with --pdf) the PDFs. Prints one line per step; nothing is asserted.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from harasslog import dossier as render
from harasslog.bundle import write_bundle
from harasslog.db import open_store
from harasslog.models import Citation, Finding, RawEvent

CST = timezone(timedelta(hours=8))


def build(path: Path, n: int):
    store = open_store(path)
    with store.transaction():
        store.profile.set(name="测试", phone="13800138000", region="CN", tz="Asia/Shanghai", jurisdiction="cn")
    start = datetime(2026, 9, 1, 8, tzinfo=CST)
    raws = []
    for i in range(n):
        at = start + timedelta(minutes=37 * i % (60 * 24 * 60))
        number = f"1391234{i % 20:04d}"
        if i % 3:
            raws.append(RawEvent("call", "in", number, at, status="missed", source_ref=f"c{i}"))
        else:
            raws.append(
                RawEvent("sms", "in", number, at, text=f"第{i}条：再不还钱就上门 <b>{i}</b>", source_ref=f"s{i}")
            )
    with store.transaction():
        ids = store.events.add_many(raws, dedupe=False)
    findings = [
        Finding(
            "CN-HOURS-001",
            "quiet_hours",
            "medium",
            (eid,),
            raws[k].at,
            raws[k].at,
            "夜间催收",
            citations=(Citation("GB/T 45251-2025", "5.3", "S"),),
        )
        for k, eid in enumerate(ids)
        if k % 5 == 0
    ]
    with store.transaction():
        store.runs.save(pack_id="cn", pack_version="bench", params={}, findings=findings)
    return store


def timed(label: str, fn):
    t0 = time.perf_counter()
    result = fn()
    print(f"{label:<32} {time.perf_counter() - t0:7.2f} s")
    return result


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "2000"))
    with tempfile.TemporaryDirectory() as tmp:
        store = timed(f"build store ({n} events)", lambda: build(Path(tmp) / "b.db", n))
        data = timed("collect", lambda: render.collect(store))
        for template in render.templates_for("cn"):
            for fmt in ("md", "html") + (("pdf",) if "--pdf" in sys.argv else ()):
                timed(f"{template} {fmt}", lambda t=template, f=fmt: render.render_data(data, t, fmt=f, lang="zh"))
        timed("bundle (md+html dossiers)", lambda: write_bundle(store, Path(tmp) / "b.zip", lang="zh"))
        store.close()


if __name__ == "__main__":
    main()
