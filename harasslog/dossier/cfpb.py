"""The CFPB complaint form: which issue and sub-issue to pick, and the 'What happened' narrative."""

from __future__ import annotations

from typing import Any

from ..vocab import severity_rank

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


def form(context: dict[str, Any], t: dict[str, Any]) -> dict[str, Any]:
    """The form's fields from a built (and, under redaction, redacted) context; each finding also
    gets `told`, the sentence a complaint uses for it (the complainant's words, not the tool's)."""
    for f in context["findings"]:
        f["told"] = told(f, t["us_cfpb"])
    return {**issues(context["findings"]), "narrative": narrative(context, t)}


def issues(findings: list[dict[str, Any]]) -> dict[str, Any]:
    """Pick the CFPB issue that covers the most serious findings; list the others as also relevant."""
    scores: dict[tuple[str, str | None], tuple[int, int]] = {}
    for f in findings:
        key = CFPB_ISSUES.get(f["category"])
        if key is None:
            continue
        severity, count = scores.get(key, (0, 0))
        scores[key] = (max(severity, severity_rank(f["severity"])), count + 1)
    ranked = sorted(scores, key=lambda k: (-scores[k][0], -scores[k][1], k[0], k[1] or ""))
    choices = [{"issue": issue, "sub_issue": sub} for issue, sub in ranked]
    return {
        "product": "Debt collection",
        "primary": choices[0] if choices else None,
        "others": choices[1:],
        "limit": CFPB_NARRATIVE_LIMIT,
    }


def told(f: dict[str, Any], T: dict[str, Any]) -> str:
    """One finding as the complainant tells it: what they did and when, their words; no rule-engine phrases."""
    voice = T["voice"]
    times = [r["time"][:16] for r in f["events"]] or [f["start"]]
    count = len(f["events"]) or f["event_count"]
    values = {
        "party": f["party"] or T["the_collector"],
        "first": times[0],
        "last": times[-1],
        "first_date": times[0][:10],
        "times": T["times_join"].join(times),
        "count": voice["once"] if count == 1 else voice["times"] % {"count": count},
        "title": f["plain_title"],
    }
    if f["quotes"]:
        # Their whole message when it is short (one word out of context reads oddly), else the words matched.
        quote = f["quotes"][0]["text"]
        owner = next((r for r in f["events"] if r["text"] and quote in r["text"]), None)
        said = owner["text"] if owner and len(owner["text"]) <= 300 else quote
        when = (f["quotes"][0]["event"] or times[0])[:16]
        key = "quote"
        if owner and owner["channel"] in ("sms", "mms", "email", "im", "letter"):
            key = "wrote"
        elif owner and owner["status"] == "voicemail":
            key = "voicemail"
        return str(voice[key] % {**values, "quote": said, "first": when})
    if f["category"] in voice and f["category"] not in ("once", "times", "quote", "wrote", "voicemail", "default"):
        return str(voice[f["category"]] % values)
    return str(voice["default"] % values)


def narrative(ctx: dict[str, Any], t: dict[str, Any]) -> str:
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
        item = told(f, T)
        tail = T["narrative_more"] % {"count": len(findings) - index}
        used = len(opening) + sum(len(text) + 2 for _, text in chosen)
        if used + len(item) + 2 + len(tail) + 2 > CFPB_NARRATIVE_LIMIT:
            closing = tail
            break
        chosen.append((f["start"], item))
    return "\n\n".join([opening, *(text for _, text in sorted(chosen)), closing])
