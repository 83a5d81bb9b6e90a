"""What a loaded rule pack holds (Rule, RulePack) and the macros its patterns may use.

Its own module so the loader (which builds packs) and the matcher (which compiles them) both depend
on it and not on each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..models import Citation


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    category: str
    severity: str
    title_zh: str
    title_en: str
    explanation_zh: str
    explanation_en: str
    citations: tuple[Citation, ...]
    params: dict[str, Any] = field(default_factory=dict)
    examples: tuple[dict[str, Any], ...] = ()
    patterns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exceptions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    status: str = "stable"
    # A conditional threat: consequence words count only within params.within characters of one
    # of the pack's conditions (an ultimatum: 再不还/否则/if you don't/unless...).
    consequences: dict[str, tuple[str, ...]] = field(default_factory=dict)
    conditions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Wording rules only: "finding" (what a lawyer can sign) or "review" (probably a breach, not
    # certain: shown to a person to accept or reject, never used in a dossier until accepted).
    tier: str = "finding"

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def explanation(self, lang: str) -> str:
        return self.explanation_zh if lang == "zh" else self.explanation_en

    @property
    def active(self) -> bool:
        return self.status in ("stable", "preview")


@dataclass(frozen=True)
class RulePack:
    id: str
    version: str
    jurisdiction: str
    title_zh: str
    title_en: str
    example_tz: str
    rules: tuple[Rule, ...]
    source: str = ""

    def rule(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


# ---------------------------------------------------------------- pattern macros

GAP = r"[^。！？.!?\n]"  # any character inside one sentence
_MACRO = re.compile(r"<gap(\d*)>")


def expand(pattern: str) -> str:
    """Patterns may write <gap> (up to 10 chars in the same sentence) or <gapN> (up to N)."""
    return _MACRO.sub(lambda m: f"{GAP}{{0,{m.group(1) or 10}}}", pattern)
