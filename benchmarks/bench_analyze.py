"""Analysis speed: `analyze` over N synthetic events vs one compiled-regex pass over the same texts.

    python benchmarks/bench_analyze.py [--events 1000000] [--pack cn] [--seed 7]
    python benchmarks/bench_analyze.py --long      (one hostile message at growing lengths, issue 8.7)
    python benchmarks/bench_analyze.py --analyze-only [--events N] [--store PATH]
        (`harasslog analyze` as the command runs it, run_analysis on a generated store: read,
        analyze, save the run; prints wall and CPU time, peak RSS and the load average. The store
        (see store_events) is built first by a child process when absent, a million events in a
        few minutes; run it on two versions to compare:
        PYTHONPATH=path/to/older/checkout python -P benchmarks/bench_analyze.py --analyze-only)
    python benchmarks/bench_analyze.py --analyze-only --baseline path/to/older/checkout [--repeat 3]
        (the same store analyzed by the older checkout and by this one, alternately in one run;
        prints each run, the medians and the ratios now / baseline. Issue 15's target: a million
        events in <= 200 MB and no more time than before streaming, commit a487bc9)
    python benchmarks/bench_analyze.py --analyze-only --in-memory --baseline CHECKOUT [--repeat 3]
        (engine.analyze on events built in memory, for checkouts that cannot open today's store;
        issue 11's target is <= 1.5x the code before it, commit 49d2ce9: `git worktree add /tmp/old 49d2ce9`)
    python benchmarks/bench_analyze.py --build-store PATH --events N   (only build a store)

The baseline is the one-pass wording check the issue describes: every wording pattern of the pack
joined into one alternation, compiled once, and `search`ed once over each event's raw text (no
normalization, no spans, no conduct rules). For scale the script also times a bare keyword regex
(the literals the prefilter uses) over the same texts. The analysis is the real thing: normalization
(NFKC, Traditional -> Simplified, evasion gaps), every wording rule with exceptions and span
mapping, and every conduct rule in the borrower's time zone. Target: analysis <= 3x the baseline.

Texts are built from collection templates with random amounts, dates, names and numbers, so most
of them are unique (the per-text caches do not make the figure look better than it is). About 5%
are threats, some in Traditional characters or with characters spaced apart to dodge filters.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from harasslog.models import Event, RawEvent
from harasslog.rules import wording
from harasslog.rules.engine import analyze
from harasslog.rules.loader import load_pack
from harasslog.rules.pack import expand

BENIGN_ZH = [
    "【{bank}】尊敬的{name}，您尾号{n4}的信用卡本期账单{amt}元已逾期{d}天，请尽快还款。如已还款请忽略。",
    "您好，您在{bank}的借款{amt}元已逾期，请于{date}前还款，以免影响您的信用记录。退订回T",
    "{name}您好，您的账单已逾期{d}天，如有困难可申请分期，客服热线955{n2}。",
    "若持续不还款，我司将依法向人民法院提起诉讼，由此产生的费用由您承担。案件编号{n4}{n4}。",
    "您的逾期记录将按规定报送征信系统，请于{date}前处理欠款{amt}元。",
]
THREAT_ZH = [
    "{name}，再不还{amt}元就爆你通讯录，通知你的家人和同事",
    "{name}你这个老赖，{date}前不还款马上抓你坐牢",
    "再不還錢，明天就派人上門，別怪我們不客氣，欠款{amt}元",
    "爆 通 讯 录 了，{name}你等着，欠款{amt}",
]
BENIGN_EN = [
    "Hi {name}, your payment of ${amt} is {d} days past due. Pay online or call 555-01{n2}. Reply STOP to opt out.",
    "This is an attempt to collect a debt. Account ending {n4} has a balance of ${amt} due {date}.",
    "{name}, we may report information about your account to credit bureaus. Balance ${amt}.",
]
THREAT_EN = [
    "{name}, pay ${amt} by {date} or you will be arrested and we will call your employer.",
    "Y O U  W I L L  B E  A R R E S T E D, {name}. Balance ${amt}.",
]
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "Jane", "Pat", "Sam", "杨帆", "赵磊"]
BANKS = ["某某银行", "某某消费金融", "某某小贷", "某某信用卡中心"]


def fill(template: str, rng: random.Random, start: datetime) -> str:
    values = {
        "bank": rng.choice(BANKS),
        "name": rng.choice(NAMES),
        "n4": f"{rng.randrange(10000):04d}",
        "n2": f"{rng.randrange(100):02d}",
        "amt": f"{rng.randrange(100, 99999)}.{rng.randrange(100):02d}",
        "d": str(rng.randrange(1, 400)),
        "date": (start + timedelta(days=rng.randrange(400))).strftime("%Y-%m-%d"),
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def make_events(count: int, seed: int) -> list[Event]:
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    groups = [f"collector-{i}" for i in range(300)]
    statuses = ["answered", "missed", "missed", "rejected", "voicemail", "blocked", "unknown"]
    events = []
    seconds = 0
    for i in range(count):
        seconds += rng.randrange(1, 60)  # ~30 s apart on average: a year holds a million contacts
        at = start + timedelta(seconds=seconds)
        group = rng.choice(groups)
        roll = rng.random()
        if roll < 0.55:
            status = rng.choice(statuses)
            events.append(
                Event(
                    id=i + 1,
                    channel="call",
                    direction="in" if rng.random() < 0.95 else "out",
                    number=f"+86139{rng.randrange(10**8):08d}",
                    number_raw="",
                    at=at,
                    status=status,
                    duration_s=rng.randrange(5, 300) if status == "answered" else 0,
                    group=group,
                )
            )
            continue
        zh = rng.random() < 0.7
        threat = rng.random() < 0.05
        pool = (THREAT_ZH if threat else BENIGN_ZH) if zh else (THREAT_EN if threat else BENIGN_EN)
        events.append(
            Event(
                id=i + 1,
                channel="sms",
                direction="in",
                number=f"+86139{rng.randrange(10**8):08d}",
                number_raw="",
                at=at,
                text=fill(rng.choice(pool), rng, start),
                group=group,
            )
        )
    return events


# Hostile single messages: repeated ultimatums with consequences (every condition near every
# consequence), filter dodges everywhere, and a run of digits (a `\d+` tried from every digit).
LONG_UNITS = {
    "zh conditions + consequences": ("cn", "再不还就曝光你的欠款信息，否则派出所找你。"),
    "en conditions + consequences": ("us", "If you don't pay, we will call the police and post it online. "),
    "zh spaced-out characters": ("cn", "再 不 还 就 爆 通 讯 录，"),
    "digits after a consequence": ("cn", "1"),
}


def long_messages() -> int:
    """Time `scan` on one hostile message at 52k, 104k, 208k and 416k characters."""
    print(f"only the first {wording.MAX_CHECKED:,} characters of a message are checked (wording.MAX_CHECKED)")
    for name, (pack_name, unit) in LONG_UNITS.items():
        matcher = wording.matcher_for(load_pack(pack_name))
        cells = []
        for size in (52_000, 104_000, 208_000, 416_000):
            text = ("派出所" if unit == "1" else "") + unit * (size // len(unit))
            wording.normalize.cache_clear()
            t0 = time.perf_counter()
            found = matcher.scan(text)
            cells.append(f"{size // 1000}k {time.perf_counter() - t0:.2f}s ({len(found)} matches)")
        print(f"{name}: " + ", ".join(cells))
    return 0


# ---------------------------------------------------------------- a store to analyze

BANK_PARTIES = ["某某银行", "某某消费金融"]


def store_events(count: int, seed: int) -> Iterator[RawEvent]:
    """The events of the benchmark store, in time order: what a year of a heavy case holds.

    300 numbers (200 of them linked to 40 agencies of two banks, so groups span many numbers),
    calls of every status, SMS from the templates above, a few visits, letters, third-party
    contacts (with who was reached), withheld callers, one-off numbers (a group each), and times
    known to the day or the minute only."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    statuses = ["answered", "missed", "missed", "rejected", "voicemail", "blocked", "unknown"]
    seconds = 0
    gap = max(2, 2 * 31_536_000 // max(count, 1))  # a year, whatever the count (a million: ~30 s apart)
    for _ in range(count):
        seconds += rng.randrange(1, gap)
        at = start + timedelta(seconds=seconds)
        number = f"1390000{rng.randrange(300):04d}"
        roll = rng.random()
        precision = "second"
        if rng.random() < 0.005:
            precision = rng.choice(["day", "minute"])
            if precision == "day":
                local = at.astimezone(ZoneInfo("Asia/Shanghai"))
                at = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
            else:
                at = at.replace(second=0)
        common = {"number_raw": number, "at": at, "at_precision": precision}
        if roll < 0.53:
            status = rng.choice(statuses)
            duration = rng.randrange(5, 300) if status == "answered" else 0
            direction = "in" if rng.random() < 0.95 else "out"
            yield RawEvent("call", direction, status=status, duration_s=duration, **common)
        elif roll < 0.54:  # a number seen once: a group of its own
            yield RawEvent("call", "in", status="missed", **{**common, "number_raw": f"138{rng.randrange(10**8):08d}"})
        elif roll < 0.55:
            yield RawEvent("call", "in", status="missed", caller="withheld", **{**common, "number_raw": ""})
        elif roll < 0.555:
            yield RawEvent("visit", "in", text="两人上门，在门口大声喧哗，说再不还钱就天天来", **common)
        elif roll < 0.56:
            text = fill(rng.choice(BENIGN_ZH + THREAT_ZH), rng, start)
            yield RawEvent("letter", "in", text=text, **common)
        elif roll < 0.565:
            who = rng.choice(["母亲", "同事", "单位领导"])
            text = fill("告诉{name}，欠款{amt}元再不还，我们就天天找你", rng, start)
            yield RawEvent("third_party", "in", text=text, raw={"who": who}, **common)
        else:
            zh = rng.random() < 0.7
            threat = rng.random() < 0.05
            pool = (THREAT_ZH if threat else BENIGN_ZH) if zh else (THREAT_EN if threat else BENIGN_EN)
            direction = "in" if rng.random() < 0.98 else "out"
            yield RawEvent("sms", direction, text=fill(rng.choice(pool), rng, start), **common)


def build_store(path: str, count: int, seed: int) -> None:
    """A store of `count` events (see store_events) with parties, requests, withdrawals and OCR events."""
    from harasslog.db import open_store

    rng = random.Random(seed + 1)
    store = open_store(path)
    day = timedelta(days=1)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    with store.transaction():
        store.profile.set(name="张三", region="CN", tz="Asia/Shanghai", jurisdiction="cn")
        agencies = [
            store.parties.add(f"某某催收{i:02d}", kind="agency", creditor=BANK_PARTIES[i % 2]) for i in range(40)
        ]
        for k in range(200):
            store.numbers.link(f"1390000{k:04d}", agencies[k // 5])
        events = store_events(count, seed)
        first = None
        while True:
            batch = list(itertools.islice(events, 5000))
            if not batch:
                break
            ids = store.events.append(
                store.events.prepare(batch), import_id=None, party_id=None, source="import:bench.xml", index_text=False
            )
            first = first or ids[0]
        last = ids[-1] if count else 0
        # Screenshots: 200 SMS read by OCR; a person corrected 50 (one in two into a threat) and confirmed 50.
        ocr = [
            RawEvent(
                "sms",
                "in",
                f"1390000{k % 300:04d}",
                start + k * 37 * day / 200,
                text=fill(BENIGN_ZH[k % 5], rng, start),
            )
            for k in range(200)
        ]
        ocr_ids = store.events.append(
            store.events.prepare(ocr), import_id=None, party_id=None, source="ocr:" + "ab" * 32, index_text=False
        )
        for n, event_id in enumerate(ocr_ids[:100]):
            text = None if n % 2 else ("再不还钱就爆你通讯录" if n % 4 == 0 else "您好，请尽快还款。")
            store.ocr_corrections.add(event_id, text)
        for event_id in rng.sample(range(first or 1, last + 1), min(100, count)):
            store.withdrawals.add(event_id, "重复录入")
        requests = [
            ("pause", 3, 30, 60, None, None),
            ("stop", 5, 100, None, None, None),
            ("stop_channel", 7, 200, None, "sms", None),
            ("inconvenient_time", 8, 150, None, None, "12:00-14:00 上班"),
            ("cease_written", 9, 250, None, None, None),
            ("attorney", 11, 300, None, None, None),
            ("pause", None, 340, 341, None, None),
        ]
        for kind, party, begin, end, channel, note in requests:
            store.requests.add(
                kind=kind,
                party_id=agencies[party] if party is not None else None,
                start=start + begin * day,
                end=start + end * day if end else None,
                channel=channel,
                note=note,
            )
    store.close()
    print(f"built {path}: {count:,} events in {time.perf_counter() - t0:.0f}s", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--pack", default="cn")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--long", action="store_true", help="time one hostile message at growing lengths instead")
    parser.add_argument(
        "--analyze-only", action="store_true", help="time analyze alone (to compare two versions of harasslog)"
    )
    parser.add_argument("--baseline", metavar="CHECKOUT", help="with --analyze-only: also time this older checkout")
    parser.add_argument("--repeat", type=int, default=1, help="with --baseline: runs of each, alternately")
    parser.add_argument("--build-store", metavar="PATH", help="only build a store of --events events at PATH")
    parser.add_argument(
        "--store",
        metavar="PATH",
        help="with --analyze-only: the store to analyze (built first if absent; default: one per --events and --seed"
        " in the temporary folder)",
    )
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="with --analyze-only: analyze events built in memory (engine.analyze on a list, as before the store"
        " streamed; for checkouts without run_analysis)",
    )
    args = parser.parse_args(argv)
    if args.build_store:
        build_store(args.build_store, args.events, args.seed)
        return 0
    if args.long:
        return long_messages()
    if args.analyze_only and args.baseline:
        return compare(args)
    if args.analyze_only and not args.in_memory:
        return analyze_store(args)
    pack = load_pack(args.pack)
    if args.pack == "cn":  # scan English texts too, as `scan` does
        merged = load_pack("us")
        pack = type(pack)(
            **{**pack.__dict__, "rules": pack.rules + tuple(r for r in merged.rules if r.kind == "wording")}
        )
    t0 = time.perf_counter()
    events = make_events(args.events, args.seed)
    texts = [e.text for e in events if e.text]
    print(
        f"{len(events):,} events ({len(texts):,} with text, {len(set(texts)):,} distinct) "
        f"built in {time.perf_counter() - t0:.1f}s"
    )

    if args.analyze_only and args.in_memory:
        wording.normalize.cache_clear()
        gc.collect()
        t0 = time.perf_counter()
        findings = analyze(events, [], pack, tz=ZoneInfo("Asia/Shanghai"))
        elapsed = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"analyze: {elapsed:.2f}s, {len(findings):,} findings, peak RSS {peak:.0f} MB (with the events)")
        return 0
    alternation = "|".join(
        f"(?:{expand(p)})" for r in pack.rules if r.kind == "wording" for ps in r.patterns.values() for p in ps
    )
    baseline_re = re.compile(alternation)
    gc.collect()
    t0 = time.perf_counter()
    hits = sum(1 for t in texts if baseline_re.search(t))
    baseline = time.perf_counter() - t0
    print(
        f"baseline: the pack's patterns as one compiled regex, one pass over the texts: {baseline:.2f}s "
        f"({hits:,} texts hit)"
    )
    literals = sorted(wording.matcher_for(pack).needs, key=lambda x: (-len(x), x))
    keywords = re.compile("|".join(re.escape(x) for x in literals))
    gc.collect()
    t0 = time.perf_counter()
    for t in texts:
        keywords.search(t)
    keyword_pass = time.perf_counter() - t0
    print(f"for scale: a plain keyword regex ({len(literals)} literals), one pass: {keyword_pass:.2f}s")

    wording.normalize.cache_clear()
    gc.collect()
    t0 = time.perf_counter()
    findings = analyze(events, [], pack, tz=ZoneInfo("Asia/Shanghai"))
    elapsed = time.perf_counter() - t0
    by_kind: dict[str, int] = {}
    for f in findings:
        by_kind[f.category] = by_kind.get(f.category, 0) + 1
    print(f"analyze (all {len(pack.rules)} rules, conduct + wording): {elapsed:.2f}s, {len(findings):,} findings")
    print("  " + ", ".join(f"{k} {v:,}" for k, v in sorted(by_kind.items())))
    ratio = elapsed / baseline
    print(f"ratio analyze / baseline = {ratio:.2f}x (target <= 3x): {'OK' if ratio <= 3 else 'OVER'}")
    print(
        f"ratio analyze / keyword pass = {elapsed / keyword_pass:.1f}x (normalization, spans and conduct rules "
        "cost more than a bare keyword search)"
    )
    return 0 if ratio <= 3 else 1


def store_path(args: argparse.Namespace) -> str:
    return args.store or os.path.join(tempfile.gettempdir(), f"harasslog-bench-{args.events}-{args.seed}.db")


def analyze_store(args: argparse.Namespace) -> int:
    """`harasslog analyze` on a store of --events events, as the command runs it (run_analysis:
    read, analyze, save the run), in this process: its time, CPU time and peak RSS."""
    path = store_path(args)
    if not os.path.exists(path):  # built by a child, so this process's peak is the analysis's own
        build = [sys.executable, os.path.abspath(__file__), "--build-store", path, "--events", str(args.events)]
        subprocess.run([*build, "--seed", str(args.seed)], check=True, env={**os.environ, "PYTHONPATH": here()})
    from harasslog.analysis import run_analysis
    from harasslog.db import open_store

    store = open_store(path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    run = run_analysis(store, rules=args.pack, lang="zh" if args.pack == "cn" else "en")
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The counts the run keeps (older checkouts: the lists they returned), not its findings read back.
    found = getattr(run, "findings_count", None)
    found = len(run.findings) if found is None else found
    review = getattr(run, "review_count", None)
    review = len(run.review) if review is None else review
    store.close()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"analyze: {elapsed:.2f}s wall, CPU {cpu:.2f}s, {run.events:,} events, {found:,} findings,"
        f" {review:,} review items, peak RSS {peak:.0f} MB ({before:.0f} MB before it), load average {load}"
    )
    return 0


def here() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def compare(args: argparse.Namespace) -> int:
    """Run --analyze-only on the older checkout and on this one, alternately, in fresh processes."""
    base = [sys.executable, "-P", os.path.abspath(__file__), "--analyze-only"]
    base += ["--events", str(args.events), "--pack", args.pack, "--seed", str(args.seed)]
    if args.in_memory:
        base.append("--in-memory")
    else:
        base += ["--store", store_path(args)]
    figures: dict[str, list[tuple[float, float, float]]] = {"baseline": [], "now": []}
    for run in range(args.repeat):
        for name, path in (("baseline", os.path.abspath(args.baseline)), ("now", here())):
            env = {**os.environ, "PYTHONPATH": path}
            out = subprocess.run(base, env=env, capture_output=True, text=True, check=True).stdout
            line = next(x for x in out.splitlines() if x.startswith("analyze: "))
            wall = float(line.split()[1].rstrip("s,"))
            cpu = float(m.group(1)) if (m := re.search(r"CPU ([\d.]+)s", line)) else float("nan")
            peak = float(m.group(1)) if (m := re.search(r"peak RSS (\d+) MB", line)) else float("nan")
            figures[name].append((wall, cpu, peak))
            print(f"run {run + 1} {name:8} ({path}): {line}")
    old, new = ([statistics.median(x[k] for x in figures[n]) for k in range(3)] for n in ("baseline", "now"))
    print(
        f"{args.events:,} events, median of {args.repeat}: baseline {old[0]:.2f}s (CPU {old[1]:.2f}s, peak RSS"
        f" {old[2]:.0f} MB), now {new[0]:.2f}s (CPU {new[1]:.2f}s, peak RSS {new[2]:.0f} MB);"
        f" now / baseline: wall {new[0] / old[0]:.2f}x, CPU {new[1] / old[1]:.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
