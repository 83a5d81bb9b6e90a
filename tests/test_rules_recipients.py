"""Issue 11 rule families: a message to a third party that mentions the debt is a disclosure however
polite; legally impossible claims are findings; review-tier rules never become findings."""

from __future__ import annotations

import re

import pytest
from helpers_rules import NEW_YORK, PACK_HEAD, SHANGHAI, Timeline

from harasslog.errors import InputError
from harasslog.rules.engine import analyze
from harasslog.rules.loader import load_pack, parse_pack
from harasslog.rules.wording import scan_text

CN = load_pack("cn")
US = load_pack("us")
UK = load_pack("uk")
POLITE_ZH = "您好，请帮忙督促他还款，谢谢"
POLITE_EN = "Please ask him to call us about his account."


def disclosures(tl: Timeline, pack, tz, who=None, lang="en"):
    findings = analyze(tl.events, [], pack, tz=tz, lang=lang, who=who)
    return [f for f in findings if f.category == "privacy_disclosure"]


def test_a_polite_mention_of_the_debt_to_a_third_party_is_a_disclosure_naming_who_received_it() -> None:
    tl = Timeline(SHANGHAI)
    told = tl.add("2026-11-20 10:00", "third_party", text=POLITE_ZH, source="import:x")
    found = disclosures(tl, CN, SHANGHAI, who={told: "my mother"})
    assert [(f.rule_id, f.event_ids) for f in found] == [("CN-WORD-PRIV-002", (told,))]
    assert "my mother" in found[0].explanation and "还款" in found[0].explanation
    assert [m.text for m in found[0].matches] == ["还款"]
    assert any("治安管理处罚法" in c.instrument for c in found[0].citations)


def test_the_same_words_to_the_borrower_are_no_disclosure() -> None:
    tl = Timeline(SHANGHAI)
    tl.sms("2026-11-20 10:00", text=POLITE_ZH)
    assert disclosures(tl, CN, SHANGHAI) == []
    assert scan_text(POLITE_ZH, CN) == []  # scan: the recipient is unknown
    assert [m.rule_id for m in scan_text(POLITE_ZH, CN, recipient="third_party")] == ["CN-WORD-PRIV-002"]


@pytest.mark.parametrize(("pack", "tz"), [(US, NEW_YORK), (UK, NEW_YORK)])
def test_english_packs_treat_a_third_party_message_about_the_account_as_disclosure(pack, tz) -> None:
    tl = Timeline(tz)
    told = tl.add("2026-11-20 10:00", "third_party", text=POLITE_EN)
    asked = tl.add("2026-11-20 11:00", "third_party", text="Please ask Pat to return our call.")
    found = disclosures(tl, pack, tz)
    assert [f.event_ids for f in found] == [(told,)]
    assert asked not in found[0].event_ids
    assert "to a third party" in found[0].explanation
    assert "(as recorded by the complainant)" in found[0].explanation  # typed by hand


def test_a_third_party_message_gives_one_disclosure_finding_not_two() -> None:
    # CN-WORD-PRIV-001 also matches this wording; the recipient rule says more (who was told).
    tl = Timeline(SHANGHAI)
    tl.add("2026-11-20 10:00", "third_party", text="请转告你同事曹某，他在我们平台的借款已经逾期")
    assert [f.rule_id for f in disclosures(tl, CN, SHANGHAI)] == ["CN-WORD-PRIV-002"]


@pytest.mark.parametrize(
    ("pack", "text", "rule_id"),
    [
        (CN, "再不还款，你就等着留案底吧", "CN-WORD-IMPOSS-001"),
        (CN, "三天内不处理，你的身份证将被冻结作废", "CN-WORD-IMPOSS-001"),
        (US, "Pay today or we will suspend your driver's license.", "US-WORD-IMPOSS-001"),
        (UK, "Your file has been forwarded for a judicial investigation.", "UK-WORD-IMPOSS-001"),
    ],
)
def test_legally_impossible_claims_are_findings_of_their_own_rule(pack, text, rule_id) -> None:
    assert rule_id in {m.rule_id for m in scan_text(text, pack)}


