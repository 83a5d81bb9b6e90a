"""Rule packs: every example of every shipped pack behaves as it says; bad packs are refused."""

from __future__ import annotations

import re

import pytest
from helpers_rules import PACK_HEAD

from harasslog.errors import InputError
from harasslog.models import SEVERITIES
from harasslog.rules.engine import check_example
from harasslog.rules.loader import BUILTIN_PACKS, CATEGORIES, load_pack, parse_pack

PACKS = {name: load_pack(name) for name in BUILTIN_PACKS}
EXAMPLES = [
    pytest.param(name, rule.id, n, id=f"{rule.id}#{n}")
    for name, pack in PACKS.items()
    for rule in pack.rules
    for n in range(len(rule.examples))
]


@pytest.mark.parametrize(("pack_name", "rule_id", "index"), EXAMPLES)
def test_every_shipped_example_behaves_as_it_says(pack_name: str, rule_id: str, index: int) -> None:
    pack = PACKS[pack_name]
    rule = pack.rule(rule_id)
    assert rule is not None
    assert check_example(pack, rule, rule.examples[index]) is None


@pytest.mark.parametrize("name", BUILTIN_PACKS)
def test_shipped_packs_are_complete_and_cite_with_tags(name: str) -> None:
    pack = PACKS[name]
    assert pack.id == name
    ids = [r.id for r in pack.rules]
    assert len(ids) == len(set(ids))
    assert all(r.id.startswith(name.upper() + "-") for r in pack.rules)
    for rule in pack.rules:
        assert rule.severity in SEVERITIES and rule.category in CATEGORIES
        assert rule.citations and all(c.tag in ("V", "S", "U") for c in rule.citations)
        assert {e["expect"] for e in rule.examples} == {"match", "ok"}
        assert rule.title_zh and rule.title_en and rule.explanation_zh and rule.explanation_en


def test_the_industry_benchmarks_are_not_passed_off_as_statutes() -> None:
    # The CN conduct limits come from a standard and a guideline reported secondhand: tag S.
    for rule_id in ("CN-HOURS-001", "CN-FREQ-001", "CN-FREQ-002"):
        rule = PACKS["cn"].rule(rule_id)
        gbt_or_cba = [c for c in rule.citations if "GB/T" in c.instrument or "银行业协会" in c.instrument]
        assert gbt_or_cba and all(c.tag == "S" for c in gbt_or_cba)
    # The UK hours come from MCOB by analogy, and the rule says so.
    uk_hours = PACKS["uk"].rule("UK-HOURS-001")
    assert "analogy" in uk_hours.title_en
    assert any("MCOB" in c.instrument and c.tag == "S" for c in uk_hours.citations)


def test_every_category_of_the_design_has_a_rule_in_cn() -> None:
    assert {r.category for r in PACKS["cn"].rules} == set(CATEGORIES) - {"burst"}
    assert "burst" in {r.category for r in PACKS["us"].rules}


GOOD = (
    PACK_HEAD
    + """
example_tz = "Asia/Shanghai"

[[rules]]
id = "MY-WORD-001"
kind = "wording"
category = "insult"
severity = "high"
title_zh = "辱骂"
title_en = "Abuse"
explanation_zh = "辱骂"
explanation_en = "Abuse"
citations = [{ instrument = "X", article = "1", tag = "S", url = "" }]
patterns.zh = ['老赖']
examples = [{ expect = "match", text = "你这个老赖" }, { expect = "ok", text = "您好" }]
"""
)


def test_a_valid_user_pack_loads() -> None:
    pack = parse_pack(GOOD, "mine.toml")
    assert [r.id for r in pack.rules] == ["MY-WORD-001"]


def _broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_broken('severity = "high"', 'severity = "high"\nseverty = "low"'), "unknown key 'severty'"),
        (GOOD + GOOD[GOOD.index("[[rules]]") :], "duplicate id"),
        (_broken('citations = [{ instrument = "X", article = "1", tag = "S", url = "" }]\n', ""), "missing citations"),
        (_broken('explanation_en = "Abuse"\n', ""), "missing explanation_en"),
        (
            _broken(
                'examples = [{ expect = "match", text = "你这个老赖" }, { expect = "ok", text = "您好" }]',
                'examples = [{ expect = "match", text = "你这个老赖" }]',
            ),
            "expect = 'ok'",
        ),
        (_broken('severity = "high"', 'severity = "severe"'), "bad severity 'severe'"),
        (_broken('category = "insult"', 'category = "rudeness"'), "bad category 'rudeness'"),
        (_broken('kind = "wording"', 'kind = "vibes"'), "bad kind 'vibes'"),
        (_broken('tag = "S"', 'tag = "maybe"'), "tag must be V, S or U"),
        (_broken("patterns.zh = ['老赖']", "patterns.zh = ['老赖(']"), "bad regular expression"),
        (_broken("patterns.zh = ['老赖']", "patterns.zh = ['.*']"), "matches empty text"),
        (_broken('id = "MY-WORD-001"', 'id = "my rule"'), "malformed id"),
        (_broken("[pack]", "[pack]\nauthor = 'me'"), "unknown key 'author'"),
        (GOOD.replace("[[rules]]", "[[rules]\n"), "not valid TOML"),
    ],
)
def test_bad_packs_are_refused_with_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_pack(text, "mine.toml")
    line = str(info.value)
    assert "\n" not in line
    assert line.startswith("mine.toml")
    assert message in line


def test_errors_name_the_rule() -> None:
    with pytest.raises(InputError, match=re.escape("mine.toml: rule MY-WORD-001: bad severity")):
        parse_pack(_broken('severity = "high"', 'severity = "huge"'), "mine.toml")


CONDUCT = (
    PACK_HEAD
    + """
example_tz = "Asia/Shanghai"

[[rules]]
id = "MY-FREQ-001"
kind = "frequency"
category = "over_frequency"
severity = "low"
title_zh = "频繁"
title_en = "Frequent"
explanation_zh = "频繁"
explanation_en = "Frequent"
citations = [{ instrument = "X", article = "1", tag = "U" }]
params = { window_days = 1, max = 1, channels = ["call"] }
examples = [
  { expect = "match", fires_on = [0, 1], events = [{ at = "2026-11-20 09:00" }, { at = "2026-11-20 10:00" }] },
  { expect = "ok", events = [{ at = "2026-11-20 09:00" }] },
]
"""
)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("max = 1,", "max = -1,", "params.max: must be a whole number >= 0"),
        ("max = 1,", "maximum = 1,", "unknown key 'maximum'"),
        ('channels = ["call"]', 'channels = ["fax"]', "params.channels"),
        ("window_days = 1, ", "", "missing params.window_days"),
        ("fires_on = [0, 1]", "fires_on = [5]", "fires_on"),
        ('{ at = "2026-11-20 09:00" }] },', '{ at = "2026-11-20 09:00", colour = "red" }] },', "unknown key 'colour'"),
    ],
)
def test_conduct_rule_parameters_and_timelines_are_validated(old: str, new: str, message: str) -> None:
    assert old in CONDUCT
    with pytest.raises(InputError, match=re.escape(message)):
        parse_pack(CONDUCT.replace(old, new, 1), "mine.toml")


def test_load_pack_by_path_and_missing_file(tmp_path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(CONDUCT, encoding="utf-8")
    assert load_pack(str(path)).id == "mine"
    with pytest.raises(InputError, match="rule pack not found"):
        load_pack(str(tmp_path / "nope.toml"))
