"""Dossiers: read the store once into one context dict, then hand it to a Jinja template.

Templates never query the store: everything they show is in the context built here, so a template
can be read (and overridden with --template-dir) without knowing the database. HTML is autoescaped,
Markdown escaped by `textsafe.md_finalize`, and every render uses StrictUndefined, so a misspelt
field fails loudly instead of leaving a hole in a complaint.
"""

from __future__ import annotations

import base64
import io
import re
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from . import __version__, charts, textsafe
from .errors import InputError
from .models import Event, Finding, Request

if TYPE_CHECKING:
    from .store import Store

# Which dossiers exist, and for which jurisdictions they make sense.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "cn-complaint": ("cn",),
    "cn-12321": ("cn",),
    "us-cfpb": ("us",),
    "uk-fos": ("uk",),
    "lawyer": ("cn", "us", "uk"),
}
FORMATS = ("html", "md", "pdf")
SEVERITY_ORDER = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
# Numbers of these kinds belong to institutions (95588, 10690...), not people: never masked.
INSTITUTIONAL_KINDS = ("short_code", "sms_gateway", "service", "alphanumeric")
# Images up to this size are shown inline in the lawyer's binder (PDF and HTML stay self-contained).
INLINE_IMAGE_LIMIT = 2 * 1024 * 1024
_BATES_PREFIX = "HL-"


@dataclass
class CaseData:
    """What a dossier may show, read from the store in one go (filters already applied)."""

    profile: dict[str, Any]
    events: list[Event]
    findings: list[Finding]
    run: dict[str, Any] | None
    requests: list[Request]
    attachments: list[dict[str, Any]]
    parties: list[dict[str, Any]]
    numbers: list[dict[str, Any]]
    debts: list[dict[str, Any]]
    chain_head: str | None
    total_events: int
    filters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    since: datetime | None = None
    until: datetime | None = None
    party: str | None = None

    def as_dict(self, tz: ZoneInfo) -> dict[str, Any]:
        return {
            "since": _local(self.since, tz, "%Y-%m-%d %H:%M") if self.since else None,
            "until": _local(self.until, tz, "%Y-%m-%d %H:%M") if self.until else None,
            "party": self.party,
        }


def parse_filters(store: Store, since: str | None, until: str | None, party: str | None) -> Filters:
    """--since/--until as the user typed them; a bare date for --until includes that whole day."""
    from .normalize import parse_when

    tz = store.tz
    start = parse_when(since, tz) if since else None
    end = None
    if until:
        end = parse_when(until, tz)
        if re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", until):
            end = end + timedelta(days=1)
    if start and end and end <= start:
        raise InputError("--until must be after --since")
    return Filters(since=start, until=end, party=party)


def collect(store: Store, filters: Filters | None = None) -> CaseData:
    """Read everything a dossier needs. Findings are kept when they touch a selected event."""
    filters = filters or Filters()
    events = list(store.events.select(since=filters.since, until=filters.until, party=filters.party))
    selected = {e.id for e in events}
    findings = [f for f in store.runs.findings() if selected.intersection(f.event_ids)]
    attachments = [a for a in store.attachments.list() if a.get("event_id") is None or a["event_id"] in selected]
    if filters.party or filters.since or filters.until:
        attachments = [a for a in attachments if a.get("event_id") in selected]
    return CaseData(
        profile=dict(store.profile.get()),
        events=events,
        findings=findings,
        run=store.runs.last(),
        requests=store.requests.list(),
        attachments=attachments,
        parties=store.parties.list(),
        numbers=store.numbers.list(),
        debts=store.debts.list(),
        chain_head=store.ledger.head(),
        total_events=store.events.count(),
        filters=filters.as_dict(store.tz),
    )


# ------------------------------------------------------------------ strings and environment


def _packaged_templates() -> Any:
    return files("harasslog.templates")


def load_strings(lang: str, template_dir: Path | None = None) -> dict[str, Any]:
    """The words table for `lang`; a strings.toml in --template-dir overrides entries of ours."""
    table = tomllib.loads(_packaged_templates().joinpath("strings.toml").read_text("utf-8"))
    if template_dir is not None and (template_dir / "strings.toml").is_file():
        _deep_merge(table, tomllib.loads((template_dir / "strings.toml").read_text("utf-8")))
    if lang not in table:
        raise InputError(f"no dossier strings for language {lang!r} (zh or en)")
    return table[lang]


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value


