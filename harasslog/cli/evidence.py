"""Commands that record and read evidence: init, add, list, show, party, debt, request, attach,
search, verify, demo."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from .. import normalize
from ..errors import InputError
from ..models import CHANNELS, DIRECTIONS, PARTY_KINDS, REQUEST_KINDS, STATUSES, RawEvent
from ..records import event_record
from . import common

if TYPE_CHECKING:
    from ..store import Store

add_app = typer.Typer(help="Log a contact by hand: call, sms, visit, letter or third-party.", no_args_is_help=True)
party_app = typer.Typer(
    help="Collectors: creditors, agencies, law firms, and the numbers they use.", no_args_is_help=True
)
debt_app = typer.Typer(help="Debts, so findings can say which debt a contact was about.", no_args_is_help=True)
request_app = typer.Typer(
    help="What you asked for or agreed: stop, pause (缓催), cease in writing...", no_args_is_help=True
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]
AtOpt = Annotated[str, typer.Option("--at", help="When: ISO 8601, 'now', '-2h', or 2026年11月20日 22:13.")]
PartyOpt = Annotated[str | None, typer.Option("--party", help="The collector (creditor or agency) behind it.")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="Your own note (can be changed later).")]


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(add_app, name="add")
    app.command("list")(list_events)
    app.command("show")(show)
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
        str | None, typer.Option("--region", help="Country for reading phone numbers: CN, US or GB.")
    ] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Your time zone, e.g. Asia/Shanghai.")] = None,
    jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", help="Rules to apply: cn, us or uk.")] = None,
    id_number: Annotated[
        str | None, typer.Option("--id-number", help="Your ID number, for complaint forms (masked by --redact).")
    ] = None,
) -> None:
    """Create the store (or update its profile): who you are, your time zone and jurisdiction."""
    store = common.open_store(create=True)
    with store.transaction():
        profile = store.profile.set(
            name=name,
            phone=phone,
            region=region,
            tz=tz,
            jurisdiction=jurisdiction,
            id_number=id_number,
            lang=common._options["lang"],
        )
    common.say(
        store,
        f"Store ready: {store.path}\n  region {profile['region']}, time zone {profile['tz']}, "
        f"rules {profile['jurisdiction']}",
        f"证据库已就绪：{store.path}\n  地区 {profile['region']}，时区 {profile['tz']}，规则 {profile['jurisdiction']}",
    )


# ---------------------------------------------------------------- add


def _store_for_writing() -> Any:
    store = common.open_store()
    common.require_profile(store)
    return store


def _record(store: Store, raw: RawEvent, party: str | None, note: str | None) -> int:
    with store.transaction():
        party_id = store.parties.ensure(party) if party else None
        event_id = store.events.add(raw, party_id=party_id)
        if party_id is not None and raw.number_raw:
            store.numbers.link(raw.number_raw, party_id)
        if note:
            store.events.set_meta(event_id, note=note)
    local = normalize.local_iso(raw.at, store.tz)
    common.say(
        store, f"Recorded {raw.channel} #{event_id} at {local}", f"已记录 {raw.channel} #{event_id}，时间 {local}"
    )
    return int(event_id)


def _when(text: str, store: Store) -> dict[str, Any]:
    """A hand-entered time and the offset it was entered in (kept as the source offset)."""
    moment = normalize.parse_when(text, store.tz)
    return {"at": moment, "tz_offset_min": normalize.offset_minutes(moment)}


def _choice(value: str | None, allowed: tuple[str, ...], option: str) -> str | None:
    if value is not None and value not in allowed:
        raise InputError(f"{option} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _number(value: str, store: Store) -> str:
    if normalize.normalize_number(value, store.region) is None:
        raise InputError("the number is empty")
    return value.strip()


@add_app.command("call")
def add_call(
    number: Annotated[str, typer.Argument(help="The number that called (as shown on your phone).")],
    at: AtOpt = "now",
    duration: Annotated[str | None, typer.Option("--duration", help="How long: 90, 1m30s or 1:30.")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help=f"One of {', '.join(STATUSES)}. Default: answered if it lasted.")
    ] = None,
    direction: Annotated[str, typer.Option("--direction", help="in (they called) or out (you called).")] = "in",
    party: PartyOpt = None,
    note: NoteOpt = None,
) -> None:
    """Log a phone call."""
    store = _store_for_writing()
    seconds = normalize.parse_duration(duration) if duration else None
    _choice(status, STATUSES, "--status")
    _choice(direction, DIRECTIONS, "--direction")
    chosen = status or ("answered" if seconds else "unknown")
    raw = RawEvent(
        channel="call",
        direction=direction,
        number_raw=_number(number, store),
        **_when(at, store),
        duration_s=seconds,
        status=chosen,
        source_ref="hand",
    )
    _record(store, raw, party, note)


@add_app.command("sms")
def add_sms(
    number: Annotated[str, typer.Argument(help="The sender (number, 106 gateway or name).")],
    at: AtOpt = "now",
    text: Annotated[str | None, typer.Option("--text", help="The message; omit to paste it on stdin.")] = None,
    direction: Annotated[str, typer.Option("--direction", help="in or out.")] = "in",
    party: PartyOpt = None,
    note: NoteOpt = None,
) -> None:
    """Log an SMS; its text is kept exactly as given (from --text, or pasted on stdin)."""
    store = _store_for_writing()
    _choice(direction, DIRECTIONS, "--direction")
    body = text if text is not None else common.read_stdin_text()
    if body == "":
        raise InputError("the message text is empty: give --text or paste it on stdin")
    raw = RawEvent(
        channel="sms",
        direction=direction,
        number_raw=_number(number, store),
        **_when(at, store),
        text=body,
        source_ref="hand",
    )
    _record(store, raw, party, note)


def _add_other(
    channel: str,
    number: str | None,
    at: str,
    text: str | None,
    party: str | None,
    note: str | None,
    extra: dict[str, Any] | None = None,
) -> None:
    store = _store_for_writing()
    raw = RawEvent(
        channel=channel,
        direction="in",
        number_raw=number.strip() if number else "",
        **_when(at, store),
        text=text,
        source_ref="hand",
        raw=extra or {},
    )
    _record(store, raw, party, note)


NumberOpt = Annotated[str | None, typer.Option("--number", help="A number involved, if any.")]
TextOpt = Annotated[str | None, typer.Option("--text", help="What was said or written, word for word.")]


@add_app.command("visit")
def add_visit(
    at: AtOpt = "now", number: NumberOpt = None, text: TextOpt = None, party: PartyOpt = None, note: NoteOpt = None
) -> None:
    """Log a visit to your home or workplace (上门)."""
    _add_other("visit", number, at, text, party, note)


@add_app.command("letter")
def add_letter(
    at: AtOpt = "now", number: NumberOpt = None, text: TextOpt = None, party: PartyOpt = None, note: NoteOpt = None
) -> None:
    """Log a letter or notice (attach a photo of it with `harasslog attach`)."""
    _add_other("letter", number, at, text, party, note)


@add_app.command("third-party")
def add_third_party(
    who: Annotated[str, typer.Option("--who", help="Who was contacted: 'my mother', 'my employer'...")],
    how: Annotated[str, typer.Option("--how", help="call, sms, visit, im...")] = "call",
    at: AtOpt = "now",
    number: NumberOpt = None,
    text: TextOpt = None,
    party: PartyOpt = None,
    note: NoteOpt = None,
) -> None:
    """Log a contact a collector made to someone else about your debt (爆通讯录)."""
    _choice(how, CHANNELS, "--how")
    _add_other("third_party", number, at, text, party, note, {"who": who, "how": how})


# ---------------------------------------------------------------- list / show


def _since_until(store: Store, since: str | None, until: str | None) -> tuple[Any, Any]:
    return (
        normalize.parse_when(since, store.tz) if since else None,
        normalize.parse_when(until, store.tz) if until else None,
    )


def list_events(
    channel: Annotated[str | None, typer.Option("--channel", help=f"Only one channel: {', '.join(CHANNELS)}.")] = None,
    number: Annotated[str | None, typer.Option("--number", help="Only this number (any format).")] = None,
    party: Annotated[str | None, typer.Option("--party", help="Only this collector.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this time (inclusive).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Before this time.")] = None,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only events in the last analysis's findings.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="At most this many (the earliest first).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List recorded events, oldest first."""
    store = common.open_store(readonly=True)
    start, end = _since_until(store, since, until)
    ids = store.runs.flagged_event_ids() if flagged else None
    events = list(
        store.events.select(channel=channel, number=number, party=party, since=start, until=end, ids=ids, limit=limit)
    )
    tz = store.tz
    if as_json:
        common.print_json([event_record(e, tz) for e in events])
        return
    flagged_ids = store.runs.flagged_event_ids()
    zh = common.lang(store) == "zh"
    table = Table(title=f"{len(events)} " + ("条记录" if zh else "events"), show_lines=False)
    headers = (("#", "#"), ("when", "时间"), ("what", "类型"), ("number", "号码"), ("party", "机构"), ("text", "内容"))
    for position, (en, cn) in enumerate(headers):
        # Ids, times and numbers never wrap (a broken "2026-11-2 / 0" misleads); the text folds instead.
        table.add_column(cn if zh else en, no_wrap=position in (0, 1, 3), overflow="fold")
    for e in events:
        what = f"{e.channel} {e.direction}"
        if e.channel == "call":
            what += f" {e.status}" + (f" {e.duration_s}s" if e.duration_s else "")
        table.add_row(
            ("⚑" if e.id in flagged_ids else "") + str(e.id),
            normalize.local_iso(e.at, tz)[:16].replace("T", " "),
            what,
            e.number or e.number_raw or "",
            e.party or "",
            _preview(e.text),
        )
    common.out_console.print(table)


