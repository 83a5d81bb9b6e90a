"""Commands that record and read evidence: init, add, list, show, withdraw, party, debt, request,
attach, search, verify, demo."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.exceptions import NoArgsIsHelpError as _NoArgsIsHelp  # typer >= 0.26 vendors click

from ..errors import InputError
from ..models import Event, RawEvent
from ..vocab import Channel, Direction, Jurisdiction, PartyKind, RequestKind, Status, values
from . import common, i18n

if TYPE_CHECKING:
    from .. import normalize, records, times
    from ..store import Store
else:  # loaded on first use, so `--help` and `add` do not pay for what they do not call
    normalize = common.lazy_module("harasslog.normalize")
    records = common.lazy_module("harasslog.records")
    times = common.lazy_module("harasslog.times")

# No no_args_is_help: `harasslog add` alone asks its questions on a terminal (_add_asked).
add_app = typer.Typer(
    help="Log a contact by hand: call, sms, visit, letter or third-party.", invoke_without_command=True
)
party_app = typer.Typer(
    help="Collectors: creditors, agencies, law firms, and the numbers they use.", no_args_is_help=True
)
debt_app = typer.Typer(help="Debts, so findings can say which debt a contact was about.", no_args_is_help=True)
request_app = typer.Typer(
    help="What you asked for or agreed: stop, pause (缓催), cease in writing...", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]
AtOpt = Annotated[
    str,
    typer.Option(
        "--at",
        help="When: 昨晚10点, 昨天 22:13, 2026/11/20 22:13, 刚才, 'now', '-2h', ISO 8601"
        " (US profiles also 'yesterday 9pm', 'Nov 20 10:13pm').",
    ),
]
PartyOpt = Annotated[str | None, typer.Option("--party", help="The collector (creditor or agency) behind it.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Your own note (can be changed later).")]
IdArg = Annotated[
    int, typer.Argument(metavar="ID", min=1, max=common.MAX_ID, help="The event's number (#) from `list`.")
]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Record it even if the same contact is already logged for that minute.")
]
# No personal debt reaches a thousand trillion; "1e999" or "nan" is not an amount.
MAX_AMOUNT = Decimal(10) ** 15


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(add_app, name="add")
    app.command("list")(list_events)
    app.command("show")(show)
    app.command("withdraw")(withdraw)
    app.add_typer(party_app, name="party")
    app.add_typer(debt_app, name="debt")
    app.add_typer(request_app, name="request")
    app.command("note")(note_command)
    app.command("attach")(attach)
    app.command("search")(search)
    app.command("verify")(verify)
    app.command("demo")(demo)


# ---------------------------------------------------------------- init


def init(
    name: Annotated[str | None, typer.Option("--name", help="Your name, as it should appear in complaints.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Your own phone number.")] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="Country for reading phone numbers: CN, US, GB or any ISO code (TH, DE, ...)."),
    ] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Your time zone, e.g. Asia/Shanghai.")] = None,
    jurisdiction: Annotated[Jurisdiction | None, typer.Option("--jurisdiction", help="Rules to apply.")] = None,
    id_number: Annotated[
        str | None, typer.Option("--id-number", help="Your ID number, for complaint forms (masked by --redact).")
    ] = None,
) -> None:
    """Create the store (or update its profile): who you are, your time zone and jurisdiction."""
    if region is None and not common.db_path().exists():
        # Asked (or refused) before the store file is made: cancelled, nothing is left behind.
        region, jurisdiction, tz = _first_profile(None, jurisdiction, tz)
    store = common.open_store(create=True)
    if region is None and not store.profile.exists():
        region, jurisdiction, tz = _first_profile(store, jurisdiction, tz)
    with store.transaction():
        profile = store.profile.set(
            name=name,
            phone=phone,
            region=region,
            tz=tz,
            jurisdiction=jurisdiction.value if jurisdiction else None,
            id_number=id_number,
            lang=common._options["lang"],
        )
    if phone:
        _warn_number(store, phone, profile["region"])
    common.tell(
        store,
        "cli.init.ready",
        path=store.path,
        region=profile["region"],
        tz=profile["tz"],
        jurisdiction=profile["jurisdiction"],
    )


# A jurisdiction's rules say which country's numbers it reads (--jurisdiction us alone is no Chinese profile).
_JURISDICTION_REGION = {"cn": "CN", "us": "US", "uk": "GB"}
_REGION_JURISDICTION = {v: k for k, v in _JURISDICTION_REGION.items()}


def _first_profile(
    store: Store | None, jurisdiction: Jurisdiction | None, tz: str | None
) -> tuple[str, Jurisdiction | None, str | None]:
    """The region of a new profile given without --region: from --jurisdiction; else asked on a
    terminal; else the system locale's country, said so; never China by silence."""
    if jurisdiction is not None:
        return _JURISDICTION_REGION[jurisdiction.value], jurisdiction, tz
    found = normalize.region_from_locale(os.environ)
    if not _interactive():
        if found is None:
            raise InputError(common.words(store, "cli.guard.init_no_region"))
        region, source = found
        common.tell(store, "cli.guard.init_from_locale", region=region, locale=source)
        return region, None, tz
    from .quickadd import Cancelled, Prompter

    prompter = Prompter(sys.stdin, sys.stderr)
    try:
        while True:
            answer = prompter.ask(common.words(store, "cli.guard.init_region"), found[0] if found else "")
            try:
                region = normalize.check_region(answer)
                break
            except InputError as exc:
                prompter.say(i18n.error(str(exc), common.lang(store)))
        if region not in _REGION_JURISDICTION:
            rules = ", ".join(j.value for j in Jurisdiction)
            while jurisdiction is None:
                answer = prompter.ask(common.words(store, "cli.guard.init_rules", rules=rules)).lower()
                jurisdiction = Jurisdiction(answer) if answer in values(Jurisdiction) else None
            while tz is None:
                answer = prompter.ask(common.words(store, "cli.guard.init_tz"))
                try:
                    tz = str(normalize.zone(answer)) if answer else None
                except InputError as exc:
                    prompter.say(i18n.error(str(exc), common.lang(store)))
    except (Cancelled, KeyboardInterrupt):
        common.info("")
        common.tell(store, "cli.quickadd.cancelled")
        raise typer.Exit(130) from None
    return region, jurisdiction, tz


