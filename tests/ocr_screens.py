"""Phone screenshots drawn by the tests themselves: SMS and WeChat-style threads, zh and en, light
and dark, long bubbles that wrap, emoji (drawn as pictures, as phones do), a bubble cut off at the
top. Each screen carries its truth, written out by hand: every bubble's side, text and time.

Used by tests/test_ocr_*.py and benchmarks/bench_ocr.py. Needs Pillow and a CJK font (Noto CJK).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

W, H = 720, 1280
STATUS, NAV, FOOTER = 40, 130, 1190  # status bar bottom, header bottom, input bar top
EMOJI = {"😀", "👍", "🙏", "😡"}


@dataclass(frozen=True)
class Sep:
    text: str
    at: datetime | None  # what it means, by hand (None: date only, see `day`)
    day: str | None = None


@dataclass(frozen=True)
class Msg:
    side: str  # "left" incoming, "right" outgoing
    text: str
    time: str | None = None  # its own time printed under it (Android), and what it means by hand
    at: datetime | None = None


@dataclass
class Spec:
    name: str  # the file name: it carries the day the screenshot was taken
    style: str  # "sms" or "wechat"
    theme: str  # "light" or "dark"
    header: str
    items: list[Sep | Msg]
    crop_top: bool = False  # the first bubble is scrolled half under the header
    truth: list[dict] = field(default_factory=list)


# Colours: background, header, header ink, separator, incoming bubble and text, outgoing bubble and text.
_K = ("bg", "head", "ink", "sep", "inb", "intext", "outb", "outtext")
THEMES = {
    ("sms", "light"): dict(
        zip(
            _K,
            [(255,) * 3, (246,) * 3, (0,) * 3, (142, 142, 147), (233, 233, 235), (0,) * 3, (10, 122, 255), (255,) * 3],
            strict=True,
        )
    ),
    ("sms", "dark"): dict(
        zip(
            _K,
            [(0,) * 3, (28, 28, 30), (255,) * 3, (152, 152, 157), (44, 44, 46), (255,) * 3, (10, 132, 255), (255,) * 3],
            strict=True,
        )
    ),
    ("wechat", "light"): dict(
        zip(
            _K,
            [(237,) * 3, (247,) * 3, (0,) * 3, (160,) * 3, (255,) * 3, (0,) * 3, (149, 236, 105), (0,) * 3],
            strict=True,
        )
    ),
    ("wechat", "dark"): dict(
        zip(
            _K,
            [(17,) * 3, (30,) * 3, (230,) * 3, (120,) * 3, (44,) * 3, (220,) * 3, (60, 150, 80), (230,) * 3],
            strict=True,
        )
    ),
}


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """The Noto Sans CJK font fontconfig finds, or None."""
    if shutil.which("fc-match") is None:
        return None
    out = subprocess.run(
        ["fc-match", "-f", "%{file}", "Noto Sans CJK SC:style=Regular"], capture_output=True, text=True
    )
    path = out.stdout.strip()
    return path if "CJK" in path and Path(path).exists() else None


def _font(size: int):  # noqa: ANN202 (PIL is optional)
    from PIL import ImageFont

    path = cjk_font_path()
    assert path, "no Noto CJK font"
    index = 2 if path.endswith(".ttc") else 0  # the SC face of the collection
    try:
        return ImageFont.truetype(path, size, index=index)
    except OSError:
        return ImageFont.truetype(path, size)


def _wrap(text: str, font, width: int) -> list[str]:
    """Break like a phone: between words for Latin text, anywhere for Chinese."""
    lines: list[str] = []
    current = ""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch.isascii() and ch != " ":
            word += ch
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(ch)
    if word:
        tokens.append(word)
    for token in tokens:
        trial = current + token
        if _length(trial, font) > width and current.strip():
            lines.append(current.rstrip())
            current = token.lstrip()
        else:
            current = trial
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _length(text: str, font) -> float:
    return sum(font.size if ch in EMOJI else font.getlength(ch) for ch in text)


def _draw_text(draw, xy: tuple[float, float], text: str, font, fill) -> None:
    """Text with emoji drawn as small pictures (a round face), as phones draw them."""
    x, y = xy
    for ch in text:
        if ch in EMOJI:
            s = font.size
            draw.ellipse((x + 2, y + 6, x + s - 2, y + s + 2), fill=(255, 204, 51), outline=(200, 150, 0))
            draw.ellipse((x + s * 0.3, y + s * 0.4, x + s * 0.4, y + s * 0.5), fill=(80, 50, 0))
            draw.ellipse((x + s * 0.6, y + s * 0.4, x + s * 0.7, y + s * 0.5), fill=(80, 50, 0))
            x += s
        else:
            draw.text((x, y), ch, font=font, fill=fill)
            x += font.getlength(ch)


def render(spec: Spec, folder: Path) -> Path:
    """Draw the screenshot into folder/spec.name; fills spec.truth with one entry per visible bubble."""
    from PIL import Image, ImageDraw

    c = THEMES[(spec.style, spec.theme)]
    body_font, sep_font, head_font, bar_font = _font(30), _font(22), _font(30), _font(22)
    wechat = spec.style == "wechat"
    margin = 104 if wechat else 20
    max_text = 420
    pad_x, pad_y, gap = 22, 16, 20
    canvas = Image.new("RGB", (W, 3000), c["bg"])
    draw = ImageDraw.Draw(canvas)
    y = 20
    truth: list[dict] = []
    current: Sep | None = None
    for item in spec.items:
        if isinstance(item, Sep):
            y += 8
            draw.text((W / 2, y), item.text, font=sep_font, fill=c["sep"], anchor="mt")
            y += 30 + gap
            current = item
            continue
        lines = _wrap(item.text, body_font, max_text)
        line_h = 42
        text_w = max(_length(line, body_font) for line in lines)
        box_w, box_h = text_w + 2 * pad_x, line_h * len(lines) + 2 * pad_y - 6
        x0 = margin if item.side == "left" else W - margin - box_w
        fill = c["inb"] if item.side == "left" else c["outb"]
        ink = c["intext"] if item.side == "left" else c["outtext"]
        if wechat:
            ax = 20 if item.side == "left" else W - 84
            draw.rounded_rectangle(
                (ax, y, ax + 64, y + 64), 8, fill=(120, 160, 200) if item.side == "left" else (200, 140, 90)
            )
        draw.rounded_rectangle((x0, y, x0 + box_w, y + box_h), 16, fill=fill)
        for i, line in enumerate(lines):
            _draw_text(draw, (x0 + pad_x, y + pad_y - 4 + i * line_h), line, body_font, ink)
        truth.append(
            {
                "side": item.side,
                "text": "".join(ch for ch in item.text if ch not in EMOJI),
                "at": item.at if item.time else current.at if current else None,
                "day": current.day if current else None,
                "top": y,
                "bottom": y + box_h,
            }
        )
        y += box_h + gap
        if item.time:  # its own time in small print under it, against the bubble's outer edge
            anchor, tx = ("lt", x0 + 6) if item.side == "left" else ("rt", x0 + box_w - 6)
            draw.text((tx, y - gap + 6), item.time, font=sep_font, fill=c["sep"], anchor=anchor)
            y += 30
    offset = 0
    if spec.crop_top and truth:
        offset = truth[0]["top"] + (truth[0]["bottom"] - truth[0]["top"]) // 2  # half the first bubble hidden
    image = Image.new("RGB", (W, H), c["bg"])
    image.paste(canvas.crop((0, offset, W, offset + FOOTER - NAV)), (0, NAV))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, W, NAV), fill=c["head"])
    draw.line((0, NAV, W, NAV), fill=c["sep"], width=1)
    draw.text((28, 10), "9:41", font=bar_font, fill=c["ink"])
    draw.text((W - 90, 10), "87%", font=bar_font, fill=c["ink"])
    draw.text((22, 85), "<", font=head_font, fill=c["ink"], anchor="lm")
    draw.text((W / 2, 85), spec.header, font=head_font, fill=c["ink"], anchor="mm")
    draw.rectangle((0, FOOTER, W, H), fill=c["head"])
    draw.rounded_rectangle((90, FOOTER + 20, W - 90, FOOTER + 70), 24, outline=c["sep"], fill=c["bg"])
    visible = []
    for entry in truth:
        top, bottom = entry["top"] - offset + NAV, entry["bottom"] - offset + NAV
        if bottom <= NAV + 10 or top >= FOOTER:
            continue
        entry = dict(entry, cropped=top < NAV, top=max(top, NAV), bottom=bottom)  # image pixels
        visible.append(entry)
    spec.truth = visible
    path = folder / spec.name
    image.save(path)
    return path


def _d(*parts: int) -> datetime:
    return datetime(*parts)  # type: ignore[arg-type]


# The day every screenshot was taken (in its file name): Wednesday 25 November 2026.
ZH_SMS = [
    Sep("昨天 22:13", _d(2026, 11, 24, 22, 13)),
    Msg("left", "【某某消费金融】您的借款已逾期2天，请于今日18:00前还款，否则将上报征信。"),
    Msg("left", "再不还钱就爆你通讯录，明天上门找你家人😡"),
    Msg("right", "我下周五发工资后还款"),
    Sep("今天 09:05", _d(2026, 11, 25, 9, 5)),
    Msg("left", "今天必须还，不然去你单位"),
    Msg("right", "请不要再打扰我的家人🙏"),
]
EN_SMS = [
    Sep("Yesterday 10:13 PM", _d(2026, 11, 24, 22, 13)),
    Msg("left", "This is Acme Recovery. Your account is 30 days past due. Pay today or we will contact your employer."),
    Msg("right", "I will pay on Friday 👍"),
    Sep("Today 9:05 AM", _d(2026, 11, 25, 9, 5)),
    Msg("left", "We know where you live. Pay now."),
    Msg("right", "Please stop calling me at work."),
]
ZH_CHAT = [
    Sep("星期一 21:40", _d(2026, 11, 23, 21, 40)),
    Msg("left", "你好，我是某某资产的王经理，关于你的欠款"),
    Msg("right", "我知道，会尽快处理"),
    Msg("left", "三天内不还，我们就联系你所有的紧急联系人😀"),
    Sep("11月24日 晚上10:02", _d(2026, 11, 24, 22, 2)),
    Msg("left", "最后通知：明天去法院起诉你，准备坐牢吧"),
    Msg("right", "好的"),
]
EN_CHAT = [
    Sep("Monday 9:40 PM", _d(2026, 11, 23, 21, 40)),
    Msg("left", "Hi, this is Mark from Acme about your loan."),
    Msg("right", "I know. I will sort it out soon."),
    Msg("left", "If you do not pay in three days we will message all your contacts 😀"),
    Sep("Nov 24, 2026 10:02 PM", _d(2026, 11, 24, 22, 2)),
    Msg("left", "Final notice: we are filing in court tomorrow."),
    Msg("right", "OK"),
]
# With a bubble scrolled half under the header: no separator above it, so no time.
ZH_SMS_SCROLLED = [
    Msg("left", "请尽快联系我们处理逾期款项，以免产生更多费用"),
    Msg("left", "你的家人已经知道了"),
    Sep("2026年11月20日 22:13", _d(2026, 11, 20, 22, 13)),
    Msg("right", "你们凭什么告诉我家人？"),
    Msg("left", "不还钱就让你身败名裂"),
]
EN_CHAT_SCROLLED = [
    Msg("right", "I asked you in writing to stop contacting my family about this debt."),
    Msg("left", "Your mother was very helpful"),
    Sep("11/20 10:13 PM", _d(2026, 11, 20, 22, 13)),
    Msg("left", "Pay today or we come to your house"),
    Msg("right", "Stop."),
]


# Android Messages: a day separator, each bubble's own time under it (minute precision).
ZH_ANDROID = [
    Sep("11月24日", None, day="2026-11-24"),
    Msg("left", "您好，您的账单已逾期，请尽快处理", "22:13", _d(2026, 11, 24, 22, 13)),
    Msg("right", "知道了", "22:15", _d(2026, 11, 24, 22, 15)),
    Sep("今天", None, day="2026-11-25"),
    Msg("left", "今天下午五点前必须还清，否则后果自负", "09:05", _d(2026, 11, 25, 9, 5)),
    Msg("right", "我在上班，请不要打电话", "09:07", _d(2026, 11, 25, 9, 7)),
]
EN_ANDROID = [
    Sep("Tuesday, November 24", None, day="2026-11-24"),
    Msg("left", "Your payment is overdue. Call us back today.", "10:13 PM", _d(2026, 11, 24, 22, 13)),
    Msg("right", "I will call tomorrow.", "10:20 PM", _d(2026, 11, 24, 22, 20)),
    Sep("Today", None, day="2026-11-25"),
    Msg("left", "We will visit your office at noon.", "9:05 AM", _d(2026, 11, 25, 9, 5)),
]


@dataclass(frozen=True)
class Call:
    """One row of a recent-calls list as drawn, and its truth by hand."""

    who: str  # drawn as the row's first line
    label: str  # the small line under it
    time: str  # the right column
    red: bool  # the number drawn in red (missed)
    number: str  # what the row's number or name is
    direction: str | None  # None: the row does not show it
    status: str
    at: datetime
    precision: str
    duration_s: int | None = None


@dataclass
class CallSpec:
    name: str
    theme: str
    title: str
    tabs: str
    rows: list[Call]
    truth: list[dict] = field(default_factory=list)


ZH_CALLS = [
    Call(
        "+86 138 0013 8000",
        "未接来电",
        "22:13",
        True,
        "+86 138 0013 8000",
        "in",
        "missed",
        _d(2026, 11, 25, 22, 13),
        "minute",
    ),
    Call("王经理 (3)", "呼出 2分30秒", "昨天", False, "王经理", "out", "answered", _d(2026, 11, 24), "day", 150),
    Call("10690000888", "呼入", "11月20日", False, "10690000888", "in", "unknown", _d(2026, 11, 20), "day"),
    Call("95188", "北京 移动", "星期一", True, "95188", "in", "missed", _d(2026, 11, 23), "day"),
    Call("021-5555 0100", "上海", "09:05", False, "021-5555 0100", None, "unknown", _d(2026, 11, 25, 9, 5), "minute"),
]
EN_CALLS = [
    Call(
        "+1 202-555-0147",
        "Missed",
        "10:13 PM",
        True,
        "+1 202-555-0147",
        "in",
        "missed",
        _d(2026, 11, 25, 22, 13),
        "minute",
    ),
    Call("Mark Acme", "Outgoing", "Yesterday", False, "Mark Acme", "out", "unknown", _d(2026, 11, 24), "day"),
    Call(
        "(202) 555-0199",
        "Incoming 2m 30s",
        "11/20/26",
        False,
        "(202) 555-0199",
        "in",
        "answered",
        _d(2026, 11, 20),
        "day",
        150,
    ),
    Call("Mom", "mobile", "Monday", False, "Mom", None, "unknown", _d(2026, 11, 23), "day"),
    Call(
        "+1 415-555-0123",
        "Incoming",
        "9:05 AM",
        False,
        "+1 415-555-0123",
        "in",
        "unknown",
        _d(2026, 11, 25, 9, 5),
        "minute",
    ),
]
CALL_THEMES = {
    "light": {"bg": (255,) * 3, "ink": (0,) * 3, "grey": (142, 142, 147), "red": (255, 59, 48), "line": (220,) * 3},
    "dark": {"bg": (0,) * 3, "ink": (255,) * 3, "grey": (152, 152, 157), "red": (255, 69, 58), "line": (56,) * 3},
}


def render_calls(spec: CallSpec, folder: Path) -> Path:
    """Draw a recent-calls list into folder/spec.name; fills spec.truth with one entry per row."""
    from PIL import Image, ImageDraw

    c = CALL_THEMES[spec.theme]
    who_font, small, title_font = _font(32), _font(22), _font(34)
    image = Image.new("RGB", (W, H), c["bg"])
    draw = ImageDraw.Draw(image)
    draw.text((28, 10), "9:41", font=small, fill=c["ink"])
    draw.text((W - 90, 10), "87%", font=small, fill=c["ink"])
    draw.text((W / 2, 85), spec.title, font=title_font, fill=c["ink"], anchor="mm")
    draw.line((0, NAV, W, NAV), fill=c["line"], width=1)
    truth = []
    y = NAV + 10
    for row in spec.rows:
        draw.text((40, y + 18), row.who, font=who_font, fill=c["red"] if row.red else c["ink"])
        draw.text((40, y + 64), row.label, font=small, fill=c["grey"])
        draw.text((W - 40, y + 50), row.time, font=small, fill=c["grey"], anchor="rm")
        draw.line((40, y + 110, W, y + 110), fill=c["line"], width=1)
        truth.append({"row": row, "top": y + 10, "bottom": y + 100})
        y += 112
    draw.text((W / 2, 1235), spec.tabs, font=small, fill=c["grey"], anchor="mm")
    spec.truth = truth
    path = folder / spec.name
    image.save(path)
    return path


def call_screens() -> list[CallSpec]:
    """Recent-calls lists, zh and en, light and dark (taken on Wednesday 25 November 2026)."""
    out = []
    for lang, title, tabs, rows in (
        ("zh", "通话记录", "拨号      联系人      收藏", ZH_CALLS),
        ("en", "Recents", "Favorites      Contacts      Keypad", EN_CALLS),
    ):
        for theme in ("light", "dark"):
            out.append(CallSpec(f"Screenshot_20261125-{lang}-calls-{theme}.png", theme, title, tabs, list(rows)))
    return out


def screens() -> list[Spec]:
    """The rendered set: every layout in both themes."""
    out: list[Spec] = []
    sets = [
        ("zh-sms", "sms", "+86 138 0013 8000", ZH_SMS, False),
        ("en-sms", "sms", "+1 202-555-0147", EN_SMS, False),
        ("zh-chat", "wechat", "某某资产王经理", ZH_CHAT, False),
        ("en-chat", "wechat", "Mark Acme", EN_CHAT, False),
        ("zh-sms-scrolled", "sms", "10690000888", ZH_SMS_SCROLLED, True),
        ("en-chat-scrolled", "wechat", "Mark Acme", EN_CHAT_SCROLLED, True),
        ("zh-android", "sms", "+86 138 0013 8000", ZH_ANDROID, False),
        ("en-android", "sms", "+1 202-555-0147", EN_ANDROID, False),
    ]
    for name, style, header, items, crop in sets:
        for theme in ("light", "dark"):
            out.append(Spec(f"Screenshot_20261125-{name}-{theme}.png", style, theme, header, list(items), crop))
    return out
