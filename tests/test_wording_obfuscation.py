"""Masked swear words, homophones, template slots and invisible padding: found, and quoted as written."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from harasslog.rules.loader import load_pack
from harasslog.rules.wording import normalize, scan_text

CN = load_pack("cn")
US = load_pack("us")


def quoted(text: str, pack, category: str) -> list[str]:
    """What the matches of one category quote; each must be the original text at its span."""
    found = [m for m in scan_text(text, pack) if m.category == category]
    for m in found:
        assert text[m.start : m.end] == m.text
    return [m.text for m in found]


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("Pay up, you f***", "f***"),
        ("Pay now or f**k off", "f**k"),
        ("F*CK YOU, pay the bill", "F*CK"),
        ("f#ck you and your excuses", "f#ck"),
        ("pay the f—ing bill", "f—ing"),
        ("pay the f-ing bill", "f-ing"),
        ("this f**king debt is due", "f**king"),
        ("that is a sh*t excuse", "sh*t"),
        ("pay it, you b*tch", "b*tch"),
        ("pay it, you a**hole", "a**hole"),
        ("I'm gonna [expletive] you up", "[expletive]"),
        ("[expletive deleted], pay today", "[expletive deleted]"),
        ("(bleep) you, pay today", "(bleep)"),
        ("F--- you! Pay us your money!", "F---"),  # a dash for each hidden letter, nothing after
        ("you lying s--- of a debtor", "s---"),
        ("what the $#!% is wrong with you", "$#!%"),
        ("@#$% you, pay today", "@#$%"),
    ],
)
def test_masked_english_swear_words_are_found_as_written(text: str, form: str) -> None:
    assert form in quoted(text, US, "insult")


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("欠钱不还，cnm", "cnm"),
        ("nmsl，赶紧还钱", "nmsl"),
        ("你就是个sb", "sb"),
        ("你就是个s b", "s b"),
        ("你就是个SB", "SB"),
        ("tmd还不还钱", "tmd"),
        ("TM的还不还钱", "TM的"),
        ("nmb，还钱", "nmb"),
        ("rnm，还钱", "rnm"),
        ("mlgb，还钱", "mlgb"),
        ("c n m，还钱", "c n m"),
        ("尼玛的，还钱", "尼玛的"),
        ("艹尼玛，还钱", "艹尼玛"),
        ("你个傻X", "傻X"),
        ("你个沙比", "沙比"),
        ("你个沙 比", "沙 比"),
        ("特么的还钱", "特么的"),
        ("特麼的還錢", "特麼的"),  # Traditional
        ("你M的还钱", "你M的"),
        ("还钱🔥cnm🔥", "cnm"),
    ],
)
def test_chinese_homophones_and_pinyin_initials_are_found_as_written(text: str, form: str) -> None:
    assert form in quoted(text, CN, "insult")


@pytest.mark.parametrize(
    "text",
    [
        "请到SBI银行ATM机取款",  # "sb" and "tm" inside words
        "html页面已更新",
        "5nm芯片",
        "垃圾分类从我做起",  # 垃圾 is rubbish, not a swear word
        "尼玛次仁已还款",  # 尼玛 is a name
        "please tell sb about it",  # pinyin initials are read only in Chinese messages
        "the f-word, grade f-, f-stop, a-level",  # a dash with no letters of a word after it
        "b--, s-- and d-day",  # dashes that do not stand for a word's missing letters
        "xx-large, xxl, maxx",
        "尾号138****1234",  # a masked phone number
        "【12368】法院提醒您",
        "50% off, 100%",
    ],
)
def test_real_words_keep_their_meaning(text: str) -> None:
    assert normalize(text).text == text.lower()
    assert scan_text(text, CN) == [] and scan_text(text, US) == []


_SLOTS = ["{{name}}", "{name}", "{0}", "%s", "%d", "$name", "${amount}", "[NAME]", "<name>"]
_SLOTS += ["XXX", "xx", "＊＊＊", "***", "某某"]


@pytest.mark.parametrize("slot", _SLOTS)
def test_a_template_slot_reads_as_one_token(slot: str) -> None:
    text = f"如果{slot}今天不还款，我们就联系你单位"
    assert normalize(text).text == "如果某今天不还款，我们就联系你单位"
    assert normalize(f"Dear {slot}, pay today").text == "dear x, pay today"


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("Dear ______, your account is overdue", "dear x, your account is overdue"),
        ("We're going to blow your _______ house up.", "we're going to blow your x house up."),
        ("您于____年____月借款", "您于年月借款"),  # between Chinese characters underscores are padding
        ("file_name__v2", "file_name__v2"),  # part of a word: no blank
    ],
)
def test_a_blank_of_underscores_reads_as_one_token(text: str, read_as: str) -> None:
    assert normalize(text).text == read_as


def test_a_slot_does_not_push_a_threat_apart() -> None:
    # Unread, {{name}} is 8 characters: more than the pattern's <gap6> and the condition's reach.
    assert quoted("再不还款就通知{{name}}的家人和同事", CN, "threat_third_party") == ["通知{{name}}的家人和同事"]
    assert quoted("今天再不还{{loan_amount}}元，你就等着付出代价", CN, "threat_violence") == ["付出代价"]
    assert quoted("Dear {first_name}, tell {name} that she owes $500", US, "privacy_disclosure") == [
        "tell {name} that she owes"
    ]


def test_slots_alone_match_nothing() -> None:
    text = "{{name}} {0} %s $name ${amount} [NAME] <name> XXX *** 某某 xx 某 x"
    for pack in (CN, US, load_pack("uk")):
        assert scan_text(text, pack) == []
        assert scan_text("尊敬的" + text + "，您好", pack) == []


_ZALGO = "".join(c + "\u0338" for c in "arrested")


@pytest.mark.parametrize(
    ("text", "pack", "form"),
    [
        ("f\u200b*ck you", US, "f\u200b*ck"),  # a zero-width space inside a masked word
        ("you will be arr\u200bested", US, "arr\u200bested"),
        ("you will be " + _ZALGO, US, _ZALGO),  # combining marks over every letter
        ("你个\ud83dsb", CN, "sb"),  # half an emoji from a broken export
        ("你个s\u200bb", CN, "s\u200bb"),
        ("再不还钱就爆@通#讯$录", CN, "爆@通#讯$录"),
        ("马上让你坐*牢", CN, "坐*牢"),
    ],
)
def test_invisible_and_inserted_glyphs_are_quoted_as_written(text: str, pack, form: str) -> None:
    assert form in [m.text for m in scan_text(text, pack)]
    for m in scan_text(text, pack):
        assert text[m.start : m.end] == m.text


_FORMS = ["f**k", "sh*t", "[expletive]", "$#!%", "cnm", "s b", "特么的", "{{name}}", "%s", "XXX", "***", "某某"]
_FILLER = ["还钱", "你", " ", "，", "pay", "🔥", "\u200b", "\ud83d", "a", "-", "*", "x", "1"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_FORMS + _FILLER), max_size=12).map("".join))
@example("f**k%s**")  # a slot and a masked word that would share the "s": the slot wins
def test_every_match_quotes_the_original(text: str) -> None:
    for pack in (CN, US):
        for m in scan_text(text, pack):
            assert 0 <= m.start < m.end <= len(text)
            assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("I'm a bailiff", "i'm a bailiff"),  # short words are never run together
        ("it's a b-i-g deal", "it's a big deal"),
        ("Y O U  W I L L  P A Y", "you  will  pay"),  # each letter-spaced word is still read
    ],
)
def test_letter_spacing_joins_one_spaced_word_not_short_words(text: str, read_as: str) -> None:
    assert normalize(text).text == read_as
