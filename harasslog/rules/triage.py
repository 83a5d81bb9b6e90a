"""The review tier of wording detection: what is probably a breach but not certain enough to be a
finding. Each item names a category, a score, the span of the original text that led to it and why,
so a person can accept or reject it; a dossier uses it only once accepted.

Contract (issue 11): `review_items` never repeats what the findings tier already found (same
category over an overlapping span), returns spans of the ORIGINAL text, scores in [0, 1], items
ordered by position, and `why` in the reader's language (zh|en).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..catalog import t
from ..models import Match, ReviewItem
from . import model
from .pack import RulePack
from .wording import MAX_CHECKED, normalize


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
    return _model_items(text, findings, lang)


def _model_items(text: str, findings: Sequence[Match], lang: str) -> list[ReviewItem]:
    """The statistical layer's items (rules/model.py): one per category the model passes and the
    findings did not already name anywhere in the text, its span the strongest evidence region."""
    norm = normalize(text[:MAX_CHECKED])
    scored = model.score(norm.text)
    if not scored.passed:
        return []
    found = {m.category for m in findings}
    zh = lang == "zh"
    out = []
    for category in scored.passed[:3]:
        if category in found:
            continue
        regions = model.evidence(norm.text, category)
        if not regions:
            continue
        spans = [norm.span(s, e) for s, e, _ in regions[:3]]
        quotes = ("、" if zh else ", ").join(f"“{text[s:e]}”" for s, e in spans)
        label = t(lang if zh else "en", f"categories.{category}")
        own = scored.scores[category] >= model.load().threshold(category)  # a category's own threshold
        score = scored.scores[category] if own else scored.scores[model.ANY]
        if own:
            why = (
                f"措辞与已知的“{label}”相似（{score:.2f}）：{quotes}"
                if zh
                else (f"wording like known cases of “{label}” (score {score:.2f}): {quotes}")
            )
        else:
            why = (
                f"措辞与已知的违规催收相似（{score:.2f}），最接近“{label}”：{quotes}"
                if zh
                else (f"wording like known breaches (score {score:.2f}), nearest “{label}”: {quotes}")
            )
        start, end = spans[0]
        out.append(ReviewItem(category, round(score, 2), text[start:end], start, end, why))
    out.sort(key=lambda i: (i.start, i.end, i.category))
    return out
