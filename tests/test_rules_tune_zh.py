"""Issue 11, third tuning pass of the Chinese pack: concepts, not phrases. Each wording here is written
for the test (not a corpus message nor a pack example), so it fails if a rule only knew the words it
was tuned on; the benign ones guard both tiers against the same words used harmlessly."""

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
        ("钱不到，明天就把你弟弟交出来，任我们处置", "threat_violence"),
        ("不给钱就让你领教领教我们的厉害", "threat_violence"),
        ("下午派人登门，出了事别说没提醒你", "threat_violence"),
        ("仲唔還？今晚搵人斬佢", "threat_violence"),
        ("你老婆住喺邊度我哋都知", "threat_violence"),
        ("找一班马仔过去找你谈谈", "threat_violence"),
        ("再不处理，本案移交公检法", "false_legal_threat"),
        ("户籍地派出所将约谈你本人", "false_legal_threat"),
        ("你个憨批，赶紧还钱", "insult"),
        ("你简直猪狗都不如", "insult"),
        ("你这人就是个吸血鬼", "insult"),
        ("你的亲戚个个都会知道你欠钱", "threat_third_party"),
        ("现在开启屏幕共享，我教你操作", "scam_suspect"),
        ("你借网贷的事我们早就告诉你爸了", "privacy_disclosure"),
        ("你的名字下午就会出现在催收群里", "privacy_disclosure"),
        ("再拖就让你进去呆几个月", "false_legal_threat"),
        ("钱不还，小心你的小命", "threat_violence"),
        ("全小区都会收到你的欠款通知", "threat_third_party"),
    ],
)
def test_unseen_wordings_of_a_tuned_concept_are_findings(text, category) -> None:
    assert category in categories(text)


@pytest.mark.parametrize(
    "text, category",
    [
        ("你的案子马上走诉讼流程", "false_legal_threat"),
        ("若拒不处理，您将面临司法追究", "false_legal_threat"),
        ("请明天上午九点前往市检察院说明情况", "false_legal_threat"),
        ("你作为紧急联系人要负连带清偿责任", "false_legal_threat"),
        ("我们是XX区检察院的", "impersonation"),
        ("XX市中级人民法院的通知：请尽快处理欠款", "impersonation"),
        ("你儿子在附小上四年级吗？", "threat_violence"),
        ("你家门面还想不想要了", "threat_violence"),
        ("拖下去你孩子会跟着你遭殃", "threat_violence"),
        ("别以为换了号码跑掉就没事了", "threat_violence"),
        ("限你十分钟内回电话", "pressure"),
        ("从今天起每天额外加收外访费", "pressure"),
        ("你的信用已经烂了，今后什么都办不成", "pressure"),
        ("你的微信交易被限制，请点击验证恢复", "scam_suspect"),
        ("先付3000元手续费才能办理减免", "scam_suspect"),
        ("有没有兴趣再借一笔额度", "scam_suspect"),
        ("我们清楚你每天几点出门", "threat_violence"),
        ("你以为我们查不到你老家？", "threat_violence"),
    ],
)
def test_open_ended_types_reach_the_review_tier(text, category) -> None:
    assert category in categories(text, tier="review") | categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "今晚叫几个兄弟过来喝酒",
        "任何让你开屏幕共享的都是骗局",
        "如查实催收员威胁客户，我司将移送司法机关",
        "您好，我们的理财经理可以上门为您服务",
        "你等住，我就嚟",
        "您的朋友会收到您发出的邀请",
        "您不是人事部的吗",
    ],
)
def test_the_same_words_used_harmlessly_are_not_findings(text) -> None:
    assert categories(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "【XX银行】您的信用卡本期账单已出，请于25日前还款",
        "我司将依法向人民法院提起诉讼，请知悉",
        "担保人对本笔借款承担连带保证责任",
        "如贵司逾期未付，我司将提起民事诉讼，由此产生的一切法律后果由贵司承担",
        "根据合同约定，逾期每日加收万分之五的违约金",
        "祝您和家人中秋快乐，身体健康",
        "我们的客服会在24小时内回复您",
        "本次为最后还款提醒，请按时还款",
        "请通过官方APP还款，切勿转账至个人账户",
    ],
)
def test_lawful_reminders_reach_neither_tier(text) -> None:
    assert categories(text) == set()
    assert categories(text, tier="review") == set()


def test_a_finance_company_named_to_a_third_party_discloses() -> None:
    text = "您好，我是XX财务公司的，请问陈某还在贵公司上班吗"
    assert "privacy_disclosure" not in categories(text)
    assert "privacy_disclosure" in categories(text, recipient="third_party")
