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


def pack_version(pack: str) -> str:
    """The shipped pack's version: a hand-built run of an older version would be analyzed again."""
    from harasslog.rules.loader import load_pack

    return load_pack(pack).version


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
        store.runs.save(pack_id="cn", pack_version=pack_version("cn"), params={"pack": "cn"}, findings=findings)
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
        store.runs.save(pack_id="us", pack_version=pack_version("us"), params={}, findings=findings)
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


# Every trick a value could try in a dossier: markup and handlers, script URLs, template syntax,
# Markdown links and images, raw HTML for Markdown, control and bidi characters.
ATTACKS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "' onmouseover='alert(3)",
    "javascript:alert(4)",
    "{{1234*1000}} {{7*7}} {% raw %}",
    "[x](javascript:alert(5)) ![y](http://evil.example/p.png) <http://evil.example/a> www.evil.example/c",
    '<a href="http://evil.example/b">b</a> <b onclick=alert(6)>b</b>',
    "\x07\u202eevil\u202c\u200b",
)
ATTACK = " ".join(ATTACKS)
SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(7)"><script>alert(8)</script></svg>'


def fill_hostile(store, tmp_path: Path) -> None:
    """A case where every field a dossier shows holds ATTACK: parties, numbers, texts, notes,
    requests, debts, attachments (names and MIME types), the profile and an import's file name."""
    from harasslog.ingest import import_files

    def bad(field: str) -> str:
        return f"{field}:{ATTACK}"

    with store.transaction():
        store.profile.set(name=bad("name"), phone=bad("phone"), id_number=bad("id"))
        lender = store.parties.add(bad("creditor"), kind="creditor")
        agency = store.parties.add(bad("agency"), kind="agency", creditor=bad("creditor"))
        person = store.parties.add(bad("person"), kind="unknown")
        store.numbers.link("13912345678", agency)
        store.debts.add(
            creditor=bad("creditor"), amount=bad("amount"), currency="CNY", due=bad("due"), account=bad("ref")
        )
        raws = [
            RawEvent(
                "sms",
                "in",
                "13912345678",
                datetime(2026, 11, 12, 22, 40, tzinfo=CST),
                text=bad("text"),
                source_ref="h1",
            ),
            RawEvent(
                "sms", "in", bad("number"), datetime(2026, 11, 13, 9, 0, tzinfo=CST), text=bad("text2"), source_ref="h2"
            ),
            RawEvent(
                "mms",
                "in",
                "13912345678",
                datetime(2026, 11, 13, 23, 0, tzinfo=CST),
                text=bad("mms"),
                source_ref="h3",
                attachments=(
                    RawAttachment(bad("file") + ".png", 'image/png" onerror="alert(9)" x="', PNG),
                    RawAttachment(bad("svg") + ".svg", "image/png", SVG_SCRIPT),
                    RawAttachment(bad("html") + ".html", bad("mime"), b"<script>alert(10)</script>"),
                ),
            ),
            RawEvent(
                "call", "in", bad("raw"), datetime(2026, 11, 13, 23, 30, tzinfo=CST), status="missed", source_ref="h4"
            ),
        ]
        ids = store.events.add_many(raws, party_id=person)
        store.events.set_meta(ids[0], note=bad("note"))
        store.attachments.add(None, PNG, name=bad("loose"), mime=bad("loose-mime"))
        store.requests.add(kind="stop", party_id=person, start=datetime(2026, 11, 1, tzinfo=CST), note=bad("request"))
        store.requests.add(kind="pause", party_id=lender, start=datetime(2026, 11, 2, tzinfo=CST), note=bad("pause"))
    imported = tmp_path / f"import-{ATTACKS[1].replace('/', '')}.csv"
    imported.write_text("channel,direction,number,at,text\nsms,in,13912345678,2026-11-14 10:00," + '"imp"\n', "utf-8")
    import_files(store, [imported], format="csv")
    flagged = [i for i in ids if i is not None]
    at = datetime(2026, 11, 12, 22, 40, tzinfo=CST)
    findings = [
        Finding(
            rule_id="CN-WORD-002",
            category="false_legal_threat",
            severity="high",
            event_ids=tuple(flagged),
            start=at,
            end=datetime(2026, 11, 13, 23, 30, tzinfo=CST),
            explanation=bad("explanation"),
            title=bad("title"),
            matches=(Match("CN-WORD-002", "false_legal_threat", "<script>", 5, 13),),
            citations=(Citation(bad("instrument"), bad("article"), "V", "javascript:alert(11)"),),
        )
    ]
    with store.transaction():
        store.runs.save(pack_id="cn", pack_version=pack_version("cn"), params={}, findings=findings)


# Third parties' names and numbers, planted in every field a dossier shows; --redact must hide each.
PERSON = "王小明"
SECRETS = (
    PERSON,
    "13811112222",  # right after Chinese in a message
    "13733334444",  # a person's number (event number and raw number)
    "13955556666",  # in an attachment's file name
    "13966667777",  # in a request's note
    "13922223333",  # in an event's note, before a full stop
    "6222020200112233445",  # a bank account in the debt reference
    "11010519491231002X",  # the borrower's ID number
)


def fill_third_parties(store) -> None:
    """A Chinese case where a person (王小明, kind unknown) calls and texts, and is named everywhere."""
    with store.transaction():
        store.profile.set(id_number="11010519491231002X")
        lender = store.parties.add("某某消费金融有限公司", kind="creditor")
        person = store.parties.add(PERSON, kind="unknown")
        store.numbers.link("13733334444", person)
        store.debts.add(
            creditor="某某消费金融有限公司", amount="5000", currency="CNY", due=None, account="卡号6222020200112233445"
        )
        raws = [
            RawEvent(
                "sms",
                "in",
                "13733334444",
                datetime(2026, 11, 12, 22, 40, tzinfo=CST),
                text=f"我是{PERSON}，再不还钱就上门，请联系13811112222",
                source_ref="r1",
                attachments=(RawAttachment(f"{PERSON}_IMG_13955556666.png", "image/png", PNG),),
            ),
            RawEvent("call", "in", "+8613733334444", datetime(2026, 11, 12, 23, 5, tzinfo=CST), source_ref="r2"),
        ]
        ids = store.events.add_many(raws)
        store.events.set_meta(ids[1], note=f"{PERSON}打来，回拨号码13922223333.")
        store.requests.add(
            kind="stop",
            party_id=person,
            start=datetime(2026, 11, 1, tzinfo=CST),
            note=f"告诉{PERSON}（13966667777）停止",
        )
        store.requests.add(kind="pause", party_id=lender, start=datetime(2026, 11, 2, tzinfo=CST))
    text = raws[0].text or ""
    with store.transaction():
        store.runs.save(
            pack_id="cn",
            pack_version="t",
            params={},
            findings=[
                Finding(
                    rule_id="CN-WORD-002",
                    category="false_legal_threat",
                    severity="high",
                    event_ids=tuple(i for i in ids if i is not None),
                    start=raws[0].at,
                    end=raws[1].at,
                    explanation=f"{PERSON}以上门相威胁。",
                    matches=(
                        Match("CN-WORD-002", "false_legal_threat", "上门", text.index("上门"), text.index("上门") + 2),
                    ),
                )
            ],
        )
