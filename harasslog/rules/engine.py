"""Analysis: events + requests + a rule pack -> findings. Pure: no I/O, no printing.

Every conduct rule runs in the borrower's time zone, per collector group (`Event.group`: a creditor
with its agencies and numbers; an unknown number on its own). Each finding names its rule, its
events, the concrete numbers ("4 connected calls on 2026-11-20 (limit 3)") and the rule's citations.

What counts as a call (documented because it decides findings):
- only incoming contacts (`direction == "in"`) count against a collector, unless a rule says otherwise;
- a call with status "unknown" but a duration above zero was connected: it counts as "answered";
- Regulation F counts calls that ring, are answered or reach voicemail; calls that never connect (a
  busy signal, a dead number) do not. Those never reach the borrower's phone, so they are not in its
  log at all. A call the phone's blocker stopped ("blocked") may never have rung: the US packs leave
  it out of the count (conservative; a lawyer may add it with params.statuses); "rejected" rang and
  the borrower declined it, so it counts.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..catalog import t
from ..models import CHANNELS, STATUSES, Citation, Event, Finding, Match, Request, ReviewItem, severity_rank
from ..normalize import TIME_OF_DAY_UNKNOWN
from . import triage
from .loader import CATEGORIES, Rule, RulePack
from .wording import MAX_CHECKED, compile_rules, matcher_for, normalize, unchecked

# Default channels: every contact with the borrower (a third party's report is not one), and every
# channel whose record can hold the collector's words: all of them (what was said on a call or at a
# visit is recorded as the borrower recalls it, and checked like a message).
CONTACT_CHANNELS = tuple(c for c in CHANNELS if c != "third_party")
TEXT_CHANNELS = CHANNELS
# Spoken contacts: their text is what the complainant recorded of what was said, not a copy.
SPOKEN_CHANNELS = ("call", "visit")

# (Chinese, English) name of each category: the catalog's, the same words the dossiers use.
CATEGORY_LABELS = {c: (t("zh", f"categories.{c}"), t("en", f"categories.{c}")) for c in CATEGORIES}
CHANNEL_LABELS = {
    "call": ("电话", "call"),
    "sms": ("短信", "SMS"),
    "mms": ("彩信", "MMS"),
    "visit": ("上门", "visit"),
    "letter": ("信函", "letter"),
    "email": ("邮件", "email"),
    "im": ("即时消息", "message"),
    "third_party": ("第三方联系", "third-party contact"),
}


def _fill(template: str, values: dict[str, Any]) -> str:
    """Put our own numbers into a template; {name} only, no format-string features."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)


def _outcome(e: Event) -> str:
    if e.status == "unknown" and (e.duration_s or 0) > 0:
        return "answered"
    return e.status


class _Timeline:
    """Events sorted by time, with their local dates and seconds of the day in the borrower's zone."""

    def __init__(self, events: Iterable[Event], requests: Iterable[Request], tz: ZoneInfo, lang: str) -> None:
        # A withdrawn event (entered by mistake) is never evidence of anything.
        self.events = sorted((e for e in events if e.withdrawn is None), key=lambda e: (e.at, e.id))
        self.requests = list(requests)
        self.tz = tz
        self.lang = lang
        self.zh = lang == "zh"
        self.local = [e.at.astimezone(tz) for e in self.events]
        self.dates = [t.toordinal() for t in self.local]
        self.seconds = [t.hour * 3600 + t.minute * 60 + t.second + t.microsecond / 1e6 for t in self.local]

    def select(
        self, p: dict[str, Any], channels: tuple[str, ...], statuses: tuple[str, ...] | None, direction: str = "in"
    ) -> list[int]:
        chans = set(p.get("channels", channels))
        stats = set(p.get("statuses", statuses or STATUSES))
        want = p.get("direction", direction)
        return [
            i
            for i, e in enumerate(self.events)
            if e.channel in chans
            and (want == "any" or e.direction == want)
            and (e.channel != "call" or _outcome(e) in stats)
        ]

    def partition(self, idxs: list[int], per: str = "group") -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for i in idxs:
            e = self.events[i]
            number = e.number or ("withheld" if e.caller else e.number_raw) or ""  # one unidentified caller
            out[number if per == "number" else (e.group or "")].append(i)
        return out

    def day(self, i: int) -> str:
        return self.local[i].date().isoformat()

    def hm(self, i: int) -> str:
        return self.local[i].strftime("%H:%M")

    def finding(
        self, rule: Rule, idxs: list[int], explanation: str, group: str, matches: tuple[Match, ...] = ()
    ) -> Finding:
        evs = [self.events[i] for i in idxs]
        return Finding(
            rule_id=rule.id,
            category=rule.category,
            severity=rule.severity,
            event_ids=tuple(e.id for e in evs),
            start=min(e.at for e in evs),
            end=max(e.at for e in evs),
            explanation=explanation,
            title=rule.title(self.lang),
            group=group,
            matches=matches,
            citations=citations_for(rule, {e.channel for e in evs}),
        )