def _load_template(template_dir: Path | None) -> jinja2.BaseLoader:
    def load(name: str) -> str | None:
        if template_dir is not None and (template_dir / name).is_file():
            return (template_dir / name).read_text("utf-8")
        resource = _packaged_templates().joinpath(name)
        return resource.read_text("utf-8") if resource.is_file() else None

    return jinja2.FunctionLoader(load)


def environment(fmt: str, template_dir: Path | None = None) -> jinja2.Environment:
    """HTML: autoescape on. Markdown: our own escaping on every {{ }}. Both StrictUndefined."""
    is_html = fmt in ("html", "pdf")
    env = jinja2.Environment(
        loader=_load_template(template_dir),
        autoescape=is_html,
        undefined=jinja2.StrictUndefined,
        finalize=textsafe.html_finalize if is_html else textsafe.md_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = textsafe.md_cell
    env.filters["fenced"] = textsafe.md_fenced
    env.filters["fmt"] = _fmt
    return env


def _fmt(template: str, **values: Any) -> str:
    """`t.key | fmt(count=3)`: fill %(name)s placeholders. The words are ours, the values data."""
    return template % {k: ("" if v is None else v) for k, v in values.items()}


# ------------------------------------------------------------------ the context


def build_context(
    data: CaseData,
    *,
    lang: str,
    strings: dict[str, Any],
    redact: bool = False,
    now: datetime | None = None,
    target: str = "html",
) -> dict[str, Any]:
    """One dict holding everything any template shows. Pure: no store, no clock unless `now` is None."""
    tz = ZoneInfo(data.profile.get("tz") or "UTC")
    now = (now or datetime.now(UTC)).astimezone(tz)
    t = strings
    number_kind = {n["number"]: n.get("kind") or "unknown" for n in data.numbers}
    party_kind = {p["name"]: p.get("kind") or "unknown" for p in data.parties}
    pseudonyms = _pseudonyms(data, party_kind) if redact else {}

    def show_number(number: str | None) -> str | None:
        if not redact or not number or number_kind.get(number) in INSTITUTIONAL_KINDS:
            return number
        return textsafe.mask_number(number)

    def show_party(name: str | None) -> str | None:
        if name is None:
            return None
        return pseudonyms.get(name, name)

    def show_text(text: str | None) -> str | None:
        if text is None or not redact:
            return text
        return textsafe.mask_digits_in_text(text)

    # Each event's findings, worst first; each finding's number in the dossier.
    finding_no: dict[int, int] = {}
    by_event: dict[int, list[int]] = defaultdict(list)
    ordered_findings = sorted(
        enumerate(data.findings), key=lambda p: (-SEVERITY_ORDER.get(p[1].severity, 0), p[1].start, p[0])
    )
    for no, (index, finding) in enumerate(ordered_findings, start=1):
        finding_no[index] = no
        for eid in finding.event_ids:
            by_event[eid].append(index)
    flagged_ids = set(by_event)

    # Exhibits: every flagged event and every attachment, in time order, numbered EX-001...
    attachments_by_event: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for a in data.attachments:
        attachments_by_event[a.get("event_id")].append(a)
    exhibits: list[dict[str, Any]] = []
    exhibit_of_event: dict[int, str] = {}
    exhibit_of_attachment: dict[int, str] = {}

    def next_exhibit() -> str:
        return f"EX-{len(exhibits) + 1:03d}"

    events_ctx = []
    for seq, e in enumerate(data.events, start=1):
        matches = [m for i in by_event.get(e.id, []) for m in data.findings[i].matches]
        cats = _dedupe(data.findings[i].category for i in by_event.get(e.id, []))
        row = {
            "id": e.id,
            "seq": seq,
            "anchor": f"ev-{e.id}",
            "time": _local(e.at, tz, "%Y-%m-%d %H:%M:%S"),
            "date": _local(e.at, tz, "%Y-%m-%d"),
            "iso": e.at.astimezone(tz).isoformat(),
            "channel": e.channel,
            "channel_label": t["channels"].get(e.channel, e.channel),
            "direction": e.direction,
            "direction_label": t[e.direction] if e.direction in ("in", "out") else e.direction,
            "number": show_number(e.number or e.number_raw) or "",
            "number_raw": show_number(e.number_raw) or "",
            "party": show_party(e.party) or "",
            "status": e.status,
            "status_label": t["statuses"].get(e.status, e.status),
            "duration": _duration(e.duration_s),
            "text": show_text(e.text),
            "segments": _segments(show_text(e.text), matches) if e.text else [],
            "note": show_text(e.note),
            "hash": e.hash,
            "flagged": e.id in flagged_ids,
            "categories": cats,
            "category_labels": [t["categories"].get(c, c) for c in cats],
            "findings": sorted(finding_no[i] for i in by_event.get(e.id, [])),
            "exhibit": None,
            "attachments": [],
        }
        if row["flagged"]:
            number = next_exhibit()
            exhibit_of_event[e.id] = number
            row["exhibit"] = number
            exhibits.append(
                {
                    "no": number,
                    "kind": "event",
                    "anchor": row["anchor"],
                    "time": row["time"],
                    "description": f"{row['channel_label']} {row['number']}".strip(),
                    "sha256": e.hash,
                    "size": None,
                    "name": None,
                }
            )
        for a in attachments_by_event.get(e.id, []):
            number = next_exhibit()
            exhibit_of_attachment[a["id"]] = number
            att = _attachment_ctx(a, number, row["time"], redact)
            row["attachments"].append(att)
            exhibits.append(att)
        events_ctx.append(row)
    for a in attachments_by_event.get(None, []):
        number = next_exhibit()
        exhibit_of_attachment[a["id"]] = number
        exhibits.append(_attachment_ctx(a, number, None, redact))
    events_by_id = {row["id"]: row for row in events_ctx}

    findings_ctx = []
    for index, finding in ordered_findings:
        rows = [events_by_id[eid] for eid in finding.event_ids if eid in events_by_id]
        parties = _dedupe(r["party"] for r in rows if r["party"])
        numbers = _dedupe(r["number"] for r in rows if r["number"])
        findings_ctx.append(
            {
                "no": finding_no[index],
                "rule_id": finding.rule_id,
                "category": finding.category,
                "category_label": t["categories"].get(finding.category, finding.category),
                "severity": finding.severity,
                "severity_label": t["severities"].get(finding.severity, finding.severity),
                "title": finding.title or t["categories"].get(finding.category, finding.category),
                "explanation": show_text(finding.explanation),
                "start": _local(finding.start, tz, "%Y-%m-%d %H:%M"),
                "end": _local(finding.end, tz, "%Y-%m-%d %H:%M"),
                "start_date": _local(finding.start, tz, "%Y-%m-%d"),
                "events": rows,
                "event_count": len(finding.event_ids),
                "parties": parties,
                "party": "、".join(parties) if lang == "zh" else ", ".join(parties),
                "numbers": numbers,
                "exhibits": [exhibit_of_event[r["id"]] for r in rows if r["id"] in exhibit_of_event],
                "quotes": [
                    {"text": show_text(m.text), "event": m_event["time"] if m_event else ""}
                    for m, m_event in _match_events(finding, events_by_id)
                ],
                "citations": [
                    {
                        "instrument": c.instrument,
                        "article": c.article,
                        "tag": c.tag,
                        "tag_label": t.get(f"tag_{c.tag}", c.tag),
                        "url": c.url if c.url.startswith(("https://", "http://")) else "",
                        "text": f"{c.instrument} {c.article}".strip(),
                    }
                    for c in finding.citations
                ],
            }
        )

    counts = Counter(e.channel for e in data.events)
    number_rows = _numbers_ctx(events_ctx, data.events, number_kind, show_number, show_party, tz)
    days = _per_day(events_ctx)
    heat = _heat(data.events, tz)
    category_labels = {**t["categories"]}
    chart_per_day = charts.per_day_svg(days, labels=category_labels, title=t["contacts_per_day"])
    chart_heat = charts.heatmap_svg(heat, weekdays=t["weekdays"], title=t["heatmap"]) if data.events else ""
    run = data.run
    profile = data.profile
    parties_ctx = [
        {
            "name": show_party(p["name"]),
            "kind": p.get("kind") or "unknown",
            "kind_label": t["kinds"].get(p.get("kind") or "unknown", p.get("kind")),
            "creditor": show_party(p.get("creditor")),
            "numbers": [show_number(n) for n in p.get("numbers", [])],
            "events": p.get("events", 0),
        }
        for p in data.parties
    ]
    flagged_count = len(flagged_ids.intersection(events_by_id))
    first = events_ctx[0]["time"] if events_ctx else None
    last = events_ctx[-1]["time"] if events_ctx else None
    context: dict[str, Any] = {
        "lang": lang,
        "t": t,
        "target": target,
        "tool": {"name": "harasslog", "version": __version__},
        "generated_at": now.strftime("%Y-%m-%d %H:%M"),
        "today": now.date().isoformat(),
        "tz": str(tz),
        "redact": redact,
        "bates_prefix": _BATES_PREFIX,
        "jurisdiction": profile.get("jurisdiction") or "cn",
        "profile": {
            "name": profile.get("name"),
            "phone": profile.get("phone"),
            "id_number": None if redact else profile.get("id_number"),
            "region": profile.get("region"),
            "tz": str(tz),
        },
        "filters": data.filters,
        "filtered": any(data.filters.get(k) for k in ("since", "until", "party")),
        "parties": parties_ctx,
        "institutions": [p for p in parties_ctx if p["kind"] == "creditor"],
        "agencies": [p for p in parties_ctx if p["kind"] in ("agency", "law_firm", "unknown")],
        "numbers": number_rows,
        "debts": [
            {
                "creditor": show_party(d.get("creditor")),
                "account": textsafe.mask_digits_in_text(d["account_ref"])
                if redact and d.get("account_ref")
                else d.get("account_ref"),
                "amount": " ".join(x for x in (d.get("amount"), d.get("currency")) if x),
                "due": d.get("due_date"),
            }
            for d in data.debts
        ],
        "requests": [_request_ctx(r, t, tz, show_party, lang) for r in data.requests],
        "events": events_ctx,
        "flagged_events": [r for r in events_ctx if r["flagged"]],
        "counts": {
            "total": len(events_ctx),
            "in_store": data.total_events,
            "calls": counts.get("call", 0),
            "sms": counts.get("sms", 0) + counts.get("mms", 0),
            "other": len(events_ctx) - counts.get("call", 0) - counts.get("sms", 0) - counts.get("mms", 0),
            "flagged": flagged_count,
            "numbers": len(number_rows),
            "findings": len(findings_ctx),
            "attachments": len(data.attachments),
        },
        "first": first,
        "last": last,
        "first_date": first[:10] if first else None,
        "last_date": last[:10] if last else None,
        "run": {
            "pack_id": run["pack_id"],
            "pack_version": run["pack_version"],
            "at": _local(datetime.fromisoformat(run["started"].replace("Z", "+00:00")), tz, "%Y-%m-%d %H:%M"),
        }
        if run
        else None,
        "findings": findings_ctx,
        "category_summary": [
            {"category": c, "label": t["categories"].get(c, c), "count": n}
            for c, n in Counter(f["category"] for f in findings_ctx).most_common()
        ],
        "exhibits": exhibits,
        "attachments": [x for x in exhibits if x["kind"] == "attachment"],
        "chain_head": data.chain_head,
        "charts": {"per_day": Markup(chart_per_day), "heatmap": Markup(chart_heat)},
        "days": [
            {
                "date": d.isoformat(),
                "total": sum(c.values()),
                "flagged": sum(n for k, n in c.items() if k != "unflagged"),
            }
            for d, c in days
        ],
        "heat": heat,
    }
    context["cfpb"] = _cfpb(findings_ctx)
    context["cfpb"]["narrative"] = _narrative(context, t)
    earliest = min((f["start_date"] for f in findings_ctx), default=None)
    context["deadlines"] = {
        "nfra_reply": (now.date() + timedelta(days=15)).isoformat(),
        "fos_reply": (now.date() + timedelta(weeks=8)).isoformat(),
        "first_finding": earliest,
        "fdcpa_earliest": _add_years(earliest, 1),
    }
    return context


def _pseudonyms(data: CaseData, party_kind: dict[str, str]) -> dict[str, str]:
    """Under --redact, parties that may be people (kind unknown) become 'Party A', 'Party B'..."""
    names = sorted({e.party for e in data.events if e.party and party_kind.get(e.party, "unknown") == "unknown"})
    names += sorted(p["name"] for p in data.parties if p.get("kind") == "unknown" and p["name"] not in names)
    out = {}
    for i, name in enumerate(names):
        letters = ""
        n = i
        while True:
            letters = chr(ord("A") + n % 26) + letters
            n = n // 26 - 1
            if n < 0:
                break
        out[name] = f"[{letters}]"
    return out


def _attachment_ctx(a: dict[str, Any], number: str, time: str | None, redact: bool) -> dict[str, Any]:
    mime = a.get("mime") or ""
    inline = None
    if mime.startswith("image/") and mime != "image/svg+xml" and (a.get("size") or 0) <= INLINE_IMAGE_LIMIT:
        path = Path(a.get("path") or "")
        if path.is_file():
            content = path.read_bytes()
            if _image_loads(content):
                inline = Markup(f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}")
    return {
        "no": number,
        "kind": "attachment",
        "anchor": f"att-{a['id']}",
        "time": time,
        "description": a.get("name") or "",
        "name": a.get("name") or "",
        "mime": mime,
        "sha256": a["sha256"],
        "size": a.get("size"),
        "event_id": a.get("event_id"),
        "inline": inline,
    }


def _image_loads(content: bytes) -> bool:
    """A damaged image (a truncated MMS part) is listed but not drawn: it must not break the PDF."""
    try:
        from PIL import Image
    except ImportError:  # no Pillow (so no WeasyPrint either): the browser copes with a bad image
        return True
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except Exception:
        return False
    return True


def _request_ctx(r: Request, t: dict[str, Any], tz: ZoneInfo, show_party: Any, lang: str) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "label": t["lawyer"]["request_kinds"].get(r.kind, r.kind),
        "party": show_party(r.party) or "",
        "start": _local(r.start, tz, "%Y-%m-%d %H:%M"),
        "end": _local(r.end, tz, "%Y-%m-%d %H:%M") if r.end else None,
        "channel": t["channels"].get(r.channel, r.channel) if r.channel else None,
        "event_id": r.event_id,
        "note": r.note,
    }


