"""Conduct rules on hand-built timelines: what must fire, what must not, and what the finding says."""

from __future__ import annotations

import pytest
from helpers_rules import NEW_YORK, SHANGHAI, Timeline, request

from harasslog.rules.engine import analyze, finding_record
from harasslog.rules.loader import load_pack

CN = load_pack("cn")
US = load_pack("us")
UK = load_pack("uk")


def fired(findings, rule_id):
    return [f for f in findings if f.rule_id == rule_id]


def run(tl: Timeline, pack, requests=(), lang="en"):
    return analyze(tl.events, list(requests), pack, tz=tl.tz, lang=lang)


# ---------------------------------------------------------------- CN frequency


def test_cn_exactly_three_connected_calls_a_day_is_within_the_limit() -> None:
    tl = Timeline(SHANGHAI)
    for t in ("09:00", "11:00", "14:00"):
        tl.call(f"2026-11-20 {t}")
    tl.call("2026-11-20 15:00", status="missed")  # unanswered calls are not connected calls
    tl.call("2026-11-20 16:00", status="unknown", duration_s=0)
    assert fired(run(tl, CN), "CN-FREQ-001") == []


def test_cn_a_fourth_connected_call_fires_with_the_numbers_and_the_events() -> None:
    tl = Timeline(SHANGHAI)
    ids = [tl.call(f"2026-11-20 {t}") for t in ("09:00", "11:00", "14:00")]
    ids.append(tl.call("2026-11-20 18:00", status="unknown", duration_s=40))  # a duration means it connected
    [finding] = fired(run(tl, CN), "CN-FREQ-001")
    assert finding.event_ids == tuple(ids)
    assert finding.explanation == "4 connected calls on 2026-11-20 (limit 3)"
    assert finding.severity == "medium" and finding.category == "over_frequency"
    assert finding.group == "Acme"
    assert any(c.tag == "S" and "GB/T 45251" in c.instrument for c in finding.citations)


def test_cn_days_are_the_borrowers_local_days_not_utc() -> None:
    # 07:30 Shanghai on the 21st is 23:30 UTC on the 20th: a different local day from the 20th's calls.
    tl = Timeline(SHANGHAI)
    for t in ("09:00", "11:00", "14:00"):
        tl.call(f"2026-11-20 {t}")
    tl.call("2026-11-21 07:30")
    assert fired(run(tl, CN), "CN-FREQ-001") == []


def test_cn_each_collector_group_is_counted_on_its_own() -> None:
    tl = Timeline(SHANGHAI)
    for t in ("09:00", "10:00"):
        tl.call(f"2026-11-20 {t}", group="Lender")
        tl.call(f"2026-11-20 {t}", group="Agency")
    assert fired(run(tl, CN), "CN-FREQ-001") == []


def test_cn_more_than_six_unanswered_attempts_fire_and_six_do_not() -> None:
    tl = Timeline(SHANGHAI)
    for minute in range(6):
        tl.call(f"2026-11-20 09:{minute:02d}", status="missed")
    tl.call("2026-11-20 10:00", status="answered")
    assert fired(run(tl, CN), "CN-FREQ-002") == []
    seventh = tl.call("2026-11-20 11:00", status="blocked")
    [finding] = fired(run(tl, CN), "CN-FREQ-002")
    assert seventh in finding.event_ids and 7 not in finding.event_ids  # the answered call is not an attempt here
    assert finding.explanation == "7 unanswered call attempts on 2026-11-20 (limit 6)"


def test_cn_findings_speak_chinese_when_asked() -> None:
    tl = Timeline(SHANGHAI)
    for t in ("09:00", "11:00", "14:00", "18:00"):
        tl.call(f"2026-11-20 {t}")
    [finding] = fired(run(tl, CN, lang="zh"), "CN-FREQ-001")
    assert finding.explanation == "2026-11-20 接通电话 4 次（上限 3 次）"
    assert finding.title == "每日接通电话超过 3 次"


# ---------------------------------------------------------------- CN hours


@pytest.mark.parametrize(
    ("local", "fires"),
    [("21:30", False), ("21:59:59", False), ("22:00", True), ("23:45", True), ("07:59", True), ("08:00", False)],
)
def test_cn_quiet_hours_edges(local: str, fires: bool) -> None:
    tl = Timeline(SHANGHAI)
    tl.call(f"2026-11-20 {local}", status="missed")
    assert bool(fired(run(tl, CN), "CN-HOURS-001")) is fires


