"""Analysis: events + requests + a rule pack -> findings. Pure: no I/O, no printing.

The events are read once, in time order (`analyze_sorted`; a store streams them, see the kinds'
note below), so memory follows the rules' windows, not the number of events.

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
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..catalog import t
from ..models import (
    CHANNELS,
    SEVERITIES,
    STATUSES,
    Citation,
    Event,
    EventRow,
    Finding,
    Match,
    Request,
    ReviewItem,
    severity_rank,
)
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


# What the analysis reads of an event: an Event, or the lighter row the store streams for it.
EventLike = Event | EventRow


def _outcome(e: EventLike) -> str:
    if e.status == "unknown" and (e.duration_s or 0) > 0:
        return "answered"
    return e.status


class _Seen:
    """What a rule keeps of an event it may cite once the stream has moved on: never its text."""

    __slots__ = ("id", "at", "local", "date", "seconds", "channel", "group", "timed")

    def __init__(self, e: EventLike, local: datetime) -> None:
        self.id = e.id
        # A record known only by its day (or not at all) has no time of day to quote: its stored
        # instant is midnight or a placeholder, never what the borrower recorded.
        self.timed = e.at_precision not in TIME_OF_DAY_UNKNOWN
        self.at = e.at
        self.local = local  # in the borrower's zone
        self.date = local.toordinal()
        self.seconds = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        self.channel = e.channel
        self.group = e.group


# A finding and what orders it among findings of the same rule, start and severity: the order in
# which the rule met them when it read every event at once (see analyze_sorted).
_Found = tuple[tuple[Any, ...], Finding]


class _Context:
    """What every rule shares: the borrower's zone and language, the requests."""

    def __init__(self, tz: ZoneInfo, lang: str, requests: Iterable[Request], agreed_at: Mapping[int, datetime]):
        self.tz = tz
        self.lang = lang
        self.zh = lang == "zh"
        self.requests = list(requests)
        self.agreed_at = agreed_at

    @staticmethod
    def day(s: _Seen) -> str:
        return s.local.date().isoformat()

    def hm(self, s: _Seen) -> str:
        if not s.timed:
            return "（时间未记录）" if self.zh else "(time not recorded)"
        return s.local.strftime("%H:%M")

    def finding(
        self, rule: Rule, seen: list[_Seen], explanation: str, group: str, matches: tuple[Match, ...] = ()
    ) -> Finding:
        return Finding(
            rule_id=rule.id,
            category=rule.category,
            severity=rule.severity,
            event_ids=tuple(s.id for s in seen),
            start=min(s.at for s in seen),
            end=max(s.at for s in seen),
            explanation=explanation,
            title=rule.title(self.lang),
            group=group,
            matches=matches,
            citations=citations_for(rule, {s.channel for s in seen}),
        )


def citations_for(rule: Rule, channels: set[str]) -> tuple[Citation, ...]:
    """The rule's citations that govern conduct on these channels (no home-entry article on an SMS)."""
    return tuple(c for c in rule.citations if not c.channels or channels & set(c.channels))


def _selector(
    p: dict[str, Any], channels: tuple[str, ...], statuses: tuple[str, ...] | None, direction: str = "in"
) -> Callable[[EventLike], bool]:
    """Which events a conduct rule counts: its channels, direction and (for calls) outcomes."""
    chans = set(p.get("channels", channels))
    stats = set(p.get("statuses", statuses or STATUSES))
    want = p.get("direction", direction)
    return lambda e: (
        e.channel in chans and (want == "any" or e.direction == want) and (e.channel != "call" or _outcome(e) in stats)
    )


def _key(e: EventLike, per: str) -> str:
    """The partition a per-group rule counts an event in: its collector group, or its number."""
    if per == "number":
        return e.number or ("withheld" if e.caller else e.number_raw) or ""  # one unidentified caller
    return e.group or ""


# ---------------------------------------------------------------- kinds
#
# Each kind reads the events once, in time order, and keeps only what a later event can still
# change: a sliding window per partition (frequency, burst), the last conversation (after a call),
# the open night (quiet hours), the open day of each request. `sweep` (at each new local day) emits
# what no later event can touch and forgets it, so memory follows the windows, not the store.
# Local dates can step back one day when a zone's clock goes back at midnight: hence the margins.