def _numbers_ctx(
    events_ctx: list[dict[str, Any]],
    events: list[Event],
    number_kind: dict[str, str],
    show_number: Any,
    show_party: Any,
    tz: ZoneInfo,
) -> list[dict[str, Any]]:
    """Per number: counts, first and last contact, and every message from it (for 12321)."""
    grouped: dict[str, list[tuple[Event, dict[str, Any]]]] = defaultdict(list)
    for e, row in zip(events, events_ctx, strict=True):
        key = e.number or e.number_raw
        if key and e.direction == "in":
            grouped[key].append((e, row))
    out = []
    for key, pairs in grouped.items():
        kinds = Counter(e.channel for e, _ in pairs)
        out.append(
            {
                "number": show_number(key),
                "kind": number_kind.get(key, "unknown"),
                "party": show_party(pairs[0][0].party) or "",
                "calls": kinds.get("call", 0),
                "sms": kinds.get("sms", 0) + kinds.get("mms", 0),
                "other": len(pairs) - kinds.get("call", 0) - kinds.get("sms", 0) - kinds.get("mms", 0),
                "total": len(pairs),
                "flagged": sum(1 for _, r in pairs if r["flagged"]),
                "first": pairs[0][1]["time"],
                "last": pairs[-1][1]["time"],
                "messages": [r for e, r in pairs if e.channel in ("sms", "mms") and e.text is not None],
                "call_times": [r for e, r in pairs if e.channel == "call"],
            }
        )
    out.sort(key=lambda n: (-n["total"], n["number"] or ""))
    return out


