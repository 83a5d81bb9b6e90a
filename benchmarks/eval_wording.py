"""How well wording detection finds what collectors write, per tier, on the labelled corpus.

Each corpus line (tests/corpus/wording.jsonl) is a real message from a public source, or a lawful
hard negative, with its language, expected categories ([] = benign), its source and a group: its
`batch` when it has one, else its `split`. Every batch was scored on the rules of its day BEFORE any
pattern or model was adjusted to it; those first figures are kept in benchmarks/eval_history.jsonl
(`--record`), and the batch stays afterwards as a regression check. "dev" was written together with
the first patterns; "issue10" with the fix of issue 10: regression checks, never detection figures.

Each message goes through the same path as `harasslog analyze`: one incoming SMS from a collector
(a message to a borrower's contact, `recipient: third_party`, is a contact made to a third party),
checked with the cn pack (zh) or the us pack (en; the uk pack shares its English wording).

    python benchmarks/eval_wording.py [--split GROUP|all|each] [--corpus PATH ...] [--show-errors]
    python benchmarks/eval_wording.py --corpus new-batch.jsonl --split all --record new-batch

Figures, per language (a "threat" is a message labelled with any category):
  findings  recall   threats with at least one finding;     benign flagged: benign with a finding;
            right    threats found whose findings name one of their labelled categories;
  +review   recall   threats with a finding or a review item; benign flagged likewise.
Targets (issue 11, on batches never tuned on): findings recall >= 0.75, benign <= 2 %, right >= 0.70;
findings+review recall >= 0.95, benign <= 15 %.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from harasslog.models import Event
from harasslog.rules.engine import analyze
from harasslog.rules.loader import WORDING_CATEGORIES, load_pack

PACK_FOR_LANG = {"zh": "cn", "en": "us"}
TZ_FOR_LANG = {"zh": ZoneInfo("Asia/Shanghai"), "en": ZoneInfo("America/New_York")}
ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "wording.jsonl"
HISTORY = ROOT / "benchmarks" / "eval_history.jsonl"
TARGETS = {"recall": 0.75, "benign": 0.02, "right": 0.70, "recall_review": 0.95, "benign_review": 0.15}


@dataclass
class Tally:
    threats: int = 0
    found: int = 0
    right: int = 0
    found_review: int = 0
    benign: int = 0
    benign_flagged: int = 0
    benign_flagged_review: int = 0
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    review_tp: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)

    def figures(self) -> dict:
        return {
            "threats": self.threats,
            "benign": self.benign,
            "recall": _share(self.found, self.threats),
            "right": _share(self.right, self.found),
            "benign_flagged": _share(self.benign_flagged, self.benign),
            "recall_review": _share(self.found_review, self.threats),
            "benign_flagged_review": _share(self.benign_flagged_review, self.benign),
        }


def _share(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def detect(row: dict, packs: dict) -> tuple[set[str], set[str]]:
    """(categories of findings, categories of review items) for one corpus message."""
    lang = row["lang"]
    tz = TZ_FOR_LANG[lang]
    third = row.get("recipient") == "third_party"
    event = Event(
        id=1,
        channel="third_party" if third else "sms",
        direction="in",
        number="10690000000",
        number_raw="10690000000",
        at=datetime(2026, 6, 10, 12, 0, tzinfo=tz).astimezone(UTC),
        text=row["text"],
        party_id=1,  # from a number linked to a collector: every message is read, none is skipped
        party="collector",
        group="collector",
        source="import:corpus",
    )
    findings = analyze([event], [], packs[lang], tz=tz, lang=lang)
    wording = [f for f in findings if f.category in WORDING_CATEGORIES]
    return (
        {f.category for f in wording if f.tier == "finding"},
        {f.category for f in wording if f.tier == "review"},
    )


def evaluate(rows: list[dict], packs: dict) -> dict[str, Tally]:
    by_lang: dict[str, Tally] = {}
    for row in rows:
        t = by_lang.setdefault(row["lang"], Tally())
        got, review = detect(row, packs)
        want = set(row["categories"])
        for cat in got & want:
            t.tp[cat] += 1
        for cat in got - want:
            t.fp[cat] += 1
        for cat in want - got:
            t.fn[cat] += 1
        for cat in want & (got | review):
            t.review_tp[cat] += 1
        if want:
            t.threats += 1
            t.found += bool(got)
            t.right += bool(got & want)
            t.found_review += bool(got or review)
        else:
            t.benign += 1
            t.benign_flagged += bool(got)
            t.benign_flagged_review += bool(got or review)
        if got != want or (not want and review):
            t.errors.append((row["id"], sorted(want), sorted(got), sorted(review - got), row["text"]))
    return by_lang


def _fmt(x: float | None, pct: bool = False) -> str:
    if x is None:
        return "  -  "
    return f"{x:5.1%}" if pct else f"{x:.2f}"


def report(title: str, by_lang: dict[str, Tally], show_errors: bool) -> None:
    print(f"\n== {title}")
    for lang, t in sorted(by_lang.items()):
        f = t.figures()
        print(
            f"[{lang}] {t.threats} threats, {t.benign} benign | findings: recall {_fmt(f['recall'])}"
            f" ({t.found}/{t.threats}), right category {_fmt(f['right'])}, benign flagged"
            f" {_fmt(f['benign_flagged'], True)} | +review: recall {_fmt(f['recall_review'])}"
            f" ({t.found_review}/{t.threats}), benign flagged {_fmt(f['benign_flagged_review'], True)}"
        )
        print(f"     {'category':<20} {'prec':>5} {'recall':>6} {'+review':>7}  tp fp fn")
        for cat in WORDING_CATEGORIES:
            tp, fp, fn = t.tp[cat], t.fp[cat], t.fn[cat]
            if tp + fp + fn:
                print(
                    f"     {cat:<20} {_fmt(_share(tp, tp + fp)):>5} {_fmt(_share(tp, tp + fn)):>6}"
                    f" {_fmt(_share(t.review_tp[cat], tp + fn)):>7} {tp:3d} {fp:2d} {fn:2d}"
                )
        if show_errors:
            for rid, want, got, review, text in t.errors:
                print(f"     ! {rid} want {want} got {got} review {review}: {text}")


def load_rows(paths: list[str]) -> list[dict]:
    rows = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def group(row: dict) -> str:
    """The set a row is reported in: its batch when it has one, else its split."""
    return row.get("batch") or row.get("split", "dev")


def _commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+dirty" if git("status", "--porcelain", "--untracked-files=no", "harasslog") else "")


def record(name: str, rows: list[dict], by_lang: dict[str, Tally], note: str) -> None:
    """Append this measurement to the committed history (the first one of a batch is the honest one)."""
    digest = hashlib.sha256("\n".join(json.dumps(r, sort_keys=True) for r in rows).encode()).hexdigest()
    entry = {
        "date": date.today().isoformat(),
        "batch": name,
        "commit": _commit(),
        "messages": len(rows),
        "rows_sha256": digest[:16],
        "before_tuning": True,
        "note": note,
        "figures": {lang: t.figures() for lang, t in sorted(by_lang.items())},
    }
    with HISTORY.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
    print(f"\nrecorded in {HISTORY.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", help="a JSONL corpus (repeatable; default: the project's)")
    parser.add_argument("--split", default="each", help="a group (batch or split), 'all', or 'each' (default)")
    parser.add_argument("--show-errors", action="store_true", help="print every miss and false flag")
    parser.add_argument("--record", metavar="NAME", help="append the figures of --split to the history as NAME")
    parser.add_argument("--note", default="", help="a note for --record")
    args = parser.parse_args(argv)
    rows = load_rows(args.corpus or [str(CORPUS)])
    packs = {lang: load_pack(name) for lang, name in PACK_FOR_LANG.items()}
    groups = sorted({group(r) for r in rows}) if args.split == "each" else [args.split]
    if args.record and len(groups) != 1:
        parser.error("--record needs one --split (a group or 'all')")
    for name in groups:
        chosen = [r for r in rows if name == "all" or group(r) == name]
        if not chosen:
            parser.error(f"no messages in {name!r}")
        by_lang = evaluate(chosen, packs)
        report(f"{name} ({len(chosen)} messages)", by_lang, args.show_errors)
        if args.record:
            record(args.record, chosen, by_lang, args.note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
