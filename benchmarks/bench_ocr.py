"""Screenshots into events: how often each bubble comes out right, and the character error rate.

    python benchmarks/bench_ocr.py [--out DIR] [--verbose] [--jpeg QUALITY]

Renders the test suite's screenshot set (tests/ocr_screens.py: SMS and WeChat-style threads, zh and
en, light and dark, wrapped long bubbles, emoji, a bubble cut off at the top), reads each image the
way `harasslog import` does (engine, layout, separators, the Asia/Shanghai zone), and compares with
the truth written by hand in that file:
  bubble right   found, with the right direction, number (or name) and time (a bubble under a
                 separator: that minute; with none above it: precision "unknown");
  CER            character error rate (edit distance / reference length) of the text of whole
                 bubbles (not the one cut off at the top), NFKC, spaces removed; emoji are pictures
                 and not in the reference.
  call row right  (call-log screenshots) one call per row, with the row's number or name, the
                 direction and status it shows (unknown where it shows none: such a row is
                 skipped without --direction), its duration and its time with its precision;
                 CER over the number or name of the rows found.
Target (issue 16): >= 95 % of bubbles right, CER <= 3 %. Figures only, no assertion.
Needs the ocr extra and a CJK font (Noto CJK).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import ocr_screens  # noqa: E402

from harasslog.ocr import screenshot  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")


def distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def flat(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="keep the rendered screenshots here")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument(
        "--jpeg", type=int, metavar="QUALITY", help="re-save each screenshot as JPEG (as chat apps send them)"
    )
    args = parser.parse_args()
    if ocr_screens.cjk_font_path() is None:
        sys.exit("no Noto CJK font (apt install fonts-noto-cjk)")
    folder = args.out or Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    folder.mkdir(parents=True, exist_ok=True)
    bubbles = right = cut_right = 0
    wrong = {"missed": 0, "direction": 0, "number": 0, "time": 0}
    edits = chars = 0
    seconds = 0.0
    specs = ocr_screens.screens()
    for spec in specs:
        path = ocr_screens.render(spec, folder)
        if args.jpeg:
            from PIL import Image

            jpeg = path.with_suffix(".jpg")
            Image.open(path).save(jpeg, quality=args.jpeg)
            path = jpeg
        started = time.perf_counter()
        _, events, _ = screenshot.read(path, TZ, screenshot.Options(channel="sms"))
        seconds += time.perf_counter() - started
        for truth in spec.truth:
            bubbles += 1
            found = [e for e in events if _overlap(e.raw["box"], truth) > 0.5]
            if not found:
                wrong["missed"] += 1
                if args.verbose:
                    print(f"{spec.name}: missed {truth['text'][:30]!r}")
                continue
            event = found[0]
            ok_direction = event.direction == ("in" if truth["side"] == "left" else "out")
            ok_number = flat(event.number_raw) == flat(spec.header)
            if truth["at"] is None:
                ok_time = event.at_precision == "unknown"
            else:
                ok_time = event.at_precision == "minute" and event.at.replace(tzinfo=None) == truth["at"]
            for key, ok in (("direction", ok_direction), ("number", ok_number), ("time", ok_time)):
                wrong[key] += not ok
            right += ok_direction and ok_number and ok_time
            cut_right += event.raw["cropped"] == truth["cropped"]
            if not truth["cropped"]:
                ref, hyp = flat(truth["text"]), flat(event.text or "")
                edits += distance(ref, hyp)
                chars += len(ref)
                if args.verbose and ref != hyp:
                    print(f"{spec.name}: {ref!r} -> {hyp!r}")
            if args.verbose and not (ok_direction and ok_number and ok_time):
                print(f"{spec.name}: {truth['text'][:20]!r} dir={ok_direction} number={ok_number} time={ok_time}")
    print(f"screenshots: {len(specs)}, bubbles: {bubbles}, OCR + layout {seconds / len(specs):.2f} s per image")
    print(
        f"bubbles right (direction, number, time): {right}/{bubbles} = {100 * right / bubbles:.1f} % (target >= 95 %)"
    )
    print(f"cut off at the top, marked as such or not, rightly: {cut_right}/{bubbles}")
    print("wrong: " + ", ".join(f"{k} {v}" for k, v in wrong.items()))
    print(f"character error rate, whole bubbles: {edits}/{chars} = {100 * edits / max(chars, 1):.2f} % (target <= 3 %)")
    _calls(folder, args)
    print(f"images: {folder}")


def _calls(folder: Path, args: argparse.Namespace) -> None:
    """The recent-calls lists, read as `import` reads them without --channel (detected)."""
    specs = ocr_screens.call_screens()
    rows = right = edits = chars = 0
    wrong = {"missed": 0, "number": 0, "direction": 0, "status": 0, "duration": 0, "time": 0}
    for spec in specs:
        path = ocr_screens.render_calls(spec, folder)
        if args.jpeg:  # the red of a missed number must survive JPEG too
            from PIL import Image

            jpeg = path.with_suffix(".jpg")
            Image.open(path).save(jpeg, quality=args.jpeg)
            path = jpeg
        screen, _, _ = screenshot.read(path, TZ, screenshot.Options())
        for truth in spec.truth:
            rows += 1
            want = truth["row"]
            found = [r for r in screen.calls if _overlap([0, r.box[1], 0, r.box[3]], truth) > 0.5]
            if not found:
                wrong["missed"] += 1
                continue
            row = found[0]
            at = row.stamp.at if row.stamp else None
            checks = {
                "number": flat(row.who) == flat(want.number),
                "direction": row.direction == want.direction,
                "status": row.status == want.status,
                "duration": row.duration_s == want.duration_s,
                "time": row.stamp is not None and (at, row.stamp.precision) == (want.at, want.precision),
            }
            for key, ok in checks.items():
                wrong[key] += not ok
            right += all(checks.values())
            edits += distance(flat(want.number), flat(row.who))
            chars += len(flat(want.number))
            if args.verbose and not all(checks.values()):
                print(f"{spec.name}: {want.who!r} {[k for k, ok in checks.items() if not ok]}")
    print(f"call logs: {len(specs)}, rows: {rows}")
    print(f"call rows right (number, direction, status, duration, time): {right}/{rows} = {100 * right / rows:.1f} %")
    print("wrong: " + ", ".join(f"{k} {v}" for k, v in wrong.items()))
    print(f"character error rate, numbers and names: {edits}/{chars} = {100 * edits / max(chars, 1):.2f} %")


def _overlap(box: list[int], truth: dict) -> float:
    """How much of the true bubble's height the found bubble covers."""
    top, bottom = truth["top"], truth["bottom"]
    shared = min(box[3], bottom) - max(box[1], top)
    return max(0.0, shared) / max(1, bottom - top)


if __name__ == "__main__":
    main()