def _per_day(events_ctx: list[dict[str, Any]]) -> list[tuple[date, dict[str, int]]]:
    """Contacts per local day, each counted once under its first (worst) finding's category."""
    days: dict[date, Counter[str]] = defaultdict(Counter)
    for row in events_ctx:
        key = row["categories"][0] if row["categories"] else charts.UNFLAGGED
        days[date.fromisoformat(row["date"])][key] += 1
    return [(d, dict(days[d])) for d in sorted(days)]


def _heat(events: list[Event], tz: ZoneInfo) -> list[list[int]]:
    grid = [[0] * 24 for _ in range(7)]
    for e in events:
        local = e.at.astimezone(tz)
        grid[local.weekday()][local.hour] += 1
    return grid


def _segments(text: str | None, matches: list[Any]) -> list[dict[str, Any]]:
    """Split text into plain and highlighted pieces at the matched spans (which index the original)."""
    if not text:
        return []
    spans = sorted(
        {(m.start, m.end) for m in matches if 0 <= m.start < m.end <= len(text) and text[m.start : m.end] == m.text}
    )
    pieces, pos = [], 0
    for start, end in spans:
        if start < pos:  # overlapping spans: extend the current highlight
            if end > pos:
                pieces[-1]["text"] += text[pos:end]
                pos = end
            continue
        if start > pos:
            pieces.append({"text": text[pos:start], "hit": False})
        pieces.append({"text": text[start:end], "hit": True})
        pos = end
    if pos < len(text):
        pieces.append({"text": text[pos:], "hit": False})
    return pieces