def citations_for(rule: Rule, channels: set[str]) -> tuple[Citation, ...]:
    """The rule's citations that govern conduct on these channels (no home-entry article on an SMS)."""
    return tuple(c for c in rule.citations if not c.channels or channels & set(c.channels))


# ---------------------------------------------------------------- kinds


def _episodes(
    positions: list[int], window_start: Callable[[int], int], fires: Callable[[int, int], bool]
) -> Iterator[tuple[int, int, int, int]]:
    """Yield (first_pos, last_pos, best_count, best_pos) for runs of overlapping windows that fire.

    positions are indexes into a sorted list; window_start(pos) is the first pos of the window ending
    at pos; fires(first, pos) says whether that window breaks the limit.
    """
    episode: list[int] | None = None  # [first, last, best_count, best_pos]
    for pos in range(len(positions)):
        first = window_start(pos)
        if not fires(first, pos):
            continue
        count = pos - first + 1
        if episode is not None and first <= episode[1]:
            episode[1] = pos
            if count > episode[2]:
                episode[2], episode[3] = count, pos
        else:
            if episode is not None:
                yield episode[0], episode[1], episode[2], episode[3]
            episode = [first, pos, count, pos]
    if episode is not None:
        yield episode[0], episode[1], episode[2], episode[3]


def _frequency(tl: _Timeline, rule: Rule) -> list[Finding]:
    p = rule.params
    days, limit = p["window_days"], p["max"]
    what = p.get("what_zh" if tl.zh else "what_en") or ("次联系" if tl.zh else "contacts")
    out = []
    for key, idxs in tl.partition(tl.select(p, ("call",), None), p.get("per", "group")).items():
        dates = [tl.dates[i] for i in idxs]
        starts: list[int] = []
        window: deque[int] = deque()
        for pos, d in enumerate(dates):
            window.append(pos)
            while dates[window[0]] <= d - days:
                window.popleft()
            starts.append(window[0])
        for first, last, count, best in _episodes(idxs, starts.__getitem__, lambda f, p_: p_ - f + 1 > limit):
            end_day = date.fromordinal(dates[best])
            vals = {
                "count": count,
                "what": what,
                "max": limit,
                "days": days,
                "date": end_day.isoformat(),
                "first": (end_day - timedelta(days=days - 1)).isoformat(),
                "last": end_day.isoformat(),
            }
            if days == 1:
                text = (
                    "{date} {what} {count} 次（上限 {max} 次）" if tl.zh else "{count} {what} on {date} (limit {max})"
                )
            else:
                text = (
                    "{first} 至 {last} 连续 {days} 天内{what} {count} 次（上限 {max} 次）"
                    if tl.zh
                    else "{count} {what} in the {days} days {first} to {last} "
                    "(limit {max} in any {days} consecutive days)"
                )
            out.append(tl.finding(rule, idxs[first : last + 1], _fill(text, vals), key))
    return out