class _Kind:
    def __init__(self, ctx: _Context, rule: Rule) -> None:
        self.ctx = ctx
        self.rule = rule
        self.out: list[_Found] = []
        # The channels whose events the kind may count (it is not called for the others).
        self.channels: set[str] = set(CHANNELS)

    def feed(self, e: EventLike, s: _Seen) -> None:
        raise NotImplementedError

    def sweep(self, date: int, at: datetime) -> None:
        """date: the latest local date read; at: the instant of the event about to be read."""

    def finish(self) -> None:
        """The stream has ended: emit what is still open."""
        self.sweep(date.max.toordinal() + 10, datetime.max.replace(tzinfo=UTC))


class _Window:
    """One partition of a sliding-window rule: the window, and the episode of windows that fire."""

    __slots__ = ("rank", "items", "first", "count", "episode", "last", "best", "best_date", "top")

    def __init__(self, rank: tuple[datetime, int]) -> None:
        self.rank = rank  # the partition's first counted event: the order findings tie in
        self.items: deque[_Seen] = deque()
        self.first = 0  # position (in the partition) of items[0]
        self.count = 0  # events counted so far
        self.episode: list[_Seen] | None = None  # the events of overlapping windows that fire
        self.last = -1  # position of the episode's last event
        self.best = 0  # the episode's largest window, and the date it ended on
        self.best_date = 0
        self.top = 0  # the latest local date counted (dates can step back a day; instants cannot)


class _Sliding(_Kind):
    """Frequency and burst: overlapping windows that break the limit are one episode, one finding."""

    def __init__(self, ctx: _Context, rule: Rule, wants: Callable[[EventLike], bool]) -> None:
        super().__init__(ctx, rule)
        self.wants = wants
        self.per = rule.params.get("per", "group")
        self.windows: dict[str, _Window] = {}
        self.ranks: dict[str, tuple[datetime, int]] = {}
        self.seq = 0

    def outside(self, w: _Seen, s: _Seen) -> bool:
        """Whether w has left the window that ends at s."""
        raise NotImplementedError

    def fires(self, size: int) -> bool:
        raise NotImplementedError

    def stale(self, w: _Window, date: int, at: datetime) -> bool:
        """Whether no later event can share a window with this partition's last one."""
        raise NotImplementedError

    def emit(self, key: str, w: _Window, episode: list[_Seen]) -> None:
        raise NotImplementedError

    def feed(self, e: EventLike, s: _Seen) -> None:
        if not self.wants(e):
            return
        key = _key(e, self.per)
        w = self.windows.get(key)
        if w is None:
            w = self.windows[key] = _Window(self.ranks.setdefault(key, (s.at, s.id)))
        items = w.items
        items.append(s)
        w.top = max(w.top, s.date)
        pos = w.count
        w.count += 1
        while self.outside(items[0], s):
            items.popleft()
            w.first += 1
        size = len(items)
        if not self.fires(size):
            return
        if w.episode is not None and w.first <= w.last:
            # The events since the episode's last are the window's newest (one, when it fired last time).
            w.episode.extend(items[i] for i in range(size - (pos - w.last), size))
            w.last = pos
            if size > w.best:
                w.best, w.best_date = size, s.date
            return
        if w.episode is not None:
            self.emit(key, w, w.episode)
        w.episode, w.last, w.best, w.best_date = list(items), pos, size, s.date

    def sweep(self, date: int, at: datetime) -> None:
        for key, w in list(self.windows.items()):
            if self.stale(w, date, at):
                if w.episode is not None:
                    self.emit(key, w, w.episode)
                del self.windows[key]

    def found(self, w: _Window, finding: Finding) -> None:
        self.out.append(((*w.rank, self.seq), finding))
        self.seq += 1