# ---------------------------------------------------------------- add


def _store_for_writing() -> Any:
    store = common.open_store()
    common.require_profile(store)
    return store


def _record(
    store: Store, raw: RawEvent, party: str | None, note: str | None, force: bool = False, *, warn: bool = True
) -> int:
    """Store one typed event; then say a mistyped-looking number (`warn`), and echo the stored time."""
    if not force:
        _check_not_logged(store, raw)
    with store.transaction():
        party_id = store.parties.ensure(party) if party else None
        event_id = store.events.add(raw, party_id=party_id)
        if party_id is not None and raw.number_raw:
            store.numbers.link(raw.number_raw, party_id)
        if note:
            store.events.set_meta(event_id, note=note)
    if warn and raw.number_raw:  # after the write: bad input elsewhere stays one line
        _warn_number(store, raw.number_raw, store.region)
    channel = common.words(store, f"channels.{raw.channel}")
    common.tell(
        store, "cli.add.recorded", channel=channel, id=event_id, at=_stored_time(store, raw.at, raw.at_precision)
    )
    return int(event_id)


# The zones that keep Beijing time: a Chinese reader knows the time as 北京时间, not as an offset.
_BEIJING_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC", "Asia/Chungking"})


def _stored_time(store: Store, at: datetime, precision: str) -> str:
    """The time as stored, said back in the user's zone and language so a misread is seen at once:
    2026-11-30 22:00（北京时间）, 2026-11-30 22:00 (-05:00); a date alone says its time was not recorded."""
    local = at.astimezone(store.tz)
    if precision in normalize.TIME_OF_DAY_UNKNOWN:
        return f"{local.date().isoformat()} ({common.words(store, 'cli.provenance.time_not_recorded')})"
    shown = local.strftime("%Y-%m-%d %H:%M:%S" if precision == "second" else "%Y-%m-%d %H:%M")
    if common.lang(store) == "zh" and str(store.tz) in _BEIJING_ZONES:
        return shown + common.words(store, "cli.time.zone_beijing")
    offset = local.isoformat()[-6:]  # +08:00, -05:00
    return shown + common.words(store, "cli.time.zone_offset", offset=offset)


def _check_not_logged(store: Store, raw: RawEvent) -> None:
    """The same contact typed twice by mistake: ask on a terminal, else refuse without --force."""
    same = store.events.same_minute(raw.channel, raw.direction, raw.number_raw, raw.at, raw.text)
    if not same:
        return
    ids = ", #".join(str(i) for i in same)
    if sys.stdin.isatty() and sys.stderr.isatty():
        if typer.confirm(common.words(store, "cli.provenance.same_minute", ids=ids), default=False, err=True):
            return
        common.tell(store, "cli.provenance.not_recorded")
        raise typer.Exit(1)
    raise InputError(
        f"event #{ids} is already logged with the same channel, direction, number and minute; nothing was"
        " recorded (add --force if this is another contact, or `harasslog withdraw` the wrong one)"
    )


def _when(text: str, store: Store) -> dict[str, Any]:
    """A hand-entered time, how precise it was typed, and the offset it was entered in (kept as
    the source offset). A time in the future is refused: it has not happened yet."""
    with common.flags("--at"):
        return _read_when(text, store)


def _read_when(text: str, store: Store) -> dict[str, Any]:
    when = times.read_past_when(text, store.tz, region=store.region, lang=common.lang(store))
    if when.period_only:  # 前天下午: said back before the echo, so the missing hour is seen
        common.tell(store, "cli.time.period_as_day", text=text.strip(), date=when.at.date().isoformat())
    moment = when.at
    return {"at": moment, "tz_offset_min": normalize.offset_minutes(moment), "at_precision": when.precision}


def _shown_time(store: Store, at: Any, precision: str, width: int = 16) -> str:
    """A time for people: local, cut to `width`; a date alone says its time was not recorded."""
    local = normalize.local_iso(at, store.tz)
    if precision in normalize.TIME_OF_DAY_UNKNOWN:
        return f"{local[:10]} ({common.words(store, 'cli.provenance.time_not_recorded')})"
    return local[:width].replace("T", " ")


def _number(value: str, store: Store) -> str:
    if normalize.normalize_number(value, store.region) is None:
        raise InputError("the number is empty")
    return value.strip()


