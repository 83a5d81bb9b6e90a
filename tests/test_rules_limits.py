"""What one message may cost: matching is linear in its length, and beyond a cap it is not checked (and says so).

A collector's message is hostile input: one long body of repeated ultimatums and consequences must not
make the matcher pair every condition with every consequence (issue 8.7). Speed is not asserted here;
work is counted: the Python lines the matcher executes for a message, at two sizes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from harasslog.models import Event
from harasslog.rules.engine import analyze, unchecked_notes
from harasslog.rules.loader import load_pack
from harasslog.rules.wording import MAX_CHECKED, matcher_for, normalize, scan_text, unchecked

CN = load_pack("cn")
US = load_pack("us")


def _lines_run(call: Callable[[], Any]) -> int:
    """How many Python lines `call` executes (a count of work that does not depend on the machine)."""
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()  # a coverage tool's tracer, say: put it back afterwards
    sys.settrace(tracer)
    try:
        call()
    finally:
        sys.settrace(previous)
    return count


def _growth(unit: str, pack: Any, small: int, factor: int = 4) -> float:
    """Work for a message of small*factor units divided by the work for one of small units."""
    matcher = matcher_for(pack)
    matcher.scan(unit)  # compile and learn the characters outside the count
    counts = []
    for n in (small, small * factor):
        text = unit * n
        normalize.cache_clear()
        counts.append(_lines_run(lambda text=text: matcher.scan(text)))
    return counts[1] / counts[0]


def test_repeated_ultimatums_and_consequences_cost_linear_work_in_chinese() -> None:
    # Every unit holds conditions (再不还, 否则) and consequences (曝光, 派出所) within `within` characters.
    unit = "再不还就曝光你的欠款信息，否则派出所找你。"
    assert matcher_for(CN).scan(unit), "the unit must be a threat, or the test measures nothing"
    # Linear work grows 4x for 4x the text; pairing every condition with every consequence grows 16x.
    assert _growth(unit, CN, 150) < 6


def test_repeated_ultimatums_and_consequences_cost_linear_work_in_english() -> None:
    unit = "If you don't pay, we will call the police and post it online. "
    assert matcher_for(US).scan(unit)
    assert _growth(unit, US, 100) < 6


def test_dodged_spacing_everywhere_costs_linear_work() -> None:
    # Thousands of removed gaps: mapping each span back to the original must not rescan every gap.
    unit = "再 不 还 就 爆 通 讯 录，"
    assert matcher_for(CN).scan(unit)
    assert _growth(unit, CN, 150) < 6


# ---------------------------------------------------------------- the cap: what one message may cost


def test_a_long_run_of_digits_does_not_blow_up_the_conditions(tmp_path) -> None:
    # A consequence (派出所) makes the matcher look for conditions; `\d+` tried from every digit of a
    # 100,000-digit run took minutes. Run in a subprocess whose timeout only catches a gross blowup.
    script = tmp_path / "digits.py"
    script.write_text(
        "from harasslog.rules.loader import load_pack\n"
        "from harasslog.rules.wording import MAX_CHECKED, scan_text\n"
        "print(len(scan_text('派出所' + '1' * MAX_CHECKED, load_pack('cn'))))\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "0"


def _long(head: str, tail: str) -> str:
    """head, padding up to the cap, then tail: tail lies wholly past what is checked."""
    return head + "。" * (MAX_CHECKED - len(head)) + tail


def test_scan_reads_only_the_first_max_checked_characters_and_says_what_it_left() -> None:
    text = _long("再不还钱就爆你通讯录", "马上抓你坐牢")
    matches = scan_text(text, CN)
    assert [(m.category, m.text) for m in matches] == [("threat_third_party", "爆你通讯录")]
    assert "坐牢" in text[MAX_CHECKED:]  # the threat past the cap is not found ...
    assert unchecked(text) == (MAX_CHECKED, MAX_CHECKED + len("马上抓你坐牢"))  # ... and that is reported
    assert unchecked("马上抓你坐牢") is None
    assert unchecked("x" * MAX_CHECKED) is None


def _sms(text: str) -> Event:
    at = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("UTC"))
    return Event(id=7, channel="sms", direction="in", number="+8613900000000", number_raw="", at=at, text=text)


def test_a_finding_on_a_message_too_long_to_check_says_what_was_not_checked() -> None:
    text = _long("再不还钱就爆你通讯录", "马上抓你坐牢")
    [finding] = analyze([_sms(text)], [], CN, tz=ZoneInfo("Asia/Shanghai"), lang="en")
    assert finding.rule_id == "CN-WORD-3P-001"
    assert f"only the first {MAX_CHECKED:,} characters were checked" in finding.explanation
    assert f"characters {MAX_CHECKED + 1:,} to {len(text):,} were not" in finding.explanation
    [zh] = analyze([_sms(text)], [], CN, tz=ZoneInfo("Asia/Shanghai"), lang="zh")
    assert f"第 {MAX_CHECKED + 1} 至 {len(text)} 个字符未检查" in zh.explanation


def test_a_message_too_long_to_check_gets_a_note_even_without_findings() -> None:
    text = _long("您好", "马上抓你坐牢")
    assert analyze([_sms(text)], [], CN, tz=ZoneInfo("Asia/Shanghai")) == []
    assert unchecked_notes([_sms(text), _sms("马上抓你坐牢")]) == [
        f"event 7: only the first {MAX_CHECKED:,} characters were checked; "
        f"characters {MAX_CHECKED + 1:,} to {len(text):,} were not for wording"
    ]


def test_scan_command_reports_the_part_it_did_not_check(cli) -> None:
    text = _long("您好", "马上抓你坐牢")
    record = json.loads(cli("scan", "--json", input=text + "\n").stdout)
    assert record["matches"] == []
    assert record["unchecked"] == {"start": MAX_CHECKED, "end": len(text)}
    human = cli("--lang", "en", "scan", input=text + "\n")
    assert human.exit_code == 0, human.output
    assert f"not checked: characters {MAX_CHECKED + 1:,} to {len(text):,}" in human.stderr


def test_analyze_command_notes_a_message_too_long_to_check(store, cli) -> None:
    text = _long("您好，您的账单已逾期", "马上抓你坐牢")
    added = cli("add", "sms", "13912345678", "--at", "2026-11-21 10:00", "--text", text)
    assert added.exit_code == 0, added.output
    result = cli("--lang", "en", "analyze", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []  # the threat lies past the cap: no finding, but a note
    assert f"event 1: only the first {MAX_CHECKED:,} characters were checked" in result.stderr