def _match_events(finding: Finding, events_by_id: dict[int, dict[str, Any]]) -> list[tuple[Any, Any]]:
    """Pair each wording match with the event whose text holds it (the first such event)."""
    out = []
    for m in finding.matches:
        owner = next(
            (
                events_by_id[eid]
                for eid in finding.event_ids
                if eid in events_by_id and (events_by_id[eid]["text"] or "").find(m.text) >= 0
            ),
            None,
        )
        out.append((m, owner))
    return out


# CFPB form names (reference: CCDB issue and sub-issue values). Sub-issue None: none of the
# listed names fits exactly, so the dossier asks the borrower to choose on the form.
CFPB_ISSUES: dict[str, tuple[str, str | None]] = {
    "over_frequency": ("Communication tactics", "Frequent or repeated calls"),
    "burst": ("Communication tactics", "Frequent or repeated calls"),
    "quiet_hours": ("Communication tactics", "Called before 8am or after 9pm"),
    "request_violation": ("Communication tactics", "You told them to stop contacting you, but they keep trying"),
    "insult": ("Communication tactics", "Used obscene, profane, or other abusive language"),
    "threat_violence": ("Communication tactics", "Used obscene, profane, or other abusive language"),
    "false_legal_threat": (
        "Took or threatened to take negative or legal action",
        "Threatened to arrest you or take you to jail if you do not pay",
    ),
    "pressure": ("Took or threatened to take negative or legal action", None),
    "impersonation": (
        "False statements or representation",
        "Impersonated attorney, law enforcement, or government official",
    ),
    "scam_suspect": ("False statements or representation", None),
    "threat_third_party": ("Threatened to contact someone or share information improperly", None),
    "third_party_contact": ("Threatened to contact someone or share information improperly", None),
    "privacy_disclosure": ("Threatened to contact someone or share information improperly", None),
}
CFPB_NARRATIVE_LIMIT = 3800  # the 2015 form showed about 4,000 characters; keep a margin


