"""The text-safety helpers and the charts, on their own."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from harasslog import charts, textsafe


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("*bold* _it_ `code`", "\\*bold\\* \\_it\\_ \\`code\\`"),
        ("a | b", "a \\| b"),
        ("<script>", "\\<script>"),
        ("[link](http://x)", "\\[link\\](http\\://x)"),
        ("see https://evil.example/x or www.evil.example", "see https\\://evil.example/x or www\\.evil.example"),
        ("# heading", "\\# heading"),
        ("#tag", "#tag"),
        ("1. item", "1\\. item"),
        ("- item\n> quote", "\\- item\n\\> quote"),
        ("+8613800138000", "+8613800138000"),
        ("2026-11-20", "2026-11-20"),
        ("AT&T &amp;", "AT&T \\&amp;"),
        ("{{ 7*7 }}", "{{ 7\\*7 }}"),
        ("---", "\\---"),
    ],
)
def test_md_escape(raw, escaped):
    assert textsafe.md_escape(raw) == escaped


def test_autolink_only_for_plain_http_urls():
    assert textsafe.md_autolink("https://example.org/a_b") == "<https://example.org/a_b>"  # no escapes inside <>
    assert textsafe.md_autolink("javascript:alert(1)") == "javascript:alert(1)"
    assert textsafe.md_autolink("https://x.org/<b>") == "https\\://x.org/\\<b>"  # not a link, escaped text


def test_visible_marks_invisible_and_control_characters():
    assert textsafe.visible("a\u202eb\u200bc\x00d\x1be\r\nf\tg") == "a[U+202E]b[U+200B]c[U+0000]d[U+001B]e\nf\tg"
    assert textsafe.visible("普通短信 😀") == "普通短信 😀"
    assert textsafe.visible("\ud83d") == "[U+D83D]"  # a lone surrogate can still be written as UTF-8


def test_fence_outlasts_backticks_in_the_text():
    block = str(textsafe.md_fenced("look ````` here"))
    assert block.startswith("``````text\n") and block.endswith("\n``````")


def test_mask_number_keeps_country_code_and_last_digits():
    assert textsafe.mask_number("+8613812345678") == "+86•••••••••78"
    assert textsafe.mask_number("95588") == "95588"
    assert textsafe.mask_digits_in_text("打 13812345678 或 0755-12345678") == "打 •••••••••78 或 ••••-••••••78"


def test_per_day_chart_is_wellformed_and_escapes_labels():
    svg = charts.per_day_svg(
        [(date(2026, 11, 1), {"insult": 2, "unflagged": 1}), (date(2026, 11, 3), {"quiet_hours": 1})],
        labels={"insult": "<b>&insult</b>", "quiet_hours": "night", "unflagged": "other"},
        title='Per day "test"',
    )
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "&lt;b&gt;&amp;insult&lt;/b&gt;" in svg
    bars = [
        r
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.find("{http://www.w3.org/2000/svg}title") is not None
    ]
    assert len(bars) == 3  # insult, unflagged on day 1; quiet_hours on day 3; nothing on day 2


def test_heatmap_counts_land_in_their_cells():
    grid = [[0] * 24 for _ in range(7)]
    grid[3][22] = 5
    svg = charts.heatmap_svg(grid, weekdays=["一", "二", "三", "四", "五", "六", "日"], title="heat")
    ET.fromstring(svg)
    assert "四 22:00 — 5" in svg
    with pytest.raises(ValueError):
        charts.heatmap_svg([[0] * 24], weekdays=["x"] * 7, title="bad")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("请联系13800138000", "请联系•••••••••00"),  # CJK right before the number
        ("拨打13800138000。", "拨打•••••••••00。"),
        ("call 13800138000.", "call •••••••••00."),  # a full stop after it
        ("Tel.13800138000", "Tel.•••••••••00"),
        ("ID11010519491231002X", "ID•••••••••••••••02X"),  # glued to letters
        ("IMG_13955556666.jpg", "IMG_•••••••••66.jpg"),
        ("pi is 3.14159265", "pi is 3.14159265"),  # not a number anyone owns
    ],
)
def test_mask_digits_in_text_whatever_surrounds_them(text, masked):
    assert textsafe.mask_digits_in_text(text) == masked
