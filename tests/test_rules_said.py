"""Issue 10 in the engine: what was agreed is not a breach, what was said is checked on every channel
(and marked as recalled when it was), withdrawn events are never evidence, citations fit the conduct."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers_rules import SHANGHAI, Timeline, request

from harasslog.errors import InputError
from harasslog.models import CHANNELS
from harasslog.rules.engine import TEXT_CHANNELS, analyze
from harasslog.rules.loader import BUILTIN_PACKS, load_pack

CN = load_pack("cn")
THREAT = "再不还钱就爆通讯录，让你全家都知道"
HOME_ENTRY = "非法侵入他人住宅"


def findings_of(tl: Timeline, requests=(), pack=CN, lang: str = "zh"):
    return analyze(tl.events, list(requests), pack, tz=SHANGHAI, lang=lang)


# ---------------------------------------------------------------- what was agreed


def test_the_contact_in_which_a_pause_was_agreed_is_not_a_breach_of_it() -> None:
    tl = Timeline(SHANGHAI)
    agreed = tl.call("2026-10-30 10:00", duration_s=300)
    later = tl.call("2026-10-31 09:30")
    pause = request("pause", "2026-10-30 00:00", SHANGHAI, end="2027-10-30 00:00", event_id=agreed)
    breaches = [f for f in findings_of(tl, [pause]) if f.category == "request_violation"]
    assert [f.event_ids for f in breaches] == [(later,)]


def test_a_request_agreed_in_a_contact_binds_from_that_contact_not_from_midnight() -> None:
    tl = Timeline(SHANGHAI)
    before = tl.call("2026-10-30 08:00")
    agreed = tl.call("2026-10-30 10:00", duration_s=300)
    after = tl.call("2026-10-30 15:00")
    pause = request("pause", "2026-10-30 00:00", SHANGHAI, end="2027-10-30 00:00", event_id=agreed)
    breaches = [f for f in findings_of(tl, [pause]) if f.category == "request_violation"]
    assert [f.event_ids for f in breaches] == [(after,)]
    assert before not in breaches[0].event_ids


# ---------------------------------------------------------------- what was said


@pytest.mark.parametrize("channel", ["call", "visit", "letter", "third_party"])
def test_wording_is_checked_on_every_channel_like_on_a_message(channel: str) -> None:
    tl = Timeline(SHANGHAI)
    event = tl.add("2026-11-20 10:00", channel, text=THREAT, party="某某消费金融", party_id=1)
    words = [f for f in findings_of(tl) if f.rule_id == "CN-WORD-3P-001"]
    assert [f.event_ids for f in words] == [(event,)]
    assert words[0].matches[0].text == "爆通讯录"
    assert channel in TEXT_CHANNELS and set(TEXT_CHANNELS) == set(CHANNELS)


@pytest.mark.parametrize("channel", ["call", "visit"])
def test_a_finding_on_recalled_speech_says_so_and_quotes_the_record_exactly(channel: str) -> None:
    said = "他说：再不还钱就 爆通讯录！"
    tl = Timeline(SHANGHAI)
    tl.add("2026-11-20 10:00", channel, text=said, party="某某消费金融", party_id=1)
    zh = next(f for f in findings_of(tl) if f.rule_id == "CN-WORD-3P-001")
    en = next(f for f in findings_of(tl, lang="en") if f.rule_id == "CN-WORD-3P-001")
    assert zh.explanation.endswith("“爆通讯录”（据投诉人记录）")
    assert en.explanation.endswith("“爆通讯录” (as recorded by the complainant)")
    assert [said[m.start : m.end] for m in zh.matches] == ["爆通讯录"]


def test_a_typed_third_party_account_is_recalled_but_a_message_is_not() -> None:
    tl = Timeline(SHANGHAI)
    tl.add("2026-11-20 10:00", "third_party", text=THREAT, party="X", party_id=1, source="typed")
    tl.sms("2026-11-21 10:00", text=THREAT, party="X", party_id=1, source="import:sms.xml")
    by_event = {f.event_ids[0]: f.explanation for f in findings_of(tl, lang="en") if f.rule_id == "CN-WORD-3P-001"}
    assert by_event[1].endswith("(as recorded by the complainant)")
    assert "recorded by the complainant" not in by_event[2]


def test_withdrawn_events_are_never_analyzed() -> None:
    tl = Timeline(SHANGHAI)
    for hour in ("09:00", "11:00", "14:00"):
        tl.call(f"2026-11-20 {hour}")
    tl.call("2026-11-20 14:00", withdrawn="entered twice by mistake")
    tl.sms("2026-11-20 15:00", text=THREAT, party="X", party_id=1, withdrawn="not from the collector")
    assert [f for f in findings_of(tl) if f.rule_id in ("CN-FREQ-001", "CN-WORD-3P-001")] == []
    tl.call("2026-11-20 18:00")  # a fourth real call does break the limit of three
    assert [f.event_ids for f in findings_of(tl) if f.rule_id == "CN-FREQ-001"] == [(1, 2, 3, 6)]


# ---------------------------------------------------------------- citations fit the conduct


def _legal_threat_citations(channel: str) -> list[str]:
    tl = Timeline(SHANGHAI)
    tl.add("2026-11-20 10:00", channel, text="你再不还，明天安排人员上门", party="X", party_id=1)
    found = next(f for f in findings_of(tl) if f.rule_id == "CN-WORD-LEGAL-001")
    return [c.article for c in found.citations]


def test_no_home_entry_article_on_an_sms_finding() -> None:
    articles = _legal_threat_citations("sms")
    assert articles and not any(HOME_ENTRY in a or "进入住宅" in a for a in articles)


def test_a_visit_finding_cites_the_home_entry_article() -> None:
    assert any(HOME_ENTRY in a for a in _legal_threat_citations("visit"))


@pytest.mark.parametrize("pack_id", BUILTIN_PACKS)
def test_every_shipped_rule_cites_something_on_every_channel_it_can_fire_on(pack_id: str) -> None:
    for rule in load_pack(pack_id).rules:
        channels = rule.params.get("channels", CHANNELS)
        for channel in channels:
            fitting = [c for c in rule.citations if not c.channels or channel in c.channels]
            assert fitting, f"{rule.id} on {channel} would cite nothing"


@pytest.mark.parametrize("pack_id", BUILTIN_PACKS)
def test_shipped_home_entry_articles_are_bound_to_visits(pack_id: str) -> None:
    for rule in load_pack(pack_id).rules:
        for c in rule.citations:
            if any(w in c.article for w in ("住宅", "侵入", "enter the home", "trespass")):
                assert c.channels == ("visit",), f"{rule.id}: {c.article}"


PACK = """
[pack]
id = "t"
version = "1"
jurisdiction = "CN"
title_zh = "测"
title_en = "t"

