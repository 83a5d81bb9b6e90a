"""A small, fixed case for the dossier tests: events at fixed times, hand-built findings.

Built through the store's public API only, with findings saved as the engine would save them,
so the dossier tests do not depend on the rule engine.
"""

from __future__ import annotations

import re
import struct
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

from harasslog.models import Citation, Finding, Match, RawAttachment, RawEvent

CST = timezone(timedelta(hours=8))
EST = timezone(timedelta(hours=-5))
FIXED_NOW = datetime(2026, 11, 22, 9, 30, tzinfo=CST)

# Hostile text: markup, template syntax, Markdown table breakers, control characters, RTL override.
HOSTILE = (
    '<script>alert("x")</script> {{ 7*7 }} {% raw %} | col | # head *bold* `tick` [l](http://e.x)\n'
    "second line \x07bell \u202eevil\u202c end & &amp;"
)
THREAT = "再不还钱就上门，通知你单位领导和家人，让你坐牢！"
REMINDER = "【某某消费金融】您的借款已逾期2天，请及时还款。退订回T"


def _png(width: int = 4, height: int = 2) -> bytes:
    """A small valid PNG, built by hand (no image library needed)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PNG = _png()


def fill_cn(store) -> dict[str, int]:
    """A Chinese case: a reminder, a threat, night calls, a hostile message. Returns event ids by role."""
    with store.transaction():
        lender = store.parties.add("某某消费金融有限公司", kind="creditor")
        agency = store.parties.add("某某催收服务公司", kind="agency", creditor="某某消费金融有限公司")
        store.numbers.link("13912345678", agency)
        store.numbers.link("10690000123", lender)
        store.debts.add(
            creditor="某某消费金融有限公司", amount="5000.00", currency="CNY", due="2026-11-10", account="LN-2026-0001"
        )
        raws = [
            RawEvent(
                "sms", "in", "10690000123", datetime(2026, 11, 12, 10, 0, tzinfo=CST), text=REMINDER, source_ref="t1"
            ),
            RawEvent(
                "sms",
                "in",
                "13912345678",
                datetime(2026, 11, 12, 22, 40, tzinfo=CST),
                text=THREAT,
                source_ref="t2",
                attachments=(RawAttachment("screenshot.png", "image/png", PNG),),
            ),
            RawEvent(
                "call",
                "in",
                "13912345678",
                datetime(2026, 11, 12, 23, 5, tzinfo=CST),
                duration_s=95,
                status="answered",
                source_ref="t3",
            ),
            RawEvent(
                "call", "in", "13912345678", datetime(2026, 11, 13, 7, 15, tzinfo=CST), status="missed", source_ref="t4"
            ),
            RawEvent(
                "sms", "in", "+8613700001111", datetime(2026, 11, 14, 12, 0, tzinfo=CST), text=HOSTILE, source_ref="t5"
            ),
            RawEvent("visit", "in", "", datetime(2026, 11, 15, 9, 0, tzinfo=CST), source_ref="t6"),
        ]
        ids = store.events.add_many(raws, party_id=None, dedupe=True)
        store.requests.add(
            kind="pause",
            party_id=lender,
            start=datetime(2026, 11, 1, tzinfo=CST),
            end=datetime(2027, 11, 1, tzinfo=CST),
            note="缓催一年",
        )
    roles = dict(zip(["reminder", "threat", "night_call", "early_call", "hostile", "visit"], ids, strict=True))
    threat_start = THREAT.index("上门")
    findings = [
        Finding(
            rule_id="CN-WORD-002",
            category="false_legal_threat",
            severity="high",
            event_ids=(roles["threat"],),
            start=raws[1].at,
            end=raws[1].at,
            explanation="短信以“坐牢”相威胁，属于虚假法律后果威胁。",
            title="虚假法律后果威胁",
            matches=(
                Match("CN-WORD-002", "false_legal_threat", "坐牢", THREAT.index("坐牢"), THREAT.index("坐牢") + 2),
                Match("CN-WORD-002", "false_legal_threat", "上门", threat_start, threat_start + 2),
            ),
            citations=(
                Citation("治安管理处罚法（2025）", "第五十条第一款第（五）项", "V"),
                Citation("GB/T 45251-2025", "5.3", "S", "https://example.org/gbt45251"),
            ),
        ),
        Finding(
            rule_id="CN-HOURS-001",
            category="quiet_hours",
            severity="medium",
            event_ids=(roles["threat"], roles["night_call"], roles["early_call"]),
            start=raws[1].at,
            end=raws[3].at,
            explanation="22:00 至次日 8:00 之间催收 3 次。",
            title="休息时间催收",
            citations=(Citation("GB/T 45251-2025", "5.3", "S"),),
        ),
        Finding(
            rule_id="CN-WORD-009",
            category="insult",
            severity="low",
            event_ids=(roles["hostile"],),
            start=raws[4].at,
            end=raws[4].at,
            explanation="Text with <b>markup</b> and {{ 7*7 }} in the explanation | pipe.",
            matches=(Match("CN-WORD-009", "insult", "<script>", 0, 8),),
            citations=(Citation("Test <i>instrument</i>", "Art. 1 | 2", "U", "javascript:alert(1)"),),
        ),
    ]
    with store.transaction():
        store.runs.save(pack_id="cn", pack_version="2026.11", params={"pack": "cn"}, findings=findings)
    return roles


def fill_us(store) -> dict[str, int]:
    with store.transaction():
        agency = store.parties.add("Acme Recovery LLC", kind="agency")
        store.numbers.link("+12025550188", agency)
        raws = [
            RawEvent(
                "call", "in", "+12025550188", datetime(2026, 3, 2, 7, 30, tzinfo=EST), status="missed", source_ref="u1"
            ),
            RawEvent(
                "sms",
                "in",
                "+12025550188",
                datetime(2026, 3, 2, 21, 30, tzinfo=EST),
                text="Pay today or we will have you arrested.",
                source_ref="u2",
            ),
        ]
        ids = store.events.add_many(raws)
    findings = [
        Finding(
            rule_id="US-WORD-003",
            category="false_legal_threat",
            severity="high",
            event_ids=(ids[1],),
            start=raws[1].at,
            end=raws[1].at,
            explanation="Threat of arrest for non-payment.",
            matches=(Match("US-WORD-003", "false_legal_threat", "arrested", 29, 37),),
            citations=(Citation("12 CFR", "1006.18(b)(3)", "V"), Citation("15 USC", "1692e(4)", "V")),
        ),
        Finding(
            rule_id="US-HOURS-001",
            category="quiet_hours",
            severity="medium",
            event_ids=(ids[0], ids[1]),
            start=raws[0].at,
            end=raws[1].at,
            explanation="Contact before 8am or after 9pm local time.",
            citations=(Citation("12 CFR", "1006.6(b)(1)(i)", "V"),),
        ),
    ]
    with store.transaction():
        store.runs.save(pack_id="us", pack_version="2026.11", params={}, findings=findings)
    return dict(zip(["call", "sms"], ids, strict=True))


def scrub(text: str, store) -> str:
    """Replace what changes from run to run (hashes over recording times) with stable names."""
    names = {store.ledger.head(): "CHAIN-HEAD"}
    for e in store.events.select():
        names[e.hash] = f"EVENT-{e.id}-HASH"
    pattern = re.compile("|".join(re.escape(h) for h in names if h))
    return pattern.sub(lambda m: names[m.group(0)], text)


def golden(path: Path, actual: str, update: bool) -> None:
    if update or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs; HARASSLOG_UPDATE_GOLDEN=1 to accept"
