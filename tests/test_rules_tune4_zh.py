"""Issue 11, fourth pass of the Chinese pack: concept families (an institution of any kind or region
acting against the reader; a payment that "releases" something; posing as a platform's customer
service). Each wording is written for the test, not taken from the corpus or the pack's examples, so a
rule that only knew its own examples fails here; the benign ones are the hard negatives the same
words appear in (anti-fraud warnings, a lender's lawful notice of suit, its robot call, real bank SMS)."""

from __future__ import annotations

import pytest

from harasslog.rules.loader import load_pack
from harasslog.rules.wording import scan_text

CN = load_pack("cn")


def categories(text: str, **kw) -> set[str]:
    return {m.category for m in scan_text(text, CN, **kw)}


@pytest.mark.parametrize(
    "text, category",
    [
        ("市公安局特警支队将对您采取强制措施", "impersonation"),
        ("高雄地檢署已對你發出傳喚", "impersonation"),
        ("这是拘留证的照片，你自己看", "impersonation"),
        ("请你积极配合我们的调查", "impersonation"),
        ("你的传票已经到期未领", "impersonation"),
        ("我是官方客服，现在教你关闭百万保障", "impersonation"),
        ("先转2000元押金，审核通过即可放款", "scam_suspect"),
        ("想撤案就得先交一笔钱", "scam_suspect"),
        ("您的资金已被冻结，下载这个软件处理", "scam_suspect"),
        ("马上关闭你的借呗额度", "scam_suspect"),
        ("欠款请用比特币支付", "scam_suspect"),
        ("本笔债务已移交给我司，请转账到以下卡号", "scam_suspect"),
    ],
)
def test_unseen_wordings_of_the_new_concepts_are_findings(text, category) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text, category",
    [
        ("馬來西亞反貪會調查你名下的戶口", "impersonation"),
        ("我是你老同学，帮我个忙", "impersonation"),
        ("公司还款渠道已变更，请勿再还到旧账户", "scam_suspect"),
        ("恭喜你中奖了，领奖请回复", "scam_suspect"),
    ],
)
def test_suggestive_shapes_reach_the_review_tier(text, category) -> None:
    assert category in categories(text, tier="review") | categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "警方提醒：凡是要求转账到安全账户的都是诈骗",
        "谨防有人冒充检察院称您涉嫌洗钱",
        "你再打电话骚扰我家人，我就报警让警察处理",
        "我司已委托律师起诉，法院将依法向您送达传票",
        "您好，我是XX银行的智能客服，提醒您本期账单已出，按1转人工",
        "客服不会要求你注销学生账户，请提高警惕",
        "注销账户不会影响您的征信",
    ],
)
def test_the_same_words_used_harmlessly_are_not_findings(text) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text, category",
    [
        ("砸锅卖铁也得把这笔钱补上", "pressure"),
        ("拿信用卡刷一笔先还", "pressure"),
        ("你家那套房子卖掉就够了", "pressure"),
        ("你这臭八婆跑哪去了", "insult"),
    ],
)
def test_pressure_and_insult_concepts_are_findings(text, category) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "如有困难可以申请延期，不必变卖财产",
        "你再借我五百，月底还你",
        "你是不是有病了？记得早点去医院",
    ],
)
def test_family_and_lawful_money_talk_is_not_a_finding(text) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text, tier",
    [
        ("你儿子几点放学我们都清楚", "finding"),
        ("小心给你点颜色看看", "finding"),
        ("过两天上门拜访你父母", "review"),
    ],
)
def test_veiled_menace_is_flagged_in_its_tier(text, tier) -> None:
    assert "threat_violence" in categories(text, tier=tier)


def test_a_weather_reminder_is_no_menace() -> None:
    assert categories("今晚降温下雪，出门注意点") == set()