def _import_source(store: Store, import_id: int | None) -> dict[str, Any] | None:
    """Where an imported event came from: the file, its SHA-256 and the importer that read it."""
    if import_id is None:
        return None
    for record in store.imports.list():
        if record["id"] == import_id:
            keys = ("file_name", "sha256", "size", "format", "importer_version", "started")
            return {key: record[key] for key in keys}
    return None


def _preview(text: str | None, width: int = 60) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def show(
    event_id: Annotated[int, typer.Argument(help="The event's number (#) from `list`.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one event in full: its exact text, where it came from, its hash and attachments."""
    store = common.open_store(readonly=True)
    row = store.events.get(event_id)
    event = next(store.events.select(ids=[event_id]))
    record = event_record(event, store.tz)
    record.update(
        tz_offset_min=row["tz_offset_min"],
        source_ref=row["source_ref"],
        note=event.note,
        recorded_at=row["recorded_at"],
        prev_hash=row["prev_hash"],
        raw=common.json.loads(row["raw"]) if row["raw"] else None,
        source=_import_source(store, row["import_id"]),
        attachments=store.attachments.list(event_id),
        findings=[f.rule_id for f in store.runs.findings() if event_id in f.event_ids],
    )
    if as_json:
        common.print_json(record)
        return
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in record.items():
        if key == "attachments":
            value = "\n".join(f"{a['name'] or ''} {a['sha256']}" for a in value)
        elif key == "findings":
            value = ", ".join(value)
        elif key == "source" and value:
            value = "\n".join(f"{k}: {v}" for k, v in value.items())
        elif key == "raw" and value is not None:
            value = common.json.dumps(value, ensure_ascii=False, indent=1)
        table.add_row(key, "" if value is None else str(value))
    common.out_console.print(table)


# ---------------------------------------------------------------- parties


@party_app.command("add")
def party_add(
    name: Annotated[str, typer.Argument(help="The collector's name, e.g. 某某消费金融 or Acme Recovery LLC.")],
    kind: Annotated[str, typer.Option("--kind", help=f"One of {', '.join(PARTY_KINDS)}.")] = "unknown",
    creditor: Annotated[
        str | None, typer.Option("--creditor", help="For an agency or law firm: the creditor it collects for.")
    ] = None,
    numbers: Annotated[list[str] | None, typer.Option("--number", help="A number it uses (repeatable).")] = None,
    note: NoteOpt = None,
) -> None:
    """Add (or update) a collector and the numbers it uses."""
    store = common.open_store()
    with store.transaction():
        party_id = store.parties.add(name, kind=kind, creditor=creditor, note=note)
        linked = [store.numbers.link(n, party_id) for n in numbers or []]
    common.say(
        store,
        f"Party {name!r} ({kind}) saved" + (f"; numbers {', '.join(linked)}" if linked else ""),
        f"已保存机构 {name!r}（{kind}）" + (f"；号码 {', '.join(linked)}" if linked else ""),
    )


@party_app.command("list")
def party_list(as_json: JsonOpt = False) -> None:
    """List collectors, their numbers and how many events each has."""
    _print_rows(
        common.open_store(readonly=True).parties.list(), ("name", "kind", "creditor", "numbers", "events"), as_json
    )


@party_app.command("link")
def party_link(
    number: Annotated[str, typer.Argument(help="The number (any format).")],
    name: Annotated[str, typer.Argument(help="The party it belongs to (created if new).")],
) -> None:
    """Say which collector a number belongs to; its events, past and future, follow."""
    store = common.open_store()
    common.require_profile(store)
    with store.transaction():
        linked = store.numbers.link(number, store.parties.ensure(name))
    common.say(store, f"{linked} → {name}", f"{linked} → {name}")


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
            float(amount.replace(",", ""))
        except ValueError:
            raise InputError(f"--amount must be a number, not {amount!r}") from None
    due_date = normalize.parse_when(due, store.tz).date().isoformat() if due else None
    with store.transaction():
        debt_id = store.debts.add(
            creditor=creditor, amount=amount, currency=currency, due=due_date, account=account, note=note
        )
    common.say(store, f"Debt #{debt_id} with {creditor} saved", f"已保存债务 #{debt_id}（{creditor}）")


@debt_app.command("list")
def debt_list(as_json: JsonOpt = False) -> None:
    """List recorded debts."""
    columns = ("id", "creditor", "account_ref", "amount", "currency", "due_date")
    _print_rows(common.open_store(readonly=True).debts.list(), columns, as_json)


# ---------------------------------------------------------------- requests


@request_app.command("add")
def request_add(
    party: Annotated[str, typer.Option("--party", help="The collector you asked or agreed with.")],
    kind: Annotated[str, typer.Option("--kind", help=f"One of {', '.join(REQUEST_KINDS)}.")],
    start: Annotated[str, typer.Option("--from", help="From when it binds (default: now).")] = "now",
    until: Annotated[str | None, typer.Option("--until", help="Until when (a pause's end date).")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="For stop_channel: which channel to stop.")] = None,
    event: Annotated[int | None, typer.Option("--event", help="The event that proves it (#).")] = None,
    note: NoteOpt = None,
) -> None:
    """Record what you asked for or agreed: a stop, a pause until a date, a written cease request..."""
    store = _store_for_writing()
    _choice(kind, REQUEST_KINDS, "--kind")
    if kind == "pause" and until is None:
        raise InputError("a pause needs --until (the date the agreed pause ends)")
    begin, end = _since_until(store, start, until)
    with store.transaction():
        request_id = store.requests.add(
            kind=kind,
            party_id=store.parties.ensure(party),
            start=begin,
            end=end,
            channel=channel,
            event_id=event,
            note=note,
        )
    common.say(
        store, f"Request #{request_id} ({kind}) with {party} recorded", f"已记录请求 #{request_id}（{kind}，{party}）"
    )


@request_app.command("list")
def request_list(as_json: JsonOpt = False) -> None:
    """List requests and agreements."""
    store = common.open_store(readonly=True)
    tz = store.tz
    rows = [
        {
            "id": r.id,
            "kind": r.kind,
            "party": r.party,
            "from": normalize.local_iso(r.start, tz),
            "until": normalize.local_iso(r.end, tz) if r.end else None,
            "channel": r.channel,
            "event_id": r.event_id,
            "note": r.note,
        }
        for r in store.requests.list()
    ]
    _print_rows(rows, ("id", "kind", "party", "from", "until", "channel", "event_id", "note"), as_json)


def _print_rows(rows: list[dict[str, Any]], columns: tuple[str, ...], as_json: bool) -> None:
    """Records as JSON for scripts, or as a table for people (lists one item a line)."""
    if as_json:
        common.print_json(rows)
        return
    table = Table()
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        cells = (row[c] for c in columns)
        table.add_row(*("\n".join(v) if isinstance(v, list) else "" if v is None else str(v) for v in cells))
    common.out_console.print(table)


# ---------------------------------------------------------------- attach / search / verify


def note_command(
    event_id: Annotated[int, typer.Argument(help="The event (#).")],
    text: Annotated[str, typer.Argument(help="The new note ('' to clear it).")],
) -> None:
    """Change your note on an event; the change is a ledger entry, the evidence itself is untouched."""
    store = common.open_store()
    with store.transaction():
        store.events.set_meta(event_id, note=text or None)
    common.say(store, f"Note on #{event_id} saved", f"已保存 #{event_id} 的备注")


def attach(
    event_id: Annotated[int, typer.Argument(help="The event (#) the file belongs to.")],
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
    common.say(
        store,
        f"Attached {file.name} to #{event_id} (attachment {attachment_id}, SHA-256 {sha})",
        f"已附加 {file.name} 到 #{event_id}（附件 {attachment_id}，SHA-256 {sha}）",
    )


def search(
    query: Annotated[str, typer.Argument(help="Words to find, any language: 通讯录, arrest...")],
    limit: Annotated[int, typer.Option("--limit", help="At most this many, newest first.")] = 100,
    as_json: JsonOpt = False,
) -> None:
    """Find messages containing some text (full text; works for Chinese)."""
    store = common.open_store(readonly=True)
    if store.search.behind():  # index what was added since, unless an import holds the lock now
        try:
            writer = common.open_store()
        except InputError:
            pass  # read-only media: find() scans what the index lacks
        else:
            writer.search.sync_if_free()
            writer.close()
    ids = store.search.find(query, limit=limit)
    by_id = {e.id: e for e in store.events.select(ids=ids)} if ids else {}
    events = [by_id[i] for i in ids if i in by_id]
    if as_json:
        common.print_json([event_record(e, store.tz) for e in events])
        return
    table = Table(title=f"{len(events)} match(es)")
    for column in ("#", "when", "number", "text"):
        table.add_column(column, overflow="fold")
    for e in events:
        table.add_row(
            str(e.id), normalize.local_iso(e.at, store.tz)[:19].replace("T", " "), e.number or "", e.text or ""
        )
    common.out_console.print(table)


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
    result = {
        "ok": report.ok,
        "store": str(path),
        "entries": report.entries,
        "head": report.head,
        "attachments": report.attachments_checked,
        "problems": report.problems,
    }
    if head is not None:
        result["checked_head"] = report.checked_head
        result["entries_after_checked_head"] = report.entries_after_head
    if as_json:
        common.print_json(result)
    elif report.ok and not report.evidence:
        common.say(store, "OK: the store is empty (nothing recorded yet)", "完整：证据库为空（尚无记录）")
    elif report.ok:
        common.say(
            store,
            f"OK: {report.entries} ledger entries and {report.attachments_checked} attachment(s) "
            f"verify; chain head {report.head}",
            f"完整：{report.entries} 条账本记录和 {report.attachments_checked} 个附件校验通过；链头 {report.head}",
        )
        if head is not None:
            common.say(
                store,
                f"OK: the chain still holds head {report.checked_head}; "
                f"{report.entries_after_head} entries were added after it",
                f"完整：链中仍有链头 {report.checked_head}；其后新增 {report.entries_after_head} 条记录",
            )
    else:
        common.say(store, f"ALTERED: {report.problems[0]}", f"已被改动：{report.problems[0]}")
        for extra in report.problems[1:]:
            common.info(f"  also: {extra}")
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
    try:
        from ..bundle import verify_bundle
    except ImportError:  # pragma: no cover - bundle support ships with the dossiers
        raise InputError("bundle verification is not available in this version") from None
    if not bundle.is_file():
        raise InputError(f"{bundle}: no such file")
    problems = verify_bundle(bundle)
    if as_json:
        common.print_json({"ok": not problems, "bundle": str(bundle), "problems": problems})
    elif problems:
        common.info(f"ALTERED: {problems[0]}")
        for extra in problems[1:]:
            common.info(f"  also: {extra}")
    else:
        common.info(f"OK: every file in {bundle.name} matches its SHA-256")
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
