"""Dossiers: read the store once, build one context dict, hand it to a Jinja template.

Templates never query the store: everything they show is in the context, so a template can be
read (and overridden with a template folder) without knowing the database.

    collect (reads the store and the attachment files)
      → context.build_context (pure: one builder per section, redaction applied once)
      → templating.render_text (sandboxed Jinja, HTML autoescaped, Markdown escaped)
      → pdf.html_to_pdf (optional)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..outfile import write_output
from .binder import DEFAULT_PREFIX, check_bates
from .cfpb import CFPB_ISSUES, CFPB_NARRATIVE_LIMIT
from .collect import CaseData, Filters, collect, parse_filters
from .context import build_context
from .templating import TEMPLATES, environment, load_strings, render_text

__all__ = [
    "CFPB_ISSUES",
    "CFPB_NARRATIVE_LIMIT",
    "FORMATS",
    "TEMPLATES",
    "CaseData",
    "Filters",
    "build_context",
    "collect",
    "document_fields",
    "environment",
    "load_strings",
    "parse_filters",
    "render",
    "render_all",
    "render_bundle",
    "render_data",
    "render_text",
    "templates_for",
]

FORMATS = ("html", "md", "pdf")


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
    bates_prefix: str = DEFAULT_PREFIX,
    bates_start: int = 1,
) -> str | bytes:
    """Render one dossier from data already collected: str for HTML and Markdown, bytes for PDF.

    A PDF's pages are numbered `bates_prefix` + six digits from `bates_start` (HTML and Markdown
    have no pages; their exhibit references name the exhibit)."""
    if fmt not in FORMATS:
        raise InputError(f"a dossier is written as html, md or pdf, not {fmt!r}")
    if lang not in ("zh", "en"):
        raise InputError(f"a dossier is written in zh or en, not {lang!r}")
    _check_folder(template_dir)
    strings = strings if strings is not None else load_strings(lang, template_dir)
    bates_prefix, bates_start = check_bates(bates_prefix, bates_start)
    context = build_context(
        data,
        lang=lang,
        strings=strings,
        redact=redact,
        now=now,
        target=fmt,
        bates_prefix=bates_prefix,
        bates_start=bates_start,
    )
    text = render_text(context, template, fmt, template_dir)
    if fmt == "pdf":
        from ..pdf import html_to_pdf

        return html_to_pdf(text)
    return text


def render(
    store: Any,
    template: str,
    *,
    fmt: str = "html",
    lang: str = "zh",
    filters: Filters | None = None,
    redact: bool = False,
    template_dir: Path | None = None,
    now: datetime | None = None,
    bates_prefix: str = DEFAULT_PREFIX,
    bates_start: int = 1,
) -> str | bytes:
    """Render one dossier from the store: str for HTML and Markdown, bytes for PDF."""
    _check_folder(template_dir)
    check_bates(bates_prefix, bates_start)
    return render_data(
        collect(store, filters),
        template,
        fmt=fmt,
        lang=lang,
        redact=redact,
        template_dir=template_dir,
        now=now,
        bates_prefix=bates_prefix,
        bates_start=bates_start,
    )


def _check_folder(template_dir: Path | None) -> None:
    if template_dir is not None and not template_dir.is_dir():
        raise InputError(f"the template folder {template_dir} is not a folder")


def templates_for(jurisdiction: str) -> list[str]:
    return [name for name, where in TEMPLATES.items() if jurisdiction in where]


def render_bundle(
    data: CaseData,
    templates: list[str],
    *,
    lang: str,
    pdf: bool,
    now: datetime | None = None,
    bates_prefix: str = DEFAULT_PREFIX,
    bates_start: int = 1,
) -> tuple[dict[str, bytes | str], dict[str, tuple[int, int]]]:
    """Every dossier of a bundle, named TEMPLATE.LANG.FORMAT, and each PDF's (first, last) Bates
    number: numbering runs on from one PDF to the next, so no two pages of a bundle share one."""
    from ..bundle import pdf_page_count

    bates_prefix, bates_start = check_bates(bates_prefix, bates_start)
    strings = load_strings(lang)
    dossiers: dict[str, bytes | str] = {}
    pages: dict[str, tuple[int, int]] = {}
    number = bates_start
    for template in templates:
        for fmt in ("html", "md", "pdf") if pdf else ("html", "md"):
            name = f"{template}.{lang}.{fmt}"
            content = render_data(
                data,
                template,
                fmt=fmt,
                lang=lang,
                strings=strings,
                now=now,
                bates_prefix=bates_prefix,
                bates_start=number,
            )
            dossiers[name] = content
            if isinstance(content, bytes):
                count = pdf_page_count(content)
                pages[name] = (number, number + count - 1)
                number += count
    return dossiers, pages


def document_fields(data: CaseData) -> dict[str, str]:
    """What a load file says of a dossier: FROM the collectors in it, TO the owner, its CHANNELs."""
    incoming = [e for e in data.events if e.withdrawn is None and e.direction == "in"]
    senders = list(dict.fromkeys(e.party or e.number or e.number_raw or "" for e in incoming))
    owner = " ".join(x for x in (data.profile.get("name"), data.profile.get("phone")) if x)
    channels = sorted({e.channel for e in data.events if e.withdrawn is None})
    return {"FROM": "; ".join(s for s in senders if s), "TO": owner, "CHANNEL": "; ".join(channels)}


def render_all(
    store: Any, out_dir: Path, lang: str, *, now: datetime | None = None, pdf: bool | None = None
) -> list[Path]:
    """Every dossier that fits the store's jurisdiction, as HTML and Markdown (and PDF when possible).

    `pdf=None` renders PDFs only when WeasyPrint and a CJK font are available; True insists.
    Files are named TEMPLATE.LANG.FORMAT.
    """
    from ..pdf import pdf_available

    out_dir.mkdir(parents=True, exist_ok=True)
    want_pdf = pdf_available() if pdf is None else pdf
    data = collect(store)
    strings = load_strings(lang)
    written: list[Path] = []
    for template in templates_for(store.jurisdiction):
        for fmt in ("html", "md", "pdf") if want_pdf else ("html", "md"):
            path = out_dir / f"{template}.{lang}.{fmt}"
            content = render_data(data, template, fmt=fmt, lang=lang, strings=strings, now=now)
            write_output(path, content)  # 0600, never through a symlink planted at the name
            written.append(path)
    return written
