"""Fuzzing the two doors hostile input comes through: message text (`scan`) and a user's rule pack.

Any text: scanning never raises, and every match is a span of the original text, quoted byte for byte.
Any mutation of a pack file: it loads, or it fails with one clear line (InputError), never with
another exception (a traceback, exit 3, for what is a typo in the user's file).
"""

from __future__ import annotations

import re

from helpers_rules import PACK_HEAD
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harasslog.errors import InputError
from harasslog.rules.loader import load_pack, parse_pack
from harasslog.rules.wording import compile_rules, matcher_for

MATCHER = matcher_for([load_pack("cn"), load_pack("us")])

# Pieces that reach the matcher's corners: threats, dodges, Traditional and full-width forms, characters
# whose NFKC form is longer (ligatures, "…"), combining marks, zero-width and direction marks, surrogates.
_PIECES = st.sampled_from(
    [
        "再不还",
        "就爆你通讯录",
        "爆 通 讯 录",
        "坐。牢",
        "派出所",
        "再不還錢",
        "ｐａｙ　ｎｏｗ",
        "you will be arrested",
        "Y O U  W I L L",
        "if you don't pay",
        "police",
        "ﬁ",
        "…",
        "e\u0301",
        "\u200b",
        "\u202e",
        "\ud83d",
        "🔥",
        "。",
        "\n",
        "1" * 30,
        " ",
    ]
)
_ANY_CHAR = st.characters(blacklist_categories=())  # every code point, lone surrogates included
_TEXTS = st.lists(st.one_of(_PIECES, st.text(_ANY_CHAR, max_size=6)), max_size=12).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXTS)
def test_scan_never_raises_and_quotes_the_original(text: str) -> None:
    matches = MATCHER.scan(text)
    for m in matches:
        assert 0 <= m.start < m.end <= len(text), (text, m)
        assert m.text == text[m.start : m.end]
    assert matches == sorted(matches, key=lambda m: (m.start, m.end, m.rule_id))


PACK = (
    PACK_HEAD
    + """
example_tz = "Asia/Shanghai"

[conditions]
zh = ['再不还|否则']

[[rules]]
id = "MY-WORD-001"
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
exceptions.zh = ['不会<gap6>']
params = { within = 6, channels = ["sms"] }
examples = [{ expect = "match", text = "再不还就发到家长群" }, { expect = "ok", text = "照片发到家长群了" }]

[[rules]]
id = "MY-HOURS-001"
kind = "quiet_hours"
category = "quiet_hours"
severity = "medium"
title_zh = "夜间"
title_en = "Night"
explanation_zh = "夜间联系"
explanation_en = "Contact at night"
citations = [{ instrument = "X", article = "2", tag = "V" }]
params = { start = "22:00", end = "08:00" }
examples = [
  { expect = "match", events = [{ at = "2026-11-20 23:00", channel = "call", status = "missed" }], fires_on = [0] },
  { expect = "ok", events = [{ at = "2026-11-20 12:00" }] },
]
"""
)

_VALUES = st.sampled_from(
    [
        "1",
        "-1",
        "0",
        "true",
        '"x"',
        '""',
        "[]",
        "{}",
        "[1, 2]",
        '["sms", "fax"]',
        "'('",
        "'a{99999999999}'",
        "'" + "(" * 3000 + "'",
        "'[[a]'",
        "'(?'",
        '"25:00"',
        '"../../etc/passwd"',
        '"America"',
        "{ within = 0 }",
        "[{ expect = 'match' }]",
        "nan",
        "1979-05-27",
    ]
)


def _mutate(text: str, data: st.DataObject) -> str:
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["value", "delete", "duplicate", "cut"]))
        if action == "value" and "=" in lines[i]:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {data.draw(_VALUES)}"
        elif action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        else:
            lines[i] = lines[i][: data.draw(st.integers(0, len(lines[i])))]
        if not lines:
            lines = [""]
    return "\n".join(lines)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_mutated_pack_loads_or_fails_with_one_clear_line(data: st.DataObject) -> None:
    text = _mutate(PACK, data)
    try:
        pack = parse_pack(text, "mine.toml")
    except InputError as exc:
        message = str(exc)
        assert message.startswith("mine.toml: ") and "\n" not in message, message
        return
    compile_rules(list(pack.rules)).scan("再不还就发到家长群，爆通讯录")  # what loads also compiles and runs


def test_a_time_zone_name_too_long_for_a_file_name_is_a_clear_line() -> None:
    pack = PACK.replace('example_tz = "Asia/Shanghai"', f'example_tz = "{"A" * 5000}"')
    try:
        parse_pack(pack, "mine.toml")
    except InputError as exc:
        assert str(exc).startswith("mine.toml: [pack]: unknown example_tz 'AAAA") and len(str(exc)) < 200
    else:
        raise AssertionError("loaded")


def test_pattern_errors_python_raises_outside_re_error_are_clear_lines() -> None:
    for bad in ["a{99999999999}", "(" * 3000 + "a" + ")" * 3000, "[[a]"]:
        pack = PACK.replace("patterns.zh = ['爆通讯录']", f"patterns.zh = ['{bad}']")
        try:
            parse_pack(pack, "mine.toml")
        except InputError as exc:
            assert re.match(r"mine\.toml: rule MY-WORD-001 patterns: bad regular expression", str(exc)), str(exc)
        else:
            raise AssertionError(f"{bad[:20]!r} loaded")