def _number_warning(store: Store, value: str, region: str, *, stored: bool = True) -> str | None:
    """One line in the user's language when a number looks mistyped: after it was stored as written
    (`stored`), or while `harasslog add` still asks whether to keep it (the same words, less that)."""
    problem = normalize.number_problem(value, region)
    if problem is None:
        return None
    key = f"cli.guard.{problem.code}" if stored else f"cli.guard.{problem.code}_asking"
    return common.words(store, key, number=value.strip(), digits=problem.digits, region=problem.region)


def _warn_number(store: Store, value: str, region: str) -> None:
    warning = _number_warning(store, value, region)
    if warning is not None:
        common.info(warning)


@add_app.callback()
def _add_asked(ctx: typer.Context) -> None:
    # No docstring: the group's help is add_app's. `harasslog add` alone asks on a terminal;
    # without one it is the usage error it always was (help on stderr, exit 2).
    if ctx.invoked_subcommand is not None:
        return
    if not _interactive():
        raise _NoArgsIsHelp(ctx)
    from . import quickadd

    store = _store_for_writing()
    context = quickadd.Context(
        words=lambda key, **values: common.words(store, key, **values),
        recent=store.numbers.recent(),
        read_time=lambda text: _read_time_back(store, text),
        number_warning=lambda value: _number_warning(store, value, store.region, stored=False),
        is_number=lambda value: normalize.normalize_number(value, store.region) is not None,
        party_of=store.numbers.party,
        party_exists=lambda name: store.parties.kind(name) is not None,
    )
    prompter = quickadd.Prompter(sys.stdin, sys.stderr, pending=quickadd.stdin_pending)
    try:
        entry = quickadd.ask_entry(prompter, context)
        if entry is None:
            common.tell(store, "cli.provenance.not_recorded")
            raise typer.Exit(1)
        raw = RawEvent(
            channel=entry.channel,
            direction=entry.direction,
            number_raw=entry.number,
            **entry.when,
            status=entry.status,
            text=entry.text,
            source_ref="hand",
            raw=entry.extra,
        )
        _record(store, raw, entry.party, None, warn=False)  # the number's warning was shown when typed
    except (quickadd.Cancelled, KeyboardInterrupt, typer.Abort):
        # The write is one transaction: interrupted, it is rolled back; before it nothing was written.
        common.info("")
        common.tell(store, "cli.quickadd.cancelled")
        raise typer.Exit(130) from None


def _read_time_back(store: Store, text: str) -> tuple[dict[str, Any], str]:
    fields = _read_when(text, store)
    return fields, _stored_time(store, fields["at"], fields["at_precision"])


@add_app.command("call")
def add_call(
    number: Annotated[str, typer.Argument(help="The number that called (as shown on your phone).")],
    at: AtOpt = "now",
    duration: Annotated[str | None, typer.Option("--duration", help="How long: 90, 1m30s or 1:30.")] = None,
    status: Annotated[
        Status | None, typer.Option("--status", help="Default: answered if it lasted, else unknown.")
    ] = None,
    direction: Annotated[
        Direction, typer.Option("--direction", help="in (they called) or out (you called).")
    ] = Direction.IN,
    text: Annotated[
        str | None,
        typer.Option("--text", help="What the caller said, word for word as you recall it (wording is checked)."),
    ] = None,
    party: PartyOpt = None,
    note: NoteOpt = None,
    force: ForceOpt = False,
) -> None:
    """Log a phone call."""
    store = _store_for_writing()
    with common.flags("--duration"):
        seconds = normalize.parse_duration(duration) if duration else None
    chosen = status.value if status else ("answered" if seconds else "unknown")
    raw = RawEvent(
        channel="call",
        direction=direction.value,
        number_raw=_number(number, store),
        **_when(at, store),
        duration_s=seconds,
        status=chosen,
        text=text or None,
        source_ref="hand",
    )
    _record(store, raw, party, note, force)


@add_app.command("sms")
def add_sms(
    number: Annotated[str, typer.Argument(help="The sender (number, 106 gateway or name).")],
    at: AtOpt = "now",
    text: Annotated[str | None, typer.Option("--text", help="The message; omit to paste it on stdin.")] = None,
    direction: Annotated[Direction, typer.Option("--direction", help="in or out.")] = Direction.IN,
    party: PartyOpt = None,
    note: NoteOpt = None,
    force: ForceOpt = False,
) -> None:
    """Log an SMS; its text is kept exactly as given (from --text, or pasted on stdin)."""
    store = _store_for_writing()
    body = text if text is not None else common.read_stdin_text()
    if body == "":
        raise InputError("the message text is empty: give --text or paste it on stdin")
    if not body.strip():  # spaces or line breaks alone are no message (kept as given otherwise)
        raise InputError(common.words(store, "cli.guard.sms_blank"))
    raw = RawEvent(
        channel="sms",
        direction=direction.value,
        number_raw=_number(number, store),
        **_when(at, store),
        text=body,
        source_ref="hand",
    )
    _record(store, raw, party, note, force)


def _add_other(
    channel: str,
    number: str | None,
    at: str,
    text: str | None,
    party: str | None,
    note: str | None,
    extra: dict[str, Any] | None = None,
    *,
    force: bool = False,
    direction: str = "in",
) -> None:
    store = _store_for_writing()
    raw = RawEvent(
        channel=channel,
        direction=direction,
        number_raw=number.strip() if number else "",
        **_when(at, store),
        text=text or None,
        source_ref="hand",
        raw=extra or {},
    )
    _record(store, raw, party, note, force)


