"""Case files: a whole case written by hand in TOML (profile, parties, debts, requests, events).

The bundled examples are case files, and a borrower or lawyer can write one to log many contacts
at once. Validation is strict: an unknown key or a bad value is one clear error naming the
entry, and nothing is written.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .models import RawEvent
from .normalize import CLOCK_SKEW, offset_minutes, parse_duration, parse_when, when_precision, zone

if TYPE_CHECKING:
    from .store import Store

_KEYS = {
    "profile": {"name", "phone", "region", "tz", "jurisdiction", "lang", "id_number"},
    "parties": {"name", "kind", "creditor", "numbers", "note"},
    "debts": {"creditor", "amount", "currency", "due", "account", "note"},
    "requests": {"party", "kind", "from", "until", "channel", "event", "note"},
    "events": {"channel", "direction", "number", "at", "status", "duration", "text", "note", "party", "raw", "repeat"},
}
_REPEAT_UNITS = {"m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Case:
    path: Path
    data: dict[str, Any]


def load_case(path: Path) -> Case:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the case file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML ({exc})") from None
    unknown = set(data) - set(_KEYS)
    if unknown:
        raise InputError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}")
    for section, allowed in _KEYS.items():
        entries = [data[section]] if section == "profile" and section in data else data.get(section, [])
        for index, entry in enumerate(entries, 1):
            extra = set(entry) - allowed
            if extra:
                raise InputError(f"{path}: {section} #{index}: unknown key(s) {', '.join(sorted(extra))}")
    return Case(path, data)


def apply_case(store: Store, case: Case) -> dict[str, int]:
    """Write a case into the store in one transaction; returns counts of what was added."""
    profile = case.data.get("profile", {})
    counts = {"parties": 0, "debts": 0, "requests": 0, "events": 0}
    with store.transaction():
        if profile:
            store.profile.set(**profile)
        tz = store.tz
        for party in case.data.get("parties", []):
            party_id = store.parties.add(
                _required(case, "parties", party, "name"),
                kind=party.get("kind", "unknown"),
                creditor=party.get("creditor"),
                note=party.get("note"),
            )
            for number in party.get("numbers", []):
                store.numbers.link(number, party_id)
            counts["parties"] += 1
        for debt in case.data.get("debts", []):
            due = debt.get("due")
            store.debts.add(
                creditor=_required(case, "debts", debt, "creditor"),
                amount=debt.get("amount"),
                currency=debt.get("currency"),
                due=parse_when(str(due), tz).date().isoformat() if due else None,
                account=debt.get("account"),
                note=debt.get("note"),
            )
            counts["debts"] += 1
        for index, entry in enumerate(case.data.get("events", []), 1):
            counts["events"] += _add_events(store, case, index, entry, tz)
        for request in case.data.get("requests", []):
            until = request.get("until")
            store.requests.add(
                kind=_required(case, "requests", request, "kind"),
                party_id=store.parties.ensure(_required(case, "requests", request, "party")),
                start=parse_when(str(request.get("from", "now")), tz),
                end=parse_when(str(until), tz) if until else None,
                channel=request.get("channel"),
                event_id=request.get("event"),
                note=request.get("note"),
            )
            counts["requests"] += 1
    return counts


def _add_events(store: Store, case: Case, index: int, entry: dict[str, Any], tz: Any) -> int:
    when = str(_required(case, f"events #{index}", entry, "at"))
    first = parse_when(when, tz)
    times, step = 1, timedelta(0)
    if "repeat" in entry:
        repeat = entry["repeat"]
        every = str(repeat.get("every", ""))
        if not every[:-1].isdigit() or every[-1:] not in _REPEAT_UNITS or set(repeat) - {"every", "times"}:
            raise InputError(f"{case.path}: events #{index}: repeat needs every = '1d' (m, h or d) and times = N")
        times, step = int(repeat.get("times", 1)), timedelta(seconds=int(every[:-1]) * _REPEAT_UNITS[every[-1]])
    party_id = store.parties.ensure(entry["party"]) if entry.get("party") else None
    duration = entry.get("duration")
    latest = datetime.now(UTC) + CLOCK_SKEW
    for n in range(times):
        # Step in local wall-clock time, so "every day at 09:30" stays 09:30 across DST changes.
        at = (first.replace(tzinfo=None) + step * n).replace(tzinfo=zone(str(tz)))
        if at > latest:  # a contact that has not happened yet is a typo (or a repeat that runs on)
            raise InputError(f"{case.path}: events #{index}: {at.isoformat()} is in the future; nothing was written")
        raw = RawEvent(
            channel=entry.get("channel", "call"),
            direction=entry.get("direction", "in"),
            number_raw=str(entry.get("number", "")),
            at=at,
            tz_offset_min=offset_minutes(at),
            at_precision=when_precision(when),
            text=entry.get("text"),
            duration_s=parse_duration(str(duration)) if duration is not None else None,
            status=entry.get("status", "unknown"),
            source_ref=f"{case.path.name} events[{index}]",
            raw=dict(entry.get("raw", {})),
        )
        event_id = store.events.add(raw, party_id=party_id, source="casefile")
        if entry.get("note"):
            store.events.set_meta(event_id, note=entry["note"])
    return times


def _required(case: Case, where: str, entry: dict[str, Any], key: str) -> Any:
    if entry.get(key) in (None, ""):
        raise InputError(f"{case.path}: {where}: missing {key!r}")
    return entry[key]
