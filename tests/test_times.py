"""Issue 13.3: times as people say them, each with the precision it was typed with.

The expected instants are written by hand for a fixed `now`: Monday 30 November 2026, 23:30 in
Beijing (15:30 UTC), 10:30 in New York. What cannot be read, or reads two ways, is one line.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harasslog import normalize
from harasslog.errors import InputError
from harasslog.times import MAX_YEAR, MIN_YEAR, PRECISIONS, parse_range, read_past_when, read_when, when_precision

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 30, 15, 30, tzinfo=UTC)


def bj(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=SHANGHAI)


def ny(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("text", "at", "precision"),
    [
        ("昨晚10点", bj(2026, 11, 29, 22, 0), "minute"),
        ("昨晚10点半", bj(2026, 11, 29, 22, 30), "minute"),
        ("昨天 22:13", bj(2026, 11, 29, 22, 13), "minute"),
        ("昨天晚上十点", bj(2026, 11, 29, 22, 0), "minute"),
        ("今天上午9点", bj(2026, 11, 30, 9, 0), "minute"),
        ("前天下午", bj(2026, 11, 28, 0, 0), "day"),  # the afternoon has no hour: a day, never a minute
        ("刚才", bj(2026, 11, 30, 23, 30), "minute"),
        ("晚上10点", bj(2026, 11, 30, 22, 0), "minute"),
        ("22:13", bj(2026, 11, 30, 22, 13), "minute"),
        ("下午3点15分", bj(2026, 11, 30, 15, 15), "minute"),
        ("11月20日晚上10点", bj(2026, 11, 20, 22, 0), "minute"),
        ("十一月二十日晚上十点一刻", bj(2026, 11, 20, 22, 15), "minute"),
        ("2026/11/20 22:13", bj(2026, 11, 20, 22, 13), "minute"),
        ("2026.11.20 22:13", bj(2026, 11, 20, 22, 13), "minute"),
        ("２０２６年１１月２０日　２２：１３：０５", bj(2026, 11, 20, 22, 13, 5), "second"),  # full-width
        ("凌晨3点", bj(2026, 11, 30, 3, 0), "minute"),
        ("11月20日晚上12点", bj(2026, 11, 21, 0, 0), "minute"),  # the midnight ending that evening (was noon)
        ("2026年11月20日 10:5分15秒", bj(2026, 11, 20, 10, 5, 15), "second"),  # the old reader's spellings
        ("昨天", bj(2026, 11, 29, 0, 0), "day"),
        # what worked before keeps working
        ("2026-11-20T22:13", bj(2026, 11, 20, 22, 13), "minute"),
        ("2026-11-20T14:13:07Z", bj(2026, 11, 20, 22, 13, 7), "second"),
        ("2026年11月20日 22:13", bj(2026, 11, 20, 22, 13), "minute"),
        ("now", bj(2026, 11, 30, 23, 30), "second"),
        ("-2h", bj(2026, 11, 30, 21, 30), "minute"),
        ("-3d", bj(2026, 11, 27, 23, 30), "day"),
    ],
)
def test_chinese_profile_reads_what_people_type(text, at, precision):
    when = read_past_when(text, SHANGHAI, now=NOW, region="CN")
    assert (when.at, when.precision) == (at, precision)
    assert when_precision(text, "CN") == precision


@pytest.mark.parametrize(
    ("text", "at", "precision"),
    [
        ("11/20 10pm", ny(2026, 11, 20, 22, 0), "minute"),
        ("Nov 20 10:13pm", ny(2026, 11, 20, 22, 13), "minute"),
        ("November 20, 2026 10:13 p.m.", ny(2026, 11, 20, 22, 13), "minute"),
        ("yesterday 9pm", ny(2026, 11, 29, 21, 0), "minute"),
        ("last night 10pm", ny(2026, 11, 29, 22, 0), "minute"),
        ("9am", ny(2026, 11, 30, 9, 0), "minute"),
        ("yesterday", ny(2026, 11, 29, 0, 0), "day"),
        ("昨晚10点", ny(2026, 11, 29, 22, 0), "minute"),  # Chinese is read in every profile
    ],
)
def test_us_profile_reads_american_forms(text, at, precision):
    when = read_past_when(text, NEW_YORK, now=NOW, region="US")
    assert (when.at, when.precision) == (at, precision)


def test_day_and_month_follow_the_region():
    assert read_when("3/4 10pm", NEW_YORK, now=NOW, region="US").at == ny(2026, 3, 4, 22, 0)
    assert read_when("3/4 10pm", ZoneInfo("Europe/London"), now=NOW, region="GB").at.date().isoformat() == "2026-04-03"
    with pytest.raises(InputError, match="month/day or day/month"):
        read_when("3/4 10pm", SHANGHAI, now=NOW, region="TH")


def test_am_or_pm_against_the_part_of_the_day_is_refused():
    with pytest.raises(InputError, match="'morning' does not go with 9 o'clock"):
        read_when("yesterday morning 9pm", NEW_YORK, now=NOW, region="US")
    with pytest.raises(InputError, match="is ambiguous: 2026-11-29 02:00 or 2026-11-30 02:00"):
        read_when("last night 2am", NEW_YORK, now=NOW, region="US")


def test_english_words_are_not_guessed_for_a_chinese_profile():
    with pytest.raises(InputError, match="cannot read the time 'yesterday 9pm'"):
        read_when("yesterday 9pm", SHANGHAI, now=NOW, region="CN")


def test_a_part_of_the_day_without_an_hour_is_said_back_as_a_day():
    when = read_past_when("前天下午", SHANGHAI, now=NOW, region="CN", lang="zh")
    assert when.period_only == "下午"
    assert parse_range(None, "前天下午", SHANGHAI, now=NOW).until == bj(2026, 11, 29, 0, 0)  # the afternoon is in


@pytest.mark.parametrize(
    ("text", "lang", "says"),
    [
        ("25点", "zh", "没有 25 点"),
        ("25:00", "en", "there is no hour 25"),
        ("2月30日", "zh", "没有这一天（2026年2月30日）"),
        ("2026年2月30日 10:00", "en", "there is no such date (2026-2-30)"),
        ("明晚10点", "zh", "是将来的时间（2026-12-01 22:00，现在是 2026-11-30 23:30）"),
        ("22:13", "en", "in the future (2026-12-01 22:13; it is now 2026-12-01 06:30)"),  # Beijing profile, NY clock
        ("10", "zh", "只是一个数字"),
        ("10", "en", "is a number alone"),
        ("昨晚2点", "zh", "是 2026-11-29 02:00 还是 2026-11-30 02:00"),
        ("上午15点", "zh", "“上午”与 15 点对不上"),
        ("12点70分", "en", "minutes and seconds run 0-59"),
        ("12月25日晚上10点", "en", "without a year would be 2026-12-25, in the future"),
        ("soon", "zh", "无法识别时间“soon”"),
    ],
)
def test_impossible_or_two_way_times_say_why_in_one_line(text, lang, says):
    now = NOW if text != "22:13" else datetime(2026, 11, 30, 22, 30, tzinfo=UTC)
    with pytest.raises(InputError) as error:
        read_past_when(text, SHANGHAI, now=now, region="CN", lang=lang)
    assert says in str(error.value) and "\n" not in str(error.value)


# Pieces of what people type, in any order: the reader gives a storable time or an InputError.
WORDS = "昨晚 今天 前天 明晚 上午 下午 晚上 凌晨 十 二 两 半 一刻 点 分 秒 月 日 年 刚才 ，"
WORDS += " 2026 11 20 25 0 / . : am pm yesterday nov at"
PIECES = st.lists(st.sampled_from([*WORDS.split(), " ", "last night"]), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=PIECES, region=st.sampled_from(["CN", "US", "GB", "TH", None]))
def test_any_arrangement_reads_as_a_storable_time_or_one_line_of_refusal(text, region):
    try:
        when = read_when(text, NEW_YORK, now=NOW, region=region, lang="zh")
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert when.at.tzinfo is not None and MIN_YEAR <= when.at.year <= MAX_YEAR and when.precision in PRECISIONS
    normalize.to_utc_iso(when.at)


def test_until_a_day_word_includes_that_day_and_normalize_still_exports_the_time_functions():
    period = normalize.parse_range("前天", "昨天", SHANGHAI, now=NOW)
    assert (period.since, period.until) == (bj(2026, 11, 28, 0, 0), bj(2026, 11, 30, 0, 0))
    assert parse_range(None, "昨晚10点", SHANGHAI, now=NOW).until == bj(2026, 11, 29, 22, 0)


# ---------------------------------------------------------------- add says back what it stored


def test_add_echoes_the_stored_time_in_chinese_with_beijing_time(cli):
    assert cli("init", "--region", "CN", "--tz", "Asia/Shanghai", "--jurisdiction", "cn").exit_code == 0
    result = cli("add", "call", "13800138000", "--at", "2026/11/20 22:13")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == "已记录 电话 #1，时间 2026-11-20 22:13（北京时间）"
    result = cli("add", "sms", "13800138000", "--at", "2026年11月19日下午", "--text", "还钱")
    assert result.stderr.strip().splitlines() == [
        "“2026年11月19日下午”没有写几点：只记录了日期 2026-11-19，时间记为“未记录”"
        "（要记下时间请写几点，如 2026年11月19日下午3点）",
        "已记录 短信 #2，时间 2026-11-19 (时间未记录)",
    ]
    result = cli("add", "call", "13800138000", "--at", "25点")
    assert result.exit_code == 2
    assert result.stderr.strip() == "harasslog: --at: “25点”：没有 25 点（钟点为 0–23；写了上午、下午、晚上时为 1–12）"
    rows = json.loads(cli("list", "--json").stdout)
    assert [(r["at"], r["at_precision"]) for r in rows] == [
        ("2026-11-19T00:00:00+08:00", "day"),
        ("2026-11-20T22:13:00+08:00", "minute"),
    ]


def test_add_echoes_the_stored_time_in_english_with_its_offset(cli):
    assert cli("init", "--region", "US", "--tz", "America/New_York", "--jurisdiction", "us").exit_code == 0
    result = cli("add", "call", "2025550143", "--at", "11/20/2026 10:13pm")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == "Recorded call #1 at 2026-11-20 22:13 (-05:00)"


def test_a_refusal_quotes_a_line_break_as_written_so_it_stays_one_line():
    with pytest.raises(InputError) as refused:
        read_when("0\n0", ZoneInfo("Asia/Shanghai"), now=datetime(2026, 11, 21, 4, 0, tzinfo=UTC), lang="zh")
    assert "\n" not in str(refused.value) and "0\\n0" in str(refused.value)