NumberOpt = Annotated[str | None, typer.Option("--number", help="A number involved, if any.")]
TextOpt = Annotated[str | None, typer.Option("--text", help="What was said or written, word for word.")]


@add_app.command("visit")
def add_visit(
    at: AtOpt = "now",
    number: NumberOpt = None,
    text: TextOpt = None,
    party: PartyOpt = None,
    note: NoteOpt = None,
    force: ForceOpt = False,
) -> None:
    """Log a visit to your home or workplace (上门)."""
    _add_other("visit", number, at, text, party, note, force=force)


@add_app.command("letter")
def add_letter(
    at: AtOpt = "now",
    number: NumberOpt = None,
    text: TextOpt = None,
    direction: Annotated[
        Direction, typer.Option("--direction", help="in (you received it) or out (you sent it).")
    ] = Direction.IN,
    party: PartyOpt = None,
    note: NoteOpt = None,
    force: ForceOpt = False,
) -> None:
    """Log a letter or notice (attach a photo of it with `harasslog attach`)."""
    _add_other("letter", number, at, text, party, note, force=force, direction=direction.value)


@add_app.command("third-party")
def add_third_party(
    who: Annotated[str, typer.Option("--who", help="Who was contacted: 'my mother', 'my employer'...")],
    how: Annotated[Channel, typer.Option("--how", help="How they were contacted.")] = Channel.CALL,
    at: AtOpt = "now",
    number: NumberOpt = None,
    text: TextOpt = None,
    party: PartyOpt = None,
    note: NoteOpt = None,
    force: ForceOpt = False,
) -> None:
    """Log a contact a collector made to someone else about your debt (爆通讯录)."""
    _add_other("third_party", number, at, text, party, note, {"who": who, "how": how.value}, force=force)


# ---------------------------------------------------------------- list / show