class _Frequency(_Sliding):
    def __init__(self, ctx: _Context, rule: Rule) -> None:
        super().__init__(ctx, rule, _selector(rule.params, ("call",), None))
        p = rule.params
        self.channels = set(p.get("channels", ("call",)))
        self.days, self.limit = p["window_days"], p["max"]
        self.what = p.get("what_zh" if ctx.zh else "what_en") or ("次联系" if ctx.zh else "contacts")

    def outside(self, w: _Seen, s: _Seen) -> bool:
        return w.date <= s.date - self.days

    def fires(self, size: int) -> bool:
        return size > self.limit

    def stale(self, w: _Window, date: int, at: datetime) -> bool:
        return w.top <= date - 1 - self.days

    def emit(self, key: str, w: _Window, episode: list[_Seen]) -> None:
        days, zh = self.days, self.ctx.zh
        end_day = date.fromordinal(w.best_date)
        vals = {
            "count": w.best,
            "what": self.what,
            "max": self.limit,
            "days": days,
            "date": end_day.isoformat(),
            "first": (end_day - timedelta(days=days - 1)).isoformat(),
            "last": end_day.isoformat(),
        }
        if days == 1:
            text = "{date} {what} {count} 次（上限 {max} 次）" if zh else "{count} {what} on {date} (limit {max})"
        else:
            text = (
                "{first} 至 {last} 连续 {days} 天内{what} {count} 次（上限 {max} 次）"
                if zh
                else "{count} {what} in the {days} days {first} to {last} (limit {max} in any {days} consecutive days)"
            )
        self.found(w, self.ctx.finding(self.rule, episode, _fill(text, vals), key))


class _Burst(_Sliding):
    def __init__(self, ctx: _Context, rule: Rule) -> None:
        counted = _selector(rule.params, ("call",), None)
        super().__init__(ctx, rule, lambda e: counted(e) and e.at_precision not in TIME_OF_DAY_UNKNOWN)
        p = rule.params
        self.channels = set(p.get("channels", ("call",)))
        self.need, self.minutes = p["count"], p["minutes"]
        self.span = timedelta(minutes=self.minutes)
        self.what = p.get("what_zh" if ctx.zh else "what_en") or ("次来电" if ctx.zh else "calls")

    def outside(self, w: _Seen, s: _Seen) -> bool:
        return s.at - w.at > self.span

    def fires(self, size: int) -> bool:
        return size >= self.need

    def stale(self, w: _Window, date: int, at: datetime) -> bool:
        return at - w.items[-1].at > self.span

    def emit(self, key: str, w: _Window, episode: list[_Seen]) -> None:
        ctx = self.ctx
        vals = {
            "count": len(episode),
            "what": self.what,
            "minutes": self.minutes,
            "need": self.need,
            "date": ctx.day(episode[0]),
            "t1": ctx.hm(episode[0]),
            "t2": ctx.hm(episode[-1]),
        }
        text = (
            "{date} {t1}–{t2} 期间{what} {count} 次（{minutes} 分钟内达到 {need} 次）"
            if ctx.zh
            else "{count} {what} on {date} between {t1} and {t2} ({need} or more within {minutes} minutes)"
        )
        self.found(w, ctx.finding(self.rule, episode, _fill(text, vals), key))


