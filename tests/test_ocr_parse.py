"""Time separators and bubble layout, without the OCR engine (pure; always run)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from typer.testing import CliRunner

from harasslog.cli import app
from harasslog.ocr import engine, layout, stamps
from harasslog.ocr.engine import Line

# The screenshot was taken on Wednesday 25 November 2026.
DAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "at", "precision"),
    [
        ("今天 22:13", datetime(2026, 11, 25, 22, 13), "minute"),
        ("昨天22:13", datetime(2026, 11, 24, 22, 13), "minute"),  # OCR drops the space
        ("昨天 下午10:13", datetime(2026, 11, 24, 22, 13), "minute"),
        ("星期一 21:40", datetime(2026, 11, 23, 21, 40), "minute"),
        ("星期—21:40", datetime(2026, 11, 23, 21, 40), "minute"),  # 一 read as a dash
        ("周三", datetime(2026, 11, 18), "day"),  # a weekday is one of the past week, not today
        ("2026年11月20日 22:13", datetime(2026, 11, 20, 22, 13), "minute"),
        ("11月24日 晚上10:02", datetime(2026, 11, 24, 22, 2), "minute"),
        ("12月30日", datetime(2025, 12, 30), "day"),  # no year, later in the year: last year's
        ("11/20 10:13 PM", datetime(2026, 11, 20, 22, 13), "minute"),
        ("Yesterday 10:13 PM", datetime(2026, 11, 24, 22, 13), "minute"),
        ("Monday 9:40 PM", datetime(2026, 11, 23, 21, 40), "minute"),
        ("Nov 24, 2026 10:02 PM", datetime(2026, 11, 24, 22, 2), "minute"),
        ("12:05 AM", datetime(2026, 11, 25, 0, 5), "minute"),
        ("凌晨1:05", datetime(2026, 11, 25, 1, 5), "minute"),
    ],
)
def test_a_separator_gives_its_time_and_precision(text, at, precision):
    stamp = stamps.parse(text, DAY)
    assert stamp is not None, text
    assert (stamp.at, stamp.precision) == (at, precision)


@pytest.mark.parametrize("text", ["好的", "明天 12:00 见", "13800138000", "Pay now", "25:99", "I owe 12,800"])
def test_message_text_is_no_separator(text):
    assert stamps.parse(text, DAY) is None


W, H = 720, 1280


def _line(text, x0, y0, x1, height=34):
    return Line(text, x0, y0, x1, y0 + height)


def test_lines_become_bubbles_by_side_with_the_separator_above_them():
    lines = [
        _line("9:41", 24, 14, 74, 29),
        _line("+86 138 0013 8000", 233, 70, 487),
        _line("再不还钱就爆你通讯录，明天上", 42, 240, 462),
        _line("门找你家人", 40, 280, 194),  # the same bubble, wrapped
        _line("昨天 22:13", 305, 170, 415, 26),
        _line("我下周五发工资后还款", 420, 350, 680),
        _line("Pay today or we come to your", 42, 430, 460),
        _line("house", 42, 470, 120),
    ]
    screen = layout.read_screen(lines, W, H, DAY)
    assert screen.header == "+86 138 0013 8000"
    got = [(b.side, b.text, b.stamp.at if b.stamp else None) for b in screen.bubbles]
    yesterday = datetime(2026, 11, 24, 22, 13)
    assert got == [
        ("left", "再不还钱就爆你通讯录，明天上门找你家人", yesterday),
        ("right", "我下周五发工资后还款", yesterday),
        ("left", "Pay today or we come to your house", yesterday),  # Latin lines keep their space
    ]


def test_a_bubble_with_no_separator_above_has_no_time():
    lines = [_line("王经理", 300, 70, 420), _line("你好", 42, 200, 120), _line("今天 09:05", 305, 300, 415, 26)]
    (bubble,) = layout.read_screen(lines, W, H, DAY).bubbles
    assert bubble.text == "你好" and bubble.stamp is None


def test_a_bubble_running_into_the_header_is_marked_cut_off():
    """Pixels: header grey down to y=130, white conversation, a grey bubble from y=130 (cut) and one at 300."""

    def probe(x, y):
        if y < 130:
            return (246, 246, 246)
        if 20 <= x <= 400 and (130 <= y <= 200 or 300 <= y <= 370):
            return (233, 233, 235)
        return (255, 255, 255)

    lines = [
        _line("10690000888", 267, 72, 453),
        _line("以免产生更多费用", 43, 150, 282),
        _line("你的家人", 43, 318, 200),
    ]
    first, second = layout.read_screen(lines, W, H, DAY, probe).bubbles
    assert (first.cropped, second.cropped) == (True, False)
    assert (first.side, second.side) == ("left", "left")


def test_a_folder_stands_for_the_screenshots_in_it_in_name_order(tmp_path):
    from harasslog.ocr.screenshot import expand

    (tmp_path / "shots" / "older").mkdir(parents=True)
    for name in ("b.PNG", "a.jpg", "notes.txt", "older/c.webp"):
        (tmp_path / "shots" / name).write_bytes(b"x")
    export = tmp_path / "sms.xml"
    files, images = expand([tmp_path / "shots", export])
    assert files == [export]
    assert [p.relative_to(tmp_path / "shots").as_posix() for p in images] == ["a.jpg", "b.PNG", "older/c.webp"]


def test_the_day_relative_words_count_from_comes_from_the_file_name(tmp_path):
    from zoneinfo import ZoneInfo

    from harasslog.ocr.screenshot import reference_day

    tz = ZoneInfo("Asia/Shanghai")
    for name in (
        "Screenshot_20261120-221300.png",
        "Screenshot 2026-11-20 at 22.13.00.png",
        "微信图片_20261120221300.jpg",
    ):
        (tmp_path / name).write_bytes(b"x")
        assert reference_day(tmp_path / name, tz) == (date(2026, 11, 20), "file name"), name
    (tmp_path / "shot.png").write_bytes(b"x")
    assert reference_day(tmp_path / "shot.png", tz)[1] == "file modified"


def test_without_the_extra_a_screenshot_is_refused_with_what_to_install(tmp_path, monkeypatch):
    db = tmp_path / "bare.db"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db), "init", "--region", "CN", "--tz", "Asia/Shanghai"]).exit_code == 0
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n")
    monkeypatch.setattr(engine, "missing", lambda: engine.INSTALL_HINT)  # as without the extra (this also runs there)
    result = runner.invoke(app, ["--db", str(db), "--lang", "en", "import", str(shot)])
    assert result.exit_code == 2
    assert "pip install 'harasslog[ocr]'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    # The extra installed but opencv's system libraries absent: the line names those instead.
    lost = f"{engine.SYSTEM_HINT} (libGL.so.1: cannot open shared object file)"
    monkeypatch.setattr(engine, "missing", lambda: lost)
    result = runner.invoke(app, ["--db", str(db), "--lang", "en", "import", str(shot)])
    assert result.exit_code == 2 and "apt install libgl1 libglib2.0-0" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(runner.invoke(app, ["--db", str(db), "list", "--json"]).stdout) == []
