"""One screenshot into the store: the image as a content-addressed exhibit, each bubble an event.

Each event's source is `ocr:<image sha256>`; its `raw` keeps what the OCR read (the bubble's box,
each line with its box and confidence, the separator it sits under, the day relative words were
read against, the engine and its version), so a reader can check the transcription against the
image, which is attached to every event read from it.

A bubble that matches a message already in the store (same channel, direction, number and text, in
the same minute, or the same day when the screenshot shows no time) is not stored again: it
corroborates that event (corroborate.py). Importing the same image twice adds nothing.
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..catalog import t
from ..errors import InputError
from ..integrity import file_sha256
from ..models import RawAttachment, RawEvent
from ..store.query import EventQuery
from . import calllog, corroborate, engine, layout

if TYPE_CHECKING:
    from ..ingest import FileSummary
    from ..store import Store

FORMAT = "screenshot"
LAYOUT_VERSION = "1"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
MAX_PIXELS = 40_000_000  # a long scrolling capture is ~ 1080 x 20000; beyond this it is not a screenshot
# Screenshot_20261120-221300.png, Screenshot 2026-11-20 at 22.13.00.png, IMG_20261120_221300.jpg,
# 微信图片_20261120221300
_NAME_DATE = re.compile(r"(?<!\d)(20\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d{3}(?:\D|$))")


@dataclass(frozen=True)
class Options:
    channel: str = "sms"  # "sms", "im" or "call"
    number: str | None = None  # overrides the number or name read from the header
    detect: bool = True  # a call-log screenshot is read as calls unless a channel was given
    direction: str | None = None  # call rows that do not show their direction (else skipped)


def is_image(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES


def reference_day(path: Path, tz: ZoneInfo) -> tuple[date, str]:
    """The day the screenshot was taken, which 今天 / 昨天 / 星期一 count from, and where it came from."""
    if m := _NAME_DATE.search(path.stem):
        try:
            return date(int(m[1]), int(m[2]), int(m[3])), "file name"
        except ValueError:
            pass
    modified = datetime.fromtimestamp(path.stat().st_mtime, tz)
    return modified.date(), "file modified"


def _open_image(path: Path) -> tuple[int, int, layout.Probe]:
    """The image's size and a pixel reader; a file that is no readable image is refused."""
    import warnings

    from PIL import Image  # installed with the ocr extra (the engine needs it)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            if image.width * image.height > MAX_PIXELS:
                raise InputError(f"{path.name}: {image.width}x{image.height} pixels is too large for a screenshot")
            rgb = image.convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise InputError(f"{path.name}: not an image that can be read ({type(exc).__name__})") from None
    pixels = rgb.load()
    assert pixels is not None
    width, height = rgb.size

    def probe(x: int, y: int) -> tuple[int, ...]:
        value = pixels[min(max(x, 0), width - 1), min(max(y, 0), height - 1)]
        return tuple(value) if isinstance(value, tuple) else (int(value),) * 3

    return width, height, probe


def read(path: Path, tz: ZoneInfo, options: Options) -> tuple[layout.Screen, list[RawEvent], str]:
    """The screen read from one image, its bubbles as events and the image's SHA-256."""
    width, height, probe = _open_image(path)
    sha256 = file_sha256(path)
    reference, basis = reference_day(path, tz)
    lines = engine.read_lines(path)
    if options.channel == "call" or (options.detect and calllog.looks_like_call_log(lines, width, height)):
        return _read_calls(path, lines, (width, height), probe, tz, sha256, (reference, basis), options)
    screen = layout.read_screen(lines, width, height, reference, probe)
    number = options.number or screen.header
    if screen.bubbles and not number:
        raise InputError(f"{path.name}: no number or name found at the top of the screenshot; give it with --number")
    data = path.read_bytes()
    attachment = RawAttachment(name=path.name, mime=mimetypes.guess_type(path.name)[0], data=data)
    version = engine.version()
    events = [
        _event(path, i, bubble, number or "", tz, sha256, (reference, basis), screen, version, options, attachment)
        for i, bubble in enumerate(screen.bubbles)
    ]
    return screen, events, sha256


NO_DIRECTION = "skip_no_direction"  # the catalog key of the reason (ocr.skip_no_direction)


