"""Analysis speed: `analyze` over N synthetic events vs one compiled-regex pass over the same texts.

    python benchmarks/bench_analyze.py [--events 1000000] [--pack cn] [--seed 7]
    python benchmarks/bench_analyze.py --long      (one hostile message at growing lengths, issue 8.7)
    python benchmarks/bench_analyze.py --analyze-only   (analyze alone: run it on two versions to compare;
        PYTHONPATH=path/to/older/checkout python -P benchmarks/bench_analyze.py --analyze-only)
    python benchmarks/bench_analyze.py --analyze-only --baseline path/to/older/checkout [--repeat 3]
        (the same events analyzed by the older checkout and by this one, alternately in one run;
        prints each time, the medians and the ratio now / baseline; issue 11's target is <= 1.5x
        the code before it, commit 49d2ce9: `git worktree add /tmp/old 49d2ce9`)

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
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from harasslog.models import Event
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
    args = parser.parse_args(argv)
    if args.long:
        return long_messages()
    if args.analyze_only and args.baseline:
        return compare(args)
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

    if args.analyze_only:
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


def compare(args: argparse.Namespace) -> int:
    """Run --analyze-only on the older checkout and on this one, alternately, in fresh processes."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    base = [sys.executable, "-P", os.path.abspath(__file__), "--analyze-only"]
    base += ["--events", str(args.events), "--pack", args.pack, "--seed", str(args.seed)]
    times: dict[str, list[float]] = {"baseline": [], "now": []}
    for run in range(args.repeat):
        for name, path in (("baseline", os.path.abspath(args.baseline)), ("now", here)):
            env = {**os.environ, "PYTHONPATH": path}
            out = subprocess.run(base, env=env, capture_output=True, text=True, check=True).stdout
            line = next(x for x in out.splitlines() if x.startswith("analyze: "))
            times[name].append(float(line.split()[1].rstrip("s,")))
            print(f"run {run + 1} {name:8} ({path}): {line}")
    old, new = statistics.median(times["baseline"]), statistics.median(times["now"])
    print(
        f"{args.events:,} events, median of {args.repeat}: baseline {old:.2f}s, now {new:.2f}s, "
        f"now / baseline = {new / old:.2f}x (issue 11 target <= 1.5x): {'OK' if new <= 1.5 * old else 'OVER'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
