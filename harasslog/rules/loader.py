"""Rule packs: TOML files read with tomllib and validated strictly.

A pack is data: Python only knows the rule kinds. Anything the loader does not know (a misspelt key,
a duplicate id, a rule without a citation, an explanation or examples) is an InputError naming the
file and the rule, so a lawyer's own pack fails loudly instead of silently checking less.

A pack may hold one `[conditions]` table (zh = [...], en = [...]: ultimatums such as 再不还 or
"if you don't"); a wording rule's `consequences` then count only within `params.within` characters
of a condition in the same language, and the loader refuses one without the other.
"""

from __future__ import annotations

import re
import tomllib
import warnings
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import InputError
from ..models import CHANNELS, REQUEST_KINDS, SEVERITIES, STATUSES, Citation
from .pack import Rule, RulePack, expand  # Rule and RulePack also importable from here, as before

BUILTIN_PACKS = ("cn", "us", "uk")

CONDUCT_CATEGORIES = ("over_frequency", "burst", "quiet_hours", "request_violation", "third_party_contact")
WORDING_CATEGORIES = (
    "threat_violence",
    "threat_third_party",
    "false_legal_threat",
    "impersonation",
    "insult",
    "privacy_disclosure",
    "pressure",
    "scam_suspect",
)
CATEGORIES = CONDUCT_CATEGORIES + WORDING_CATEGORIES
KINDS = (
    "frequency",
    "burst",
    "quiet_hours",
    "after_conversation",
    "request_violation",
    "third_party",
    "wording",
)
STATUSES_OF_RULE = ("stable", "preview", "deprecated", "removed")
TIERS = ("finding", "review")
LANGS = ("zh", "en")
TAGS = ("V", "S", "U")

_PACK_KEYS = {"id", "version", "jurisdiction", "title_zh", "title_en", "example_tz", "note"}
_RULE_KEYS = {
    "id",
    "kind",
    "category",
    "severity",
    "status",
    "title_zh",
    "title_en",
    "explanation_zh",
    "explanation_en",
    "citations",
    "params",
    "examples",
    "patterns",
    "exceptions",
    "consequences",
    "tier",
}
# A citation's `channels` (optional) names the channels whose conduct it governs: an article on
# entering a home applies to a visit, never to an SMS. Absent: it governs the rule on every channel.
_CITATION_KEYS = {"instrument", "article", "tag", "url", "note", "channels"}
_EVENT_KEYS = {"at", "channel", "status", "direction", "group", "duration_s", "text", "number"}
_REQUEST_KEYS = {"kind", "from", "until", "group", "channel", "note"}
_WORDING_EXAMPLE_KEYS = {"expect", "text", "span", "note"}
_CONDUCT_EXAMPLE_KEYS = {"expect", "events", "requests", "fires_on", "count", "note"}

_COMMON = {"channels": "channels", "statuses": "statuses", "direction": "direction"}
# Parameter name -> type tag, per kind; tags are checked by _check_param.
PARAMS: dict[str, dict[str, str]] = {
    "frequency": {
        **_COMMON,
        "per": "per",
        "window_days": "posint",
        "max": "nonneg",
        "what_en": "str",
        "what_zh": "str",
    },
    "burst": {**_COMMON, "per": "per", "count": "posint", "minutes": "posint", "what_en": "str", "what_zh": "str"},
    "quiet_hours": {**_COMMON, "start": "hhmm", "end": "hhmm", "start_inclusive": "bool"},
    "after_conversation": {"statuses": "statuses", "days": "posint", "min_duration_s": "nonneg"},
    "request_violation": {**_COMMON, "request_kinds": "request_kinds", "notices": "patterns"},
    "third_party": {"channels": "channels"},
    "wording": {
        "channels": "channels",
        "direction": "direction",
        "within": "posint",
        "recipients": "recipients",
        "score": "score",
    },
}
# A review-tier rule's likelihood (0-1) that its match is a breach, unless its params.score says.
REVIEW_SCORE = 0.6
# Who a message went to, as a wording rule's params.recipients names them: a rule so restricted
# (a disclosure: the debt mentioned to someone else) runs only on messages to one of them. A
# third-party contact (channel third_party) is "third_party"; the others are what a user may mark a
# number as.
RECIPIENTS = ("third_party", "relative", "friend", "employer")
REQUIRED_PARAMS = {
    "frequency": ("window_days", "max"),
    "burst": ("count", "minutes"),
    "quiet_hours": ("start", "end"),
    "request_violation": ("request_kinds",),
}