def list_events(
    channel: Annotated[Channel | None, typer.Option("--channel", help="Only one channel.")] = None,
    number: Annotated[str | None, typer.Option("--number", help="Only this number (any format).")] = None,
    party: Annotated[str | None, typer.Option("--party", help="Only this collector.")] = None,
    since: common.SinceOpt = None,
    until: common.UntilOpt = None,
    flagged: Annotated[
        bool,
        typer.Option("--flagged", help="Only events in the last analysis's findings or its items to review."),
    ] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=0, max=common.MAX_ID, help="At most this many (the earliest first).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """List recorded events, oldest first."""
    store = common.open_store(readonly=True)
    period = common.time_range(store, since, until)
    # The last run's flags are read only when shown or selected on (a JSON listing needs neither).
    flagged_ids = store.runs.flagged_event_ids() if flagged or not as_json else set()
    review_ids = (store.runs.to_review_event_ids() - flagged_ids) if flagged or not as_json else set()
    ids = flagged_ids | review_ids if flagged else None  # review_ids: only to review, not (yet) a finding
    events = list(
        store.events.select(
            channel=channel.value if channel else None,
            number=number,
            party=party,
            since=period.since,
            until=period.until,
            ids=ids,
            limit=limit,
        )
    )
    tz = store.tz
    if as_json:
        # With --flagged, each record says why it is listed: "finding" (in a finding of the last
        # analysis) or "review" (only in an item to review: not a finding unless a person accepts it).
        listed = [records.event_record(e, tz) for e in events]
        if flagged:
            for record in listed:
                record["flagged"] = "finding" if record["id"] in flagged_ids else "review"
        common.print_json(listed)
        return
    from .tables import Column, print_table

    # Ids, times and numbers never wrap (a broken "2026-11-2 / 0" misleads); the text folds instead.
    columns = [
        Column(
            common.words(store, "cli.provenance.src" if key == "src" else f"cli.list.{key}"),
            no_wrap=key in ("id", "src", "when", "number"),
            overflow="fold",
        )
        for key in ("id", "src", "when", "what", "number", "party", "text")
    ]
    # The catalog's words, looked up once for the page, not once per row.
    looked_up: dict[tuple[str, str | None], str] = {}

    def term(section: str, value: str | None) -> str:
        if (section, value) not in looked_up:
            looked_up[section, value] = common.term(store, section, value)
        return looked_up[section, value]

    withdrawn_mark = f" ({common.words(store, 'cli.provenance.withdrawn_mark')})"
    review_mark = f" ({common.words(store, 'cli.list.to_review')})"
    rows = []
    for e in events:
        what = f"{term('channels', e.channel)} {term('cli.directions', e.direction)}"
        if e.channel == "call":
            what += f" {term('statuses', e.status)}" + (f" {e.duration_s}s" if e.duration_s else "")
        if e.withdrawn is not None:
            what += withdrawn_mark
        if e.id in review_ids:
            what += review_mark
        rows.append(
            (
                ("⚑" if e.id in flagged_ids else "") + str(e.id),
                _source_marker(e.source) + ("✗" if e.withdrawn is not None else ""),
                _shown_time(store, e.at, e.at_precision),
                what,
                shown_number(store, e),
                e.party or "",
                _preview(e.text),
            )
        )
    print_table(
        columns,
        rows,
        title=common.words(store, "cli.list.title", count=len(events)),
        caption=common.words(store, "cli.provenance.legend"),
    )


def shown_number(store: Store, e: Event) -> str:
    """The number as people read it: a caller without one is "withheld number" / "隐藏号码"."""
    if e.number:
        return e.number
    if e.caller:
        return common.words(store, f"caller.{e.caller}")
    return e.number_raw or ""


def _source_marker(source: str) -> str:
    """One letter for `list`: T typed, C case file, I imported, O OCR, ? unknown."""
    kind = source.split(":", 1)[0]
    return {"typed": "T", "casefile": "C", "import": "I", "ocr": "O"}.get(kind, "?")


def _import_source(store: Store, import_id: int | None) -> dict[str, Any] | None:
    """Where an imported event came from: the file, its SHA-256 and the importer that read it."""
    if import_id is None:
        return None
    for record in store.imports.list():
        if record["id"] == import_id:
            return records.import_source_record(record)
    return None


def _preview(text: str | None, width: int = 60) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def show(
    event_id: IdArg,
    as_json: JsonOpt = False,
) -> None:
    """Show one event in full: its exact text, where it came from, its hash and attachments."""
    store = common.open_store(readonly=True)
    row = store.events.get(event_id)
    event = next(store.events.select(ids=[event_id]))
    record = records.show_record(
        event,
        row,
        store.tz,
        source=_import_source(store, row["import_id"]),
        attachments=store.attachments.list(event_id),
        findings=store.runs.rule_ids(event_id),  # found by SQLite: not every finding built
        to_review=store.runs.rule_ids(event_id, tier="review"),
    )
    record["corroborated_by"] = [_corroboration(c, store.tz) for c in store.corroborations.for_event(event_id)]
    from ..ocr import provenance as ocr_provenance

    ocr = ocr_provenance.show_fields(row, store.ocr_corrections.latest().get(event_id), common.lang(store))
    if ocr is not None:  # read from a screenshot: say so, with the image and the person's check
        record["ocr"] = ocr
    if as_json:
        common.print_json(record)
        return
    from rich.table import Table

    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in record.items():
        if key == "attachments":
            value = "\n".join(f"{a['name'] or ''} {a['sha256']}" for a in value)
        elif key in ("findings", "to_review"):
            value = ", ".join(value)
        elif key == "ocr":
            value = "\n".join(f"{_sub_label(store, k)}: {v}" for k, v in value.items() if v is not None)
        elif key == "import" and value:
            value = "\n".join(f"{_sub_label(store, k)}: {v}" for k, v in value.items())
        elif key == "at_precision":
            value = common.term(store, "cli.precisions", value)
        elif key in ("source", "source_ref") and value and common.lang(store) != "en":
            value = _source_words(store, value)
        elif key == "at" and event.at_precision in normalize.TIME_OF_DAY_UNKNOWN:
            value = _shown_time(store, event.at, event.at_precision)
        elif key == "number" and value is None and event.caller:
            value = shown_number(store, event)
        elif key == "raw" and value is not None:
            import json

            value = json.dumps(value, ensure_ascii=False, indent=1)
        elif key == "corroborated_by":
            value = "\n".join(_corroboration_line(c) for c in value)
        elif key in ("channel", "direction", "status"):
            value = common.term(
                store, {"channel": "channels", "direction": "cli.directions"}.get(key, "statuses"), value
            )
        label = common.words(store, f"cli.fields.{key}") if common.has(f"cli.fields.{key}") else key
        common.add_row(table, label, "" if value is None else str(value))
    common.out_console.print(table)


def _source_words(store: Store, value: str) -> str:
    """Where a record came from as people read it (typed → 手工录入, import:FILE → 导入：FILE); JSON
    and English keep the stored value. A source_ref other than "hand" (a place in a file) stays."""
    kind, _, rest = value.partition(":")
    if value == "hand" or kind == "typed":
        return common.words(store, "provenance.src_typed")
    if kind == "casefile":
        return common.words(store, "provenance.src_casefile")
    if kind == "import":
        return common.words(store, "provenance.src_import", file=rest)
    if kind == "ocr":
        return common.words(store, "provenance.src_ocr", sha256=rest[:12])
    return value


def _sub_label(store: Store, key: str) -> str:
    """A field inside `import` or `ocr` as the user reads it (the JSON keeps the key)."""
    return common.words(store, f"cli.fields.sub.{key}") if common.has(f"cli.fields.sub.{key}") else key


def _corroboration(row: dict[str, Any], tz: Any) -> dict[str, Any]:
    """`show --json`'s corroborated_by: another source of this contact, as that source recorded it."""
    return {
        "id": row["id"],
        "source": row["source"],
        "import": {k: row[k] for k in ("import_id", "file_name", "sha256", "format")},
        "source_ref": row["source_ref"],
        "number_raw": row["number_raw"],
        "at": normalize.local_iso(row["at"], tz),
        "at_precision": row["at_precision"],
        "tz_offset_min": row["tz_offset_min"],
        "duration_s": row["duration_s"],
        "status": row["status"],
        "text": row["text"],
        "raw": row["raw"],
        "recorded_at": row["recorded_at"],
        "hash": row["hash"],
    }


def _corroboration_line(c: dict[str, Any]) -> str:
    """One source on one line: where (file, record), when as it says (to the minute if that is all
    it recorded), how long, and the file's SHA-256."""
    at = c["at"][:16] + c["at"][19:] if c["at_precision"] == "minute" else c["at"]
    parts = [f"{c['source']} {c['source_ref'] or ''}".strip(), at]
    if c["duration_s"] is not None:
        parts.append(f"{c['duration_s']}s")
    parts.append(f"SHA-256 {c['import']['sha256']}")
    return " · ".join(parts)


def withdraw(
    event_id: IdArg,
    reason: Annotated[str, typer.Option("--reason", help="Why the entry is wrong: 'typed twice', 'wrong day'...")],
    as_json: JsonOpt = False,
) -> None:
    """Take back an event entered by mistake: a ledger entry; the event stays in the store and the
    full log, marked withdrawn with the reason, and is left out of analysis and findings."""
    store = common.open_store()
    with store.transaction(), common.flags(reason="--reason"):
        recorded = store.withdrawals.add(event_id, reason)
    if as_json:
        record = records.withdrawal_record(event_id, reason.strip(), recorded, store.ledger.head(), store.tz)
        common.print_json(record)
        return
    common.tell(store, "cli.provenance.withdrawn", id=event_id, reason=reason.strip())


# ---------------------------------------------------------------- parties


@party_app.command("add")
def party_add(
    name: Annotated[str, typer.Argument(help="The collector's name, e.g. 某某消费金融 or Acme Recovery LLC.")],
    kind: Annotated[
        PartyKind | None, typer.Option("--kind", help="What kind of collector (default: unchanged, or unknown).")
    ] = None,
    creditor: Annotated[
        str | None, typer.Option("--creditor", help="For an agency or law firm: the creditor it collects for.")
    ] = None,
    numbers: Annotated[list[str] | None, typer.Option("--number", help="A number it uses (repeatable).")] = None,
    note: NoteOpt = None,
) -> None:
    """Add (or update) a collector and the numbers it uses."""
    store = common.open_store()
    # Without --kind an existing party keeps its kind (re-adding 某某律师事务所 with a number must
    # not turn a law firm into "unknown"); a new one is unknown until said.
    chosen = kind.value if kind is not None else (store.parties.kind(name) or PartyKind.UNKNOWN.value)
    with store.transaction():
        party_id = store.parties.add(name, kind=chosen, creditor=creditor, note=note)
        linked = [store.numbers.link(n, party_id) for n in numbers or []]
    for number in numbers or []:
        _warn_number(store, number, store.region)
    key = "cli.party.saved_numbers" if linked else "cli.party.saved"
    common.tell(store, key, name=repr(name), kind=common.term(store, "kinds", chosen), numbers=", ".join(linked))


@party_app.command("list")
def party_list(as_json: JsonOpt = False) -> None:
    """List collectors, their numbers and how many events each has."""
    _print_rows(
        common.open_store(readonly=True).parties.list(), ("name", "kind", "creditor", "numbers", "events"), as_json
    )


@party_app.command("link")
def party_link(
    number: Annotated[str, typer.Argument(help="The number (any format).")],
    name: Annotated[str, typer.Argument(help="The party it belongs to.")],
    create: Annotated[bool, typer.Option("--create", help="Create the party if there is none by that name.")] = False,
) -> None:
    """Say which collector a number belongs to; its events, past and future, follow."""
    store = common.open_store()
    common.require_profile(store)
    if not create and name.strip() and store.parties.kind(name) is None:
        _confirm_new_party(store, name)
    with store.transaction():
        linked = store.numbers.link(number, store.parties.ensure(name))
    _warn_number(store, number, store.region)
    common.tell(store, "cli.party.linked", number=linked, name=name)


def _confirm_new_party(store: Store, name: str) -> None:
    """A party named for the first time in `party link` is often a typo of one that exists: asked on
    a terminal (no: nothing linked, exit 1); a script must say --create."""
    if not _interactive():
        raise InputError(common.words(store, "cli.guard.party_missing", name=name.strip()))
    try:
        if typer.confirm(common.words(store, "cli.guard.party_create", name=name.strip()), default=False, err=True):
            return
    except typer.Abort:
        common.info("")
        common.tell(store, "cli.quickadd.cancelled")
        raise typer.Exit(130) from None
    common.tell(store, "cli.guard.party_not_linked")
    raise typer.Exit(1)


# ---------------------------------------------------------------- debts


@debt_app.command("add")
def debt_add(
    creditor: Annotated[str, typer.Option("--creditor", help="Who the debt is owed to.")],
    amount: Annotated[str | None, typer.Option("--amount", help="Amount, e.g. 12000.50.")] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="CNY, USD, GBP...")] = None,
    due: Annotated[str | None, typer.Option("--due", help="Due date, YYYY-MM-DD.")] = None,
    account: Annotated[str | None, typer.Option("--account", help="Account or contract reference.")] = None,
    note: NoteOpt = None,
) -> None:
    """Record a debt (creditor, amount, due date), so contacts can be tied to it."""
    store = common.open_store()
    if amount is not None:
        try:
            value = Decimal(amount.replace(",", ""))
        except InvalidOperation:
            value = Decimal("NaN")
        if not (value.is_finite() and abs(value) < MAX_AMOUNT):
            raise InputError(f"--amount must be a number, not {amount!r}")
    with common.flags("--due"):
        due_date = (
            normalize.parse_when(due, store.tz, region=store.region, lang=common.lang(store)).date().isoformat()
            if due
            else None
        )
    with store.transaction():
        debt_id = store.debts.add(
            creditor=creditor, amount=amount, currency=currency, due=due_date, account=account, note=note
        )
    common.tell(store, "cli.debt.saved", id=debt_id, creditor=creditor)


