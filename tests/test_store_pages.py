"""The store's page queries give what the general path gives (they only read less of the store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from harasslog.models import RawEvent
from harasslog.stats import count_contacts


# Days around a change of offset: New York's hour on 8 March, Lord Howe's half hour on 5 April.
@pytest.mark.parametrize(
    "zone, start",
    [
        ("America/New_York", datetime(2026, 3, 7, 3, 30, tzinfo=UTC)),
        ("Australia/Lord_Howe", datetime(2026, 4, 2, 3, 30, tzinfo=UTC)),
    ],
)
def test_day_counts_in_sql_match_the_events_counted_one_by_one(db_path, zone, start):
    from harasslog.db import open_store

    store = open_store(db_path)
    with store.transaction():
        store.profile.set(region="US", tz=zone)
    raws = [
        RawEvent(channel, "in", "2025550199", start + timedelta(hours=7 * i), text="x" if channel != "call" else None)
        for i, channel in enumerate(["call", "sms", "mms", "letter", "call", "sms", "call", "im", "sms", "call"] * 3)
    ]
    with store.transaction():
        ids = store.events.add_many(raws, dedupe=False)
        store.withdrawals.add(ids[4], "typed twice")
    flagged = {ids[1], ids[4], ids[9], ids[20]}
    since, until = start + timedelta(days=1), start + timedelta(days=8)
    for window in ((None, None), (since, until)):
        expected = count_contacts(store.events.select(since=window[0], until=window[1]), flagged, store.tz, "day")
        assert store.events.day_counts(*window, flagged) == expected
    assert sum(r["flagged"] for r in store.events.day_counts(None, None, flagged)) == 3  # one was withdrawn
    store.close()


def test_list_by_number_finds_what_the_number_as_typed_or_normalized_names(store):
    at = datetime(2026, 11, 20, 6, tzinfo=UTC)
    written = ["13800138000", "+86 138 0013 8000", "-2", "CoopMobile", "10086", "-2"]
    with store.transaction():
        ids = store.events.add_many(
            [RawEvent("sms", "in", n, at + timedelta(minutes=i), text=f"t{i}") for i, n in enumerate(written)],
            dedupe=False,
        )
        store.events.add(RawEvent("call", "in", "-2", at, caller="withheld"))
    by_query = {
        "13800138000": ids[:2],
        "+86 138-0013-8000": ids[:2],
        "CoopMobile": [ids[3]],
        "10086": [ids[4]],
    }
    for query, expected in by_query.items():
        assert [e.id for e in store.events.select(number=query)] == expected, query
    withheld = [e.id for e in store.events.select(number="-2")]
    assert ids[-1] + 1 in withheld  # a call from a withheld number, found by what the phone wrote


@pytest.mark.parametrize("sort_at_most", [0, 1_000_000])  # the index walked, the matches sorted
def test_search_gives_the_newest_matches_either_way(store, monkeypatch, sort_at_most):
    from harasslog.store import search

    monkeypatch.setattr(search, "_SORT_AT_MOST", sort_at_most)
    at = datetime(2026, 11, 20, 6, tzinfo=UTC)
    # Times out of id order, and two at the same instant: newest first, then the later entry.
    offsets = [5, 1, 9, 9, 3, 7, 0, 2]
    texts = ["还钱通讯录", "nothing", "通讯录了", "再不还通讯录", "通讯", "爆通讯录", "通讯录", "x"]
    with store.transaction():
        ids = store.events.add_many(
            [
                RawEvent("sms", "in", "13800138000", at + timedelta(hours=h), text=t)
                for h, t in zip(offsets, texts, strict=True)
            ],
            dedupe=False,
        )
    assert store.search.find("通讯录", limit=3) == [ids[3], ids[2], ids[5]]
    assert store.search.find("通讯录") == [ids[3], ids[2], ids[5], ids[0], ids[6]]


def test_the_last_runs_flags_read_in_sql_are_what_its_findings_name(store):
    from harasslog.models import Finding

    at = datetime(2026, 11, 20, 6, tzinfo=UTC)
    with store.transaction():
        ids = store.events.add_many(
            [RawEvent("sms", "in", "13800138000", at + timedelta(hours=i), text=f"t{i}") for i in range(6)],
            dedupe=False,
        )

    def finding(rule: str, events: tuple[int, ...], tier: str = "finding") -> Finding:
        return Finding(rule, "threat", "high", events, at, at, "x", tier=tier)

    with store.transaction():  # an older run first: only the last one counts
        store.runs.save(pack_id="cn", pack_version="1", params={}, findings=[finding("OLD", (ids[5],))])
    with store.transaction():
        store.runs.save(
            pack_id="cn",
            pack_version="1",
            params={},
            findings=[
                finding("R1", (ids[0], ids[1])),
                finding("R2", (ids[1],)),
                finding("R3", (ids[2],), tier="review"),
                finding("R4", (ids[1], ids[3]), tier="review"),
            ],
        )
    assert store.runs.flagged_event_ids() == {ids[0], ids[1]}
    assert store.runs.to_review_event_ids() == {ids[1], ids[2], ids[3]}
    assert store.runs.rule_ids(ids[1]) == ["R1", "R2"]
    assert store.runs.rule_ids(ids[1], tier="review") == ["R4"]
    assert store.runs.rule_ids(ids[5]) == []
    assert [f.rule_id for f in store.runs.findings(touching={ids[0], ids[4]})] == ["R1"]
    assert [f.rule_id for f in store.runs.review_items(touching={ids[3]})] == ["R4"]
    assert store.runs.findings(touching=set()) == []