# ---------------------------------------------------------------- loading


def load_pack(name_or_path: str | Path) -> RulePack:
    """A shipped pack by name (cn, us, uk) or a user's pack file by path."""
    if isinstance(name_or_path, str) and name_or_path in BUILTIN_PACKS:
        return load_builtin(name_or_path)
    path = Path(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"rule pack not found: {path} (use cn, us, uk or a .toml file)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read rule pack ({type(exc).__name__})") from None
    return parse_pack(text, str(path))


def load_builtin(name: str) -> RulePack:
    if name not in BUILTIN_PACKS:
        raise InputError(f"no shipped rule pack {name!r}: choose one of {', '.join(BUILTIN_PACKS)}")
    text = resources.files("harasslog.rulepacks").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return parse_pack(text, f"{name}.toml")


def parse_pack(text: str, source: str) -> RulePack:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML: {exc}") from None
    return _pack(data, source)


def _fail(source: str, where: str, message: str) -> InputError:
    return InputError(f"{source}: {where}: {message}" if where else f"{source}: {message}")


def _unknown(data: dict[str, Any], allowed: set[str], source: str, where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise _fail(source, where, f"unknown key {extra[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _text(data: dict[str, Any], key: str, source: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, where, f"missing {key} (a non-empty string)")
    return value


def _pack(data: dict[str, Any], source: str) -> RulePack:
    _unknown(data, {"pack", "rules", "conditions"}, source, "")
    head = data.get("pack")
    if not isinstance(head, dict):
        raise _fail(source, "", "missing [pack] table (id, version, jurisdiction, title_zh, title_en)")
    _unknown(head, _PACK_KEYS, source, "[pack]")
    example_tz = head.get("example_tz", "UTC")
    try:
        ZoneInfo(str(example_tz))
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file name
        raise _fail(source, "[pack]", f"unknown example_tz {str(example_tz)[:100]!r}") from None
    conditions = _patterns(data.get("conditions", {}), source, "[conditions]", required=False)
    rules_data = data.get("rules")
    if not isinstance(rules_data, list) or not rules_data:
        raise _fail(source, "", "no [[rules]]")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, rule_data in enumerate(rules_data, 1):
        if not isinstance(rule_data, dict):
            raise _fail(source, f"rule #{index}", "must be a table")
        rule = _rule(rule_data, source, index, conditions)
        if rule.id in seen:
            raise _fail(source, f"rule {rule.id}", "duplicate id")
        seen.add(rule.id)
        rules.append(rule)
    return RulePack(
        id=_text(head, "id", source, "[pack]"),
        version=_text(head, "version", source, "[pack]"),
        jurisdiction=_text(head, "jurisdiction", source, "[pack]"),
        title_zh=_text(head, "title_zh", source, "[pack]"),
        title_en=_text(head, "title_en", source, "[pack]"),
        example_tz=str(example_tz),
        rules=tuple(rules),
        source=source,
    )


_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")


def _rule(data: dict[str, Any], source: str, index: int, conditions: dict[str, tuple[str, ...]]) -> Rule:
    rule_id = data.get("id")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise _fail(source, f"rule #{index}", f"missing or malformed id {rule_id!r} (like CN-HOURS-001)")
    where = f"rule {rule_id}"
    _unknown(data, _RULE_KEYS, source, where)
    kind = data.get("kind")
    if kind not in KINDS:
        raise _fail(source, where, f"bad kind {kind!r} (one of {', '.join(KINDS)})")
    category = data.get("category")
    allowed = WORDING_CATEGORIES if kind == "wording" else CONDUCT_CATEGORIES
    if not isinstance(category, str) or category not in allowed:
        raise _fail(source, where, f"bad category {category!r} for kind {kind} (one of {', '.join(allowed)})")
    severity = data.get("severity")
    if severity not in SEVERITIES:
        raise _fail(source, where, f"bad severity {severity!r} (one of {', '.join(SEVERITIES)})")
    status = data.get("status", "stable")
    if status not in STATUSES_OF_RULE:
        raise _fail(source, where, f"bad status {status!r} (one of {', '.join(STATUSES_OF_RULE)})")
    tier = data.get("tier", "finding")
    if tier not in TIERS or (tier != "finding" and kind != "wording"):
        raise _fail(source, where, f"bad tier {tier!r} (wording rules: one of {', '.join(TIERS)})")
    texts = {k: _text(data, k, source, where) for k in ("title_zh", "title_en", "explanation_zh", "explanation_en")}
    citations = _citations(data.get("citations"), source, where)
    params = data.get("params", {})
    if not isinstance(params, dict):
        raise _fail(source, where, "params must be a table")
    _unknown(params, set(PARAMS[kind]), source, f"{where} params")
    for name in REQUIRED_PARAMS.get(kind, ()):
        if name not in params:
            raise _fail(source, where, f"missing params.{name}")
    for name, value in params.items():
        _check_param(PARAMS[kind][name], value, source, f"{where} params.{name}")
    if "score" in params and tier != "review":
        raise _fail(source, where, 'params.score only applies to review-tier rules (tier = "review")')
    patterns: dict[str, tuple[str, ...]] = {}
    exceptions: dict[str, tuple[str, ...]] = {}
    consequences: dict[str, tuple[str, ...]] = {}
    if kind == "wording":
        patterns = _patterns(data.get("patterns"), source, f"{where} patterns", required=True)
        exceptions = _patterns(data.get("exceptions", {}), source, f"{where} exceptions", required=False)
        consequences = _patterns(data.get("consequences", {}), source, f"{where} consequences", required=False)
        _check_conditional(consequences, params, conditions, source, where)
    elif "patterns" in data or "exceptions" in data or "consequences" in data:
        raise _fail(source, where, "patterns, exceptions and consequences belong to wording rules only")
    examples = _examples(data.get("examples"), kind, source, where)
    return Rule(
        id=rule_id,
        kind=kind,
        category=category,
        severity=severity,
        status=status,
        tier=tier,
        citations=citations,
        params=params,
        examples=examples,
        patterns=patterns,
        exceptions=exceptions,
        consequences={lang: pats for lang, pats in consequences.items() if pats},
        conditions={lang: conditions[lang] for lang, pats in consequences.items() if pats},
        **texts,
    )


def _check_conditional(
    consequences: dict[str, tuple[str, ...]],
    params: dict[str, Any],
    conditions: dict[str, tuple[str, ...]],
    source: str,
    where: str,
) -> None:
    """Consequences need a distance (params.within) and the pack's conditions in their language."""
    used = [lang for lang, pats in consequences.items() if pats]
    if used and "within" not in params:
        raise _fail(source, where, "consequences need params.within (how many characters from a condition)")
    if "within" in params and not used:
        raise _fail(source, where, "params.within only applies to consequences")
    for lang in used:
        if not conditions.get(lang):
            raise _fail(source, where, f"consequences.{lang} needs a [conditions] table with {lang} = [...]")


def _citations(value: Any, source: str, where: str) -> tuple[Citation, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(source, where, "missing citations (at least one: instrument, article, tag, url)")
    out = []
    for c in value:
        if not isinstance(c, dict):
            raise _fail(source, where, "each citation must be a table")
        _unknown(c, _CITATION_KEYS, source, f"{where} citation")
        tag = c.get("tag")
        if tag not in TAGS:
            raise _fail(source, where, f"citation tag must be V, S or U, not {tag!r}")
        url = c.get("url", "")
        if not isinstance(url, str):
            raise _fail(source, where, "citation url must be a string")
        channels = c.get("channels", [])
        if (
            not isinstance(channels, list)
            or ("channels" in c and not channels)
            or not all(isinstance(ch, str) and ch in CHANNELS for ch in channels)
        ):
            raise _fail(source, where, f"citation channels must be a non-empty list of {', '.join(CHANNELS)}")
        out.append(
            Citation(
                _text(c, "instrument", source, where),
                _text(c, "article", source, where),
                tag,
                url,
                tuple(channels),
            )
        )
    return tuple(out)


def _patterns(value: Any, source: str, where: str, *, required: bool) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise _fail(source, where, "must be a table of languages (zh = [...], en = [...])")
    _unknown(value, set(LANGS), source, where)
    out: dict[str, tuple[str, ...]] = {}
    for lang, pats in value.items():
        if not isinstance(pats, list) or not all(isinstance(p, str) and p for p in pats):
            raise _fail(source, where, f"{lang} must be a list of regular expressions")
        for p in pats:
            compiled = _compile(p, source, where)
            if compiled.match(""):
                raise _fail(source, where, f"pattern {p!r} matches empty text")
        out[lang] = tuple(pats)
    if required and not any(out.values()):
        raise _fail(source, where, "no patterns")
    return out


def _compile(pattern: str, source: str, where: str) -> re.Pattern[str]:
    """A pack's pattern compiled, or one clear error; Python also raises OverflowError (a{99999999999}),
    RecursionError (thousands of nested groups) and warns of ambiguous sets ([[a]), all errors here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return re.compile(expand(pattern))
    except (re.error, OverflowError, RecursionError, FutureWarning, DeprecationWarning) as exc:
        reason = str(exc) if not isinstance(exc, RecursionError) else "too deeply nested"
        raise _fail(source, where, f"bad regular expression {pattern[:200]!r}: {reason}") from None


_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _check_param(tag: str, value: Any, source: str, where: str) -> None:
    def bad(message: str) -> InputError:
        return _fail(source, where, message)

    if tag in ("channels", "statuses", "request_kinds"):
        vocab = {"channels": CHANNELS, "statuses": STATUSES, "request_kinds": REQUEST_KINDS}[tag]
        if not isinstance(value, list) or not value or any(v not in vocab for v in value):
            raise bad(f"must be a non-empty list of: {', '.join(vocab)}")
    elif tag == "recipients":
        if not isinstance(value, list) or not value or any(v not in RECIPIENTS for v in value):
            raise bad(f"must be a non-empty list of: {', '.join(RECIPIENTS)}")
    elif tag == "score":
        # A review-tier rule's score: how likely (0-1) its match is a breach.
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            raise bad("must be a number from 0 to 1")
    elif tag == "direction":
        if value not in ("in", "out", "any"):
            raise bad("must be in, out or any")
    elif tag == "per":
        if value not in ("group", "number"):
            raise bad("must be group or number")
    elif tag in ("posint", "nonneg"):
        if not isinstance(value, int) or isinstance(value, bool) or value < (1 if tag == "posint" else 0):
            raise bad("must be a whole number" + (" >= 1" if tag == "posint" else " >= 0"))
    elif tag == "hhmm":
        if not isinstance(value, str) or not _HHMM.match(value):
            raise bad("must be a time HH:MM")
    elif tag == "bool":
        if not isinstance(value, bool):
            raise bad("must be true or false")
    elif tag == "str":
        if not isinstance(value, str):
            raise bad("must be a string")
    elif tag == "patterns":
        _patterns(value, source, where, required=False)


def _examples(value: Any, kind: str, source: str, where: str) -> tuple[dict[str, Any], ...]:
    if not isinstance(value, list) or not value:
        raise _fail(source, where, "missing examples (at least one expect = 'match' and one expect = 'ok')")
    expects = set()
    for n, ex in enumerate(value, 1):
        w = f"{where} example #{n}"
        if not isinstance(ex, dict):
            raise _fail(source, w, "must be a table")
        if ex.get("expect") not in ("match", "ok"):
            raise _fail(source, w, "expect must be 'match' or 'ok'")
        expects.add(ex["expect"])
        if kind == "wording":
            _unknown(ex, _WORDING_EXAMPLE_KEYS, source, w)
            _text(ex, "text", source, w)
        else:
            _unknown(ex, _CONDUCT_EXAMPLE_KEYS, source, w)
            events = ex.get("events")
            if not isinstance(events, list) or not events:
                raise _fail(source, w, "missing events (a list of {at, channel, ...})")
            for e in events:
                if not isinstance(e, dict):
                    raise _fail(source, w, "each event must be a table")
                _unknown(e, _EVENT_KEYS, source, f"{w} event")
                _text(e, "at", source, f"{w} event")
                if e.get("channel", "call") not in CHANNELS or e.get("status", "answered") not in STATUSES:
                    raise _fail(source, w, "event channel or status not in the vocabulary")
            fires_on = ex.get("fires_on", [])
            if not isinstance(fires_on, list) or not all(
                isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(events) for i in fires_on
            ):
                raise _fail(source, w, "fires_on must list indexes (from 0) of the example's events")
            count = ex.get("count", 1)
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                raise _fail(source, w, "count must be a whole number >= 1")
            if not isinstance(ex.get("requests", []), list):
                raise _fail(source, w, "requests must be a list")
            for r in ex.get("requests", []):
                if not isinstance(r, dict):
                    raise _fail(source, w, "each request must be a table")
                _unknown(r, _REQUEST_KEYS, source, f"{w} request")
                if r.get("kind") not in REQUEST_KINDS:
                    raise _fail(source, w, f"request kind must be one of {', '.join(REQUEST_KINDS)}")
                _text(r, "from", source, f"{w} request")
    if expects != {"match", "ok"}:
        raise _fail(source, where, "needs at least one expect = 'match' and one expect = 'ok' example")
    return tuple(value)
