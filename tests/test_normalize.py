from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harasslog.errors import InputError
from harasslog.normalize import (
    from_utc_iso,
    local_iso,
    normalize_number,
    parse_duration,
    parse_when,
    to_utc_iso,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw", ["13800138000", "+86 138 0013 8000", "+8613800138000", "138-0013-8000", "008613800138000"]
)
def test_one_chinese_mobile_in_every_spelling_is_one_number(raw):
    info = normalize_number(raw, "CN")
    assert (info.number, info.kind, info.region) == ("+8613800138000", "mobile", "CN")


@pytest.mark.parametrize(
    ("raw", "number", "kind"),
    [
        ("10690000888", "10690000888", "sms_gateway"),
        ("1069 0000 888", "10690000888", "sms_gateway"),
        ("95588", "95588", "service"),
        ("4008123123", "4008123123", "service"),
        ("10086", "10086", "short_code"),
        ("CoopMobile", "CoopMobile", "alphanumeric"),
        ("M-Money", "M-Money", "alphanumeric"),
        ("中国银行", "中国银行", "alphanumeric"),
        ("16500000102", "+8616500000102", "virtual"),
        ("17000000101", "+8617000000101", "virtual"),
        ("17100000301", "+8617100000301", "virtual"),
        ("16200000001", "+8616200000001", "virtual"),
        ("16700000203", "+8616700000203", "virtual"),
        ("02161234567", "+862161234567", "fixed"),
    ],
)
def test_chinese_numbers_are_classified(raw, number, kind):
    info = normalize_number(raw, "CN")
    assert (info.number, info.kind) == (number, kind)


def test_us_numbers_use_the_us_region():
    assert normalize_number("(202) 555-0143", "US").number == "+12025550143"
    assert normalize_number("1-202-555-0143", "US").number == "+12025550143"
    assert normalize_number("+1 202 555 0143", "CN").number == "+12025550143"


def test_garbage_is_kept_as_written():
    info = normalize_number("  ***##  ", "CN")
    assert info.number == "***##"
    assert normalize_number("", "CN") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T22:13", datetime(2026, 11, 20, 14, 13, tzinfo=UTC)),
        ("2026-11-20 22:13", datetime(2026, 11, 20, 14, 13, tzinfo=UTC)),
        ("2026-11-20T22:13+08:00", datetime(2026, 11, 20, 14, 13, tzinfo=UTC)),
        ("2026-11-20T14:13Z", datetime(2026, 11, 20, 14, 13, tzinfo=UTC)),
        ("2026-11-20T22:13-05:00", datetime(2026, 11, 21, 3, 13, tzinfo=UTC)),
        ("2026年11月20日 22:13", datetime(2026, 11, 20, 14, 13, tzinfo=UTC)),
        ("2026年11月20日22时13分", datetime(2026, 11, 20, 14, 13, tzinfo=UTC)),
        ("11月20日晚上10点", datetime(2026, 11, 20, 14, 0, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 19, 16, 0, tzinfo=UTC)),
        ("now", NOW),
        ("-2h", NOW - timedelta(hours=2)),
        ("-30m", NOW - timedelta(minutes=30)),
        ("-3d", NOW - timedelta(days=3)),
    ],
)
def test_when_is_read_in_the_profile_zone(text, expected):
    assert parse_when(text, SHANGHAI, now=NOW) == expected


def test_a_time_without_offset_uses_the_zone_including_daylight_saving():
    assert parse_when("2026-07-01T09:00", NEW_YORK).utcoffset() == timedelta(hours=-4)
    assert parse_when("2026-12-01T09:00", NEW_YORK).utcoffset() == timedelta(hours=-5)


def test_a_time_that_does_not_exist_is_refused():
    with pytest.raises(InputError, match="does not exist"):
        parse_when("2026-03-08T02:30", NEW_YORK)


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "2026年2月30日 10:00", "soon", ""])
def test_unreadable_times_are_refused(text):
    with pytest.raises(InputError):
        parse_when(text, SHANGHAI)


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("1m30s", 90), ("1:30", 90), ("1:02:03", 3723), ("2分30秒", 150), ("1h", 3600)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_a_bad_duration_is_refused():
    with pytest.raises(InputError):
        parse_duration("a while")


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_stored_times_round_trip_at_millisecond_precision_and_sort_as_text(moment):
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    stored = to_utc_iso(moment)
    assert from_utc_iso(stored) == moment
    assert len(stored) == len("2026-11-20T14:13:00.000Z")


def test_local_iso_carries_the_borrowers_offset():
    assert local_iso("2026-11-20T14:13:00.000Z", SHANGHAI) == "2026-11-20T22:13:00+08:00"