[[rules]]
id = "T-WORD-001"
kind = "wording"
category = "insult"
severity = "low"
title_zh = "测"
title_en = "t"
explanation_zh = "测"
explanation_en = "t"
patterns.zh = ["老赖"]
citations = [{{ instrument = "I", article = "A", tag = "V", url = ""{extra} }}]
examples = [{{ expect = "match", text = "老赖" }}, {{ expect = "ok", text = "你好" }}]
"""


@pytest.mark.parametrize(
    "extra, reason",
    [
        (', channels = ["fax"]', "citation channels"),
        (", channels = []", "citation channels"),
        (', channels = "visit"', "citation channels"),
        (', chanels = ["visit"]', "chanels"),
    ],
)
def test_the_loader_refuses_a_bad_citation_channel_list(tmp_path: Path, extra: str, reason: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(textwrap.dedent(PACK.format(extra=extra)), encoding="utf-8")
    with pytest.raises(InputError, match=reason):
        load_pack(str(path))


def test_the_loader_keeps_a_citation_channel_list(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(textwrap.dedent(PACK.format(extra=', channels = ["visit", "call"]')), encoding="utf-8")
    rule = load_pack(str(path)).rules[0]
    assert rule.citations[0].channels == ("visit", "call")


def test_a_withdrawn_message_too_long_to_check_is_not_reported_as_unchecked() -> None:
    from harasslog.rules.engine import unchecked_notes
    from harasslog.rules.wording import MAX_CHECKED

    tl = Timeline(SHANGHAI)
    tl.sms("2026-11-20 10:00", text="还款" * MAX_CHECKED, withdrawn="imported twice")
    tl.sms("2026-11-20 11:00", text="还款" * MAX_CHECKED)
    notes = unchecked_notes(tl.events, "en")
    assert len(notes) == 1 and notes[0].startswith("event 2:")


def test_what_the_collector_said_on_a_call_the_borrower_made_is_checked_but_a_sent_sms_is_not() -> None:
    tl = Timeline(SHANGHAI)
    call = tl.call("2026-11-20 10:00", direction="out", text=THREAT, party="X", party_id=1)
    tl.sms("2026-11-20 11:00", text=THREAT, direction="out", party="X", party_id=1)  # the borrower's own words
    assert [f.event_ids for f in findings_of(tl) if f.rule_id == "CN-WORD-3P-001"] == [(call,)]


SAID_NO_DEBT_WORD = "说要去我单位找领导，让我等着瞧"


@pytest.mark.parametrize("channel", ["call", "visit"])
def test_what_the_borrower_noted_of_a_call_is_checked_though_it_names_no_debt(channel: str) -> None:
    tl = Timeline(SHANGHAI)
    noted = tl.add("2026-11-20 10:00", channel, text=SAID_NO_DEBT_WORD)  # typed by hand, no party
    found = [f for f in findings_of(tl) if f.tier == "finding" and f.category == "threat_third_party"]
    assert [f.event_ids for f in found] == [(noted,)]
    assert "据投诉人记录" in found[0].explanation


def test_the_same_words_in_an_imported_message_from_an_unknown_number_are_not_read_as_a_collectors() -> None:
    tl = Timeline(SHANGHAI)
    tl.sms("2026-11-20 10:00", text=SAID_NO_DEBT_WORD, source="import:backup.xml")
    assert [f for f in findings_of(tl) if f.category == "threat_third_party"] == []
