"""Precision and recall of wording detection on the labelled corpus (tests/corpus/wording.jsonl).

Each corpus line is a real collection message (or a hard negative) from a public source, with its
language, expected categories ([] = benign) and a split: "dev" (used while writing patterns) or
"heldout" (not looked at while writing them). Later held-out batches from new sources carry a
"batch" ("fresh" to "fresh6") and are reported on their own: each was measured on the patterns of
its day before it was looked at (the figures are in the commit that added it), then kept as a
regression check; "heldout" is the original held-out set. "issue10" holds the cases of issue 10
(a lawful notice of suit flagged as a false threat, and its counterparts): written together with
the pattern change that fixed them, so they are regression checks, never detection figures.
Chinese messages are scanned with the cn pack, English ones with the us pack (the uk pack
shares its English patterns).

    python benchmarks/eval_wording.py [--corpus PATH] [--split dev|heldout|fresh...|all] [--show-errors]

Targets: recall on threats (threat_violence, threat_third_party, false_legal_threat: a threatening
message counts as found when any threat category is flagged) >= 0.85, and benign messages
flagged <= 5%, in each language.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from harasslog.rules.loader import WORDING_CATEGORIES, load_pack
from harasslog.rules.wording import scan_text

THREATS = {"threat_violence", "threat_third_party", "false_legal_threat"}
PACK_FOR_LANG = {"zh": "cn", "en": "us"}
ROOT = Path(__file__).resolve().parents[1]


def evaluate(rows: list[dict], packs: dict) -> dict:
    by_lang: dict[str, dict] = {}
    for row in rows:
        lang = row["lang"]
        stats = by_lang.setdefault(
            lang,
            {
                "tp": Counter(),
                "fp": Counter(),
                "fn": Counter(),
                "threats": 0,
                "threats_found": 0,
                "benign": 0,
                "benign_flagged": 0,
                "errors": [],
            },
        )
        got = {m.category for m in scan_text(row["text"], packs[lang])}
        want = set(row["categories"])
        for cat in got & want:
            stats["tp"][cat] += 1
        for cat in got - want:
            stats["fp"][cat] += 1
        for cat in want - got:
            stats["fn"][cat] += 1
        if want & THREATS:
            stats["threats"] += 1
            stats["threats_found"] += bool(got & THREATS)
        if not want:
            stats["benign"] += 1
            stats["benign_flagged"] += bool(got)
        if got != want:
            stats["errors"].append((row["id"], sorted(want), sorted(got), row["text"]))
    return by_lang


def group(row: dict) -> str:
    """The set a row is reported in: its batch when it has one, else its split."""
    return row.get("batch") or row.get("split", "dev")


def ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  - "


def report(title: str, by_lang: dict, show_errors: bool) -> bool:
    ok = True
    print(f"\n== {title}")
    for lang, s in sorted(by_lang.items()):
        threat_recall = s["threats_found"] / s["threats"] if s["threats"] else 1.0
        benign_rate = s["benign_flagged"] / s["benign"] if s["benign"] else 0.0
        met = threat_recall >= 0.85 and benign_rate <= 0.05
        ok &= met
        print(
            f"[{lang}] threat recall {threat_recall:.2f} ({s['threats_found']}/{s['threats']}), "
            f"benign flagged {benign_rate:.1%} ({s['benign_flagged']}/{s['benign']})"
            f"  -> {'meets' if met else 'MISSES'} targets"
        )
        print(f"     {'category':<20} {'prec':>5} {'recall':>6}  tp fp fn")
        for cat in WORDING_CATEGORIES:
            tp, fp, fn = s["tp"][cat], s["fp"][cat], s["fn"][cat]
            if tp + fp + fn:
                print(f"     {cat:<20} {ratio(tp, tp + fp):>5} {ratio(tp, tp + fn):>6} {tp:3d} {fp:2d} {fn:2d}")
        if show_errors:
            for err in s["errors"]:
                print(f"     ! {err[0]} want {err[1]} got {err[2]}: {err[3]}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / "tests" / "corpus" / "wording.jsonl"))
    splits_known = ("dev", "heldout", "fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "issue10", "all")
    parser.add_argument("--split", choices=(*splits_known, "each"), default="each")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in Path(args.corpus).read_text(encoding="utf-8").splitlines() if line.strip()]
    packs = {lang: load_pack(name) for lang, name in PACK_FOR_LANG.items()}
    splits = splits_known if args.split == "each" else (args.split,)
    ok = True
    for split in splits:
        chosen = [r for r in rows if split == "all" or group(r) == split]
        ok &= report(f"{split} ({len(chosen)} messages)", evaluate(chosen, packs), args.show_errors)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