def _seconds(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def _in_window(s: float, start: int, end: int, inclusive: bool) -> bool:
    """Is the local second-of-day s inside [start, end) (or (start, end)), wrapping midnight?"""
    after_start = s >= start if inclusive else s > start
    if start > end:  # wraps midnight
        return after_start or s < end
    return after_start and s < end


class _QuietHours(_Kind):
    """Contacts in the quiet hours, one finding per collector group and night."""

    def __init__(self, ctx: _Context, rule: Rule) -> None:
        super().__init__(ctx, rule)
        p = rule.params
        self.start, self.end = _seconds(p["start"]), _seconds(p["end"])
        self.inclusive = p.get("start_inclusive", True)
        self.wants = _selector(p, CONTACT_CHANNELS, None)
        self.channels = set(p.get("channels", CONTACT_CHANNELS))
        self.nights: dict[tuple[str, int], list[_Seen]] = {}

    def feed(self, e: EventLike, s: _Seen) -> None:
        if not self.wants(e) or e.at_precision in TIME_OF_DAY_UNKNOWN:
            return  # a date alone (or an unknown time) says nothing about the hour
        if _in_window(s.seconds, self.start, self.end, self.inclusive):
            night = s.date - (1 if self.start > self.end and s.seconds < self.end else 0)
            self.nights.setdefault((e.group, night), []).append(s)

    def sweep(self, date: int, at: datetime) -> None:
        for key in [k for k in self.nights if k[1] < date - 2]:
            self.emit(key, self.nights.pop(key))

    def emit(self, key: tuple[str, int], seen: list[_Seen]) -> None:
        ctx, p = self.ctx, self.rule.params
        group, night = key
        vals = {
            "count": len(seen),
            "date": date.fromordinal(night).isoformat(),
            "start": p["start"],
            "end": p["end"],
            "times": ", ".join(f"{ctx.day(s)[5:]} {ctx.hm(s)}" for s in seen[:12]) + (" …" if len(seen) > 12 else ""),
        }
        text = (
            "{date} 夜间（{start} 至 {end}，借款人当地时间）联系 {count} 次：{times}"
            if ctx.zh
            else "{count} contact(s) in the quiet hours {start}–{end} (borrower's local time) "
            "starting the evening of {date}: {times}"
        )
        self.out.append(((seen[0].id,), ctx.finding(self.rule, seen, _fill(text, vals), group)))


class _Conversation:
    __slots__ = ("rank", "conv", "hits")

    def __init__(self, rank: tuple[datetime, int]) -> None:
        self.rank = rank
        self.conv: _Seen | None = None
        self.hits: list[_Seen] = []


class _AfterConversation(_Kind):
    """Calls within `days` after a telephone conversation, per collector group."""

    def __init__(self, ctx: _Context, rule: Rule) -> None:
        super().__init__(ctx, rule)
        p = rule.params
        self.days = p.get("days", 7)
        self.min_duration = p.get("min_duration_s", 1)
        self.counted = set(p.get("statuses", ("answered", "missed", "rejected", "voicemail", "unknown")))
        self.channels = {"call"}
        self.groups: dict[str, _Conversation] = {}
        self.ranks: dict[str, tuple[datetime, int]] = {}
        self.seq = 0

    def feed(self, e: EventLike, s: _Seen) -> None:
        if e.channel != "call":
            return
        key = e.group or ""
        g = self.groups.get(key)
        if g is None:
            g = self.groups[key] = _Conversation(self.ranks.setdefault(key, (s.at, s.id)))
        outcome = _outcome(e)
        conv = g.conv
        if conv is not None and e.direction == "in" and outcome in self.counted and s.date <= conv.date + self.days - 1:
            g.hits.append(s)
        if outcome == "answered" and (e.duration_s is None or e.duration_s >= self.min_duration):
            self.emit(key, g)
            g.conv, g.hits = s, []

    def sweep(self, date: int, at: datetime) -> None:
        for key, g in list(self.groups.items()):
            if g.conv is None or date - 1 > g.conv.date + self.days - 1:  # no later call can count
                self.emit(key, g)
                del self.groups[key]

    def emit(self, group: str, g: _Conversation) -> None:
        conv, hits, ctx, days = g.conv, g.hits, self.ctx, self.days
        if conv is None or not hits:
            return
        first_day = date.fromordinal(conv.date)
        vals = {
            "count": len(hits),
            "days": days,
            "conv_date": first_day.isoformat(),
            "conv_time": ctx.hm(conv),
            "first": ctx.day(hits[0]),
            "last": ctx.day(hits[-1]),
            "next": (first_day + timedelta(days=days)).isoformat(),
        }
        text = (
            "{conv_date} {conv_time} 通话后（当天为第一天）{days} 天内又来电 {count} 次（{first} 至 {last}）；"
            "{next} 起才可再次来电"
            if ctx.zh
            else "{count} call(s) from {first} to {last} within {days} days after a telephone conversation "
            "on {conv_date} at {conv_time} (that day is day one); calls allowed again from {next}"
        )
        self.out.append(((*g.rank, self.seq), ctx.finding(self.rule, [conv, *hits], _fill(text, vals), group)))
        self.seq += 1


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


class _Binding:
    """One request a rule checks: from when it binds, its daily window, the contacts of each day."""

    __slots__ = ("order", "req", "start", "window", "days")

    def __init__(self, order: int, req: Request, agreed_at: Mapping[int, datetime]) -> None:
        self.order = order
        self.req = req
        # Agreed in a contact: it binds from that contact, not from the start of its day, and the
        # contact itself (the agreement) is never a breach of it.
        self.start = max(req.start, agreed_at.get(req.event_id, req.start)) if req.event_id is not None else req.start
        self.window = _request_window(req) if req.kind == "inconvenient_time" else None
        self.days: dict[int, list[_Seen]] = {}


class _RequestViolation(_Kind):
    """Contacts a request of the borrower's forbids, one finding per request and local day."""

    def __init__(self, ctx: _Context, rule: Rule) -> None:
        super().__init__(ctx, rule)
        p = rule.params
        kinds = set(p["request_kinds"])
        self.wants = _selector(p, CONTACT_CHANNELS, None)
        self.channels = set(p.get("channels", CONTACT_CHANNELS))
        self.notices = (
            compile_rules([dataclasses.replace(rule, kind="wording", patterns=p.get("notices", {}), exceptions={})])
            if p.get("notices")
            else None
        )
        self.bindings = [_Binding(n, r, ctx.agreed_at) for n, r in enumerate(ctx.requests) if r.kind in kinds]
        if not self.bindings:
            self.channels = set()  # no request of its kinds: never called
        # The groups a request names (None: one request binds every group): most events are of none.
        groups = {b.req.group for b in self.bindings}
        self.groups = None if "" in groups or None in groups else groups

    def feed(self, e: EventLike, s: _Seen) -> None:
        if (self.groups is not None and e.group not in self.groups) or not self.wants(e):
            return
        for b in self.bindings:
            req = b.req
            if req.group and e.group != req.group:
                continue
            if e.at <= b.start or (req.end is not None and e.at >= req.end) or e.id == req.event_id:
                continue
            if req.kind == "stop_channel" and not _same_medium(e.channel, req.channel):
                continue
            if b.window is not None and not _in_window(s.seconds, b.window[0], b.window[1], True):
                continue
            if req.kind == "cease_written" and self.notices is not None and e.text and self.notices.scan(e.text):
                continue  # one of the notices the rule allows after a written cease request
            b.days.setdefault(s.date, []).append(s)

    def sweep(self, date: int, at: datetime) -> None:
        for b in self.bindings:
            for day in [d for d in b.days if d < date - 1]:
                self.emit(b, day, b.days.pop(day))

    def emit(self, b: _Binding, day: int, seen: list[_Seen]) -> None:
        ctx, req = self.ctx, b.req
        vals = {
            "count": len(seen),
            "date": date.fromordinal(day).isoformat(),
            "from": req.start.astimezone(ctx.tz).date().isoformat(),
            "until": req.end.astimezone(ctx.tz).date().isoformat() if req.end else "",
            "channel": CHANNEL_LABELS.get(req.channel or "", (req.channel, req.channel))[0 if ctx.zh else 1],
            "channels": ("、" if ctx.zh else ", ").join(
                sorted({CHANNEL_LABELS[s.channel][0 if ctx.zh else 1] for s in seen})
            ),
            "window": (req.note or "") if b.window else "",
        }
        text = _fill(_REQUEST_TEXT[req.kind][0 if ctx.zh else 1], vals)
        self.out.append(((b.order, day), ctx.finding(self.rule, seen, text, req.group or seen[0].group)))


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


class _ThirdParty(_Kind):
    def __init__(self, ctx: _Context, rule: Rule) -> None:
        super().__init__(ctx, rule)
        self.chans = self.channels = set(rule.params.get("channels", ("third_party",)))

    def feed(self, e: EventLike, s: _Seen) -> None:
        if e.channel in self.chans:
            ctx = self.ctx
            vals = {"date": ctx.day(s), "time": ctx.hm(s)}
            text = "{date} {time} 催收方联系了第三方" if ctx.zh else "Contact made to a third party on {date} at {time}"
            self.out.append(((s.id,), ctx.finding(self.rule, [s], _fill(text, vals), e.group)))


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


def unchecked_note(e: EventLike, lang: str = "en") -> str | None:
    """The line saying what of one message was too long to check, or None (read in full; withdrawn)."""
    if e.withdrawn is not None:
        return None  # never analyzed, so nothing of it went unchecked
    zh = lang == "zh"
    clause = _unchecked_text(e.text, zh)
    if not clause:
        return None
    return f"记录 {e.id}：{clause}（措辞规则）" if zh else f"event {e.id}: {clause} for wording"


def unchecked_notes(events: Iterable[EventLike], lang: str = "en") -> list[str]:
    """One line per message too long to check in full: which event, and what was not checked."""
    return [note for e in events if (note := unchecked_note(e, lang)) is not None]


def recalled(e: EventLike) -> bool:
    """Whether an event's text is what the complainant recorded of spoken words (a call, a visit,
    or a third party's account typed in by hand), rather than the collector's own written words."""
    return e.channel in SPOKEN_CHANNELS or (e.channel == "third_party" and e.source == "typed")


def _about_debt(e: EventLike, normalized: str) -> bool:
    """Whether a record's words are read as a collector's. A message must be about money or come
    from a linked number (a phone backup, or a copy typed in, can be anyone's). What the borrower
    noted by hand of a call or a visit is the collector's by the act of logging it: "说要去我单位找
    领导，让我等着瞧" names no debt and is still the threat the caller made."""
    if e.channel in SPOKEN_CHANNELS and e.source in ("typed", "casefile"):
        return True
    return e.party_id is not None or e.party is not None or COLLECTION_CONTEXT.search(normalized) is not None


def recipient_of(e: EventLike) -> str | None:
    """Who a message went to, as params.recipients names them: a third-party contact is
    "third_party"; anything else went to the borrower (or it is not known), None."""
    return "third_party" if e.channel == "third_party" else None


class _Wording:
    """Wording findings and review-tier items (see `_review_items`), one message at a time.

    Each message is scanned once by a matcher of both tiers (cached per distinct text), whose
    matches are split into the findings tier for its recipient and the review tier. A message to a
    third party also runs the rules for that recipient (the debt mentioned to someone else), whose
    finding names who received it when the record says. rules: the pack's active wording rules
    (none: no findings tier, as before; the review tier still reads every message)."""

    def __init__(self, ctx: _Context, pack: RulePack, rules: list[Rule], who: Mapping[int, str]) -> None:
        self.ctx = ctx
        self.pack = pack
        self.rules = rules
        self.by_id = {r.id: r for r in rules}
        self.both = matcher_for(pack, tier=None)
        self.rules_of = {r.id: r for r in pack.rules}
        self.who = who
        self.findings: list[_Found] = []
        self.review: list[_Found] = []

    def feed(self, e: EventLike, s: _Seen) -> None:
        if not e.text:
            return
        if not _about_debt(e, normalize(e.text[:MAX_CHECKED]).text):
            return  # both tiers read only messages about money or debt (and the scan is not needed)
        both = self.both
        scanned = both.scan(e.text)
        recipient = recipient_of(e)
        found = both.split(scanned, "finding", recipient) if self.rules else []
        mine = _finding_items(self.ctx, s, e, found, self.by_id, self.who) if found else []
        self.findings.extend(((e.id,), f) for f in mine)
        matched = [m for f in mine for m in f.matches]
        items = _review_items(
            self.ctx, s, e, self.pack, self.rules_of, matched, both.split(scanned, "review", recipient)
        )
        self.review.extend(((e.id,), f) for f in items)


def _finding_items(
    ctx: _Context, s: _Seen, e: EventLike, found: list[Match], by_id: Mapping[str, Rule], who: Mapping[int, str]
) -> list[Finding]:
    """The findings tier's findings in one message about the debt, from its matches."""
    out = []
    not_read = _unchecked_text(e.text, ctx.zh)
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
        label = CATEGORY_LABELS[rule.category][0 if ctx.zh else 1]
        vals = {
            "label": label,
            "channel": CHANNEL_LABELS[e.channel][0 if ctx.zh else 1],
            "date": ctx.day(s),
            "time": ctx.hm(s),
            "quotes": ("、" if ctx.zh else ", ").join(f"“{m.text}”" for m in matches[:5]),
            "who": who.get(e.id, ""),
        }
        if "recipients" in p:
            if ctx.zh:
                text = "{date} {time} 的{channel}" + ("（对方：{who}）" if vals["who"] else "")
                text += "向第三方提及借款人的债务（{label}）：{quotes}"
            else:
                text = "{label}: {channel} on {date} at {time}" + (" to {who}" if vals["who"] else "")
                text += " mentions the borrower's debt to a third party: {quotes}"
        else:
            text = (
                "{date} {time} 的{channel}含{label}措辞：{quotes}"
                if ctx.zh
                else "{label}: {channel} on {date} at {time}: {quotes}"
            )
        explanation = _fill(text, vals)
        if recalled(e):  # the borrower's record of what was said, not a copy of it
            explanation += "（据投诉人记录）" if ctx.zh else " (as recorded by the complainant)"
        if not_read:  # never silently: the finding says the message was not read to its end
            explanation += f"（{not_read}）" if ctx.zh else f" ({not_read})"
        out.append(ctx.finding(rule, [s], explanation, e.group, tuple(matches)))
    return out


def _gates(e: EventLike, p: dict[str, Any]) -> bool:
    """The channel and direction gates of a wording rule's params (as `_finding_items` applies them)."""
    if e.channel not in p.get("channels", TEXT_CHANNELS):
        return False
    want = p.get("direction", "in")
    spoken = e.channel in SPOKEN_CHANNELS or e.channel == "third_party"
    return want == "any" or e.direction == want or spoken


def _review_items(
    ctx: _Context,
    s: _Seen,
    e: EventLike,
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
    items = triage.review_items(
        e.text or "", pack, found, lang=ctx.lang, recipient=recipient, rule_matches=rule_matches
    )
    if not items:
        return []
    per_id: dict[str, list[ReviewItem]] = defaultdict(list)
    for item in items:
        rule = rules.get(item.rule_id)
        if _gates(e, rule.params if rule is not None else {}):
            per_id[triage.stable_rule_id(item)].append(item)
    return [
        _review_finding(ctx, s, e, pack, rules.get(mine[0].rule_id), rule_id, mine) for rule_id, mine in per_id.items()
    ]


def _review_finding(
    ctx: _Context, s: _Seen, e: EventLike, pack: RulePack, rule: Rule | None, rule_id: str, items: list[ReviewItem]
) -> Finding:
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
    label = CATEGORY_LABELS[category][0 if ctx.zh else 1]
    whys = list(dict.fromkeys(item.why for item in items if item.why))
    vals = {
        "label": label,
        "channel": CHANNEL_LABELS[e.channel][0 if ctx.zh else 1],
        "date": ctx.day(s),
        "time": ctx.hm(s),
        "why": ("；" if ctx.zh else "; ").join(whys),
        "quotes": ("、" if ctx.zh else ", ").join(f"“{item.text}”" for item in items[:5]),
    }
    text = (
        "{date} {time} 的{channel}可能含{label}措辞（{why}）：{quotes}"
        if ctx.zh
        else "Possibly {label}: {channel} on {date} at {time} ({why}): {quotes}"
    )
    explanation = _fill(text, vals)
    if recalled(e):
        explanation += "（据投诉人记录）" if ctx.zh else " (as recorded by the complainant)"
    not_read = _unchecked_text(e.text, ctx.zh)
    if not_read:
        explanation += f"（{not_read}）" if ctx.zh else f" ({not_read})"
    return Finding(
        rule_id=rule_id,
        category=category,
        severity=severity,
        event_ids=(e.id,),
        start=e.at,
        end=e.at,
        explanation=explanation,
        title=rule.title(ctx.lang) if rule is not None else label,
        group=e.group,
        matches=tuple(Match(rule_id, category, item.text, item.start, item.end) for item in items),
        citations=tuple(cites),
        tier="review",
        score=max(item.score for item in items),
    )


KINDS: dict[str, Callable[[_Context, Rule], _Kind]] = {
    "frequency": _Frequency,
    "burst": _Burst,
    "quiet_hours": _QuietHours,
    "after_conversation": _AfterConversation,
    "request_violation": _RequestViolation,
    "third_party": _ThirdParty,
}


def analyze(
    events: Iterable[EventLike],
    requests: Iterable[Request],
    pack: RulePack,
    *,
    tz: ZoneInfo,
    lang: str = "en",
    who: Mapping[int, str] | None = None,
) -> list[Finding]:
    """All findings of the pack's active rules, ordered by time, then by severity (worst first); the
    review tier's items (tier "review", see `_review_items`) follow the same order among them.

    events: in any order (they are sorted here; a store's events stream through `analyze_sorted`).
    who: for third-party contacts, event id -> who was contacted as the user recorded it
    (`add third-party --who`); a disclosure finding names them."""
    requests = list(requests)
    # A withdrawn event (entered by mistake) is never evidence of anything.
    ordered = sorted((e for e in events if e.withdrawn is None), key=lambda e: (e.at, e.id))
    wanted = {r.event_id for r in requests if r.event_id is not None}
    agreed_at = {e.id: e.at for e in ordered if e.id in wanted}
    return analyze_sorted(ordered, requests, pack, tz=tz, lang=lang, who=who, agreed_at=agreed_at)


def analyze_sorted(
    events: Iterable[EventLike],
    requests: Iterable[Request],
    pack: RulePack,
    *,
    tz: ZoneInfo,
    lang: str = "en",
    who: Mapping[int, str] | None = None,
    agreed_at: Mapping[int, datetime] | None = None,
) -> list[Finding]:
    """`analyze` over events that come in time order (at, then id), read once: memory holds what
    the rules' windows need, not the events (a million-event store streams through).

    agreed_at: the instant of each event a request names as where it was agreed (Request.event_id),
    among the events analyzed (a request binds from that contact); a ValueError if events come
    out of order. The findings are held until the end to be sorted: `analyze_stream` gives them
    as they are found, with the key that sorts them, for a caller that sorts elsewhere (a store)."""
    found = list(analyze_stream(events, requests, pack, tz=tz, lang=lang, who=who, agreed_at=agreed_at))
    found.sort(key=_first)
    return [f for _, f in found]


def _first(item: tuple[SortKey, Finding]) -> SortKey:
    return item[0]


# What orders a finding among all of a run's (see analyze_stream): start (microseconds since the
# epoch), severity (worst first), rule id, tier (findings, then review items), the rule's own tie
# order (three numbers), and the order the rule produced it in (which kind, then its sequence).
SortKey = tuple[int, int, str, int, int, int, int, int, int]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_RANK = {s: severity_rank(s) for s in SEVERITIES}


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _tie(tie: tuple[Any, ...]) -> tuple[int, int, int]:
    """A kind's tie order as three numbers (an instant as microseconds; shorter ties padded: every
    finding of one rule has the same shape of tie, so padding never changes their order)."""
    values = [_micros(x) if isinstance(x, datetime) else x for x in tie]
    values += [0] * (3 - len(values))
    return values[0], values[1], values[2]


def analyze_stream(
    events: Iterable[EventLike],
    requests: Iterable[Request],
    pack: RulePack,
    *,
    tz: ZoneInfo,
    lang: str = "en",
    who: Mapping[int, str] | None = None,
    agreed_at: Mapping[int, datetime] | None = None,
) -> Iterator[tuple[SortKey, Finding]]:
    """The findings and review items of `analyze_sorted`, as each is found (a day's conduct findings
    at the start of the next local day, a message's wording findings as it is read), each with its
    sort key: sorted by the key they are `analyze_sorted`'s list. Nothing found is kept here.

    The key reproduces the order the findings had when every rule read every event at once: time,
    severity, rule, then, among a rule's findings that tie, the order the old code met them in
    (a collector group's first counted event, a request's order, an event's id)."""
    ctx = _Context(tz, lang, requests, agreed_at or {})
    active = [r for r in pack.rules if r.active]
    kinds = [KINDS[r.kind](ctx, r) for r in active if r.kind != "wording"]
    wording = _Wording(ctx, pack, [r for r in active if r.kind == "wording"], who or {})
    # Each channel's feeds: a kind that can never count an event of a channel is not called for it.
    every = [k.feed for k in kinds] + [wording.feed]
    feeds = {c: [k.feed for k in kinds if c in k.channels] + [wording.feed] for c in CHANNELS}
    seq = [0] * (len(kinds) + 2)  # per kind, then wording findings, then review items

    def drain(index: int, tier: int, out: list[_Found]) -> Iterator[tuple[SortKey, Finding]]:
        n = seq[index]
        for tie, f in out:
            t1, t2, t3 = _tie(tie)
            yield (_micros(f.start), -_RANK[f.severity], f.rule_id, tier, t1, t2, t3, index, n), f
            n += 1
        seq[index] = n
        out.clear()

    day = -1  # the latest local date read: each new one lets the rules close what has ended
    previous: tuple[datetime, int] | None = None
    words = len(kinds)
    for e in events:
        if e.withdrawn is not None:
            continue  # a withdrawn event (entered by mistake) is never evidence of anything
        at = e.at
        if previous is not None and (at, e.id) < previous:
            raise ValueError(f"events out of time order at event {e.id}")
        previous = (at, e.id)
        s = _Seen(e, at.astimezone(tz))
        if s.date > day:
            if day >= 0:
                for i, kind in enumerate(kinds):
                    kind.sweep(s.date, at)
                    if kind.out:
                        yield from drain(i, 0, kind.out)
            day = s.date
        for feed in feeds.get(e.channel, every):
            feed(e, s)
        if wording.findings:
            yield from drain(words, 0, wording.findings)
        if wording.review:
            yield from drain(words + 1, 1, wording.review)
    for i, kind in enumerate(kinds):
        kind.finish()
        if kind.out:
            yield from drain(i, 0, kind.out)


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
