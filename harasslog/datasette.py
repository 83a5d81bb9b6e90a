"""Metadata for reading a store with Datasette: titles, column descriptions, facets, canned queries.

Data, not a server: `metadata()` builds the dict Datasette reads with `-m metadata.json`, in the
user's language from the catalog. The canned queries read the store's views (`timeline`, `flagged`,
migration m006); the night query carries the quiet hours of the rule pack the store is checked
against, written into its SQL (Datasette's canned queries take no defaults). harasslog never starts
Datasette: the lawyer runs the command `serve_command()` gives, read-only (`--immutable`).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import t
from .models import CHANNELS, STATUSES
from .rules.loader import RulePack

_TITLE_TABLES = ("timeline", "flagged", "latest_findings", "events", "requests", "parties", "numbers", "ledger")
_HIDDEN_TABLES = ("local_offsets", "settings", "_sqlite_migrations")
_TIMELINE_COLUMNS = (
    "event_id",
    "local_time",
    "local_date",
    "at_utc",
    "at_precision",
    "channel",
    "direction",
    "status",
    "duration_s",
    "number",
    "collector",
    "creditor",
    "text",
    "flagged",
    "flags",
    "withdrawn",
)
_FLAGGED_COLUMNS = (
    "finding_id",
    "rule_id",
    "category",
    "severity",
    "title",
    "event_id",
    "local_time",
    "channel",
    "number",
    "collector",
    "words",
    "text",
    "events",
    "event_ids",
    "withdrawn",
    "decision",
    "explanation",
    "run_id",
)
# Contacts made by a collector: incoming, not a third party's report, not withdrawn (as the engine).
_CONTACTS = "direction = 'in' AND channel != 'third_party' AND withdrawn IS NULL"


@dataclass(frozen=True)
class QuietHours:
    """A pack's quiet_hours rule, as the night query needs it (times are HH:MM, local)."""

    rule_id: str
    start: str
    end: str
    start_inclusive: bool
    channels: tuple[str, ...]
    statuses: tuple[str, ...] | None
    direction: str


def quiet_hours(pack: RulePack) -> QuietHours | None:
    """The pack's first quiet_hours rule in force, or None when it has none."""
    for rule in pack.rules:
        if rule.kind == "quiet_hours" and rule.status not in ("deprecated", "removed"):
            p = rule.params
            statuses = p.get("statuses")
            return QuietHours(
                rule_id=rule.id,
                start=p["start"],
                end=p["end"],
                start_inclusive=p.get("start_inclusive", True),
                channels=tuple(p.get("channels", [c for c in CHANNELS if c != "third_party"])),
                statuses=tuple(statuses) if statuses is not None else None,
                direction=p.get("direction", "in"),
            )
    return None


def metadata(database: str, *, lang: str, quiet: QuietHours | None) -> dict[str, Any]:
    """Datasette metadata for the store whose file stem is `database` (Datasette's name for it)."""

    def w(key: str, **values: Any) -> str:
        return t(lang, f"cli.datasette.{key}", **values)

    tables: dict[str, Any] = {
        name: {"title": w(f"tables.{name}.title"), "description": w(f"tables.{name}.description")}
        for name in _TITLE_TABLES
    }
    tables["timeline"].update(
        columns={c: w(f"timeline.{c}") for c in _TIMELINE_COLUMNS},
        facets=["channel", "collector", {"array": "flags"}],
        fts_table="events_fts",
        fts_pk="event_id",
        sort="at_utc",  # time order, served by the index on events.at
    )
    tables["flagged"].update(
        columns={c: w(f"flagged.{c}") for c in _FLAGGED_COLUMNS}, facets=["category", "severity", "collector"]
    )
    tables["events"].update(facets=["channel"], fts_table="events_fts", fts_pk="id")
    tables.update({name: {"hidden": True} for name in _HIDDEN_TABLES})
    queries = {
        "contacts_per_day": {
            "title": w("queries.per_day.title"),
            "description": w("queries.per_day.description"),
            "sql": _PER_DAY,
        },
        "pause_contacts": {
            "title": w("queries.pause.title"),
            "description": w("queries.pause.description"),
            "sql": _PAUSE,
        },
    }
    if quiet is not None:
        queries["night_contacts"] = {
            "title": w("queries.night.title", start=quiet.start, end=quiet.end),
            "description": w("queries.night.description", start=quiet.start, end=quiet.end, rule=quiet.rule_id),
            "sql": night_sql(quiet),
        }
    return {
        "title": w("title", database=database),
        "description": w("description"),
        "databases": {database: {"tables": tables, "queries": queries}},
    }