def _burst(tl: _Timeline, rule: Rule) -> list[Finding]:
    p = rule.params
    need, minutes = p["count"], p["minutes"]
    span = timedelta(minutes=minutes)
    what = p.get("what_zh" if tl.zh else "what_en") or ("次来电" if tl.zh else "calls")
    out = []
    timed = [i for i in tl.select(p, ("call",), None) if tl.events[i].at_precision not in TIME_OF_DAY_UNKNOWN]
    for key, idxs in tl.partition(timed, p.get("per", "group")).items():
        ats = [tl.events[i].at for i in idxs]
        starts: list[int] = []
        window: deque[int] = deque()
        for pos, at in enumerate(ats):
            window.append(pos)
            while at - ats[window[0]] > span:
                window.popleft()
            starts.append(window[0])
        for first, last, _count, _best in _episodes(idxs, starts.__getitem__, lambda f, p_: p_ - f + 1 >= need):
            vals = {
                "count": last - first + 1,
                "what": what,
                "minutes": minutes,
                "need": need,
                "date": tl.day(idxs[first]),
                "t1": tl.hm(idxs[first]),
                "t2": tl.hm(idxs[last]),
            }
            text = (
                "{date} {t1}–{t2} 期间{what} {count} 次（{minutes} 分钟内达到 {need} 次）"
                if tl.zh
                else "{count} {what} on {date} between {t1} and {t2} ({need} or more within {minutes} minutes)"
            )
            out.append(tl.finding(rule, idxs[first : last + 1], _fill(text, vals), key))
    return out