def test_cn_one_night_is_one_finding_across_midnight() -> None:
    tl = Timeline(SHANGHAI)
    a = tl.call("2026-11-20 23:10", status="missed")
    b = tl.sms("2026-11-21 01:30")
    tl.call("2026-11-21 12:00")
    [finding] = fired(run(tl, CN), "CN-HOURS-001")
    assert finding.event_ids == (a, b)
    assert "evening of 2026-11-20" in finding.explanation and "11-21 01:30" in finding.explanation


def test_the_borrowers_own_calls_at_night_are_not_collection() -> None:
    tl = Timeline(SHANGHAI)
    tl.call("2026-11-20 23:00", direction="out")
    assert run(tl, CN) == []


# ---------------------------------------------------------------- CN third party and requests


def test_cn_contact_logged_as_made_to_a_third_party_fires() -> None:
    tl = Timeline(SHANGHAI)
    tl.call("2026-11-20 10:00")
    third = tl.add("2026-11-20 11:00", "third_party", note="called my mother")
    [finding] = fired(run(tl, CN), "CN-THIRD-001")
    assert finding.event_ids == (third,) and finding.severity == "high"


def test_cn_contact_inside_an_agreed_pause_fires_per_day_and_nothing_outside_it() -> None:
    tl = Timeline(SHANGHAI)
    proof = tl.call("2026-06-01 10:00")  # the call where the pause was agreed
    tl.call("2026-05-31 10:00")
    inside = [tl.call("2026-08-01 10:00"), tl.sms("2026-08-01 18:00"), tl.call("2026-08-02 10:00")]
    tl.call("2026-08-03 10:00", group="Another lender")
    tl.call("2027-06-01 10:00")  # the pause has ended
    pause = request("pause", "2026-06-01 00:00", SHANGHAI, end="2027-06-01 00:00", event_id=proof)
    findings = fired(run(tl, CN, [pause]), "CN-REQ-001")
    assert [f.event_ids for f in findings] == [tuple(inside[:2]), (inside[2],)]
    assert findings[0].explanation == (
        "2 contact(s) on 2026-08-01 (SMS, call) during the pause agreed from 2026-06-01 until 2027-06-01"
    )


def test_cn_stop_request_covers_all_channels_and_stop_channel_only_its_own() -> None:
    tl = Timeline(SHANGHAI)
    call = tl.call("2026-11-03 10:00")
    text = tl.sms("2026-11-03 11:00")
    mms = tl.add("2026-11-03 12:00", "mms", text="图片")
    stop_sms = request("stop_channel", "2026-11-01 00:00", SHANGHAI, channel="sms")
    [finding] = fired(run(tl, CN, [stop_sms]), "CN-REQ-002")
    assert finding.event_ids == (text, mms)  # MMS is the same medium as SMS
    stop_all = request("stop", "2026-11-01 00:00", SHANGHAI)
    [finding] = fired(run(tl, CN, [stop_all]), "CN-REQ-002")
    assert finding.event_ids == (call, text, mms)


# ---------------------------------------------------------------- US 7-in-7


def seven_days(tl: Timeline, statuses=("answered",) * 7) -> list[int]:
    return [tl.call(f"2026-04-0{d + 1} 10:00", status=s) for d, s in enumerate(statuses)]


def test_us_exactly_seven_calls_in_seven_days_is_compliant_even_with_texts_between() -> None:
    tl = Timeline(NEW_YORK)
    seven_days(tl)
    tl.sms("2026-04-03 12:00", text="Please call us")
    tl.add("2026-04-05 12:00", "email", text="Reminder")
    assert fired(run(tl, US), "US-FREQ-001") == []


def test_us_an_eighth_call_in_seven_days_fires_and_missed_calls_count() -> None:
    tl = Timeline(NEW_YORK)
    ids = seven_days(tl, ("missed", "voicemail", "rejected", "answered", "missed", "missed", "unknown"))
    eighth = tl.call("2026-04-07 18:00", status="missed")
    [finding] = fired(run(tl, US), "US-FREQ-001")
    assert finding.event_ids == (*ids, eighth)
    assert finding.explanation == ("8 calls in the 7 days 2026-04-01 to 2026-04-07 (limit 7 in any 7 consecutive days)")