def night_sql(quiet: QuietHours) -> str:
    """Contacts inside the quiet hours, in the borrower's local time, as the pack's rule counts them:
    its channels (and call outcomes, if it names some), start inclusive or not, a window across
    midnight; events whose time of day is unknown say nothing about the hour and are left out."""
    after = ">=" if quiet.start_inclusive else ">"
    start, end = _sql_text(f"{quiet.start}:00.000"), _sql_text(f"{quiet.end}:00.000")
    join = "OR" if quiet.start > quiet.end else "AND"
    where = [
        "withdrawn IS NULL",
        "at_precision NOT IN ('day', 'unknown')",
        f"channel IN ({_sql_list(quiet.channels, CHANNELS)})",
        f"(clock {after} {start} {join} clock < {end})",
    ]
    if quiet.direction != "any":
        where.insert(0, f"direction = {_sql_text(quiet.direction)}")
    if quiet.statuses is not None:
        # A call of unknown status that lasted was connected (the engine's rule).
        outcome = "CASE WHEN status = 'unknown' AND duration_s > 0 THEN 'answered' ELSE status END"
        where.append(f"(channel != 'call' OR {outcome} IN ({_sql_list(quiet.statuses, STATUSES)}))")
    return (
        f"-- {quiet.rule_id}: {quiet.start}-{quiet.end}, the borrower's local time\n"
        "SELECT event_id, local_time, channel, status, number, collector, text, flags\n"
        "FROM (SELECT *, substr(local_time, 12, 8) || CASE WHEN substr(local_time, 20, 1) = '.'\n"
        "        THEN substr(local_time, 20, 4) ELSE '.000' END AS clock FROM timeline)\n"
        f"WHERE {' AND '.join(where)}\n"
        "ORDER BY at_utc, event_id"
    )


_PER_DAY = f"""SELECT local_date, COALESCE(collector, number) AS collector, creditor,
  count(*) AS contacts, sum(channel = 'call') AS calls, sum(channel IN ('sms', 'mms', 'im', 'email')) AS messages,
  sum(channel = 'visit') AS visits, sum(flagged) AS flagged
FROM timeline
WHERE {_CONTACTS}
GROUP BY local_date, COALESCE(collector, number)
ORDER BY local_date, contacts DESC, COALESCE(collector, number)"""

# A pause binds its party's collector group (the creditor and its agencies; every collector when it
# names none) from its start, or from the contact in which it was agreed, until its end.
_PAUSE = """SELECT r.id AS request_id, COALESCE(rp.name, '*') AS paused_for, r.start AS pause_start_utc,
  r."end" AS pause_end_utc, t.event_id, t.local_time, t.channel, t.number, t.collector, t.text, t.flags
FROM requests r
LEFT JOIN parties rp ON rp.id = r.party_id
LEFT JOIN parties rc ON rc.id = rp.creditor_id
LEFT JOIN events agreed ON agreed.id = r.event_id
JOIN timeline t ON t.at_utc > max(r.start, COALESCE(agreed.at, r.start))
  AND (r."end" IS NULL OR t.at_utc < r."end")
WHERE r.kind = 'pause' AND t.direction = 'in' AND t.channel != 'third_party' AND t.withdrawn IS NULL
  AND t.event_id IS NOT r.event_id
  AND (r.party_id IS NULL OR COALESCE(t.creditor, t.collector) = COALESCE(rc.name, rp.name))
ORDER BY r.id, t.at_utc, t.event_id"""


def serve_command(store: Path, metadata_file: Path) -> str:
    """The one command that opens the store in Datasette, read-only (quoted for a POSIX shell)."""
    return f"datasette serve --immutable {shlex.quote(str(store))} -m {shlex.quote(str(metadata_file))}"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values: tuple[str, ...], allowed: tuple[str, ...]) -> str:
    """Names from a rule pack (validated by its loader) as SQL literals; anything else is refused."""
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"not one of {allowed}: {unknown}")
    return ", ".join(_sql_text(v) for v in values)