def _cfpb(findings_ctx: list[dict[str, Any]]) -> dict[str, Any]:
    """Pick the CFPB issue that covers the most serious findings; list the others as also relevant."""
    scores: dict[tuple[str, str | None], tuple[int, int]] = {}
    for f in findings_ctx:
        key = CFPB_ISSUES.get(f["category"])
        if key is None:
            continue
        severity, count = scores.get(key, (0, 0))
        scores[key] = (max(severity, SEVERITY_ORDER.get(f["severity"], 0)), count + 1)
    ranked = sorted(scores, key=lambda k: (-scores[k][0], -scores[k][1], k[0], k[1] or ""))
    choices = [{"issue": issue, "sub_issue": sub} for issue, sub in ranked]
    return {
        "product": "Debt collection",
        "primary": choices[0] if choices else None,
        "others": choices[1:],
        "limit": CFPB_NARRATIVE_LIMIT,
    }


def _narrative(ctx: dict[str, Any], t: dict[str, Any]) -> str:
    """The 'What happened' box: a first-person summary from the records, most serious first,
    cut at whole incidents to stay within the form's length."""
    T = t["us_cfpb"]
    if not ctx["events"]:
        return ""
    companies = t["enum"].join(p["name"] for p in ctx["parties"] if p["kind"] != "unknown" and p["events"])
    opening = T["narrative_open"] % {
        "first": ctx["first_date"],
        "last": ctx["last_date"],
        "companies": companies or T["the_collector"],
        "total": ctx["counts"]["total"],
        "calls": ctx["counts"]["calls"],
        "sms": ctx["counts"]["sms"],
        "other": ctx["counts"]["other"],
    }
    chosen: list[tuple[str, str]] = []  # (start, text): picked most serious first, told in time order
    findings = ctx["findings"]
    closing = T["narrative_none"]
    for index, f in enumerate(findings):
        item = T["narrative_item"] % {"start": f["start"], "title": f["title"], "explanation": f["explanation"]}
        if f["quotes"]:
            item += " " + T["narrative_quote"] % {"quote": f["quotes"][0]["text"]}
        tail = T["narrative_more"] % {"count": len(findings) - index}
        used = len(opening) + sum(len(text) + 2 for _, text in chosen)
        if used + len(item) + 2 + len(tail) + 2 > CFPB_NARRATIVE_LIMIT:
            closing = tail
            break
        chosen.append((f["start"], item))
    return "\n\n".join([opening, *(text for _, text in sorted(chosen)), closing])