def test_us_blocked_calls_are_not_counted() -> None:
    tl = Timeline(NEW_YORK)
    seven_days(tl)
    tl.call("2026-04-07 18:00", status="blocked")
    assert fired(run(tl, US), "US-FREQ-001") == []


def test_us_the_window_rolls_over_consecutive_days() -> None:
    tl = Timeline(NEW_YORK)
    seven_days(tl)
    tl.call("2026-04-08 10:00")  # Apr 2-8 holds 7 calls: fine
    assert fired(run(tl, US), "US-FREQ-001") == []
    late = tl.call("2026-04-08 11:00")  # now Apr 2-8 holds 8
    [finding] = fired(run(tl, US), "US-FREQ-001")
    assert late in finding.event_ids and 1 not in finding.event_ids
    assert "2026-04-02 to 2026-04-08" in finding.explanation


def test_us_calls_are_counted_per_collector_group() -> None:
    tl = Timeline(NEW_YORK)
    for d in range(1, 7):
        tl.call(f"2026-04-0{d} 10:00", group="Agency A")
        tl.call(f"2026-04-0{d} 11:00", group="Agency B")
    assert fired(run(tl, US), "US-FREQ-001") == []


# ---------------------------------------------------------------- US after a conversation


def test_us_call_on_day_seven_after_a_conversation_fires_and_day_eight_does_not() -> None:
    tl = Timeline(NEW_YORK)
    conversation = tl.call("2026-08-14 10:00", duration_s=300)  # Friday, day one
    tl.sms("2026-08-16 10:00", text="Payment link")  # a text is not a call
    day7 = tl.call("2026-08-20 17:00", status="missed")
    tl.call("2026-08-21 09:00", status="missed")  # day eight: allowed
    [finding] = fired(run(tl, US), "US-CONV-001")
    assert finding.event_ids == (conversation, day7)
    assert "conversation on 2026-08-14 at 10:00" in finding.explanation
    assert "calls allowed again from 2026-08-21" in finding.explanation


def test_us_a_conversation_the_consumer_starts_also_counts() -> None:
    tl = Timeline(NEW_YORK)
    tl.call("2026-08-14 10:00", direction="out", duration_s=60)
    later = tl.call("2026-08-14 15:00", status="voicemail")
    [finding] = fired(run(tl, US), "US-CONV-001")
    assert later in finding.event_ids


def test_us_unanswered_calls_are_not_conversations() -> None:
    tl = Timeline(NEW_YORK)
    tl.call("2026-08-14 10:00", status="missed")
    tl.call("2026-08-15 10:00", status="missed")
    assert fired(run(tl, US), "US-CONV-001") == []


# ---------------------------------------------------------------- US hours, soft flags, requests


@pytest.mark.parametrize(
    ("local", "fires"),
    [("20:59", False), ("21:00", False), ("21:00:30", True), ("23:00", True), ("07:59", True), ("08:00", False)],
)
def test_us_inconvenient_time_edges_in_local_time(local: str, fires: bool) -> None:
    tl = Timeline(NEW_YORK)
    tl.call(f"2026-07-10 {local}", status="missed")  # summer: New York is UTC-4
    assert bool(fired(run(tl, US), "US-HOURS-001")) is fires


def test_us_texts_are_timed_when_sent() -> None:
    tl = Timeline(NEW_YORK)
    text = tl.sms("2026-07-10 22:15", text="Call us")
    [finding] = fired(run(tl, US), "US-HOURS-001")
    assert finding.event_ids == (text,)


def test_us_soft_flags_two_unanswered_calls_in_five_minutes_and_seven_in_a_day() -> None:
    tl = Timeline(NEW_YORK)
    a = tl.call("2026-04-01 10:00", status="missed")
    b = tl.call("2026-04-01 10:05", status="missed")
    tl.call("2026-04-01 10:11", status="missed")
    [burst] = fired(run(tl, US), "US-BURST-001")
    assert burst.event_ids == (a, b) and burst.severity == "low"
    assert fired(run(tl, US), "US-FREQ-002") == []
    for h in range(12, 16):
        tl.call(f"2026-04-01 {h}:00")
    [day] = fired(run(tl, US), "US-FREQ-002")
    assert len(day.event_ids) == 7 and day.explanation == "7 calls on 2026-04-01 (limit 6)"


