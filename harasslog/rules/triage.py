"""The review tier of wording detection: what is probably a breach but not certain enough to be a
finding. Each item names a category, a score, the span of the original text that led to it and why,
so a person can accept or reject it; a dossier uses it only once accepted.

Contract (issue 11): `review_items` never repeats what the findings tier already found (same
category over an overlapping span), returns spans of the ORIGINAL text, scores in [0, 1], items
ordered by position, and `why` in the reader's language (zh|en).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Match, ReviewItem
from .pack import RulePack


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
    return []  # filled in by the review-tier work of issue 11
