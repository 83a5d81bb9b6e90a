"""The review tier of wording detection: what is probably a breach but not certain enough to be a
finding. Each item names a category, a score, the span of the original text that led to it and why,
so a person can accept or reject it; a dossier uses it only once accepted.

Contract (issue 11): `review_items` never repeats what the findings tier already found (a
category the findings name in this message: one message is one breach of a kind, however many of
its phrases point to it; a dossier must not count it twice), returns spans of the ORIGINAL text, scores in [0, 1], items
ordered by position, and `why` in the reader's language (zh|en).

Sources of items, each a private function so they stay independent:
- `_rule_items`: the packs' review-tier wording rules (`tier = "review"`), one item per merged span
  of a rule, scored by the rule's `params.score` (default loader.REVIEW_SCORE), why = its title.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..catalog import t
from ..models import Match, ReviewItem
from . import model
from .loader import REVIEW_SCORE
from .pack import RulePack
from .wording import MAX_CHECKED, matcher_for, normalize

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
    rule_matches: Sequence[Match] | None = None,
) -> list[ReviewItem]:
    """What a person should look at in text, beyond `findings` (the findings tier's matches).

    recipient: who received the message when known ("borrower", "third_party", or a party kind such
    as "relative", "friend", "employer"); None when unknown.
    rule_matches: the review-tier rules' matches in text when the caller has scanned it already
    (the engine scans both tiers at once); None scans it here.
    """
    if not text:
        return []
    pack_list = list(packs) if isinstance(packs, list) else [packs]
    items = _rule_items(text, pack_list, lang, rule_matches)
    items += _model_items(text, lang, {m.category for m in findings} | {i.category for i in items})
    kept = [i for i in items if not _already_found(i, findings)]
    kept.sort(key=lambda i: (i.start, i.end, i.rule_id, i.category))
    return kept


def _already_found(item: ReviewItem, findings: Sequence[Match]) -> bool:
    """The findings tier already names this category in the message: nothing left to review."""
    return any(m.category == item.category for m in findings)


def _rule_items(
    text: str, packs: list[RulePack], lang: str, matches: Sequence[Match] | None = None
) -> list[ReviewItem]:
    """One item per merged span of each review-tier wording rule that matches."""
    if matches is None:
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


def _model_items(text: str, lang: str, named: set[str]) -> list[ReviewItem]:
    """The statistical layer's items (rules/model.py), for a message that no finding or review-tier
    rule names (`named` is empty): one per category the model passes, its span the strongest
    evidence. A message a rule already names reaches a person anyway; the model's guesses at more
    categories for it were mostly wrong ones (an insult read into 欠钱不还)."""
    if named:
        return []
    norm = normalize(text[:MAX_CHECKED])
    scored = model.score(norm.text)
    if not scored.passed:
        return []
    zh = lang == "zh"
    out = []
    for category in scored.passed[:3]:
        regions = model.evidence(norm.text, category)
        if not regions:
            continue
        spans = [norm.span(s, e) for s, e, _ in regions[:3]]
        quotes = ("、" if zh else ", ").join(f"“{text[s:e]}”" for s, e in spans)
        label = t("zh" if zh else "en", f"categories.{category}")
        own = scored.scores[category] >= model.load().threshold(category)  # its own threshold, not only "any"
        score = scored.scores[category] if own else scored.scores[model.ANY]
        if own:
            why = (
                f"措辞与已知的“{label}”相似（{score:.2f}）：{quotes}"
                if zh
                else f"wording like known cases of “{label}” (score {score:.2f}): {quotes}"
            )
        else:
            why = (
                f"措辞与已知的违规催收相似（{score:.2f}），最接近“{label}”：{quotes}"
                if zh
                else f"wording like known breaches (score {score:.2f}), nearest “{label}”: {quotes}"
            )
        start, end = spans[0]
        out.append(ReviewItem(category, round(score, 2), text[start:end], start, end, why))
    return out
