"""The prefilter's required literals: read by our own small parser, and never wrong about a match.

A wrong literal would hide a real threat (the rule would not run), so the property is tested on
random patterns against Python's own regex engine: every match contains one of the literals.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harasslog.rules.literals import required_literals
from harasslog.rules.loader import BUILTIN_PACKS, load_pack
from harasslog.rules.pack import expand


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        ("爆通讯录", {"爆通讯录"}),
        ("[a-c]x", {"x"}),  # a range is not literal
        ("[ab]x", {"ax", "bx"}),
        ("(?:再|还)?不还", {"再不还", "还不还", "不还"}),
        ("(?P<w>坐)牢", {"坐牢"}),
        (r"(?<!\d)\d+天内", {"天内"}),  # lookarounds consume nothing
        (r"\bjail\b", {"jail"}),
        ("ab{2,}c", {"ab"}),  # at least one b for sure; what follows the repeat is not counted on
        (r"\x41\u4e2d", {"A中"}),
        ("a|b|\\d", None),  # one branch has no literal: nothing is required
        ("(?i)jail", None),  # inline flags: the parser gives up, the pattern always runs
        ("(?#note)jail", None),
    ],
)
def test_literals_of_known_constructs(pattern: str, literals: set[str] | None) -> None:
    assert required_literals(pattern) == literals


def test_every_shipped_pattern_is_read_by_the_parser() -> None:
    # Patterns the parser gives up on always run: the shipped packs should need none of that.
    for name in BUILTIN_PACKS:
        for rule in load_pack(name).rules:
            for group in (rule.patterns, rule.consequences):
                for patterns in group.values():
                    for p in patterns:
                        assert required_literals(expand(p)) is not None, (rule.id, p)


_ATOMS = st.sampled_from(["a", "b", "中", "[ab]", "[a-c]", ".", r"\b", r"\w", r"\d", "(?=a)", "(?<!b)", r"\.", "x"])
_QUANT = st.sampled_from(["", "", "?", "*", "+", "{2}", "{0,2}", "{1,3}", "{2,}", "??", "+?"])


def _pattern() -> st.SearchStrategy[str]:
    atom = st.builds(lambda a, q: a + q, _ATOMS, _QUANT)
    seq = st.lists(atom, min_size=1, max_size=5).map("".join)
    return st.recursive(
        seq,
        lambda inner: st.builds(
            lambda branches, q, tail: "(" + "|".join(branches) + ")" + q + tail,
            st.lists(inner, min_size=1, max_size=3),
            _QUANT,
            seq,
        ),
        max_leaves=6,
    )


@settings(max_examples=400, deadline=None)
@given(_pattern(), st.text(alphabet="ab中x .1c", max_size=30))
def test_every_match_contains_a_required_literal(pattern: str, text: str) -> None:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return
    literals = required_literals(pattern)
    if literals is None:
        return
    for m in compiled.finditer(text):
        if m.end() > m.start():
            assert any(lit in m.group() for lit in literals), (pattern, text, m.group(), literals)


def test_deeply_nested_groups_give_up_instead_of_crashing() -> None:
    pattern = "(" * 400 + "ab" + ")" * 400  # Python's regex compiler accepts this
    re.compile(pattern)
    assert required_literals(pattern) is None


def test_the_automaton_finds_every_literal_that_occurs_overlapping_nested_or_a_suffix():
    from harasslog.rules.literals import Automaton

    found = Automaton(["爆通讯录", "通讯录", "讯录", "he", "she", "hers", "his", "通知"])
    assert found.find("他说要爆通讯录") == {"爆通讯录", "通讯录", "讯录"}
    assert found.find("ushers") == {"she", "he", "hers"}
    assert found.find("通讯 录") == set()
    assert found.find("") == set()


def test_one_matcher_of_both_tiers_splits_into_what_each_tier_alone_finds():
    """The engine scans a message once with both tiers and every recipient's rules: split by tier
    and recipient, its matches are those of the matcher each tier had before."""
    from harasslog.rules.loader import load_pack
    from harasslog.rules.wording import matcher_for

    pack = load_pack("cn")
    both = matcher_for(pack, tier=None)
    texts = [
        "再不还钱就爆你通讯录，通知你的家人和同事",
        "你朋友欠我们的钱，麻烦你转告他尽快还款",
        "你家里人知道你欠钱不还吗？出点什么事可别怪我们",
        "您的账单已逾期，请尽快还款。",
    ]
    for text in texts:
        scanned = both.scan(text)
        for tier, recipient in (("finding", None), ("finding", "third_party"), ("review", None)):
            alone = matcher_for(pack, tier=tier, recipient=recipient).scan(text)
            assert both.split(scanned, tier, recipient) == alone, (text, tier, recipient)
    assert any(both.scan(t) for t in texts)
