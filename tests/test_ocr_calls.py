"""Call-log screenshots become calls, and a bubble's own time beats the separator above it: one
call log (en, dark) and one Android thread (zh, light) drawn by the tests and read by the real OCR
engine (one store per module: OCR takes seconds per image); the rest on recognised lines (pure)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parent))
import ocr_screens  # noqa: E402

from harasslog.cli import app  # noqa: E402
from harasslog.ocr import calllog, engine, layout, screenshot  # noqa: E402
from harasslog.ocr.engine import Line  # noqa: E402

DAY = date(2026, 11, 25)  # the screenshots were taken on Wednesday 25 November 2026
W, H = 720, 1280
_missing = [
    *([f"the OCR engine ({engine.missing()})"] if not engine.available() else []),
    *(["a CJK font (apt install fonts-noto-cjk)"] if ocr_screens.cjk_font_path() is None else []),
]
needs_engine = pytest.mark.skipif(bool(_missing), reason="needs " + " and ".join(_missing))


def run(db: Path, *args: str):
    result = CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shots")
    calls = next(s for s in ocr_screens.call_screens() if s.name.endswith("en-calls-dark.png"))
    thread = next(s for s in ocr_screens.screens() if s.name.endswith("zh-android-light.png"))
    db = folder / "case.db"
    run(db, "init", "--region", "US", "--tz", "Asia/Shanghai")
    summary = json.loads(run(db, "import", str(ocr_screens.render_calls(calls, folder)), "--json").stdout)
    run(db, "import", str(ocr_screens.render(thread, folder)), "--json")
    return {"summary": summary, "events": json.loads(run(db, "list", "--json").stdout)}


@needs_engine
def test_call_log_rows_become_calls_with_what_they_show(case):
    calls = [e for e in case["events"] if e["channel"] == "call"]
    got = sorted((e["number_raw"], e["direction"], e["status"], e["duration_s"], e["at_precision"]) for e in calls)
    assert got == sorted(
        [
            ("+1 202-555-0147", "in", "missed", None, "minute"),  # red, "Missed", 10:13 PM
            ("Mark Acme", "out", "unknown", None, "day"),  # "Outgoing", Yesterday: answered or not, not shown
            ("(202) 555-0199", "in", "answered", 150, "day"),  # "Incoming 2m 30s", 11/20/26
            ("+1 415-555-0123", "in", "unknown", None, "minute"),  # "Incoming", 9:05 AM
        ]
    )
    missed = next(e for e in calls if e["status"] == "missed")
    assert missed["at"] == "2026-11-25T22:13:00+08:00"
    # "Mom / mobile / Monday" shows no direction: skipped with its reason, not guessed.
    (file,) = case["summary"]["files"]
    assert file["skipped"] == 1


@needs_engine
def test_a_bubbles_own_time_beats_the_separator_above_it(case):
    sms = sorted((e["at"], e["at_precision"]) for e in case["events"] if e["channel"] == "sms")
    assert sms == [  # separators say only 11月24日 and 今天; each bubble's own time gives the minute
        ("2026-11-24T22:13:00+08:00", "minute"),
        ("2026-11-24T22:15:00+08:00", "minute"),
        ("2026-11-25T09:05:00+08:00", "minute"),
        ("2026-11-25T09:07:00+08:00", "minute"),
    ]


def _line(text, x0, y0, x1, height=34):
    return Line(text, x0, y0, x1, y0 + height)


ROWS = [
    _line("通话记录", 290, 68, 430),
    _line("+86 138 0013 8000", 40, 160, 290, 32),
    _line("22:13", 620, 172, 685, 28),
    _line("未接来电", 38, 205, 140, 26),
    _line("王经理 (3)", 40, 272, 200, 34),
    _line("昨天", 630, 284, 685, 28),
    _line("呼出 2分30秒", 38, 318, 200, 26),
    _line("021-5555 0100", 40, 384, 255, 32),
    _line("星期一", 610, 396, 685, 28),
    _line("上海", 38, 430, 90, 26),
]


def test_call_rows_read_from_lines_keep_unshown_things_unknown():
    assert calllog.looks_like_call_log(ROWS, W, H)
    rows = calllog.read_calls(ROWS, W, H, DAY)
    got = [(r.who, r.direction, r.status, r.duration_s, r.count, r.stamp.at, r.stamp.precision) for r in rows]
    assert got == [
        ("+86 138 0013 8000", "in", "missed", None, None, datetime(2026, 11, 25, 22, 13), "minute"),
        ("王经理", "out", "answered", 150, 3, datetime(2026, 11, 24), "day"),
        ("021-5555 0100", None, "unknown", None, None, datetime(2026, 11, 23), "day"),
    ]


def test_a_thread_is_no_call_log():
    thread = [_line("某某客服电话", 260, 70, 460), _line("未接来电提醒：您有一笔逾期账单，请尽快回电", 42, 350, 680)]
    assert not calllog.looks_like_call_log(thread, W, H)


def test_a_row_without_direction_takes_the_one_given(tmp_path, monkeypatch):
    shot = tmp_path / "Screenshot_20261125-calls.png"
    from PIL import Image

    Image.new("RGB", (W, H), (255, 255, 255)).save(shot)
    monkeypatch.setattr(engine, "read_lines", lambda _: ROWS)  # the lines above, as if read from the image
    monkeypatch.setattr(engine, "version", lambda: "test")
    tz = ZoneInfo("Asia/Shanghai")
    screen, events, _ = screenshot.read(shot, tz, screenshot.Options())
    assert [e.direction for e in events] == ["in", "out"] and sum(screen.skipped.values()) == 1
    _, events, _ = screenshot.read(shot, tz, screenshot.Options(direction="out"))
    assert [(e.number_raw, e.direction, e.raw["direction_given"]) for e in events][2] == ("021-5555 0100", "out", True)


def test_a_small_time_under_a_bubble_is_its_time_and_a_big_one_is_text():
    lines = [
        _line("+86 138 0013 8000", 233, 70, 487),
        _line("11月24日", 311, 152, 409, 30),
        _line("您好，您的账单已逾期", 42, 226, 463, 36),
        _line("22:13", 23, 268, 85, 26),  # small print under the bubble: its own time
        _line("22:30", 600, 340, 680, 36),  # message-sized: a bubble saying "22:30"
    ]
    first, second = layout.read_screen(lines, W, H, DAY).bubbles
    assert (first.text, first.stamp.at, first.stamp.precision) == (
        "您好，您的账单已逾期",
        datetime(2026, 11, 24, 22, 13),
        "minute",
    )
    assert (second.text, second.stamp.at, second.stamp.precision) == ("22:30", datetime(2026, 11, 24), "day")


def test_a_bubbles_own_time_without_a_day_above_it_stays_unknown():
    lines = [_line("王经理", 300, 70, 420), _line("你好", 42, 226, 120, 36), _line("22:13", 23, 268, 85, 26)]
    (bubble,) = layout.read_screen(lines, W, H, DAY).bubbles
    assert bubble.text == "你好" and bubble.stamp is None and bubble.time_line is not None


def test_a_screenshot_channel_other_than_sms_im_or_call_is_refused(tmp_path):
    db = tmp_path / "c.db"
    run(db, "init", "--region", "CN", "--tz", "Asia/Shanghai")
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n")
    result = CliRunner().invoke(app, ["--db", str(db), "--lang", "en", "import", str(shot), "--channel", "fax"])
    assert result.exit_code == 2
    assert "sms, im or call" in result.stderr and len(result.stderr.strip().splitlines()) == 1