@pytest.mark.parametrize(
    ("pack", "text"),
    [
        (CN, "若持续不还款，我司将依法向人民法院提起诉讼"),
        (CN, "您的逾期记录将按规定报送征信系统，请尽快还款"),
        (US, "If the account remains unpaid, we may refer it to an attorney who may file a lawsuit."),
        (US, "Late payments may be reported to the credit bureaus."),
    ],
)
def test_lawful_notices_of_suit_and_credit_reporting_are_not_flagged(pack, text) -> None:
    assert scan_text(text, pack) == []


def test_review_rules_never_become_findings() -> None:
    text = "钱不还，你看着办吧"
    tl = Timeline(SHANGHAI)
    tl.sms("2026-11-20 10:00", text=text)
    found = analyze(tl.events, [], CN, tz=SHANGHAI)
    assert [f.rule_id for f in found if f.tier == "finding"] == []
    assert [(f.rule_id, f.tier) for f in found] == [("CN-REV-VIOL-001", "review")]  # for a person to decide
    assert scan_text(text, CN) == []
    assert [m.rule_id for m in scan_text(text, CN, tier="review")] == ["CN-REV-VIOL-001"]


def test_every_review_rule_carries_a_score_between_0_and_1() -> None:
    review = [r for p in (CN, US, UK) for r in p.rules if r.tier == "review"]
    assert {r.category for r in review} >= {"threat_violence", "false_legal_threat", "insult", "impersonation"}
    assert all(0 < r.params["score"] < 1 for r in review)


PACK = (
    PACK_HEAD
    + """

[[rules]]
id = "MY-WORD-001"
kind = "wording"
category = "privacy_disclosure"
severity = "high"
title_zh = "透露"
title_en = "Disclosure"
explanation_zh = "透露"
explanation_en = "Disclosure"
citations = [{ instrument = "X", article = "1", tag = "S", url = "" }]
params = { recipients = ["third_party"] }
patterns.zh = ['欠款']
examples = [{ expect = "match", text = "他有欠款" }, { expect = "ok", text = "您好" }]
"""
)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('recipients = ["third_party"]', 'recipients = ["neighbour"]', "params.recipients: must be a non-empty list"),
        ('recipients = ["third_party"]', "recipients = []", "params.recipients: must be a non-empty list"),
        ('recipients = ["third_party"]', "score = 1.5", "params.score: must be a number from 0 to 1"),
    ],
)
def test_recipients_and_score_are_validated(old: str, new: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        parse_pack(PACK.replace(old, new, 1), "mine.toml")


def test_a_review_item_never_repeats_a_category_the_findings_name_in_the_message() -> None:
    # "出点什么事" is a finding (violence); "好自为之" alone would be raised for review as violence.
    text = "欠款再不还，你好自为之，别到时候你家里人出点什么事就不好说了。"
    tl = Timeline(SHANGHAI)
    tl.sms("2026-11-20 10:00", text=text)
    found = analyze(tl.events, [], CN, tz=SHANGHAI)
    assert [(f.category, f.tier) for f in found] == [("threat_violence", "finding")]
    only_hint = Timeline(SHANGHAI)
    only_hint.sms("2026-11-20 10:00", text="欠款再不处理，你好自为之。")
    assert [(f.category, f.tier) for f in analyze(only_hint.events, [], CN, tz=SHANGHAI)] == [
        ("threat_violence", "review")
    ]


def test_a_review_rule_for_third_parties_raises_its_item_on_a_message_to_one_and_only_there() -> None:
    pack = parse_pack(
        PACK.replace('severity = "high"', 'severity = "high"\ntier = "review"', 1).replace(
            'recipients = ["third_party"] }', 'recipients = ["third_party"], score = 0.5 }', 1
        ),
        "mine.toml",
    )
    tl = Timeline(SHANGHAI)
    told = tl.add("2026-11-20 10:00", "third_party", text="他有欠款", source="import:x")
    tl.sms("2026-11-20 11:00", text="你有欠款", source="import:x")  # to the borrower: not this rule
    review = [f for f in analyze(tl.events, [], pack, tz=SHANGHAI, lang="zh") if f.rule_id == "MY-WORD-001"]
    assert [(f.tier, f.event_ids) for f in review] == [("review", (told,))]