def test_us_written_cease_allows_only_the_three_notices() -> None:
    tl = Timeline(NEW_YORK)
    tl.add("2026-04-05 10:00", "letter", text="We are terminating further collection efforts on this account.")
    tl.add("2026-04-06 10:00", "letter", text="Our client intends to invoke its remedy and file a lawsuit.")
    other = tl.sms("2026-04-07 10:00", text="Your balance of $500 is past due, pay today")
    cease = request("cease_written", "2026-04-01 00:00", NEW_YORK)
    [finding] = fired(run(tl, US, [cease]), "US-REQ-002")
    assert finding.event_ids == (other,)


def test_us_stop_using_a_medium_and_inconvenient_time_window() -> None:
    tl = Timeline(NEW_YORK)
    lunch_call = tl.call("2026-04-03 12:30", status="missed")
    tl.call("2026-04-03 15:00", status="missed")
    text = tl.sms("2026-04-03 16:00", text="Hello")
    stop_calls = request("stop_channel", "2026-04-01 00:00", NEW_YORK, channel="call")
    lunch = request("inconvenient_time", "2026-04-01 00:00", NEW_YORK, note="at work 12:00-14:00")
    findings = run(tl, US, [stop_calls, lunch])
    assert text not in fired(findings, "US-REQ-001")[0].event_ids
    [inconvenient] = fired(findings, "US-REQ-003")
    assert inconvenient.event_ids == (lunch_call,)


def test_uk_hours_use_the_mcob_analogy() -> None:
    tl = Timeline(NEW_YORK)
    tl.call("2026-11-20 20:59")
    late = tl.call("2026-11-20 21:30", status="missed")
    [finding] = fired(run(tl, UK), "UK-HOURS-001")
    assert finding.event_ids == (late,)


# ---------------------------------------------------------------- wording in analysis


def test_threatening_sms_is_flagged_with_spans_and_the_borrowers_own_sms_is_not() -> None:
    tl = Timeline(SHANGHAI)
    threat = tl.sms("2026-11-20 10:00", text="再不還錢，就爆你通訊錄，抓你坐牢")
    tl.sms("2026-11-20 10:05", text="你们再威胁我就报警，爆通讯录是违法的", direction="out")
    findings = run(tl, CN)
    by_rule = {f.rule_id: f for f in findings}
    assert set(by_rule) == {"CN-WORD-3P-001", "CN-WORD-LEGAL-001"}
    legal = by_rule["CN-WORD-LEGAL-001"]
    assert legal.event_ids == (threat,)
    assert [(m.text, m.start, m.end) for m in legal.matches] == [("抓你", 12, 14), ("坐牢", 14, 16)]
    third = by_rule["CN-WORD-3P-001"]
    assert [m.text for m in third.matches] == ["爆你通訊錄"]


def test_finding_record_has_exactly_the_design_fields_and_local_offsets() -> None:
    tl = Timeline(SHANGHAI)
    for t in ("09:00", "11:00", "14:00", "18:00"):
        tl.call(f"2026-11-20 {t}")
    [finding] = fired(run(tl, CN), "CN-FREQ-001")
    record = finding_record(finding, SHANGHAI)
    assert list(record) == [
        "rule_id",
        "category",
        "severity",
        "event_ids",
        "start",
        "end",
        "explanation",
        "matches",
        "citations",
    ]
    assert record["start"] == "2026-11-20T09:00:00+08:00" and record["end"] == "2026-11-20T18:00:00+08:00"
    assert set(record["citations"][0]) == {"instrument", "article", "tag", "url"}


def test_wording_in_personal_messages_needs_a_debt_context_or_a_known_collector() -> None:
    tl = Timeline(NEW_YORK)
    friend = tl.sms("2026-04-01 10:00", text="Damn bro, we will kill it at the game", group="number:+12025550100")
    collector = tl.sms("2026-04-01 11:00", text="Damn, pay your balance", group="number:+12025550199")
    linked = tl.sms("2026-04-01 12:00", text="Damn you", party="Acme Recovery", party_id=3)
    flagged = {f.event_ids[0] for f in run(tl, US) if f.category == "insult"}
    assert flagged == {collector, linked} and friend not in flagged


def test_severity_order_is_one_table() -> None:
    from harasslog.models import SEVERITIES, severity_rank
    from harasslog.rules import engine

    assert sorted(["high", "info", "critical", "low", "medium"], key=severity_rank) == list(SEVERITIES)
    assert engine.severity_rank is severity_rank  # the CLI's import still works, and means the same