@debt_app.command("list")
def debt_list(as_json: JsonOpt = False) -> None:
    """List recorded debts."""
    columns = ("id", "creditor", "account_ref", "amount", "currency", "due_date")
    _print_rows(common.open_store(readonly=True).debts.list(), columns, as_json)


# ---------------------------------------------------------------- requests


@request_app.command("add")
def request_add(
    party: Annotated[str, typer.Option("--party", help="The collector you asked or agreed with.")],
    kind: Annotated[RequestKind, typer.Option("--kind", help="What you asked for or agreed.")],
    start: Annotated[str, typer.Option("--from", help="From when it binds (default: now).")] = "now",
    until: Annotated[str | None, typer.Option("--until", help="Until when (a pause's end date).")] = None,
    channel: Annotated[
        Channel | None, typer.Option("--channel", help="For stop_channel: which channel to stop.")
    ] = None,
    event: Annotated[
        int | None, typer.Option("--event", min=1, max=common.MAX_ID, help="The event that proves it (#).")
    ] = None,
    note: NoteOpt = None,
) -> None:
    """Record what you asked for or agreed: a stop, a pause until a date, a written cease request..."""
    store = _store_for_writing()
    if kind == "pause" and until is None:
        raise InputError("a pause needs --until (the date the agreed pause ends)")
    with common.flags("--from"):
        begin = normalize.parse_when(start, store.tz, region=store.region, lang=common.lang(store))
    with common.flags("--until"):
        end = normalize.parse_when(until, store.tz, region=store.region, lang=common.lang(store)) if until else None
    if event is None:
        event = _proving_event(store, party, begin)
    with store.transaction():
        request_id = store.requests.add(
            kind=kind.value,
            party_id=store.parties.ensure(party),
            start=begin,
            end=end,
            channel=channel.value if channel else None,
            event_id=event,
            note=note,
        )
    common.tell(
        store,
        "cli.request.recorded",
        id=request_id,
        kind=common.term(store, "lawyer.request_kinds", kind.value),
        party=party,
    )
    if event is not None:
        common.tell(store, "cli.request_event.linked", id=event)


