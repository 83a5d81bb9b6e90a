"""The analysis streams: events are read once in time order and not kept (issue 15.2)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from datetime import timedelta

import pytest
from helpers_rules import SHANGHAI, Timeline, at

from harasslog.models import Event, RawEvent
from harasslog.rules.engine import analyze, analyze_sorted
from harasslog.rules.loader import load_pack


def test_the_engine_keeps_no_event_it_has_read() -> None:
    """Memory follows the rules' windows, not the store: once read, an event (and its text) is gone."""
    pack = load_pack("cn")
    alive: list[weakref.ref[Event]] = []
    start = at("2026-03-01 08:00", SHANGHAI)

    def stream() -> Iterator[Event]:
        for n in range(1200):
            text = "再不还钱就爆你通讯录，通知你的家人" if n % 10 == 0 else None
            event = Event(
                id=n + 1,
                channel="sms" if text else "call",
                direction="in",
                number="+8613900000000",
                number_raw="13900000000",
                at=start + timedelta(minutes=17 * n),  # two weeks, nights included: quiet-hours findings too
                status="answered",
                text=text,
                group=f"collector-{n % 3}",
            )
            alive.append(weakref.ref(event))
            yield event
        gc.collect()
        alive[:] = [r for r in alive if r() is not None]

    findings = analyze_sorted(stream(), [], pack, tz=SHANGHAI, lang="zh")
    rules = {f.rule_id for f in findings}
    assert {"CN-HOURS-001", "CN-FREQ-001"} <= rules and any(f.matches for f in findings), rules
    assert len(alive) <= 1, f"{len(alive)} events still held at the end of the stream"


def test_events_out_of_time_order_are_refused() -> None:
    tl = Timeline(SHANGHAI)
    tl.call("2026-11-20 10:00")
    tl.call("2026-11-20 09:00")
    with pytest.raises(ValueError, match="out of time order at event 2"):
        analyze_sorted(tl.events, [], load_pack("cn"), tz=SHANGHAI)
    assert len(analyze(tl.events, [], load_pack("cn"), tz=SHANGHAI)) == 0  # analyze sorts them itself


def test_a_seven_day_window_runs_on_across_days_and_starts_afresh_after_a_silence() -> None:
    """US-FREQ-001 (more than 7 calls in any 7 consecutive days): two calls a day for ten days is one
    episode of 20 calls, whose fullest window is 14 calls ending on the 7th day; after three silent
    weeks (other collectors calling meanwhile) eight calls in two days are a second one."""
    tl = Timeline(SHANGHAI)
    first = [tl.call(f"2026-03-{d:02d} {h}:00", status="missed") for d in range(1, 11) for h in ("10", "15")]
    for d in range(11, 31):
        tl.call(f"2026-03-{d:02d} 11:00", status="missed", group="Other")
    second = [tl.call(f"2026-04-{d:02d} {h}:00", status="missed") for d in (1, 2) for h in ("09", "10", "11", "12")]
    found = [f for f in analyze(tl.events, [], load_pack("us"), tz=SHANGHAI) if f.rule_id == "US-FREQ-001"]
    assert [(f.group, f.event_ids) for f in found] == [("Acme", tuple(first)), ("Acme", tuple(second))]
    assert found[0].explanation.startswith("14 calls in the 7 days 2026-03-01 to 2026-03-07")
    assert found[1].explanation.startswith("8 calls in the 7 days 2026-03-27 to 2026-04-02")


def test_the_store_streams_what_select_reads_without_the_withdrawn(store) -> None:
    """Events.for_analysis yields, in time order, the fields the rules read, as `select` gives them."""
    start = at("2026-11-20 09:00", SHANGHAI)
    raws = [
        RawEvent("call", "in", "13900000001", start + timedelta(hours=2), status="answered", duration_s=30),
        RawEvent("sms", "in", "13900000002", start, text="请尽快还款"),
        RawEvent("call", "in", "", start + timedelta(hours=1), status="missed", caller="withheld"),
        RawEvent("sms", "in", "13900000001", start + timedelta(hours=3), text="重复"),
    ]
    with store.transaction():
        party = store.parties.add("某某催收", kind="agency", creditor="某某银行")
        store.numbers.link("13900000001", party)
        ids = store.events.add_many(raws, dedupe=False)
        store.withdrawals.add(ids[3], "重复录入")
    fields = ("id", "channel", "direction", "number", "number_raw", "at", "duration_s", "status", "text")
    fields += ("party_id", "party", "group", "source", "at_precision", "caller")
    rows = list(store.events.for_analysis())
    expected = [e for e in store.events.select() if e.withdrawn is None]
    assert [r.id for r in rows] == [ids[1], ids[2], ids[0]]
    assert [tuple(getattr(r, f) for f in fields) for r in rows] == [
        tuple(getattr(e, f) for f in fields) for e in expected
    ]
    assert [r.group for r in rows] == ["number:+8613900000002", "number:withheld", "某某银行"]
    late = list(store.events.for_analysis(since=start + timedelta(minutes=30), until=start + timedelta(hours=2)))
    assert [r.id for r in late] == [ids[2]]


def test_a_saved_run_holds_what_the_engine_finds_in_its_order(store, monkeypatch) -> None:
    """run_analysis writes findings to the store as the engine finds them (out of order, in batches)
    and the store sorts them: the saved run is the engine's sorted list, ties and both tiers included."""
    from harasslog.analysis import run_analysis
    from harasslog.store.runs import Staged

    monkeypatch.setattr(Staged, "BATCH", 3)  # many batches, each out of the final order
    night = at("2026-11-20 23:30", SHANGHAI)
    raws = []
    for k in range(4):  # four numbers calling at the same minutes of the night: findings that tie
        for n in range(5):
            raws.append(RawEvent("call", "in", f"1390000000{k}", night + timedelta(minutes=n), status="missed"))
    for d in range(3):
        day = night + timedelta(days=d, hours=10)
        raws.append(RawEvent("sms", "in", "13900000009", day, text="欠款再不还，明天就爆你通讯录，通知你的家人"))
        raws.append(RawEvent("sms", "in", "13900000008", day, text="还钱吧，不然你家里人会怎么样我可不敢保证"))
    with store.transaction():
        store.events.add_many(raws, dedupe=False)
    run = run_analysis(store, rules="cn", lang="zh")
    events = [e for e in store.events.select() if e.withdrawn is None]
    both = analyze(events, [], load_pack("cn"), tz=SHANGHAI, lang="zh", who=store.events.recipients())
    findings = [f for f in both if f.tier == "finding"]
    review = [f for f in both if f.tier == "review"]
    assert len(findings) > Staged.BATCH and review
    assert len({(f.start, f.rule_id) for f in findings}) < len(findings)  # some tie on time and rule
    assert (run.findings_count, run.review_count) == (len(findings), len(review))
    assert run.findings == findings
    assert run.review == review
    assert store.verify().ok
