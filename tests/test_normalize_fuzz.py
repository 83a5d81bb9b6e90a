"""Fuzzing the parsers a user types into: either a value or an InputError, never another exception."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from harasslog.errors import InputError
from harasslog.normalize import (
    MAX_DURATION_S,
    MAX_YEAR,
    MIN_YEAR,
    NumberInfo,
    normalize_number,
    parse_duration,
    parse_range,
    parse_when,
    to_utc_iso,
)

ZONES = st.sampled_from([ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York"), ZoneInfo("Europe/London"), UTC])
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)

# Text that looks like what people type: digits, separators, units, Chinese date words, signs.
TIMEISH = st.text(alphabet="0123456789-:+.TZ Wwdhms年月日号时点分秒上下午晚凌晨now", max_size=40)
NUMERIC = st.integers(min_value=-(10**30), max_value=10**30).map(str)
ANY_TEXT = st.text(max_size=60)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(TIMEISH, ANY_TEXT, NUMERIC.map(lambda n: f"-{n}d")), tz=ZONES)
def test_parse_when_gives_a_storable_time_or_an_input_error(text, tz):
    try:
        moment = parse_when(text, tz, now=NOW)
    except InputError:
        return
    assert moment.tzinfo is not None and MIN_YEAR <= moment.year <= MAX_YEAR
    to_utc_iso(moment)  # the stored form can always be made


@settings(max_examples=300, deadline=None)
@given(
    dt=st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    fmt=st.sampled_from(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y年%m月%d日", "%Y年%m月%d日 %H:%M"]),
    tz=ZONES,
)
def test_parse_when_over_the_whole_calendar(dt, fmt, tz):
    text = dt.strftime(fmt) if dt.year >= 1000 else f"{dt.year:04d}" + dt.strftime(fmt)[len(str(dt.year)) :]
    try:
        moment = parse_when(text, tz, now=NOW)
    except InputError:
        assert not MIN_YEAR <= dt.year <= MAX_YEAR or "does not exist" in _why(text, tz)
        return
    assert moment.year == dt.year


def _why(text, tz):
    try:
        parse_when(text, tz, now=NOW)
    except InputError as exc:
        return str(exc)
    return ""


@settings(max_examples=300, deadline=None)
@given(since=st.one_of(st.none(), TIMEISH), until=st.one_of(st.none(), TIMEISH), tz=ZONES)
def test_parse_range_gives_an_ordered_period_or_an_input_error(since, until, tz):
    try:
        period = parse_range(since or None, until or None, tz, now=NOW)
    except InputError:
        return
    if period.since and period.until:
        assert period.since < period.until


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(ANY_TEXT, NUMERIC, st.text(alphabet="0123456789:hms分秒小时 ", max_size=30)))
def test_parse_duration_gives_seconds_in_range_or_an_input_error(text):
    try:
        seconds = parse_duration(text)
    except InputError:
        return
    assert 0 <= seconds <= MAX_DURATION_S


@settings(max_examples=400, deadline=None)
@given(
    raw=st.one_of(ANY_TEXT, NUMERIC, st.text(alphabet="+0123456789 -()#*.", max_size=40)),
    region=st.sampled_from(["CN", "US", "GB", "ZZ", ""]),
)
def test_normalize_number_gives_a_number_or_none_or_an_input_error(raw, region):
    normalize_number.cache_clear()
    try:
        info = normalize_number(raw, region)
    except InputError:
        return
    assert info is None or (isinstance(info, NumberInfo) and info.number)