def _add_years(day: str | None, years: int) -> str | None:
    if not day:
        return None
    d = date.fromisoformat(day)
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28).isoformat()


def _local(moment: datetime, tz: ZoneInfo, pattern: str) -> str:
    return moment.astimezone(tz).strftime(pattern)


def _duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _dedupe(items: Any) -> list[Any]:
    seen: dict[Any, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


# ------------------------------------------------------------------ rendering


def render_text(context: dict[str, Any], template: str, fmt: str, template_dir: Path | None = None) -> str:
    """Render a context with `{template}.{html|md}.j2`."""
    if template not in TEMPLATES and not (template_dir and (template_dir / f"{template}.html.j2").exists()):
        raise InputError(f"unknown template {template!r}: choose one of {', '.join(TEMPLATES)}")
    suffix = "md" if fmt == "md" else "html"
    env = environment(fmt, template_dir)
    try:
        tpl = env.get_template(f"{template}.{suffix}.j2")
    except jinja2.TemplateNotFound:
        raise InputError(f"template {template!r} has no {suffix} version") from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template {exc.name or template}: line {exc.lineno}: {exc.message}") from None
    try:
        return tpl.render(context)
    except jinja2.UndefinedError as exc:
        raise InputError(f"template {template}.{suffix}.j2 uses a field the dossier does not have: {exc}") from None


def render_data(
    data: CaseData,
    template: str,
    *,
    fmt: str,
    lang: str,
    strings: dict[str, Any] | None = None,
    redact: bool = False,
    template_dir: Path | None = None,
    now: datetime | None = None,
) -> str | bytes:
    """Render one dossier from data already collected: str for HTML and Markdown, bytes for PDF."""
    if fmt not in FORMATS:
        raise InputError(f"--format must be html, md or pdf, not {fmt!r}")
    if lang not in ("zh", "en"):
        raise InputError(f"--lang must be zh or en, not {lang!r}")
    if template_dir is not None and not template_dir.is_dir():
        raise InputError(f"--template-dir {template_dir} is not a folder")
    strings = strings if strings is not None else load_strings(lang, template_dir)
    context = build_context(data, lang=lang, strings=strings, redact=redact, now=now, target=fmt)
    text = render_text(context, template, fmt, template_dir)
    if fmt == "pdf":
        from .pdf import html_to_pdf

        return html_to_pdf(text)
    return text


def render(
    store: Store,
    template: str,
    *,
    fmt: str = "html",
    lang: str = "zh",
    filters: Filters | None = None,
    redact: bool = False,
    template_dir: Path | None = None,
    now: datetime | None = None,
) -> str | bytes:
    """Render one dossier from the store: str for HTML and Markdown, bytes for PDF."""
    if template_dir is not None and not template_dir.is_dir():
        raise InputError(f"--template-dir {template_dir} is not a folder")
    return render_data(
        collect(store, filters), template, fmt=fmt, lang=lang, redact=redact, template_dir=template_dir, now=now
    )


def templates_for(jurisdiction: str) -> list[str]:
    return [name for name, where in TEMPLATES.items() if jurisdiction in where]


def render_all(
    store: Store, out_dir: Path, lang: str, *, now: datetime | None = None, pdf: bool | None = None
) -> list[Path]:
    """Every dossier that fits the store's jurisdiction, as HTML and Markdown (and PDF when possible).

    `pdf=None` renders PDFs only when WeasyPrint and a CJK font are available; True insists.
    Files are named TEMPLATE.LANG.FORMAT.
    """
    from .pdf import pdf_available

    out_dir.mkdir(parents=True, exist_ok=True)
    want_pdf = pdf_available() if pdf is None else pdf
    data = collect(store)
    strings = load_strings(lang)
    written: list[Path] = []
    for template in templates_for(store.jurisdiction):
        for fmt in ("html", "md", "pdf") if want_pdf else ("html", "md"):
            path = out_dir / f"{template}.{lang}.{fmt}"
            content = render_data(data, template, fmt=fmt, lang=lang, strings=strings, now=now)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            written.append(path)
    return written
