"""Inline SVG charts for dossiers: contacts per day coloured by finding, hour-of-day × weekday heat map.

Pure functions: counts in, SVG text out. Every label is XML-escaped here, since labels may carry
party names or other text that came from outside; callers mark the result safe for Jinja.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

# One colour per finding category (colour-blind-friendly where it matters: red family = threats,
# blue/purple = conduct). Unflagged contacts are grey.
CATEGORY_COLOURS: dict[str, str] = {
    "over_frequency": "#4e79a7",
    "burst": "#76b7b2",
    "quiet_hours": "#59a14f",
    "request_violation": "#b07aa1",
    "third_party_contact": "#9c755f",
    "threat_violence": "#c0392b",
    "threat_third_party": "#e15759",
    "false_legal_threat": "#f28e2b",
    "impersonation": "#edc948",
    "insult": "#ff9da7",
    "privacy_disclosure": "#8c564b",
    "pressure": "#bab0ac",
    "scam_suspect": "#17becf",
}
UNFLAGGED = "unflagged"
UNFLAGGED_COLOUR = "#d0d0d0"


def colour(category: str) -> str:
    return CATEGORY_COLOURS.get(category, "#7f7f7f") if category != UNFLAGGED else UNFLAGGED_COLOUR


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def per_day_svg(
    days: Sequence[tuple[date, Mapping[str, int]]],
    *,
    labels: Mapping[str, str],
    title: str,
    width: int = 720,
    height: int = 220,
) -> str:
    """Stacked bars, one per calendar day, segments by category (each contact counted once).

    `days` is in date order and may skip days without contacts; the x axis spans first..last day.
    `labels` maps category → legend text (in the dossier's language).
    """
    if not days:
        return ""
    first, last = days[0][0], days[-1][0]
    span = (last - first).days + 1
    by_day = dict(days)
    max_total = max(sum(c.values()) for _, c in days) or 1
    left, right, top, bottom = 36, 8, 24, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    bar_w = plot_w / span
    cats = _categories_in(c for _, c in days)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 18 * _legend_rows(cats, labels)}" '
        f'width="100%" role="img" aria-label="{_e(title)}" class="chart chart-per-day">',
        f"<title>{_e(title)}</title>",
        f'<text x="{left}" y="14" font-size="12" font-weight="bold">{_e(title)}</text>',
    ]
    # y axis: 0, half and max
    for value in sorted({0, max_total // 2, max_total}):
        y = top + plot_h - plot_h * value / max_total
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{value}</text>')
    for i in range(span):
        day = date.fromordinal(first.toordinal() + i)
        counts = by_day.get(day, {})
        x = left + i * bar_w
        y = top + plot_h
        for cat in cats:
            n = counts.get(cat, 0)
            if not n:
                continue
            h = plot_h * n / max_total
            y -= h
            parts.append(
                f'<rect x="{x + bar_w * 0.1:.1f}" y="{y:.1f}" width="{max(bar_w * 0.8, 1):.1f}" '
                f'height="{h:.1f}" fill="{colour(cat)}"><title>{_e(day.isoformat())}: '
                f"{_e(labels.get(cat, cat))} {n}</title></rect>"
            )
    # x labels: first, last, and about six in between
    step = max(1, span // 6)
    for i in range(0, span, step):
        day = date.fromordinal(first.toordinal() + i)
        x = left + i * bar_w + bar_w / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 14}" font-size="10" text-anchor="middle">'
            f"{_e(day.strftime('%m-%d'))}</text>"
        )
    parts.extend(_legend(cats, labels, y=height - 8, left=left, width=width))
    parts.append("</svg>")
    return "".join(parts)


def heatmap_svg(
    grid: Sequence[Sequence[int]],
    *,
    weekdays: Sequence[str],
    title: str,
    width: int = 720,
) -> str:
    """Seven rows (Monday first) × 24 columns (local hour); darker = more contacts."""
    if len(grid) != 7 or any(len(row) != 24 for row in grid):
        raise ValueError("heat map grid must be 7 × 24")
    left, top = 64, 28
    cell = (width - left - 8) / 24
    height = top + 7 * cell + 22
    peak = max(max(row) for row in grid) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" width="100%" '
        f'role="img" aria-label="{_e(title)}" class="chart chart-heatmap">',
        f"<title>{_e(title)}</title>",
        f'<text x="{left}" y="14" font-size="12" font-weight="bold">{_e(title)}</text>',
    ]
    for r, row in enumerate(grid):
        y = top + r * cell
        parts.append(
            f'<text x="{left - 6}" y="{y + cell * 0.65:.1f}" font-size="10" text-anchor="end">{_e(weekdays[r])}</text>'
        )
        for h, n in enumerate(row):
            x = left + h * cell
            shade = _shade(n / peak) if n else "#f7f7f7"
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{cell - 1:.1f}" height="{cell - 1:.1f}" '
                f'fill="{shade}"><title>{_e(weekdays[r])} {h:02d}:00 — {n}</title></rect>'
            )
            if n:
                ink = "#fff" if n / peak > 0.55 else "#222"
                parts.append(
                    f'<text x="{x + cell / 2 - 0.5:.1f}" y="{y + cell * 0.65:.1f}" font-size="9" '
                    f'text-anchor="middle" fill="{ink}">{n}</text>'
                )
    for h in range(0, 24, 3):
        parts.append(
            f'<text x="{left + h * cell + cell / 2:.1f}" y="{top + 7 * cell + 14:.1f}" font-size="10" '
            f'text-anchor="middle">{h:02d}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _shade(fraction: float) -> str:
    """White → dark red, linear."""
    fraction = min(max(fraction, 0.0), 1.0)
    r = round(255 - (255 - 165) * fraction)
    g = round(235 - 235 * fraction * 0.9)
    b = round(230 - 230 * fraction * 0.9)
    return f"#{r:02x}{g:02x}{b:02x}"


def _categories_in(counts: object) -> list[str]:
    seen: set[str] = set()
    for c in counts:  # type: ignore[attr-defined]
        seen.update(k for k, v in c.items() if v)
    known = [cat for cat in CATEGORY_COLOURS if cat in seen]
    others = sorted(seen - set(CATEGORY_COLOURS) - {UNFLAGGED})
    return known + others + ([UNFLAGGED] if UNFLAGGED in seen else [])


def _text_width(text: str) -> float:
    """About how wide a label is at font-size 10: CJK and full-width characters twice a Latin one."""
    return sum(10.0 if ord(c) >= 0x2E80 else 6.0 for c in text)


def _legend_columns(cats: Sequence[str], labels: Mapping[str, str] | None = None, width: int = 720) -> int:
    """As many columns as the widest label allows (box, gap and label), at most four: never overlapping."""
    widest = max((_text_width((labels or {}).get(c, c)) for c in cats), default=0.0) + 24
    return max(1, min(4, int((width - 36) // widest)))


def _legend_rows(cats: Sequence[str], labels: Mapping[str, str] | None = None) -> int:
    columns = _legend_columns(cats, labels)
    return (len(cats) + columns - 1) // columns


def _legend(cats: Sequence[str], labels: Mapping[str, str], *, y: float, left: int, width: int) -> list[str]:
    out = []
    columns = _legend_columns(cats, labels, width)
    col_w = (width - left) / columns
    for i, cat in enumerate(cats):
        x = left + (i % columns) * col_w
        yy = y + 18 * (i // columns)
        out.append(f'<rect x="{x:.1f}" y="{yy - 9:.1f}" width="10" height="10" fill="{colour(cat)}"/>')
        out.append(f'<text x="{x + 14:.1f}" y="{yy:.1f}" font-size="10">{_e(labels.get(cat, cat))}</text>')
    return out