def _interactive() -> bool:
    """Whether someone at a terminal can answer a question (scripts and pipes cannot)."""
    return sys.stdin.isatty()


def _day_contacts(store: Store, party: str, begin: datetime) -> list[Event]:
    """The contacts with a party (its own or through its numbers) on the local day a request starts."""
    try:
        store.parties.find(party)
    except InputError:  # a party named here for the first time has no contacts yet
        return []
    day = begin.astimezone(store.tz).date()
    first = datetime.combine(day, datetime.min.time(), store.tz)
    contacts = store.events.select(since=first, until=first + timedelta(days=1), party=party.strip())
    return [e for e in contacts if e.channel != Channel.THIRD_PARTY and e.withdrawn is None]


def _proving_event(store: Store, party: str, begin: datetime) -> int | None:
    """The contact in which a request was made or agreed, when the user did not name one: offered
    on a terminal; without one, shown with how to pass it (a script's request is recorded as given)."""
    contacts = _day_contacts(store, party, begin)
    if not contacts:
        return None
    zh = common.lang(store) == "zh"
    for e in contacts:
        at = normalize.local_iso(e.at, store.tz)
        from ..rules.engine import CHANNEL_LABELS

        channel = CHANNEL_LABELS.get(e.channel, (e.channel, e.channel))[0 if zh else 1]
        common.tell(
            store, "cli.request_event.found", id=e.id, channel=channel, at=at, number=e.number_raw or "", party=party
        )
    if not _interactive():
        common.tell(store, "cli.request_event.hint", id=contacts[0].id)
        return None
    if len(contacts) == 1:
        agreed = typer.confirm(common.words(store, "cli.request_event.offer", id=contacts[0].id), err=True)
        return contacts[0].id if agreed else None
    ids = {e.id for e in contacts}
    while True:
        answer = typer.prompt(
            common.words(store, "cli.request_event.pick"), default="", show_default=False, err=True
        ).strip()
        if not answer:
            return None
        if answer.lstrip("#").isdigit() and int(answer.lstrip("#")) in ids:
            return int(answer.lstrip("#"))


@request_app.command("list")
def request_list(as_json: JsonOpt = False) -> None:
    """List requests and agreements."""
    store = common.open_store(readonly=True)
    rows = [records.request_record(r, store.tz) for r in store.requests.list()]
    _print_rows(rows, records.REQUEST_FIELDS, as_json)


def _cell_word(column: str, value: Any) -> Any:
    """Closed-vocabulary values in the user's language (party and request kinds, channels)."""
    if not isinstance(value, str):
        return value
    if column == "kind":
        word = common.term(None, "kinds", value)
        return word if word != value else common.term(None, "lawyer.request_kinds", value)
    if column == "channel":
        return common.term(None, "channels", value)
    return value


def _print_rows(rows: list[dict[str, Any]], columns: tuple[str, ...], as_json: bool) -> None:
    """Records as JSON for scripts, or as a table for people (lists one item a line)."""
    if as_json:
        common.print_json(rows)
        return
    from rich.table import Table

    table = Table()
    for column in columns:
        table.add_column(common.words(None, f"cli.columns.{column}"), overflow="fold")
    for row in rows:
        cells = (_cell_word(c, row[c]) for c in columns)
        common.add_row(table, *("\n".join(v) if isinstance(v, list) else "" if v is None else str(v) for v in cells))
    common.out_console.print(table)


# ---------------------------------------------------------------- attach / search / verify


