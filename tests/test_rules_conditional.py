"""Conditional threats: a consequence word counts only near an ultimatum (再不还/否则/if you don't...).

Packs declare the conditions once ([conditions]) and each wording rule its `consequences` and
params.within; the loader checks the three fit together, the matcher combines them.
"""

from __future__ import annotations

import pytest
from helpers_rules import PACK_HEAD

from harasslog.errors import InputError
from harasslog.rules.loader import load_pack, parse_pack
from harasslog.rules.wording import compile_rules

PACK = (
    PACK_HEAD
    + """
example_tz = "Asia/Shanghai"

[conditions]
zh = ['再不还|否则']
en = ['''\\bunless\\b''']

[[rules]]
id = "MY-COND-001"
kind = "wording"
category = "threat_third_party"
severity = "high"
title_zh = "威胁曝光"
title_en = "Threat to expose"
explanation_zh = "以曝光相威胁"
explanation_en = "Threat to expose"
citations = [{ instrument = "X", article = "1", tag = "S", url = "" }]
patterns.zh = ['爆通讯录']
consequences.zh = ['发到家长群']
consequences.en = ['''\\bpost\\w*[^.!?\\n]{0,20}\\bonline\\b''']
exceptions.zh = ['不会<gap6>']
params = { within = 6 }
examples = [{ expect = "match", text = "再不还就发到家长群" }, { expect = "ok", text = "照片发到家长群了" }]
"""
)


def _rule(text: str = PACK):
    pack = parse_pack(text, "mine.toml")
    return compile_rules(list(pack.rules))


def _spans(text: str, pack_text: str = PACK) -> list[str]:
    return [m.text for m in _rule(pack_text).scan(text)]


def test_a_consequence_alone_is_not_a_threat() -> None:
    assert _spans("班级照片已发到家长群") == []


def test_a_consequence_near_a_condition_is_a_threat_and_the_span_is_the_consequence() -> None:
    text = "再不还，就发到家长群"
    matches = _rule().scan(text)
    assert [(m.text, m.start, m.end) for m in matches] == [("发到家长群", 5, 10)]
    assert matches[0].rule_id == "MY-COND-001"
    assert matches[0].category == "threat_third_party"


def test_the_condition_may_follow_the_consequence() -> None:
    assert _spans("发到家长群，否则") == ["发到家长群"]


def test_a_condition_too_far_away_does_not_count() -> None:
    assert _spans("再不还。我们今天下午已经把班级合照发到家长群") == []


def test_the_span_points_into_the_original_text_through_normalization() -> None:
    # Traditional characters and symbols pushed between characters are matched on the normalized
    # copy; the match quotes the original.
    text = "再不還，就發 到 家 長 群"
    matches = _rule().scan(text)
    assert [m.text for m in matches] == ["發 到 家 長 群"]
    assert text[matches[0].start : matches[0].end] == "發 到 家 長 群"


def test_exceptions_still_apply_to_consequences() -> None:
    assert _spans("否则我们也不会发到家长群") == []


def test_plain_patterns_still_fire_without_a_condition() -> None:
    assert _spans("爆通讯录") == ["爆通讯录"]


def test_english_consequences_use_the_english_conditions() -> None:
    assert _spans("We post your photo online unless you pay.") == ["post your photo online"]
    assert _spans("We post updates online every week.") == []


def _broken(old: str, new: str) -> str:
    assert old in PACK
    return PACK.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_broken("params = { within = 6 }\n", ""), "consequences need params.within"),
        (_broken("params = { within = 6 }", "params = { within = 0 }"), "params.within: must be a whole number >= 1"),
        (_broken("zh = ['再不还|否则']\n", ""), "consequences.zh needs a [conditions] table with zh"),
        (_broken("[conditions]\n", "[conditions]\nfr = ['sinon']\n"), "[conditions]: unknown key 'fr'"),
        (_broken("zh = ['再不还|否则']", "zh = ['再不还(']"), "[conditions]: bad regular expression"),
        (_broken("consequences.zh = ['发到家长群']", "consequences.zh = ['发到(']"), "bad regular expression"),
        (
            "".join(line for line in PACK.splitlines(keepends=True) if not line.startswith("consequences.")),
            "params.within only applies to consequences",
        ),
    ],
)
def test_bad_conditional_rules_are_refused_with_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_pack(text, "mine.toml")
    line = str(info.value)
    assert "\n" not in line
    assert line.startswith("mine.toml")
    assert message in line


def test_consequences_belong_to_wording_rules_only() -> None:
    kept = [
        line
        for line in PACK.splitlines(keepends=True)
        if not line.startswith(("patterns.", "exceptions.", "params", "examples"))
    ]
    text = "".join(kept).replace('kind = "wording"', 'kind = "third_party"')
    text = text.replace('category = "threat_third_party"', 'category = "third_party_contact"')
    with pytest.raises(InputError, match="belong to wording rules only"):
        parse_pack(text, "mine.toml")


# ---------------------------------------------------------------- the shipped packs


def _categories(text: str, pack: str) -> set[str]:
    from harasslog.rules.wording import scan_text

    return {m.category for m in scan_text(text, load_pack(pack))}


@pytest.mark.parametrize(
    ("text", "pack", "category"),
    [
        ("今晚之前不还，你的照片就发到家长群", "cn", "threat_third_party"),
        ("要是今天还不处理，你的借款信息全部公布", "cn", "threat_third_party"),
        ("再不还，你的车我们就拉走了", "cn", "false_legal_threat"),
        ("如果三天内不还，直接交给警察处理", "cn", "false_legal_threat"),
        ("今天不还钱，你就等着付出代价", "cn", "threat_violence"),
        ("If you don't pay by Friday we will contact your clients.", "us", "threat_third_party"),
        ("Unless we hear from you by 5 pm the police will be notified.", "us", "false_legal_threat"),
        ("Pay by Friday or things will get ugly.", "uk", "threat_violence"),
        ("Failure to pay today and we freeze all of your accounts.", "uk", "false_legal_threat"),
    ],
)
def test_shipped_packs_catch_conditional_threats(text: str, pack: str, category: str) -> None:
    assert category in _categories(text, pack)


@pytest.mark.parametrize(
    ("text", "pack"),
    [
        ("若持续不还款，我司将依法向人民法院提起诉讼", "cn"),
        ("逾期不还，我司将按规定报送征信系统", "cn"),
        ("如遇暴力催收，请及时联系派出所", "cn"),
        ("如果不是本人操作，请向警方报案", "cn"),
        ("限期促销，错过会后悔哦", "cn"),
        ("If you do not pay or reply within 30 days, we may issue court proceedings to recover the debt.", "uk"),
        ("If payment is not received, the account may be reported to the credit bureaus.", "us"),
        ("Unless you tell us otherwise, we will email your statement.", "us"),
        ("If you believe you are a victim of identity theft, you can file a report with the police.", "us"),
        ("If you do not pay after a county court judgment, enforcement agents may seize goods.", "uk"),
    ],
)
def test_lawful_notices_with_a_condition_stay_quiet(text: str, pack: str) -> None:
    assert _categories(text, pack) == set()