def _read_calls(
    path: Path,
    lines: list[engine.Line],
    size: tuple[int, int],
    probe: layout.Probe,
    tz: ZoneInfo,
    sha256: str,
    reference: tuple[date, str],
    options: Options,
) -> tuple[layout.Screen, list[RawEvent], str]:
    """A recent-calls list: each row a call with what it shows; a row that shows no direction
    takes --direction, else it is skipped (counted with its reason), never guessed."""
    width, height = size
    top = layout.content_top(width, height, probe)
    rows = calllog.read_calls(lines, width, height, reference[0], top, probe)
    screen = layout.Screen(width, height, calls=rows)
    attachment = RawAttachment(name=path.name, mime=mimetypes.guess_type(path.name)[0], data=path.read_bytes())
    version = engine.version()
    events: list[RawEvent] = []
    for i, row in enumerate(rows):
        direction = row.direction or options.direction
        if direction is None:
            screen.skipped[NO_DIRECTION] = screen.skipped.get(NO_DIRECTION, 0) + 1
            continue
        at, precision = _when(row.stamp, reference[0], tz)
        offset = at.utcoffset()
        raw: dict[str, Any] = {
            "image": path.name,
            "image_sha256": sha256,
            "kind": "call log row",
            "box": list(row.box),
            "lines": [
                {
                    "text": ln.text,
                    "box": [round(ln.x0), round(ln.y0), round(ln.x1), round(ln.y1)],
                    "score": round(ln.score, 3),
                }
                for ln in row.lines
            ],
            "shown": {"kind": row.kind_text, "red": row.red, "count": row.count, "duration_s": row.duration_s},
            "direction_given": row.direction is None,
            "time": row.stamp.text if row.stamp else None,
            "relative_to": {"day": reference[0].isoformat(), "from": reference[1]},
            "number_given": options.number is not None,
            "engine": version,
            "layout": LAYOUT_VERSION,
        }
        events.append(
            RawEvent(
                channel="call",
                direction=direction,
                number_raw=options.number or row.who,
                at=at,
                duration_s=row.duration_s,
                status=row.status,
                source_ref=f"{path.name} row[{i}]",
                raw=raw,
                attachments=(attachment,),
                tz_offset_min=int(offset.total_seconds() // 60) if offset is not None else None,
                at_precision=precision,
            )
        )
    return screen, events, sha256


def _event(
    path: Path,
    index: int,
    bubble: layout.Bubble,
    number: str,
    tz: ZoneInfo,
    sha256: str,
    reference: tuple[date, str],
    screen: layout.Screen,
    version: str,
    options: Options,
    attachment: RawAttachment,
) -> RawEvent:
    at, precision = _when(bubble.stamp, reference[0], tz)
    offset = at.utcoffset()
    raw: dict[str, Any] = {
        "image": path.name,
        "image_sha256": sha256,
        "box": list(bubble.box),
        "side": bubble.side,
        "lines": [
            {
                "text": ln.text,
                "box": [round(ln.x0), round(ln.y0), round(ln.x1), round(ln.y1)],
                "score": round(ln.score, 3),
            }
            for ln in bubble.lines
        ],
        "cropped": bubble.cropped,
        "cut_lines": [ln.text for ln in bubble.cut],
        "separator": bubble.stamp.text if bubble.stamp else None,
        "own_time": bubble.time_line.text if bubble.time_line else None,
        "relative_to": {"day": reference[0].isoformat(), "from": reference[1]},
        "header": screen.header,
        "number_given": options.number is not None,
        "engine": version,
        "layout": LAYOUT_VERSION,
    }
    return RawEvent(
        channel=options.channel,
        direction="in" if bubble.side == "left" else "out",
        number_raw=number,
        at=at,
        text=bubble.text,
        source_ref=f"{path.name} bubble[{index}]",
        raw=raw,
        attachments=(attachment,),
        tz_offset_min=int(offset.total_seconds() // 60) if offset is not None else None,
        at_precision=precision,
    )


def comparable(text: str | None) -> str:
    """Text as compared across sources: NFKC, without spaces (OCR drops or adds them)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def _when(stamp: Any, day: date, tz: ZoneInfo) -> tuple[datetime, str]:
    """The time shown for a bubble or call row, with its precision; with none shown, the day the
    screenshot was taken, marked unknown (the screenshot does not say when)."""
    if stamp is not None:
        return stamp.at.replace(tzinfo=tz), stamp.precision
    return datetime.combine(day, datetime.min.time(), tz), "unknown"


def matching_event(store: Store, raw: RawEvent, sha256: str) -> int | None:
    """An event from another source with the same channel, direction, number and text in the
    bubble's minute (or its day, when the screenshot gives no time): the same message."""
    if raw.channel == "call" and raw.at_precision != "minute":
        return None  # a day holds many calls from one number: only the minute tells one call
    start = raw.at.replace(second=0, microsecond=0)
    span = timedelta(minutes=1)
    if raw.at_precision != "minute":
        start, span = start.replace(hour=0, minute=0), timedelta(days=1)
    wanted = comparable(raw.text)
    query = EventQuery(since=start, until=start + span, channel=raw.channel, number=raw.number_raw)
    for event in store.events.select(query):
        if (
            event.withdrawn is None
            and event.direction == raw.direction
            and event.source != f"ocr:{sha256}"
            and comparable(event.text) == wanted
        ):
            return event.id
    return None


def import_screenshot(
    store: Store, path: Path, options: Options, party_id: int | None, summary: FileSummary, lang: str = "en"
) -> None:
    """Read one image and store its bubbles (inside the caller's transaction)."""
    earlier = [i for i in store.imports.list() if i["sha256"] == summary.sha256 and i["format"] == FORMAT and i["new"]]
    if earlier:  # the same image again: its bubbles are all in the store (no need to read it)
        first = earlier[0]
        kept = store.corroborations.count_for_import(int(first["id"]))
        summary.duplicate = int(first["new"]) + int(first["skipped"] or 0) + kept
        return
    screen, raws, sha256 = read(path, store.tz, options)
    for key, count in screen.skipped.items():
        reason = t(lang, f"ocr.{key}")
        summary.skipped += count
        summary.skipped_reasons[reason] = summary.skipped_reasons.get(reason, 0) + count
    source = f"ocr:{sha256}"
    fresh: list[RawEvent] = []
    matched: list[tuple[int, RawEvent]] = []
    for raw in raws:
        match = matching_event(store, raw, sha256)
        if match is None:
            fresh.append(raw)
            continue
        corroborate.record(store, match, raw, source)  # the image becomes an exhibit of that event
        matched.append((match, raw))
    store.corroborations.record(matched, import_id=summary.import_id, source=source)
    ids = store.events.add_many(fresh, import_id=summary.import_id, party_id=party_id, dedupe=False, source=source)
    summary.new += sum(1 for i in ids if i is not None)
    if matched:
        summary.corroborated = len(matched)
        ids_text = ", ".join(str(event_id) for event_id, _ in matched)
        summary.warnings.append(t(lang, "ocr.warn_corroborates", file=path.name, count=len(matched), ids=ids_text))
    if any(r.raw.get("cropped") for r in fresh):
        summary.warnings.append(t(lang, "ocr.warn_cut", file=path.name))


def expand(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(other files, screenshots): a folder stands for the images in it, in name order."""
    files: list[Path] = []
    images: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and is_image(p))
            if not found:
                raise InputError(f"{path}: a folder with no screenshots (.png, .jpg, .webp) in it")
            images.extend(found)
        elif is_image(path):
            images.append(path)
        else:
            files.append(path)
    return files, images


def import_screenshots(
    store: Store, paths: list[Path], options: Options, party: str | None, lang: str = "en"
) -> list[FileSummary]:
    """Every screenshot in one transaction (the caller's, if any): all or nothing."""
    from ..ingest import FileSummary

    if (hint := engine.missing()) is not None:
        raise engine.EngineMissing(hint)
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if path.stat().st_size == 0:
            raise InputError(f"{path.name}: the file is empty")
    summaries: list[FileSummary] = []
    version = f"{engine.version()} layout {LAYOUT_VERSION}"
    with store.transaction():
        party_id = store.parties.ensure(party) if party else None
        for path in paths:
            size = path.stat().st_size
            summary = FileSummary(path.name, str(path), FORMAT, version, size, file_sha256(path), 0)
            summary.import_id = store.imports.begin(
                file_name=path.name, size=size, sha256=summary.sha256, format=FORMAT, importer_version=version
            )
            import_screenshot(store, path, options, party_id, summary, lang)
            store.imports.finish(
                summary.import_id,
                new=summary.new,
                duplicate=summary.duplicate,
                skipped=summary.skipped,
                skipped_reasons=summary.skipped_reasons,
            )
            summaries.append(summary)
    return summaries