def note_command(
    event_id: IdArg,
    text: Annotated[str, typer.Argument(help="The new note ('' to clear it).")],
) -> None:
    """Change your note on an event; the change is a ledger entry, the evidence itself is untouched."""
    store = common.open_store()
    with store.transaction():
        store.events.set_meta(event_id, note=text or None)
    common.tell(store, "cli.note.saved", id=event_id)


def attach(
    event_id: IdArg,
    file: Annotated[Path, typer.Argument(help="A screenshot, recording, photo or letter scan.")],
    note: NoteOpt = None,
) -> None:
    """Attach a file to an event; it is copied beside the store and its SHA-256 chained."""
    store = common.open_store()
    if not file.is_file():
        raise InputError(f"{file}: no such file")
    with store.transaction():
        attachment_id = store.attachments.add(event_id, file, name=file.name, note=note)
    sha = store.attachments.list(event_id)[-1]["sha256"]
    common.tell(store, "cli.attach.saved", name=file.name, id=event_id, attachment=attachment_id, sha256=sha)


def search(
    query: Annotated[str, typer.Argument(help="Words to find, any language: 通讯录, arrest...")],
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=common.MAX_ID, help="At most this many, newest first.")
    ] = 100,
    as_json: JsonOpt = False,
) -> None:
    """Find messages containing some text (full text; works for Chinese)."""
    store = common.open_store(readonly=True)
    ids = store.search.find(query, limit=limit)
    by_id = {e.id: e for e in store.events.select(ids=ids)} if ids else {}
    events = [by_id[i] for i in ids if i in by_id]
    if as_json:
        common.print_json([records.event_record(e, store.tz) for e in events])
        return
    from .tables import Column, print_table

    columns = [
        Column(common.words(store, f"cli.search.{c}"), overflow="fold") for c in ("id", "when", "number", "text")
    ]
    rows = [(str(e.id), _shown_time(store, e.at, e.at_precision, 19), e.number or "", e.text or "") for e in events]
    print_table(columns, rows, title=common.words(store, "cli.search.title", count=len(events)))


def verify(
    bundle: Annotated[
        Path | None, typer.Option("--bundle", help="Check a case bundle (zip) instead of the store.")
    ] = None,
    head: Annotated[
        str | None,
        typer.Option("--head", help="A chain head written down earlier: check the chain still contains it."),
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option("--manifest", help="A bundle's manifest.json: check the store against the head it records."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Prove the store (or a bundle) is unaltered: exit 0 when intact, 1 naming what differs."""
    if bundle is not None:
        _verify_bundle(bundle, as_json)
        return
    if head is not None and manifest is not None:
        raise InputError("give either --head or --manifest, not both")
    if manifest is not None:
        head = _manifest_head(manifest)
    path = common.db_path()
    store = common.open_store(readonly=True)
    report = store.verify(head=head)
    if as_json:
        common.print_json(records.verify_record(report, str(path), checked=head is not None))
    elif report.ok and not report.evidence:
        common.tell(store, "cli.verify.empty")
    elif report.ok:
        common.tell(
            store, "cli.verify.ok", entries=report.entries, attachments=report.attachments_checked, head=report.head
        )
        if head is not None:
            common.tell(store, "cli.verify.head_held", head=report.checked_head, after=report.entries_after_head)
    else:
        # Problems are recorded (and in JSON) in English; each is shown in the user's language.
        lang = common.lang(store)
        shown = [i18n.phrase(p, lang, "cli.verify.problems.") for p in report.problems]
        common.tell(store, "cli.verify.altered", problem=shown[0])
        for extra in shown[1:]:
            common.tell(store, "cli.verify.also", problem=extra)
    if not report.ok:
        raise typer.Exit(1)


def _manifest_head(manifest: Path) -> str:
    """The chain head a bundle's manifest.json recorded when the bundle was written."""
    import json

    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{manifest}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{manifest}: not a bundle manifest ({type(exc).__name__})") from None
    head = data.get("chain_head") if isinstance(data, dict) else None
    if not isinstance(head, str):
        raise InputError(f"{manifest}: records no chain head (the store was empty when the bundle was made?)")
    return head


def _verify_bundle(bundle: Path, as_json: bool) -> None:
    from ..bundle import verify_bundle

    if not bundle.is_file():
        raise InputError(f"{bundle}: no such file")
    problems = verify_bundle(bundle)
    if as_json:
        common.print_json(records.bundle_verify_record(str(bundle), problems))
    elif problems:
        lang = common.lang(None)
        shown = [i18n.phrase(p, lang, "cli.verify_bundle.problems.") for p in problems]
        common.tell(None, "cli.verify_bundle.altered", problem=shown[0])
        for extra in shown[1:]:
            common.tell(None, "cli.verify_bundle.also", problem=extra)
    else:
        common.tell(None, "cli.verify_bundle.ok", name=bundle.name)
    if problems:
        raise typer.Exit(1)


# ---------------------------------------------------------------- demo


def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo stores and dossiers.")] = Path(
        "harasslog-demo"
    ),
    pdf: Annotated[bool, typer.Option("--pdf", help="Also render PDFs (needs the pdf extra and a CJK font).")] = False,
) -> None:
    """Run the bundled example cases end to end: store, verify, analyze, dossiers; print what to open."""
    from ..demo import run_demo

    for line in run_demo(out, pdf=pdf):
        common.info(line)