def _seconds(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def _in_window(s: float, start: int, end: int, inclusive: bool) -> bool:
    """Is the local second-of-day s inside [start, end) (or (start, end)), wrapping midnight?"""
    after_start = s >= start if inclusive else s > start
    if start > end:  # wraps midnight
        return after_start or s < end
    return after_start and s < end


def _quiet_hours(tl: _Timeline, rule: Rule) -> list[Finding]:
    p = rule.params
    start, end = _seconds(p["start"]), _seconds(p["end"])
    inclusive = p.get("start_inclusive", True)
    nights: dict[tuple[str, int], list[int]] = defaultdict(list)
    seconds = tl.seconds
    for i in tl.select(p, CONTACT_CHANNELS, None):
        if tl.events[i].at_precision in TIME_OF_DAY_UNKNOWN:
            continue  # a date alone (or an unknown time) says nothing about the hour
        if _in_window(seconds[i], start, end, inclusive):
            night = tl.dates[i] - (1 if start > end and seconds[i] < end else 0)
            nights[(tl.events[i].group, night)].append(i)
    out = []
    for (group, night), idxs in nights.items():
        vals = {
            "count": len(idxs),
            "date": date.fromordinal(night).isoformat(),
            "start": p["start"],
            "end": p["end"],
            "times": ", ".join(f"{tl.day(i)[5:]} {tl.hm(i)}" for i in idxs[:12]) + (" …" if len(idxs) > 12 else ""),
        }
        text = (
            "{date} 夜间（{start} 至 {end}，借款人当地时间）联系 {count} 次：{times}"
            if tl.zh
            else "{count} contact(s) in the quiet hours {start}–{end} (borrower's local time) "
            "starting the evening of {date}: {times}"
        )
        out.append(tl.finding(rule, idxs, _fill(text, vals), group))
    return out


def _after_conversation(tl: _Timeline, rule: Rule) -> list[Finding]:
    p = rule.params
    days = p.get("days", 7)
    min_duration = p.get("min_duration_s", 1)
    counted = set(p.get("statuses", ("answered", "missed", "rejected", "voicemail", "unknown")))
    calls = [i for i, e in enumerate(tl.events) if e.channel == "call"]
    out = []
    for group, idxs in tl.partition(calls).items():
        conv: int | None = None
        hits: list[int] = []

        def flush(conv: int | None, hits: list[int], group: str) -> None:
            if conv is None or not hits:
                return
            first_day = date.fromordinal(tl.dates[conv])
            vals = {
                "count": len(hits),
                "days": days,
                "conv_date": first_day.isoformat(),
                "conv_time": tl.hm(conv),
                "first": tl.day(hits[0]),
                "last": tl.day(hits[-1]),
                "next": (first_day + timedelta(days=days)).isoformat(),
            }
            text = (
                "{conv_date} {conv_time} 通话后（当天为第一天）{days} 天内又来电 {count} 次（{first} 至 {last}）；"
                "{next} 起才可再次来电"
                if tl.zh
                else "{count} call(s) from {first} to {last} within {days} days after a telephone conversation "
                "on {conv_date} at {conv_time} (that day is day one); calls allowed again from {next}"
            )
            out.append(tl.finding(rule, [conv, *hits], _fill(text, vals), group))

        for i in idxs:
            e = tl.events[i]
            outcome = _outcome(e)
            if (
                conv is not None
                and e.direction == "in"
                and outcome in counted
                and tl.dates[i] <= tl.dates[conv] + days - 1
            ):
                hits.append(i)
            is_conversation = outcome == "answered" and (e.duration_s is None or e.duration_s >= min_duration)
            if is_conversation:
                flush(conv, hits, group)
                conv, hits = i, []
        flush(conv, hits, group)
    return out


_WINDOW = re.compile(r"(\d{1,2}):(\d{2})\s*[-–~至到]\s*(\d{1,2}):(\d{2})")


def _request_window(req: Request) -> tuple[int, int] | None:
    """A daily time window ("12:00-14:00") written in an inconvenient_time request's note."""
    m = _WINDOW.search(req.note or "")
    if not m:
        return None
    h1, m1, h2, m2 = (int(x) for x in m.groups())
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
        return None
    return h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60


def _same_medium(channel: str, wanted: str | None) -> bool:
    texts = {"sms", "mms"}
    return wanted is None or channel == wanted or (channel in texts and wanted in texts)


def _request_violation(tl: _Timeline, rule: Rule) -> list[Finding]:
    p = rule.params
    kinds = set(p["request_kinds"])
    contacts = tl.select(p, CONTACT_CHANNELS, None)
    notices = (
        compile_rules([dataclasses.replace(rule, kind="wording", patterns=p.get("notices", {}), exceptions={})])
        if p.get("notices")
        else None
    )
    at_of = {e.id: e.at for e in tl.events}
    out = []
    for req in tl.requests:
        if req.kind not in kinds:
            continue
        # Agreed in a contact: it binds from that contact, not from the start of its day, and the
        # contact itself (the agreement) is never a breach of it.
        start = max(req.start, at_of.get(req.event_id, req.start)) if req.event_id is not None else req.start
        window = _request_window(req) if req.kind == "inconvenient_time" else None
        per_day: dict[int, list[int]] = defaultdict(list)
        for i in contacts:
            e = tl.events[i]
            if req.group and e.group != req.group:
                continue
            if e.at <= start or (req.end is not None and e.at >= req.end) or e.id == req.event_id:
                continue
            if req.kind == "stop_channel" and not _same_medium(e.channel, req.channel):
                continue
            if window is not None and not _in_window(tl.seconds[i], window[0], window[1], True):
                continue
            if req.kind == "cease_written" and notices is not None and e.text and notices.scan(e.text):
                continue  # one of the notices the rule allows after a written cease request
            per_day[tl.dates[i]].append(i)
        start_local = req.start.astimezone(tl.tz)
        for day, idxs in sorted(per_day.items()):
            vals = {
                "count": len(idxs),
                "date": date.fromordinal(day).isoformat(),
                "from": start_local.date().isoformat(),
                "until": req.end.astimezone(tl.tz).date().isoformat() if req.end else "",
                "channel": CHANNEL_LABELS.get(req.channel or "", (req.channel, req.channel))[0 if tl.zh else 1],
                "channels": ("、" if tl.zh else ", ").join(
                    sorted({CHANNEL_LABELS[tl.events[i].channel][0 if tl.zh else 1] for i in idxs})
                ),
                "window": (req.note or "") if window else "",
            }
            out.append(
                tl.finding(
                    rule,
                    idxs,
                    _fill(_REQUEST_TEXT[req.kind][0 if tl.zh else 1], vals),
                    req.group or tl.events[idxs[0]].group,
                )
            )
    return out


_REQUEST_TEXT = {
    "pause": (
        "{date} 在约定的暂停催收期（{from} 至 {until}）内仍联系 {count} 次（{channels}）",
        "{count} contact(s) on {date} ({channels}) during the pause agreed from {from} until {until}",
    ),
    "stop": (
        "{date} 在 {from} 要求停止联系后仍联系 {count} 次（{channels}）",
        "{count} contact(s) on {date} ({channels}) after the request on {from} to stop contact",
    ),
    "cease_written": (
        "{date} 在 {from} 书面要求停止联系后仍联系 {count} 次（{channels}），不含法规允许的三种通知",
        "{count} contact(s) on {date} ({channels}) after the written request on {from} to stop "
        "(the three notices the rule allows are not counted)",
    ),
    "stop_channel": (
        "{date} 在 {from} 要求停止使用{channel}后仍以该方式联系 {count} 次",
        "{count} contact(s) by {channel} on {date} after the request on {from} to stop using it",
    ),
    "inconvenient_time": (
        "{date} 在借款人告知不便的时间 {window} 联系 {count} 次（{channels}）",
        "{count} contact(s) on {date} ({channels}) at a time the borrower said is inconvenient {window}",
    ),
    "dispute": (
        "{date} 在 {from} 提出异议后仍联系 {count} 次",
        "{count} contact(s) on {date} after the dispute of {from}",
    ),
    "attorney": (
        "{date} 在 {from} 告知已委托律师后仍直接联系 {count} 次",
        "{count} contact(s) on {date} after being told on {from} that the borrower has a lawyer",
    ),
    "no_workplace": (
        "{date} 在 {from} 要求不要联系工作单位后仍联系 {count} 次",
        "{count} contact(s) on {date} after the request of {from} not to contact the workplace",
    ),
}


def _third_party(tl: _Timeline, rule: Rule) -> list[Finding]:
    chans = set(rule.params.get("channels", ("third_party",)))
    out = []
    for i, e in enumerate(tl.events):
        if e.channel in chans:
            vals = {"date": tl.day(i), "time": tl.hm(i)}
            text = "{date} {time} 催收方联系了第三方" if tl.zh else "Contact made to a third party on {date} at {time}"
            out.append(tl.finding(rule, [i], _fill(text, vals), e.group))
    return out


# A phone backup holds every SMS, not only collectors'. Wording found in a message counts only when
# the message is about money or debt, or comes from a number linked to a party: "明天我去你家吃饭"
# from a friend must not read as a threatened home visit.
COLLECTION_CONTEXT = re.compile(
    r"欠|还钱|还款|还清|逾期|借款|借钱|借的|贷|账单|催收|债|老赖|通讯录|本金|利息|罚息|额度|分期|信用卡|征信|结清|"
    r"平台|金融|银行|法务|律师|起诉|诉讼|立案|钱"
    r"|debt|owe|owing|pay|balance|loan|account|collect|overdue|past due|delinquen|credit|bill|arrears|settle"
    r"|\$\s?\d|£\s?\d|deadbeat|lawsuit|garnish|warrant|arrest|jail"
)


def _unchecked_text(text: str | None, zh: bool) -> str:
    """What of a message the wording rules did not read, in one clause ("" when they read it all)."""
    part = unchecked(text)
    if part is None:
        return ""
    start, end = part
    if zh:
        return f"只检查了前 {start} 个字符，第 {start + 1} 至 {end} 个字符未检查"
    return f"only the first {start:,} characters were checked; characters {start + 1:,} to {end:,} were not"


def unchecked_notes(events: Iterable[Event], lang: str = "en") -> list[str]:
    """One line per message too long to check in full: which event, and what was not checked."""
    zh = lang == "zh"
    notes = []
    for e in events:
        if e.withdrawn is not None:
            continue  # never analyzed, so nothing of it went unchecked
        clause = _unchecked_text(e.text, zh)
        if clause:
            notes.append(f"记录 {e.id}：{clause}（措辞规则）" if zh else f"event {e.id}: {clause} for wording")
    return notes


def recalled(e: Event) -> bool:
    """Whether an event's text is what the complainant recorded of spoken words (a call, a visit,
    or a third party's account typed in by hand), rather than the collector's own written words."""
    return e.channel in SPOKEN_CHANNELS or (e.channel == "third_party" and e.source == "typed")


def _about_debt(e: Event, normalized: str) -> bool:
    return e.party_id is not None or e.party is not None or COLLECTION_CONTEXT.search(normalized) is not None


def recipient_of(e: Event) -> str | None:
    """Who a message went to, as params.recipients names them: a third-party contact is
    "third_party"; anything else went to the borrower (or it is not known), None."""
    return "third_party" if e.channel == "third_party" else None


def _wording(
    tl: _Timeline, pack: RulePack, rules: list[Rule], who: Mapping[int, str]
) -> tuple[list[Finding], list[Finding]]:
    """Wording findings and review-tier items (see `_review_items`), in one pass over the messages.

    Each message is scanned once by a matcher of both tiers (cached per distinct text), whose
    matches are split into the findings tier for its recipient and the review tier. A message to a
    third party also runs the rules for that recipient (the debt mentioned to someone else), whose
    finding names who received it when the record says. rules: the pack's active wording rules
    (none: no findings tier, as before; the review tier still reads every message)."""
    by_id = {r.id: r for r in rules}
    both = matcher_for(pack, tier=None)
    rules_of = {r.id: r for r in pack.rules}
    findings: list[Finding] = []
    review: list[Finding] = []
    for i, e in enumerate(tl.events):
        if not e.text:
            continue
        recipient = recipient_of(e)
        scanned = both.scan(e.text)
        found = both.split(scanned, "finding", recipient) if rules else []
        if not _about_debt(e, normalize(e.text[:MAX_CHECKED]).text):
            continue  # both tiers read only messages about money or debt
        mine = _finding_items(tl, i, e, found, by_id, who) if found else []
        findings.extend(mine)
        matched = [m for f in mine for m in f.matches]
        review.extend(_review_items(tl, i, e, pack, rules_of, matched, both.split(scanned, "review")))
    return findings, review


def _finding_items(
    tl: _Timeline, i: int, e: Event, found: list[Match], by_id: Mapping[str, Rule], who: Mapping[int, str]
) -> list[Finding]:
    """The findings tier's findings in one message about the debt, from its matches."""
    out = []
    not_read = _unchecked_text(e.text, tl.zh)
    per_rule: dict[str, list[Match]] = defaultdict(list)
    for m in found:
        per_rule[m.rule_id].append(m)
    # A rule for this recipient says more than the general rule of its category (who was told):
    # one finding per category, not two.
    told = {by_id[r].category for r in per_rule if "recipients" in by_id[r].params}
    for rule_id, matches in per_rule.items():
        rule = by_id[rule_id]
        p = rule.params
        if e.channel not in p.get("channels", TEXT_CHANNELS):
            continue
        if rule.category in told and "recipients" not in p:
            continue
        # A message's direction says whose words it holds; what was recorded of a call or a
        # visit is what the collector said, whoever dialled or knocked.
        want = p.get("direction", "in")
        spoken = e.channel in SPOKEN_CHANNELS or e.channel == "third_party"
        if want != "any" and e.direction != want and not spoken:
            continue
        label = CATEGORY_LABELS[rule.category][0 if tl.zh else 1]
        vals = {
            "label": label,
            "channel": CHANNEL_LABELS[e.channel][0 if tl.zh else 1],
            "date": tl.day(i),
            "time": tl.hm(i),
            "quotes": ("、" if tl.zh else ", ").join(f"“{m.text}”" for m in matches[:5]),
            "who": who.get(e.id, ""),
        }
        if "recipients" in p:
            if tl.zh:
                text = "{date} {time} 的{channel}" + ("（对方：{who}）" if vals["who"] else "")
                text += "向第三方提及借款人的债务（{label}）：{quotes}"
            else:
                text = "{label}: {channel} on {date} at {time}" + (" to {who}" if vals["who"] else "")
                text += " mentions the borrower's debt to a third party: {quotes}"
        else:
            text = (
                "{date} {time} 的{channel}含{label}措辞：{quotes}"
                if tl.zh
                else "{label}: {channel} on {date} at {time}: {quotes}"
            )
        explanation = _fill(text, vals)
        if recalled(e):  # the borrower's record of what was said, not a copy of it
            explanation += "（据投诉人记录）" if tl.zh else " (as recorded by the complainant)"
        if not_read:  # never silently: the finding says the message was not read to its end
            explanation += f"（{not_read}）" if tl.zh else f" ({not_read})"
        out.append(tl.finding(rule, [i], explanation, e.group, tuple(matches)))
    return out


def _gates(e: Event, p: dict[str, Any]) -> bool:
    """The channel and direction gates of a wording rule's params (as `_wording` applies them)."""
    if e.channel not in p.get("channels", TEXT_CHANNELS):
        return False
    want = p.get("direction", "in")
    spoken = e.channel in SPOKEN_CHANNELS or e.channel == "third_party"
    return want == "any" or e.direction == want or spoken


def _review_items(
    tl: _Timeline,
    i: int,
    e: Event,
    pack: RulePack,
    rules: Mapping[str, Rule],
    found: list[Match],
    rule_matches: list[Match],
) -> list[Finding]:
    """Review-tier Findings (tier "review") of one message about the debt: what triage raises
    beyond what the findings tier found there (`found`), given the review-tier rules' matches. One
    per stable rule id (its rule's id, or MODEL:<category> for an item no rule raised), score =
    the highest of its items'."""
    recipient = "third_party" if e.channel == "third_party" else None
    items = triage.review_items(e.text or "", pack, found, lang=tl.lang, recipient=recipient, rule_matches=rule_matches)
    if not items:
        return []
    per_id: dict[str, list[ReviewItem]] = defaultdict(list)
    for item in items:
        rule = rules.get(item.rule_id)
        if _gates(e, rule.params if rule is not None else {}):
            per_id[triage.stable_rule_id(item)].append(item)
    return [_review_finding(tl, i, pack, rules.get(mine[0].rule_id), rule_id, mine) for rule_id, mine in per_id.items()]


def _review_finding(
    tl: _Timeline, i: int, pack: RulePack, rule: Rule | None, rule_id: str, items: list[ReviewItem]
) -> Finding:
    e = tl.events[i]
    category = items[0].category
    # What a person would cite on accepting it: the pack's stable wording rules of the category
    # (the review rule's own citations when the pack has none).
    stable = [
        r
        for r in pack.rules
        if r.kind == "wording" and r.tier == "finding" and r.status == "stable" and r.category == category
    ]
    cites: list[Citation] = []
    for r in stable or ([rule] if rule is not None else []):
        for c in citations_for(r, {e.channel}):
            if c not in cites:
                cites.append(c)
    severity = (
        rule.severity if rule is not None else max((r.severity for r in stable), key=severity_rank, default="medium")
    )
    label = CATEGORY_LABELS[category][0 if tl.zh else 1]
    whys = list(dict.fromkeys(item.why for item in items if item.why))
    vals = {
        "label": label,
        "channel": CHANNEL_LABELS[e.channel][0 if tl.zh else 1],
        "date": tl.day(i),
        "time": tl.hm(i),
        "why": ("；" if tl.zh else "; ").join(whys),
        "quotes": ("、" if tl.zh else ", ").join(f"“{item.text}”" for item in items[:5]),
    }
    text = (
        "{date} {time} 的{channel}可能含{label}措辞（{why}）：{quotes}"
        if tl.zh
        else "Possibly {label}: {channel} on {date} at {time} ({why}): {quotes}"
    )
    explanation = _fill(text, vals)
    if recalled(e):
        explanation += "（据投诉人记录）" if tl.zh else " (as recorded by the complainant)"
    not_read = _unchecked_text(e.text, tl.zh)
    if not_read:
        explanation += f"（{not_read}）" if tl.zh else f" ({not_read})"
    return Finding(
        rule_id=rule_id,
        category=category,
        severity=severity,
        event_ids=(e.id,),
        start=e.at,
        end=e.at,
        explanation=explanation,
        title=rule.title(tl.lang) if rule is not None else label,
        group=e.group,
        matches=tuple(Match(rule_id, category, item.text, item.start, item.end) for item in items),
        citations=tuple(cites),
        tier="review",
        score=max(item.score for item in items),
    )


KIND_FUNCS: dict[str, Callable[[_Timeline, Rule], list[Finding]]] = {
    "frequency": _frequency,
    "burst": _burst,
    "quiet_hours": _quiet_hours,
    "after_conversation": _after_conversation,
    "request_violation": _request_violation,
    "third_party": _third_party,
}


def analyze(
    events: Iterable[Event],
    requests: Iterable[Request],
    pack: RulePack,
    *,
    tz: ZoneInfo,
    lang: str = "en",
    who: Mapping[int, str] | None = None,
) -> list[Finding]:
    """All findings of the pack's active rules, ordered by time, then by severity (worst first); the
    review tier's items (tier "review", see `_review_items`) follow the same order among them.

    who: for third-party contacts, event id -> who was contacted as the user recorded it
    (`add third-party --who`); a disclosure finding names them."""
    tl = _Timeline(events, requests, tz, lang)
    findings: list[Finding] = []
    active = [r for r in pack.rules if r.active]
    for rule in active:
        if rule.kind != "wording":
            findings.extend(KIND_FUNCS[rule.kind](tl, rule))
    worded, review = _wording(tl, pack, [r for r in active if r.kind == "wording"], who or {})
    findings.extend(worded)
    findings.extend(review)
    findings.sort(key=lambda f: (f.start, -severity_rank(f.severity), f.rule_id))
    return findings


# ---------------------------------------------------------------- rule examples

_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$")


def _example_time(text: str, tz: ZoneInfo) -> datetime:
    """An example's time: local to the pack's example_tz unless it carries an offset."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(ZoneInfo("UTC"))


def example_timeline(example: dict[str, Any], tz: ZoneInfo) -> tuple[list[Event], list[Request]]:
    """The Events and Requests an inline example describes (ids 1..n in the order written)."""
    events = []
    for n, e in enumerate(example.get("events", []), 1):
        channel = e.get("channel", "call")
        events.append(
            Event(
                id=n,
                channel=channel,
                direction=e.get("direction", "in"),
                number=e.get("number", "+10000000000"),
                number_raw=e.get("number", "+10000000000"),
                at=_example_time(e["at"], tz),
                duration_s=e.get("duration_s"),
                status=e.get("status", "answered" if channel == "call" else "unknown"),
                text=e.get("text"),
                group=e.get("group", "collector"),
            )
        )
    requests = []
    for n, r in enumerate(example.get("requests", []), 1):
        requests.append(
            Request(
                id=n,
                kind=r["kind"],
                party_id=None,
                party=None,
                group=r.get("group", "collector"),
                start=_example_time(r["from"], tz),
                end=_example_time(r["until"], tz) if r.get("until") else None,
                channel=r.get("channel"),
                note=r.get("note"),
            )
        )
    return events, requests


def check_example(pack: RulePack, rule: Rule, example: dict[str, Any]) -> str | None:
    """None when the example behaves as it says; otherwise what went wrong, in one line."""
    single = dataclasses.replace(pack, rules=(dataclasses.replace(rule, status="stable"),))
    expect = example["expect"]
    if rule.kind == "wording":
        recipient = rule.params["recipients"][0] if "recipients" in rule.params else None
        matcher = compile_rules(list(single.rules), tier=rule.tier, recipient=recipient)
        matches = [m for m in matcher.scan(example["text"]) if m.rule_id == rule.id]
        if expect == "ok":
            return None if not matches else f"matched {matches[0].text!r} but should not"
        if not matches:
            return "did not match"
        span = example.get("span")
        if span is not None and span not in [m.text for m in matches]:
            return f"matched {[m.text for m in matches]!r}, expected the span {span!r}"
        return None
    tz = ZoneInfo(pack.example_tz)
    try:
        events, requests = example_timeline(example, tz)
    except (ValueError, KeyError) as exc:
        return f"bad example timeline: {exc}"
    findings = [f for f in analyze(events, requests, single, tz=tz) if f.tier == "finding"]
    if expect == "ok":
        return None if not findings else f"fired ({findings[0].explanation}) but should not"
    if not findings:
        return "did not fire"
    if "count" in example and len(findings) != example["count"]:
        return f"fired {len(findings)} time(s), expected {example['count']}"
    if "fires_on" in example:
        fired = sorted({i for f in findings for i in f.event_ids})
        wanted = sorted(i + 1 for i in example["fires_on"])
        if fired != wanted:
            return f"fired on events {[i - 1 for i in fired]}, expected {example['fires_on']}"
    return None


# ---------------------------------------------------------------- records


def finding_record(finding: Finding, tz: ZoneInfo) -> dict[str, Any]:
    """A finding as `analyze --json` prints it (DESIGN.md fields); times with the borrower's offset."""
    from ..normalize import local_iso

    return {
        "rule_id": finding.rule_id,
        "category": finding.category,
        "severity": finding.severity,
        "event_ids": list(finding.event_ids),
        "start": local_iso(finding.start, tz),
        "end": local_iso(finding.end, tz),
        "explanation": finding.explanation,
        "matches": [match_record(m) for m in finding.matches],
        "citations": [
            {"instrument": c.instrument, "article": c.article, "tag": c.tag, "url": c.url} for c in finding.citations
        ],
    }


def match_record(match: Match) -> dict[str, Any]:
    return {
        "rule_id": match.rule_id,
        "category": match.category,
        "text": match.text,
        "start": match.start,
        "end": match.end,
    }
