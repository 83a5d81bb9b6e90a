"""The review tier of wording detection: what is probably a breach but not certain enough to be a
finding. Each item names a category, a score, the span of the original text that led to it and why,
so a person can accept or reject it; a dossier uses it only once accepted.

Contract (issue 11): `review_items` never repeats what the findings tier already found (same
category over an overlapping span), returns spans of the ORIGINAL text, scores in [0, 1], items
ordered by position, and `why` in the reader's language (zh|en).

Sources of items, each a private function so they stay independent:
- `_rule_items`: the packs' review-tier wording rules (`tier = "review"`), one item per merged span
  of a rule, scored by the rule's `params.score` (default loader.REVIEW_SCORE), why = its title.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Match, ReviewItem
from .loader import REVIEW_SCORE
from .pack import RulePack
from .wording import matcher_for

# Items that no rule raised (the statistical layer's, rule_id "") are stored and reviewed under a
# stable id of their category, "MODEL:<category>", so a decision on one survives re-analysis.
MODEL_RULE = "MODEL"


def stable_rule_id(item: ReviewItem) -> str:
    """The rule id an item is stored and reviewed under: its rule's, else MODEL:<category>."""
    return item.rule_id or f"{MODEL_RULE}:{item.category}"


def review_items(
    text: str,
    packs: RulePack | list[RulePack],
    findings: Sequence[Match] = (),
    *,
    lang: str = "en",
    recipient: str | None = None,
) -> list[ReviewItem]:
    """What a person should look at in text, beyond `findings` (the findings tier's matches).

    recipient: who received the message when known ("borrower", "third_party", or a party kind such
    as "relative", "friend", "employer"); None when unknown.
    """
    if not text:
        return []
    pack_list = list(packs) if isinstance(packs, list) else [packs]
    items = _rule_items(text, pack_list, lang)
    kept = [i for i in items if not _already_found(i, findings)]
    kept.sort(key=lambda i: (i.start, i.end, i.rule_id, i.category))
    return kept


def _already_found(item: ReviewItem, findings: Sequence[Match]) -> bool:
    """The findings tier holds this category over an overlapping span: nothing left to review."""
    return any(m.category == item.category and m.start < item.end and item.start < m.end for m in findings)


def _rule_items(text: str, packs: list[RulePack], lang: str) -> list[ReviewItem]:
    """One item per merged span of each review-tier wording rule that matches."""
    matches = matcher_for(packs, tier="review").scan(text)
    if not matches:
        return []
    rules = {r.id: r for p in packs for r in p.rules}
    out = []
    for m in matches:
        rule = rules[m.rule_id]
        score = float(rule.params.get("score", REVIEW_SCORE))
        out.append(ReviewItem(m.category, score, m.text, m.start, m.end, rule.title(lang), rule.id))
    return out
